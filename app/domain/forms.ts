/**
 * The one form helper: FormData → zod-validated value, or field errors in Chinese plus the
 * submitted strings, so a page can show each error beside its field and keep what was typed.
 */
import type { z } from "zod";

export type FieldErrors = Record<string, string>;
export type FormResult<T> =
  | { ok: true; value: T; fields: Record<string, string> }
  | { ok: false; errors: FieldErrors; fields: Record<string, string> };

export function formFields(formData: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && key !== "password" && !key.endsWith("Password")) fields[key] = value;
  }
  return fields;
}

export function parseForm<S extends z.ZodType>(schema: S, formData: FormData): FormResult<z.infer<S>> {
  const raw: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === "string") raw[key] = value;
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data, fields: formFields(formData) };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join(".") || "_form";
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, fields: formFields(formData) };
}
