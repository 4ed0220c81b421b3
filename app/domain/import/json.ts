/**
 * Import of the interchange format itself (what export writes and `check-report --json`
 * prints), so a report can travel between systems and come back unchanged.
 */
import { FORMAT, emptyReport, validateReport } from "../report";
import { fieldLabel } from "../vocabulary";
import { REQUIRED_PATHS, type ImportResult } from "./text";

export function looksLikeInterchangeJson(text: string): boolean {
  return /^\s*\{/.test(text) && text.includes(FORMAT);
}

function leafPaths(value: unknown, path: string, out: string[]) {
  if (value === null || typeof value !== "object") {
    if (path) out.push(path);
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => leafPaths(item, `${path}[${i}]`, out));
  else for (const [key, child] of Object.entries(value)) leafPaths(child, path ? `${path}.${key}` : key, out);
}

export function parseInterchangeJson(text: string): ImportResult {
  const failure = (error: string): ImportResult => ({ ok: false, document: emptyReport(), sources: {}, uncertain: [], missing: [], warnings: [], narrative: {}, template: null, error });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return failure("JSON 格式错误，无法读取");
  }
  // A check-report --json line wraps the document.
  if (value && typeof value === "object" && "document" in value && !("format" in value)) value = (value as { document: unknown }).document;
  // The same schema, limits included, as every other write: a JSON file is no way around them.
  const parsed = validateReport(value);
  if (!parsed.ok) {
    const [path, message] = Object.entries(parsed.errors)[0];
    const where = path === "_form" ? "（根）" : fieldLabel(path) === path ? path : `${fieldLabel(path)}（${path}）`;
    return failure(`不是有效的 ${FORMAT} 报告：${where} ${message}`);
  }
  const paths: string[] = [];
  leafPaths(parsed.document, "", paths);
  const sources = Object.fromEntries(paths.filter((p) => p !== "format").map((p) => [p, { line: 1, text: "JSON" }]));
  const missing = REQUIRED_PATHS.filter((p) => {
    const v = p.split(".").reduce<unknown>((o, k) => (o == null ? undefined : (o as Record<string, unknown>)[k]), parsed.document);
    return v == null || v === "" || (Array.isArray(v) && v.length === 0);
  });
  return { ok: true, document: parsed.document, sources, uncertain: [], missing: [...missing], warnings: [], narrative: parsed.document.narrative ?? {}, template: null };
}
