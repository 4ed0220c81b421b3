/**
 * Exact decimal arithmetic for amounts (万元) and percents. Never binary floats:
 * every value is a decimal string in and out, Decimal in between.
 */
import Decimal from "decimal.js";
import { DECIMAL_PATTERN } from "./report";

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
