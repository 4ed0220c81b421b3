/**
 * CSV for Excel/WPS, safe against formula injection (OWASP "CSV Injection"): every CSV the
 * app or its CLIs write goes through `csvCell` / `toCsv`. Unit names, file names, paths and
 * messages come from untrusted reports, and a spreadsheet runs a cell such as
 * `-1+HYPERLINK("http://…")` or `=cmd|…` as a formula.
 *
 * - A string whose first character, or first character after leading blanks, is one of
 *   = + - @ (also their full-width forms ＝ ＋ － ＠, which the Chinese input methods produce
 *   and WPS may read as a formula), or which starts with TAB, CR or LF, gets a leading `'`
 *   and is quoted: the spreadsheet shows it as text.
 * - A string that is a plain decimal number ("-12.5", "575.65") is left as it is: it cannot
 *   be a formula, and the chart tables carry their numbers as such strings.
 * - Numbers and bigints are written as numbers (NaN and ±Infinity as an empty cell).
 * - A field holding `"`, `,`, CR or LF is quoted, `"` doubled (RFC 4180).
 * Pure.
 */

export type CsvValue = string | number | bigint | null | undefined;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const BLANKS = /^[\s\u00a0\u3000\ufeff]*/;
const TRIGGER = /^[=+\-@\uff1d\uff0b\uff0d\uff20]/;

/** Whether a string would be read as a formula (or DDE command) by a spreadsheet. */
export function isFormulaLike(value: string): boolean {
  if (value === "" || PLAIN_NUMBER.test(value)) return false;
  if (/^[\t\r\n]/.test(value)) return true;
  return TRIGGER.test(value.replace(BLANKS, ""));
}

export function csvCell(value: CsvValue): string {
  if (value == null) return "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = String(value);
  const guarded = isFormulaLike(text) ? `'${text}` : text;
  return guarded !== text || /[",\r\n]/.test(text) ? `"${guarded.replace(/"/g, '""')}"` : text;
}

/** Rows → CSV text with CRLF line ends and a BOM (Excel on Chinese Windows reads UTF-8 only with it). */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<CsvValue>>): string {
  return "\ufeff" + rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
