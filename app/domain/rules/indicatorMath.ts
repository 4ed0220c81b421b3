/**
 * Reading an indicator row: its nature (≥ ≤ = 定性), its numbers, a qualitative grade, and the
 * standard scoring formula. Shared by the rules, the import parser and the dashboards.
 */
import { Decimal, dec, type Dec } from "../money";
import { readDecimal } from "../numerals";
import type { Indicator } from "../report";
import { GRADE_SPELLINGS, type Grade } from "../vocabulary";

export type Nature = "≥" | "≤" | "=" | "定性";

// Keys after NFKC (full-width ＞＝ → >=) and removing blanks.
const NATURES: Record<string, Nature> = {
  "≥": "≥", "≧": "≥", ">=": "≥", "=>": "≥", "大于等于": "≥", "大于或等于": "≥", "不低于": "≥", "不少于": "≥",
  "≤": "≤", "≦": "≤", "<=": "≤", "=<": "≤", "小于等于": "≤", "小于或等于": "≤", "不高于": "≤", "不超过": "≤", "不多于": "≤",
  "=": "=", "==": "=", "等于": "=",
  "定性": "定性", "定性指标": "定性",
};

/** The nature as written → one of ≥ ≤ = 定性, or null when it is none of them ("满意率"). */
export function normalizeNature(s: string | null | undefined): Nature | null {
  if (s == null) return null;
  return NATURES[s.normalize("NFKC").replace(/\s+/g, "")] ?? null;
}

/**
 * A qualitative grade as written ("优", "良好", "等级为良", "评价：优秀") → 优 良 中 低 差, or null
 * for anything else (including the scale "优良中低差" itself).
 */
export function gradeOf(s: string | null | undefined): Grade | null {
  if (s == null) return null;
  const t = s
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/^(?:自评)?(?:等级|评价|评定|结果)?(?:为|是|:)?/, "")
    .replace(/[。.]$/, "");
  return Object.hasOwn(GRADE_SPELLINGS, t) ? GRADE_SPELLINGS[t] : null;
}

/** A comparator written in front of a quantity ("≥98", ">=98"); the nature column says which. */
const LEADING_COMPARATOR = /^[≥≤≧≦=<>]=?/;
const PERCENT = ["%"] as const;

/**
 * A target or actual as a number: "160", "2,964", "≥98", "98%", "160万元" when the unit is 万元,
 * read as numerals.ts reads every written number. Null for text ("优", "基本完成") — then the
 * formula rules skip the indicator.
 */
export function indicatorNumber(text: string | null | undefined, unit?: string | null): Dec | null {
  if (text == null) return null;
  let t = text.normalize("NFKC").replace(/\s+/g, "");
  const u = unit?.normalize("NFKC").replace(/\s+/g, "");
  if (u && u !== "%" && t.endsWith(u)) t = t.slice(0, -u.length);
  return dec(readDecimal(t.replace(LEADING_COMPARATOR, ""), PERCENT));
}

/**
 * Score by the standard formula, or null when the indicator is not quantitative or a number
 * is missing:
 *   ≥ and =: actual ≥ target → weight, else actual/target·weight
 *   ≤:       actual ≤ target → weight; target < actual < 2·target → (1 − (a−t)/t)·weight; else 0
 * The result is kept within [0, weight] (only odd negative targets would leave it).
 */
export function formulaScore(indicator: Pick<Indicator, "nature" | "target" | "actual" | "weightPct" | "unit">): Dec | null {
  const nature = normalizeNature(indicator.nature);
  if (nature === null || nature === "定性") return null;
  const t = indicatorNumber(indicator.target, indicator.unit);
  const a = indicatorNumber(indicator.actual, indicator.unit);
  const w = dec(indicator.weightPct);
  if (!t || !a || !w) return null;
  let score: Dec;
  if (nature === "≤") {
    if (a.lte(t)) score = w;
    else if (a.gte(t.times(2))) score = new Decimal(0);
    else score = new Decimal(1).minus(a.minus(t).dividedBy(t)).times(w); // here 0 < t < a < 2t
  } else {
    if (a.gte(t)) score = w;
    else if (t.isZero()) return null;
    else score = a.dividedBy(t).times(w);
  }
  return Decimal.max(new Decimal(0), Decimal.min(w, score));
}
