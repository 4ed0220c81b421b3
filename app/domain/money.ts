/**
 * Exact decimal arithmetic for amounts (万元) and percents. Never binary floats:
 * every value is a decimal string in and out, Decimal in between.
 */
import Decimal from "decimal.js";

/** A decimal number as written: optional minus, digits, optional fraction (no exponent, no Infinity). */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

// Enough precision for 18-digit amounts with 6 decimals and their ratios; half-up as
// finance expects (2.675 → 2.68, where Number#toFixed gives 2.67).
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;
export { D as Decimal };

/** A decimal string (as in the interchange format) → Decimal; null for absent or malformed. */
export function dec(value: string | null | undefined): Dec | null {
  if (value == null || !DECIMAL_PATTERN.test(value)) return null;
  return new D(value);
}

/** Number of digits after the decimal point as written ("9.30" → 2, "575" → 0). */
export function decimalPlaces(value: string): number {
  const dot = value.indexOf(".");
  return dot < 0 ? 0 : value.length - dot - 1;
}

/**
 * Half a unit of the last written decimal place: the rounding slack of one reported number
 * ("575.65" → 0.005, "93.4" → 0.05, "26" → 0.5).
 */
export function halfUnit(value: string): Dec {
  return new D(5).times(new D(10).pow(-(decimalPlaces(value) + 1)));
}

/** Canonical string: no trailing zeros, no exponent ("9.30" → "9.3", "-0" → "0"). */
export function canonical(value: Dec): string {
  if (value.isZero()) return "0";
  return value.toFixed();
}

/** Sum of decimal strings, exactly. Absent values are skipped. */
export function sum(values: ReadonlyArray<string | null | undefined>): Dec {
  let total = new D(0);
  for (const v of values) {
    const d = dec(v);
    if (d) total = total.plus(d);
  }
  return total;
}

/** 元 → 万元, exactly ("135220" → "13.522"). */
export function yuanToWan(yuan: string): string {
  return canonical(new D(yuan).dividedBy(10_000));
}

/** 万元 decimal string → integer 分 (1 万元 = 1,000,000 分), for storage. Rejects > 6 decimals. */
export function wanToFen(wan: string): bigint {
  const d = dec(wan);
  if (!d) throw new RangeError(`not a decimal amount: ${wan}`);
  const fen = d.times(1_000_000);
  if (!fen.isInteger()) throw new RangeError(`more than 6 decimals: ${wan}`);
  return BigInt(fen.toFixed(0));
}

/** Integer 分 → canonical 万元 decimal string. */
export function fenToWan(fen: bigint | number | string): string {
  return canonical(new D(fen.toString()).dividedBy(1_000_000));
}

/**
 * a / b as a Decimal, or null when undefined (b absent or zero): callers show "—" and skip
 * the rules that need it, never Infinity.
 */
export function ratio(a: Dec | null, b: Dec | null): Dec | null {
  if (!a || !b || b.isZero()) return null;
  return a.dividedBy(b);
}

/** A ratio as a percent string rounded half-up to `places` ("0.263306" → "26.33"). */
export function toPercent(r: Dec | null, places = 2): string | null {
  if (!r) return null;
  return canonical(new D(r.times(100).toFixed(places)));
}

/** Display with fixed decimals, half-up, thousands separators; "—" for absent. */
export function formatAmount(value: string | null | undefined, places = 2): string {
  const d = dec(value ?? null);
  if (!d) return "—";
  const [int, frac] = d.toFixed(places).split(".");
  const sign = int.startsWith("-") ? "-" : "";
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac ? `${sign}${grouped}.${frac}` : `${sign}${grouped}`;
}

// ——— limits ———————————————————————————————————————————————————————————————————————————

/**
 * The one definition of what a figure in a report may be; the document schema (report.ts)
 * applies it, so the form, import, JSON import, intake, the generator and the model's writes
 * all refuse the same values.
 *
 * Amounts: at most 6 decimals (1 分 = 0.000001 万元) and |amount| < 10,000,000 万元
 * (1000 亿元; a whole county's budget is below 1,000,000 万元), i.e. below 10^13 分. Why so
 * low: amounts are stored as BIGINT 分 and summed per county-year in SQL, and SQLite's
 * driver hands those sums back as JS numbers, exact only up to 2^53 ≈ 9.0e15 分. With each
 * report's amounts (and the sum of its expenditure lines, see report.ts) below 10^13 分, a
 * county's sums stay exact for 900 reports per year, and the city view adds the counties'
 * sums as bigint. Percents (weights included) are within ±1000, scores within 0–1000: wide
 * enough for the consistency rules to flag a score of 110 against a weight of 10, narrow
 * enough to keep every derived ratio finite.
 */
export const MAX_DECIMALS = 6;
export const MAX_AMOUNT = "9999999.999999";
export const MAX_AMOUNT_FEN = 9_999_999_999_999n;
export const MAX_PERCENT = "1000";
export const MAX_SCORE = "1000";

/** amount: ≥ 0; signedAmount: carryover and adjustments; signedPercent: the stated deviation. */
export type DecimalKind = "amount" | "signedAmount" | "percent" | "signedPercent" | "score";

const BOUNDS: Record<DecimalKind, { signed: boolean; max: string }> = {
  amount: { signed: false, max: MAX_AMOUNT },
  signedAmount: { signed: true, max: MAX_AMOUNT },
  percent: { signed: false, max: MAX_PERCENT },
  signedPercent: { signed: true, max: MAX_PERCENT },
  score: { signed: false, max: MAX_SCORE },
};

export type DecimalProblem = "notNumber" | "decimals" | "negative" | "tooLarge";

/** What is wrong with a decimal string (as stored) of a kind, or null when it is within the limits. */
export function decimalProblem(value: string, kind: DecimalKind): DecimalProblem | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return "notNumber";
  if ((m[3]?.length ?? 0) > MAX_DECIMALS) return "decimals";
  const bound = BOUNDS[kind];
  const isZero = /^0+$/.test(m[2]) && /^0*$/.test(m[3] ?? "");
  if (m[1] === "-" && !isZero && !bound.signed) return "negative";
  // More integer digits than the bound has: no need to build a Decimal of 400 digits.
  if (m[2].replace(/^0+(?=\d)/, "").length > bound.max.split(".")[0].length) return "tooLarge";
  if (new D(value).abs().gt(bound.max)) return "tooLarge";
  return null;
}

/** Chinese messages for a limit problem, per kind (the form shows them beside the field). */
export function decimalProblemMessage(problem: DecimalProblem, kind: DecimalKind): string {
  const amount = kind === "amount" || kind === "signedAmount";
  switch (problem) {
    case "notNumber":
      return LIMIT_MESSAGES.notNumber;
    case "decimals":
      return amount ? LIMIT_MESSAGES.amountDecimals : LIMIT_MESSAGES.decimals;
    case "negative":
      return LIMIT_MESSAGES.negative;
    case "tooLarge":
      return amount ? LIMIT_MESSAGES.amountTooLarge : kind === "score" ? LIMIT_MESSAGES.scoreRange : LIMIT_MESSAGES.percentRange;
  }
}

export const LIMIT_MESSAGES = {
  notNumber: "请输入数字",
  amountDecimals: "金额最多6位小数",
  decimals: "最多6位小数",
  negative: "不能为负数",
  amountTooLarge: "金额超出上限（绝对值应小于10,000,000万元）",
  percentRange: "百分比超出合理范围（绝对值不超过1000）",
  scoreRange: "得分超出合理范围（0至1000）",
  linesSumTooLarge: "支出明细决算数合计超出上限（应小于10,000,000万元）",
} as const;
