import type { InputHTMLAttributes, ReactNode } from "react";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
}

/** A labelled input with its error beside it (linked for screen readers). */
export function Field({ label, name, error, hint, id, ...input }: FieldProps) {
  const inputId = id ?? `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} name={name} aria-invalid={error ? true : undefined} aria-describedby={error ? `${inputId}-error` : undefined} {...input} />
      {hint ? <span className="muted">{hint}</span> : null}
      {error ? <span className="field-error" id={`${inputId}-error`} role="alert">{error}</span> : null}
    </div>
  );
}

export function FormError({ message }: { message?: string }) {
  return message ? <div className="form-error" role="alert">{message}</div> : null;
}
