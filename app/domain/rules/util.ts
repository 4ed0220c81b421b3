/** Small helpers shared by the rules: rounding tolerance and number display. */
import { Decimal, canonical, dec, decimalPlaces, halfUnit, type Dec } from "../money";

/**
 * Rounding tolerance of a sum check (XBRL Calculations 1.1 style): every reported number may be
 * off by half a unit of its last written decimal, and those half-units add up.
 */
export function sumTolerance(reported: ReadonlyArray<string>): Dec {
  let t = new Decimal(0);
  for (const v of reported) t = t.plus(halfUnitOf(v));
  return t;
}

// halfUnit() computes a 40-digit power each time; the rules need it for every number, and
// there are only a few distinct decimal places, so cache by places (same value as halfUnit).
const HALF_UNITS: Dec[] = [];
/** Half a unit of the last written decimal of one number: money's halfUnit, cached. */
export function halfUnitOf(v: string): Dec {
  const places = decimalPlaces(v);
  return (HALF_UNITS[places] ??= halfUnit(v));
}

/** Computed value for messages and `values`: half-up to `places`, no trailing zeros. */
export function show(value: Dec, places = 6): string {
  return canonical(value.toDecimalPlaces(places));
}

/** A ratio as a percent for messages ("0.263306…" → "26.33"). */
export function showPct(r: Dec, places = 2): string {
  return show(r.times(100), places);
}

/** Every value parsed, or null if any is absent or malformed (then the rule is skipped). */
export function allDec(values: ReadonlyArray<string | null | undefined>): Dec[] | null {
  const out: Dec[] = [];
  for (const v of values) {
    const d = dec(v);
    if (!d) return null;
    out.push(d);
  }
  return out;
}

/** Exactly representable threshold from a settings number (10 → Decimal 10, 0.5 → 0.5). */
export function threshold(n: number): Dec {
  return dec(String(n)) ?? dec(n.toFixed(10))!;
}
