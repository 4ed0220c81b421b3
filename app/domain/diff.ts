/**
 * Field-by-field differences between two revisions of a report, with paths in the flag
 * format (`targets.indicators[4].score`), so a reviewer sees exactly what a resubmission changed.
 */
// The review view labels the changes from here; the labels are the vocabulary's.
export { fieldLabel } from "./vocabulary";

export interface FieldChange {
  path: string;
  before: string | null;
  after: string | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function leaves(value: Json | undefined, path: string, out: Map<string, string | null>) {
  if (value === undefined) return;
  if (value === null || typeof value !== "object") {
    out.set(path, value === null ? null : String(value));
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, null);
    value.forEach((item, i) => leaves(item, `${path}[${i}]`, out));
    return;
  }
  for (const [key, child] of Object.entries(value)) leaves(child, path ? `${path}.${key}` : key, out);
}

export function diffDocuments(before: unknown, after: unknown): FieldChange[] {
  const a = new Map<string, string | null>();
  const b = new Map<string, string | null>();
  leaves(before as Json, "", a);
  leaves(after as Json, "", b);
  const changes: FieldChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(path) ?? null;
    const y = b.get(path) ?? null;
    if (x !== y) changes.push({ path, before: x, after: y });
  }
  return changes;
}
