/** Indicator rules: weights, scores, natures, the scoring formula, grades. */
import { Decimal, dec, ratio, type Dec } from "../money";
import type { Indicator } from "../report";
import { deviationOf, deviationOver, executionLow, executionRateOf } from "./budget";
import { flag } from "./catalog";
import type { Check } from "./context";
import type { Grade } from "../vocabulary";
import { formulaScore, gradeOf, indicatorNumber, normalizeNature } from "./indicatorMath";
import type { RuleSettings } from "./settings";
import { halfUnitOf, show, showPct, threshold } from "./util";

const at = (i: number, field: keyof Indicator) => `targets.indicators[${i}].${field}`;
const label = (ind: Indicator) => `指标“${ind.name || ind.level2 || "（未命名）"}”`;

/** SCORE_RANGE holds: 0 ≤ score ≤ weight (both present). */
export function scoreInRange(ind: Indicator): boolean {
  const s = dec(ind.score), w = dec(ind.weightPct);
  return s !== null && w !== null && s.gte(0) && s.lte(w);
}

/** Σ weightPct = 100, exactly, over the indicators that have a weight. */
export const weightsSum: Check = (doc) => {
  const weights = doc.targets.indicators.map((i) => dec(i.weightPct)).filter((w): w is Dec => w !== null);
  if (weights.length === 0) return [];
  const total = weights.reduce((a, b) => a.plus(b), new Decimal(0));
  if (total.eq(100)) return [];
  return [
    flag("WEIGHTS_SUM", "targets.indicators",
      `指标权重合计${show(total)}，应为100`, { weightsTotal: show(total), threshold: 100 }),
  ];
};

/** 0 ≤ score ≤ weight, each indicator (exact). */
export const scoreRange: Check = (doc) =>
  doc.targets.indicators.flatMap((ind, i) => {
    const s = dec(ind.score), w = dec(ind.weightPct);
    if (!s) return [];
    if (s.lt(0)) {
      return [flag("SCORE_RANGE", at(i, "score"), `${label(ind)}得分${ind.score}为负数`,
        { score: ind.score!, weight: ind.weightPct, threshold: 0 })];
    }
    if (w && s.gt(w)) {
      return [flag("SCORE_RANGE", at(i, "score"), `指标得分${ind.score}超过权重${ind.weightPct}（${label(ind)}）`,
        { score: ind.score!, weight: ind.weightPct!, threshold: ind.weightPct! })];
    }
    return [];
  });

/** Σ indicator scores = selfScore, within half a unit of selfScore's last decimal. */
export const totalScore: Check = (doc) => {
  const self = dec(doc.selfScore);
  const scores = doc.targets.indicators.map((i) => dec(i.score)).filter((s): s is Dec => s !== null);
  if (!self || scores.length === 0) return [];
  const total = scores.reduce((a, b) => a.plus(b), new Decimal(0));
  const tol = halfUnitOf(doc.selfScore!);
  const diff = total.minus(self).abs();
  if (diff.lte(tol)) return [];
  return [
    flag("TOTAL_SCORE", "selfScore",
      `指标得分合计${show(total)}与自评得分${doc.selfScore}不符（允许误差${show(tol)}）`,
      { scoresTotal: show(total), selfScore: doc.selfScore!, difference: show(diff), threshold: show(tol) }),
  ];
};

export const natureInvalid: Check = (doc) =>
  doc.targets.indicators.flatMap((ind, i) => {
    if (normalizeNature(ind.nature)) return [];
    const shown = ind.nature.trim();
    return [
      flag("NATURE_INVALID", at(i, "nature"),
        shown ? `${label(ind)}的指标性质“${shown}”不是≥、≤、=或定性` : `${label(ind)}未填写指标性质（≥、≤、=或定性）`,
        { nature: ind.nature, threshold: "≥ ≤ = 定性" }),
    ];
  });

/** Quantitative score above the standard formula's by more than the slack. */
export const scoreAboveFormula: Check = (doc, ctx) =>
  doc.targets.indicators.flatMap((ind, i) => {
    const formula = formulaScore(ind);
    const s = dec(ind.score);
    if (!formula || !s) return [];
    const slack = threshold(ctx.settings.formulaSlack);
    if (s.lte(formula.plus(slack))) return [];
    return [
      flag("SCORE_ABOVE_FORMULA", at(i, "score"),
        `${label(ind)}得分${ind.score}高于按标准公式计算的${show(formula, 2)}分` +
          `（${normalizeNature(ind.nature)}${ind.target}，实际完成${ind.actual}，权重${ind.weightPct}），超出${ctx.settings.formulaSlack}分以上`,
        { score: ind.score!, formulaScore: show(formula, 4), target: ind.target, actual: ind.actual, weight: ind.weightPct!, threshold: ctx.settings.formulaSlack }),
    ];
  });

/** A ≥ indicator with actual ≥ 130% of a positive target. */
export const overAchieved: Check = (doc, ctx) =>
  doc.targets.indicators.flatMap((ind, i) => {
    if (normalizeNature(ind.nature) !== "≥") return [];
    const t = indicatorNumber(ind.target, ind.unit), a = indicatorNumber(ind.actual, ind.unit);
    if (!t || !a || !t.gt(0)) return [];
    // a/t·100 ≥ pct ⇔ 100·a ≥ pct·t (t > 0); divide only for the message.
    if (a.times(100).lt(t.times(threshold(ctx.settings.overAchievedPct)))) return [];
    const r = ratio(a, t)!;
    return [
      flag("OVER_ACHIEVED", at(i, "actual"),
        `${label(ind)}实际完成值${ind.actual}为指标值${ind.target}的${showPct(r)}%，达到${ctx.settings.overAchievedPct}%以上（指标值是否偏低？）`,
        { target: ind.target, actual: ind.actual, achievedPct: show(r.times(100), 4), threshold: ctx.settings.overAchievedPct }),
    ];
  });

/** The band of a grade in percent: [low, high), 优 includes 100; null bound = open. */
function band(grade: Grade, b: RuleSettings["gradeBands"]): { low: number | null; high: number | null } {
  switch (grade) {
    case "优": return { low: b.优, high: null };
    case "良": return { low: b.良, high: b.优 };
    case "中": return { low: b.中, high: b.良 };
    default: return { low: null, high: b.中 };
  }
}

function inBand(pct: Dec, grade: Grade, b: RuleSettings["gradeBands"]): boolean {
  const { low, high } = band(grade, b);
  return (low === null || pct.gte(threshold(low))) && (high === null || pct.lt(threshold(high)));
}

function bandText(grade: Grade, b: RuleSettings["gradeBands"], unit: string): string {
  const { low, high } = band(grade, b);
  if (low === null) return `低于${high}${unit}`;
  if (high === null) return `${low}${unit}及以上`;
  return `${low}${unit}（含）至${high}${unit}`;
}

/** 定性 indicator graded 优/良/中/低/差: score/weight within the grade's band (when SCORE_RANGE holds). */
export const gradeBand: Check = (doc, ctx) =>
  doc.targets.indicators.flatMap((ind, i) => {
    if (normalizeNature(ind.nature) !== "定性") return [];
    const grade = gradeOf(ind.actual);
    if (!grade || !scoreInRange(ind)) return [];
    const r = ratio(dec(ind.score), dec(ind.weightPct));
    if (!r) return [];
    const pct = r.times(100);
    const bands = ctx.settings.gradeBands;
    if (inBand(pct, grade, bands)) return [];
    return [
      flag("GRADE_BAND", at(i, "score"),
        `${label(ind)}评价为“${grade}”，但得分${ind.score}/权重${ind.weightPct}为${showPct(r)}%，“${grade}”应为${bandText(grade, bands, "%")}`,
        { grade, score: ind.score!, weight: ind.weightPct!, scorePct: show(pct, 4), threshold: bandText(grade, bands, "%") }),
    ];
  });

/** A stated overall grade outside selfScore's band (低 is read as 差). */
export const selfGradeMismatch: Check = (doc, ctx) => {
  const grade = gradeOf(doc.selfGrade);
  const self = dec(doc.selfScore);
  if (!grade || !self) return [];
  const bands = ctx.settings.gradeBands;
  if (inBand(self, grade, bands)) return [];
  return [
    flag("SELF_GRADE_MISMATCH", "selfGrade",
      `自评等级“${grade}”与自评得分${doc.selfScore}不符（“${grade}”应为${bandText(grade, bands, "分")}）`,
      { grade, selfScore: doc.selfScore!, threshold: bandText(grade, bands, "分") }),
  ];
};

/** Every indicator at full score while DEVIATION_OVER or EXECUTION_LOW holds. */
export const fullMarksDespite: Check = (doc, ctx) => {
  const inds = doc.targets.indicators;
  if (inds.length === 0) return [];
  const full = inds.every((ind) => {
    const s = dec(ind.score), w = dec(ind.weightPct);
    return s !== null && w !== null && s.gte(w);
  });
  if (!full) return [];
  const reasons: string[] = [];
  const values: Record<string, string | number | null> = { indicators: inds.length };
  if (deviationOver(doc, ctx)) {
    const d = deviationOf(doc)!;
    reasons.push(`偏离度${showPct(d)}%超过${ctx.settings.deviationPct}%`);
    values.deviationPct = show(d.times(100), 4);
    values.deviationThreshold = ctx.settings.deviationPct;
  }
  if (executionLow(doc, ctx)) {
    const r = executionRateOf(doc)!;
    reasons.push(`预算执行率${showPct(r)}%低于${ctx.settings.executionPct}%`);
    values.executionPct = show(r.times(100), 4);
    values.executionThreshold = ctx.settings.executionPct;
  }
  if (reasons.length === 0) return [];
  return [
    flag("FULL_MARKS_DESPITE", "targets.indicators",
      `全部${inds.length}个指标均为满分，但${reasons.join("，")}`, values),
  ];
};
