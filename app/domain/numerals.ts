/**
 * Numbers as people write them, read one way wherever they come from: a field of the report
 * form, a cell of an imported table, a figure captured from an imported report's prose, an
 * indicator's target or actual, an admin's rule threshold. Pure; every regex here is linear
 * (imports run on untrusted text).
 *
 * One number as written (`foldNumeral`, then `readDecimal`):
 *   - NFKC folds full-width digits and ．，％＋－ and the ideographic space (１２３．４５ → 123.45);
 *   - the minus look-alikes − ‒ – ﹣ － become -;
 *   - every blank is dropped, surrounding and inner;
 *   - one trailing unit the caller allows ("%", "分", "万元", …) is dropped, the longest that fits;
 *   - a leading + is dropped;
 *   - thousands separators are removed when every group is well formed (1,286.40 and 1，286.40
 *     → 1286.40; "1,28" keeps its comma, so it is not a number);
 *   - "5." → "5", ".5" → "0.5", leading zeros and the sign of a zero are dropped.
 * The decimals are otherwise kept as written ("9.30" stays "9.30"): the rules read the rounding
 * tolerance of a figure from its written decimals. No exponents, no Infinity, no hex.
 * How large and how precise a number may be is each caller's business (the schema's limits for
 * the form, digit caps for imports).
 */

/** Characters written for a minus sign: − (U+2212), ‒ (U+2012), – (U+2013), ﹣ and －. */
export const MINUS_SIGNS = "\u2212\u2012\u2013\uFE63\uFF0D";
const MINUS = new RegExp(`[${MINUS_SIGNS}]`, "g");

/** Digits in well-formed thousands groups with `separator` between them ("1,286", "12,864,500"). */
export function groupedDigits(separator: string): string {
  return String.raw`\d{1,3}(?:${separator}\d{3})+`;
}
const GROUPED = new RegExp(String.raw`^-?${groupedDigits(",")}(?:\.\d*)?$`);

/** The schema's cap on counts (headcounts, project counts). */
export const MAX_COUNT = 10_000_000;

/**
 * Fold one number as written into ASCII (see above), dropping one trailing unit of `units`.
 * The result may still be garbage; `readDecimal` checks it.
 */
export function foldNumeral(raw: string, units: readonly string[] = []): string {
  let s = raw.normalize("NFKC").replace(MINUS, "-").replace(/\s+/g, "");
  let unit = "";
  for (const u of units) if (u.length > unit.length && s.endsWith(u)) unit = u;
  if (unit) s = s.slice(0, -unit.length);
  if (s.startsWith("+")) s = s.slice(1);
  if (GROUPED.test(s)) s = s.replace(/,/g, "");
  return s;
}

/**
 * One number as written → its decimal string (see above), or null when the text is not
 * exactly one number (text, two numbers, an exponent, a unit not in `units`).
 */
export function readDecimal(raw: string, units: readonly string[] = []): string | null {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(foldNumeral(raw, units));
  if (!m) return null;
  const [, sign, intRaw, fracRaw] = m;
  if (!intRaw && !fracRaw) return null; // "", "-", ".", "-."
  const int = intRaw.replace(/^0+(?=\d)/, "") || "0";
  const body = fracRaw ? `${int}.${fracRaw}` : int;
  return sign && /[1-9]/.test(body) ? `-${body}` : body;
}

export type CountProblem = "notNumber" | "notInteger" | "negative" | "tooLarge";

/** A count as written ("24", "１,２００", " 07 ") → integer 0…MAX_COUNT, or what is wrong with it. */
export function readCount(raw: string): number | CountProblem {
  const value = readDecimal(raw);
  if (value === null) return "notNumber";
  if (value.includes(".")) return "notInteger";
  if (value.startsWith("-")) return "negative";
  if (value.length > 9 || Number(value) > MAX_COUNT) return "tooLarge";
  return Number(value);
}
