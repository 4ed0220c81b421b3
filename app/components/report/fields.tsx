/**
 * Inputs bound to a path of the FormDocument. Every one has the id `field-<path>` (flags
 * scroll to it, the browser tests find it) and a label: a visible <label> in the grid, an
 * aria-label in table cells. Read-only mode renders the value as text under the same id.
 */
import type { ChangeEvent, ReactNode } from "react";
import { numberKindOf } from "~/domain/formDocument";
import { fieldId } from "~/domain/paths";
import { SEVERITY_LABELS } from "~/domain/vocabulary";
import { flagClass, useField, type DisplayFlag } from "./context";
import { FIELD_LABELS } from "./labels";

/** The error and the flags of one field, below it. */
export function FieldMessages({ path, error, flags }: { path: string; error?: string; flags: readonly DisplayFlag[] }) {
  if (!error && flags.length === 0) return null;
  return (
    <div className="field-messages" id={`${fieldId(path)}-messages`}>
      {error ? <span className="field-error" role="alert">{error}</span> : null}
      {flags.map((f) => (
        <span key={f.key} className={`field-flag sev-${f.flag.severity}`}>
          {SEVERITY_LABELS[f.flag.severity]}：{f.flag.message}
        </span>
      ))}
    </div>
  );
}

interface BaseProps {
  path: string;
  /** Defaults to FIELD_LABELS[path]. */
  label?: string;
  /** In a table cell: no visible label, the label becomes the aria-label. */
  cell?: boolean;
  hint?: ReactNode;
  className?: string;
}

function Shell({ path, label, cell, hint, className, error, flags, children }: BaseProps & { label: string; error?: string; flags: readonly DisplayFlag[]; children: ReactNode }) {
  const classes = [cell ? "cell-field" : "field report-field", flagClass(flags), className].filter(Boolean).join(" ");
  return (
    <div className={classes}>
      {cell ? null : <label htmlFor={fieldId(path)}>{label}</label>}
      {children}
      {hint ? <span className="field-hint muted">{hint}</span> : null}
      <FieldMessages path={path} error={error} flags={flags} />
    </div>
  );
}

/** Read-only: the value as text (flags still beside it, for the reviewer). */
function ReadOnlyValue({ path, label, cell, value, className, flags }: BaseProps & { label: string; value: string; flags: readonly DisplayFlag[] }) {
  return (
    <div className={[cell ? "cell-field" : "field report-field", flagClass(flags), className].filter(Boolean).join(" ")}>
      {cell ? null : <span className="ro-label">{label}</span>}
      <span id={fieldId(path)} className="ro-value" tabIndex={-1} aria-label={cell ? label : undefined}>
        {value.trim() === "" ? "—" : value}
      </span>
      <FieldMessages path={path} flags={flags} />
    </div>
  );
}

function inputProps(path: string, label: string, cell: boolean | undefined, f: ReturnType<typeof useField>) {
  const describedBy = f.error || f.flags.length ? `${fieldId(path)}-messages` : undefined;
  return {
    id: fieldId(path),
    value: f.value,
    "aria-label": cell ? label : undefined,
    "aria-invalid": f.error ? true : undefined,
    "aria-describedby": describedBy,
    onBlur: f.onBlur,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => f.onChange(e.target.value),
  };
}

/** A number as typed (kept as text so nothing the user types is lost or reformatted). */
export function NumberField(props: BaseProps) {
  const label = props.label ?? FIELD_LABELS[props.path] ?? props.path;
  const f = useField(props.path);
  if (!f.editable) return <ReadOnlyValue {...props} label={label} value={f.value} flags={f.flags} />;
  const kind = numberKindOf(props.path);
  return (
    <Shell {...props} label={label} error={f.error} flags={f.flags}>
      <input
        type="text"
        inputMode={kind === "count" || kind === "year" ? "numeric" : "decimal"}
        autoComplete="off"
        className="num-input"
        {...inputProps(props.path, label, props.cell, f)}
      />
    </Shell>
  );
}

export function TextField(props: BaseProps & { multiline?: boolean; rows?: number }) {
  const { multiline, rows, ...base } = props;
  const label = base.label ?? FIELD_LABELS[base.path] ?? base.path;
  const f = useField(base.path);
  if (!f.editable) return <ReadOnlyValue {...base} label={label} value={f.value} flags={f.flags} className={multiline ? "ro-multiline" : undefined} />;
  return (
    <Shell {...base} label={label} error={f.error} flags={f.flags}>
      {multiline ? (
        <textarea rows={rows ?? 3} {...inputProps(base.path, label, base.cell, f)} />
      ) : (
        <input type="text" autoComplete="off" {...inputProps(base.path, label, base.cell, f)} />
      )}
    </Shell>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

/**
 * A select over fixed options; a value outside them (an imported "满意率") is kept as an
 * extra option, so opening the form never changes the document.
 */
export function SelectField(props: BaseProps & { options: readonly SelectOption[] }) {
  const { options, ...base } = props;
  const label = base.label ?? FIELD_LABELS[base.path] ?? base.path;
  const f = useField(base.path);
  if (!f.editable) {
    const shown = options.find((o) => o.value === f.value && o.value !== "")?.label ?? f.value;
    return <ReadOnlyValue {...base} label={label} value={shown} flags={f.flags} />;
  }
  const extra = f.value !== "" && !options.some((o) => o.value === f.value);
  return (
    <Shell {...base} label={label} error={f.error} flags={f.flags}>
      <select {...inputProps(base.path, label, base.cell, f)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
        {extra ? <option value={f.value}>{`${f.value}（原填报值）`}</option> : null}
      </select>
    </Shell>
  );
}
