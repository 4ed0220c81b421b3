/**
 * Numbers as Chinese reports write them → interchange-format strings.
 * Pure; every regex here is linear (no nested unbounded quantifiers) because imports
 * run on untrusted text.
 */
import { Decimal, canonical, decimalProblem, yuanToWan } from "~/domain/money";
import { MINUS_SIGNS, groupedDigits, readCount, readDecimal } from "~/domain/numerals";
import { parsePath } from "~/domain/paths";
import { decimalKindOf, validateReport, type ReportDocument } from "~/domain/report";
import { fieldLabel } from "~/domain/vocabulary";

/** A plain decimal number after `normalizeNumerals`; the lookbehind keeps scans linear. */
export const NUMBER = String.raw`(?<![\d.])(-?\d+(?:\.\d+)?)`;
/** Money units the narrative uses; 万元 is the interchange unit. */
export const MONEY_UNIT = String.raw`\s*(万元|亿元|元)`;

/** More integer digits than any real amount: treated as garbage, not as a number. */
const MAX_INTEGER_DIGITS = 15;
const MAX_FRACTION_DIGITS = 10;
/** Units a table cell may write after its number; cellNumber drops them. */
const CELL_UNITS = ["%", "分", "万元", "元"] as const;

const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g;
const MINUS_BEFORE_DIGIT = new RegExp(`[${MINUS_SIGNS}](?=\\d)`, "g");
const ASCII_GROUPS = new RegExp(String.raw`(?<![\d.])${groupedDigits(",")}(?!\d)`, "g");
const FULL_WIDTH_GROUPS = new RegExp(String.raw`(?<![\d.])${groupedDigits("，")}(?=\.\d|\s*万?元)`, "g");
/** Most lines hold no number at all: skip the rewriting passes for them. */
const NUMERAL_HINT = /[\d\uFF10-\uFF19％]/;

/**
 * Fold the ways numbers get written in running text into plain ASCII so one set of patterns
 * reads them all: full-width digits and ％ ． －, the minus look-alikes of numerals.ts, and
 * thousands separators (1,286.40 → 1286.40). A full-width comma only counts as a separator
 * before a decimal point or 元, because "3，200人" is more often a list than a number. Other
 * text (Chinese punctuation) is left alone, so this is not NFKC. One number on its own (a
 * cell, a captured figure) is read by numerals.ts's readDecimal.
 */
export function normalizeNumerals(text: string): string {
  if (!NUMERAL_HINT.test(text)) return text;
  return text
    .replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/％/g, "%")
    .replace(/(\d)．(?=\d)/g, "$1.")
    .replace(MINUS_BEFORE_DIGIT, "-")
    .replace(ASCII_GROUPS, (m) => m.replace(/,/g, ""))
    .replace(FULL_WIDTH_GROUPS, (m) => m.replace(/，/g, ""));
}

/** A decimal string within the import's digit caps, else null (garbage, not a number). */
function withinDigits(value: string | null): string | null {
  if (value === null) return null;
  const [int, frac = ""] = value.replace(/^-/, "").split(".");
  return int.length > MAX_INTEGER_DIGITS || frac.length > MAX_FRACTION_DIGITS ? null : value;
}

/**
 * A decimal number as written (read by numerals.ts), made safe for the schema: leading zeros
 * and a negative zero dropped, trailing zeros kept (they carry the stated precision). Null for
 * garbage or absurd magnitudes.
 */
export function cleanDecimal(raw: string): string | null {
  return withinDigits(readDecimal(raw));
}

/**
 * An amount with its unit → 万元 decimal string (元 and 亿元 converted exactly). Null beyond
 * the amount limit of money.ts (callers warn and leave the field out), so an import never
 * carries an amount that no report may hold. Too many decimals are kept: callers warn, and
 * the document schema then names the field.
 */
export function toWan(number: string, unit: string): string | null {
  const value = cleanDecimal(number);
  if (value === null) return null;
  const wan = unit === "元" ? yuanToWan(value) : unit === "亿元" ? canonical(new Decimal(value).times(10_000)) : value;
  return decimalProblem(wan, "signedAmount") === "tooLarge" ? null : wan;
}

/** A non-negative integer count ("24" → 24); null for anything else or beyond the schema's cap. */
export function toCount(raw: string): number | null {
  const count = readCount(raw);
  return typeof count === "number" ? count : null;
}

/**
 * The number in a table cell such as "20%", "１０分", "1,286.40", " 98 " → decimal string.
 * Null when the cell holds anything else (text, two numbers, garbage).
 */
export function cellNumber(cell: string): string | null {
  return withinDigits(readDecimal(cell, CELL_UNITS));
}

/**
 * Figures an import found that no report may hold (the limits of money.ts: too many
 * decimals, negative where it cannot be, beyond the bounds; the lines' sum beyond the amount
 * bound) are left out of the document, in place, each with a warning — as `clip` does for
 * text: one absurd number in a sentence does not reject the whole file, and nothing outside
 * the limits reaches a draft. Returns the paths dropped and their warnings.
 */
export function dropOutOfRangeNumbers(doc: ReportDocument): Array<{ path: string; message: string }> {
  const dropped: Array<{ path: string; message: string }> = [];
  // A dropped line amount can only lower the lines' sum: two rounds settle everything.
  for (let round = 0; round < 3; round++) {
    const checked = validateReport(doc);
    if (checked.ok) break;
    let changed = false;
    for (const [path, message] of Object.entries(checked.errors)) {
      if (!decimalKindOf(path)) continue;
      const segments = parsePath(path);
      const parent = segments.slice(0, -1).reduce<any>((node, key) => node?.[key], doc);
      const key = segments[segments.length - 1];
      if (parent == null || typeof parent[key] !== "string") continue;
      const value = String(parent[key]);
      parent[key] = null;
      changed = true;
      dropped.push({ path, message: `${fieldLabel(path)}的数值${value.length > 24 ? `${value.slice(0, 24)}…` : value}无法保存（${message}），已忽略` });
    }
    if (!changed) break;
  }
  return dropped;
}

/** Number of decimals beyond what 万元 storage keeps (6); callers warn. */
export function exceedsStoragePrecision(wan: string): boolean {
  const dot = wan.indexOf(".");
  return dot >= 0 && wan.length - dot - 1 > 6;
}

const NATURE_SYNONYMS: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["≥", ["≥", "≧", "⩾", ">=", "大于等于", "大于或等于", "不低于", "不少于", "不小于"]],
  ["≤", ["≤", "≦", "⩽", "<=", "小于等于", "小于或等于", "不高于", "不超过", "不大于", "不多于"]],
  ["=", ["=", "==", "等于"]],
  ["定性", ["定性"]],
];

/**
 * 指标性质 → ≥ ≤ = 定性. Unknown natures (满意率, 大于) are returned as written so the rules
 * engine can raise NATURE_INVALID instead of the import guessing.
 */
export function normalizeNature(raw: string): string {
  const written = raw.trim();
  const folded = written.replace(/＞/g, ">").replace(/＜/g, "<").replace(/＝/g, "=").replace(/\s+/g, "");
  for (const [nature, synonyms] of NATURE_SYNONYMS) {
    if (synonyms.includes(folded)) return nature;
  }
  return written;
}

/**
 * A comparator written in front of a target ("≥98", "不低于95", "≥ 95%") → [nature, rest]. A
 * strict > or < is split off as written (">", "<"): it is no nature a report may use, and the
 * rules say so (NATURE_INVALID) rather than the import rounding it to ≥ or ≤.
 */
export function splitLeadingComparator(raw: string): [string, string] | null {
  const m = /^(≥|≧|≤|≦|>=|<=|＞＝|＜＝|＞=|＜=|>＝|<＝|大于等于|小于等于|不低于|不高于|不少于|不超过|=|＝|>|<|＞|＜)\s*(.+)$/.exec(raw.trim());
  if (!m) return null;
  const comparator = m[1].replace("＞", ">").replace("＜", "<");
  return [normalizeNature(comparator), m[2].trim()];
}

/** Units a target may write after its number; 百分比 is the percent sign spelled out. */
const PERCENT_WORDS = /^(?:%|百分比|百分率)$/;
/** A unit word is short and no qualifier: "3个工作日内", "90%以上" are targets as written, not a number and a unit. */
const TARGET_UNIT = /^(-?\d+(?:\.\d+)?)\s*([^\d\s.][^\d\s]{0,7})$/;
const QUALIFIER = /[以内上下前后左右约及或和、，,。；;：:（）()]/;

/**
 * A target with its unit written after the number ("50个", "90万元", "100%", "100百分比",
 * after normalizeNumerals) → [number, unit], 百分比 read as %. Null when the text is not one
 * number and one short unit.
 */
export function splitTrailingUnit(raw: string): [string, string] | null {
  const m = TARGET_UNIT.exec(raw.trim());
  if (!m || QUALIFIER.test(m[2])) return null;
  return [m[1], PERCENT_WORDS.test(m[2]) ? "%" : m[2]];
}
