/**
 * Field-by-field differences between two revisions of a report, with paths in the flag
 * format (`targets.indicators[4].score`), so a reviewer sees exactly what a resubmission changed.
 */
import { fieldLabel as vocabularyLabel } from "./vocabulary";

const NARRATIVE = "narrative.";

/**
 * The review view labels the changes from here: the vocabulary's names, and a narrative
 * section by its title (`narrative.存在问题` → 文字说明·存在问题; a title may hold dots).
 */
export function fieldLabel(path: string): string {
  if (path.startsWith(NARRATIVE) && path.length > NARRATIVE.length) return `文字说明·${path.slice(NARRATIVE.length)}`;
  return vocabularyLabel(path);
}

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

export interface ChangeExcerpt {
  before: string;
  after: string;
}

/**
 * The part of a long text that a change touched, both sides, with `context` characters
 * around it and "…" where cut: a reviewer sees the one sentence rewritten in a 10,000-character
 * section. Cuts by code point; a changed part longer than `maxChanged` is cut too.
 */
export function excerptOfChange(before: string, after: string, context = 30, maxChanged = 300): ChangeExcerpt {
  const a = Array.from(before);
  const b = Array.from(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const from = Math.max(0, start - context);
  const cut = (chars: string[]) => {
    const changedEnd = chars.length - end;
    const tooLong = changedEnd - start > maxChanged;
    const to = tooLong ? start + maxChanged : Math.min(chars.length, changedEnd + context);
    return `${from > 0 ? "…" : ""}${chars.slice(from, to).join("")}${to < chars.length ? "…" : ""}`;
  };
  return { before: cut(a), after: cut(b) };
}
