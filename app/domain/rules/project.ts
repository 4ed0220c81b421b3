/**
 * Rules P1–P12 of docs/domain.md on one project self-evaluation (项目支出绩效自评表), with the
 * department rules' tolerance (half a unit of each written number's last decimal), severities
 * and kind of explanation. Pure: same form and settings, same flags.
 */
import { Decimal, dec, ratio, type Dec } from "../money";
import { fundsTotal, type FundsRow, type ProjectEvaluation, type ProjectIndicator } from "../projectEvaluation";
import type { Flag } from "../report";
import { flagBuilder, type RuleInfo } from "./catalog";
import { ruleContext, type RuleContext } from "./context";
import { formulaScore, indicatorNumber, normalizeNature } from "./indicatorMath";
import { halfUnitOf, show, showPct, sumTolerance, threshold } from "./util";

export const PROJECT_RULES = [
  { id: "FUNDS_ROWS_SUM", severity: "error", title: "项目资金合计", description: "项目资金每一列的总额应等于其中各行之和（允许四舍五入误差）。" },
  { id: "PROJECT_RATE_STATED", severity: "error", title: "项目执行率计算", description: "填报的执行率应等于执行数/调整后（全年）预算数（允许末位半个单位的误差）；预算数为0时执行率应留空。" },
  { id: "PROJECT_RATE_SCORE", severity: "warning", title: "执行率得分", description: "预算执行得分应等于分值×执行率（执行率超过100%按100%计），保留两位小数。" },
  { id: "PROJECT_RATE_LOW", severity: "warning", title: "项目执行率偏低", description: "预算执行率低于阈值（默认90%）且未说明原因。" },
  { id: "PROJECT_ADJUSTED", severity: "warning", title: "预算调整未说明", description: "调整后（全年）预算数与年初预算数不同，但未说明原因。" },
  { id: "PROJECT_WEIGHTS", severity: "error", title: "项目指标分值合计", description: "绩效指标分值与预算执行分值之和应为100；一级指标分值与表样标准不同时提示。" },
  { id: "PROJECT_SCORE_RANGE", severity: "error", title: "项目得分范围", description: "每行得分应在0到分值之间，总分应在0到100之间。" },
  { id: "PROJECT_TOTAL", severity: "error", title: "项目自评总分", description: "各行得分（含预算执行得分）之和应等于填报的总分（允许总分末位半个单位的误差）。" },
  { id: "PROJECT_FORMULA", severity: "warning", title: "项目指标得分高于公式", description: "定量指标得分高于按标准公式计算的得分超过容差（默认0.5分）。" },
  { id: "NOT_SELF_EVALUATED", severity: "error", title: "未完成自评", description: "有分值的行缺少得分或完成值，或没有总分。" },
  { id: "ACTUAL_NOT_MEASURABLE", severity: "warning", title: "完成值不可度量", description: "≥、≤、=类指标的完成值应为数值（而不是“完成”“达成预期指标”）。" },
  { id: "PLACEHOLDER_TEXT", severity: "warning", title: "保留了填表说明", description: "栏目中仍是表样的填写说明（如“……（100字以内）”“结合自评情况，说明……”）。" },
] as const satisfies readonly RuleInfo[];

export type ProjectRuleId = (typeof PROJECT_RULES)[number]["id"];

const flag = flagBuilder<ProjectRuleId>(PROJECT_RULES);

type ProjectCheck = (form: ProjectEvaluation, ctx: RuleContext) => Flag[];

const AMOUNT_COLUMNS = [
  ["initialBudget", "年初预算数"],
  ["adjustedBudget", "调整后（全年）预算数"],
  ["executed", "执行数"],
] as const;

const rowAt = (form: ProjectEvaluation, row: FundsRow) => `funds.rows[${form.funds.rows.indexOf(row)}]`;
const indicatorAt = (i: number, field: keyof ProjectIndicator) => `indicators[${i}].${field}`;
const rowLabel = (row: FundsRow) => `“${row.label}”`;
const indicatorLabel = (ind: ProjectIndicator) => `指标“${ind.name || ind.level2 || "（未命名）"}”`;

/** P1: per amount column, 总额 = Σ 其中 rows. */
const fundsRowsSum: ProjectCheck = (form) => {
  const total = fundsTotal(form);
  if (!total) return [];
  const parts = form.funds.rows.filter((r) => r.kind !== "total");
  return AMOUNT_COLUMNS.flatMap(([column, name]) => {
    const written = parts.map((r) => r[column]).filter((v): v is string => v !== null);
    const stated = total[column];
    if (stated === null || written.length === 0) return [];
    const sum = written.reduce((acc, v) => acc.plus(v), new Decimal(0));
    const diff = sum.minus(stated).abs();
    if (diff.lte(sumTolerance([stated, ...written]))) return [];
    return [
      flag("FUNDS_ROWS_SUM", `${rowAt(form, total)}.${column}`,
        `项目资金总额的${name}为${stated}万元，但其中各行之和为${show(sum)}万元，相差${show(diff)}万元`,
        { stated, sum: show(sum), difference: show(diff) }),
    ];
  });
};

/** The execution rate the form implies for a row: 执行数 / 调整后预算, or null when either is absent or the budget 0. */
function computedRate(row: FundsRow): Dec | null {
  const budget = dec(row.adjustedBudget);
  if (!budget || budget.isZero()) return null;
  return ratio(dec(row.executed), budget);
}

/** The rate to judge a row by: computed when possible, else as stated. */
function rateOf(row: FundsRow): Dec | null {
  const computed = computedRate(row);
  if (computed) return computed.times(100);
  return dec(row.statedRatePct);
}

/** P2: stated rate = 执行数 / 调整后预算, within half a unit of the stated rate's last decimal; budget 0 → blank. */
const rateStated: ProjectCheck = (form) =>
  form.funds.rows.flatMap((row) => {
    const stated = row.statedRatePct;
    if (stated === null) return [];
    const budget = dec(row.adjustedBudget);
    if (budget?.isZero()) {
      // A 0 budget leaves the rate undefined. A component row with nothing in it and 0% stated
      // harms nobody; the total row's rate is what the score is computed from.
      const nothingSpent = dec(row.executed)?.isZero() ?? true;
      if (row.kind !== "total" && nothingSpent && dec(stated)?.isZero()) return [];
      return [
        flag("PROJECT_RATE_STATED", `${rowAt(form, row)}.statedRatePct`,
          `${rowLabel(row)}调整后预算数为0，执行率无从计算，应留空，但填报为${stated}%`, { stated, adjustedBudget: row.adjustedBudget }),
      ];
    }
    const computed = computedRate(row);
    if (!computed) return [];
    const pct = computed.times(100);
    if (pct.minus(stated).abs().lte(halfUnitOf(stated))) return [];
    return [
      flag("PROJECT_RATE_STATED", `${rowAt(form, row)}.statedRatePct`,
        `${rowLabel(row)}执行率填报为${stated}%，按执行数${row.executed}/调整后预算数${row.adjustedBudget}计算应为${showPct(computed)}%`,
        { stated, computed: show(pct, 4), executed: row.executed, adjustedBudget: row.adjustedBudget }),
    ];
  });

/** P3: funds score = 分值 × min(rate, 100%), to 2 decimals. */
const rateScore: ProjectCheck = (form) => {
  const total = fundsTotal(form);
  const weight = dec(total?.weight);
  const score = dec(total?.score);
  if (!total || !weight || !score) return [];
  const rate = rateOf(total);
  if (!rate) return [];
  const expected = weight.times(Decimal.min(rate, new Decimal(100))).dividedBy(100).toDecimalPlaces(2);
  // The form asks for 2 decimals: a score rounded further (10 for 9.5) is a wrong score.
  if (score.minus(expected).abs().lte("0.005")) return [];
  return [
    flag("PROJECT_RATE_SCORE", `${rowAt(form, total)}.score`,
      `预算执行得分${total.score}，按分值${total.weight}×执行率${show(rate, 2)}%应为${show(expected, 2)}分`,
      { score: total.score, expected: show(expected, 2), weight: total.weight, ratePct: show(rate, 4) }),
  ];
};

/** P4: the total row's rate below the threshold with no reason given. */
const rateLow: ProjectCheck = (form, ctx) => {
  const total = fundsTotal(form);
  if (!total || total.reason?.trim()) return [];
  // A 0 budget leaves the rate undefined (PROJECT_RATE_STATED says so): nothing to judge.
  if (dec(total.adjustedBudget)?.isZero()) return [];
  const rate = rateOf(total);
  const limit = threshold(ctx.settings.executionPct);
  if (!rate || rate.gte(limit)) return [];
  return [
    flag("PROJECT_RATE_LOW", `${rowAt(form, total)}.reason`,
      `预算执行率${show(rate, 2)}%低于${ctx.settings.executionPct}%，未说明原因`, { ratePct: show(rate, 4), threshold: ctx.settings.executionPct }),
  ];
};

/**
 * P5: 调整后预算 ≠ 年初预算 with no reason: on the total row, or — when the total row holds no
 * budgets to compare — on each of its component rows (one adjustment is not flagged twice).
 */
const adjustedUnexplained: ProjectCheck = (form) => {
  const totalRow = fundsTotal(form);
  const judged = totalRow && totalRow.initialBudget !== null && totalRow.adjustedBudget !== null && !(dec(totalRow.initialBudget)?.isZero() && dec(totalRow.adjustedBudget)?.isZero())
    ? [totalRow]
    : form.funds.rows.filter((r) => r.kind !== "total");
  return judged.flatMap((row) => {
    const initial = dec(row.initialBudget), adjusted = dec(row.adjustedBudget);
    if (!initial || !adjusted || initial.eq(adjusted) || row.reason?.trim()) return [];
    const change = adjusted.minus(initial);
    return [
      flag("PROJECT_ADJUSTED", `${rowAt(form, row)}.reason`,
        `${rowLabel(row)}年初预算${row.initialBudget}万元调整为${row.adjustedBudget}万元（${change.isNeg() ? "调减" : "追加"}${show(change.abs())}万元），未说明调整原因`,
        { initialBudget: row.initialBudget, adjustedBudget: row.adjustedBudget, change: show(change) }),
    ];
  });
};

/** The 财预〔2020〕10号 standard split of the first-level points (the funds 10 aside). */
const STANDARD_LEVEL_WEIGHTS: Readonly<Record<string, number>> = { 产出指标: 50, 效益指标: 30, 满意度指标: 10 };

/** P6: Σ indicator weights + funds 分值 = 100; info when a stated first-level split differs from the standard. */
const weights: ProjectCheck = (form) => {
  const flags: Flag[] = [];
  const indicatorWeights = form.indicators.map((i) => dec(i.weightPct)).filter((w): w is Dec => w !== null);
  const fundsWeight = dec(fundsTotal(form)?.weight);
  if (indicatorWeights.length > 0) {
    const sum = indicatorWeights.reduce((a, b) => a.plus(b), fundsWeight ?? new Decimal(0));
    if (!sum.eq(100)) {
      flags.push(flag("PROJECT_WEIGHTS", "indicators",
        `绩效指标分值${fundsWeight ? `与预算执行分值${show(fundsWeight)}` : ""}合计${show(sum)}，应为100`, { weightsTotal: show(sum), fundsWeight: fundsWeight ? show(fundsWeight) : null, threshold: 100 }));
    }
  }
  for (const [level, stated] of Object.entries(form.levelWeights)) {
    const standard = STANDARD_LEVEL_WEIGHTS[level];
    if (standard !== undefined && !new Decimal(stated).eq(standard)) {
      flags.push({ ...flag("PROJECT_WEIGHTS", "levelWeights", `${level}分值为${stated}，表样标准为${standard}`, { level, stated, standard }), severity: "info" });
    }
  }
  return flags;
};

/** P7: 0 ≤ score ≤ weight per row (funds row included); 0 ≤ 总分 ≤ 100. */
const scoreRange: ProjectCheck = (form) => {
  const rows: Array<{ path: string; what: string; score: string | null; weight: string | null }> = [
    ...form.funds.rows.map((row) => ({ path: `${rowAt(form, row)}.score`, what: `预算执行${rowLabel(row)}`, score: row.score, weight: row.weight })),
    ...form.indicators.map((ind, i) => ({ path: indicatorAt(i, "score"), what: indicatorLabel(ind), score: ind.score, weight: ind.weightPct })),
    { path: "totalScore", what: "总分", score: form.totalScore, weight: "100" },
  ];
  return rows.flatMap(({ path, what, score, weight }) => {
    const s = dec(score), w = dec(weight);
    if (!s) return [];
    if (s.lt(0)) return [flag("PROJECT_SCORE_RANGE", path, `${what}得分${score}为负数`, { score, weight, threshold: 0 })];
    if (w && s.gt(w)) return [flag("PROJECT_SCORE_RANGE", path, `${what}得分${score}超过分值${weight}`, { score, weight, threshold: weight })];
    return [];
  });
};

/** P8: Σ scores (funds included) = stated 总分, within half a unit of 总分's last decimal. */
const total: ProjectCheck = (form) => {
  const stated = dec(form.totalScore);
  const scores = [fundsTotal(form)?.score ?? null, ...form.indicators.map((i) => i.score)].filter((s): s is string => s !== null);
  if (!stated || scores.length === 0) return [];
  const sum = scores.reduce((acc, s) => acc.plus(s), new Decimal(0));
  if (sum.minus(stated).abs().lte(halfUnitOf(form.totalScore!))) return [];
  return [
    flag("PROJECT_TOTAL", "totalScore", `各行得分合计${show(sum)}，与填报的总分${form.totalScore}不符`, { stated: form.totalScore, sum: show(sum) }),
  ];
};

/** P9: a quantitative indicator scored above the standard formula by more than the slack. */
const formula: ProjectCheck = (form, ctx) =>
  form.indicators.flatMap((ind, i) => {
    const expected = formulaScore(ind);
    const s = dec(ind.score);
    if (!expected || !s || s.lte(expected.plus(threshold(ctx.settings.formulaSlack)))) return [];
    return [
      flag("PROJECT_FORMULA", indicatorAt(i, "score"),
        `${indicatorLabel(ind)}得分${ind.score}高于按标准公式计算的${show(expected, 2)}分（${normalizeNature(ind.nature)}${ind.target}，实际完成${ind.actual}，分值${ind.weightPct}）`,
        { score: ind.score, formulaScore: show(expected, 4), target: ind.target, actual: ind.actual, weight: ind.weightPct, threshold: ctx.settings.formulaSlack }),
    ];
  });

/** P10: a weighted row without a score or a completion value, or no 总分 at all. */
const notSelfEvaluated: ProjectCheck = (form) => {
  const flags: Flag[] = [];
  const totalRow = fundsTotal(form);
  if (totalRow && dec(totalRow.weight) && totalRow.score === null) {
    flags.push(flag("NOT_SELF_EVALUATED", `${rowAt(form, totalRow)}.score`, `预算执行（分值${totalRow.weight}）未填得分`, { weight: totalRow.weight }));
  }
  form.indicators.forEach((ind, i) => {
    if (!dec(ind.weightPct)) return;
    const lacks = [ind.score === null ? "得分" : null, ind.actual.trim() === "" ? "完成值" : null].filter(Boolean);
    if (lacks.length === 0) return;
    flags.push(flag("NOT_SELF_EVALUATED", indicatorAt(i, ind.score === null ? "score" : "actual"),
      `${indicatorLabel(ind)}（分值${ind.weightPct}）未填${lacks.join("和")}`, { weight: ind.weightPct, missing: lacks.join("、") }));
  });
  if (form.totalScore === null) flags.push(flag("NOT_SELF_EVALUATED", "totalScore", "未填写自评总分", {}));
  return flags;
};

/** P11: a ≥ / ≤ / = indicator whose completion value is not a number. */
const actualNotMeasurable: ProjectCheck = (form) =>
  form.indicators.flatMap((ind, i) => {
    const nature = normalizeNature(ind.nature);
    if (nature === null || nature === "定性" || ind.actual.trim() === "" || indicatorNumber(ind.actual, ind.unit)) return [];
    return [
      flag("ACTUAL_NOT_MEASURABLE", indicatorAt(i, "actual"),
        `${indicatorLabel(ind)}为${nature}${ind.target}${ind.unit ?? ""}的定量指标，完成值却填为“${ind.actual}”`, { nature, target: ind.target, actual: ind.actual }),
    ];
  });

/** The form's own instructions, as printed on the blank forms. */
const INSTRUCTIONS = [/[（(]\s*\d+\s*字以内\s*[)）]/, /^结合自评情况[,，]/, /^对照年度目标[,，]/, /^针对项目自评中发现的问题/, /^说明项目自评总分/, /^请填写/];
const TEXT_FIELDS = [
  ["goal.planned", "项目年度目标", (f: ProjectEvaluation) => f.goal.planned],
  ["goal.achieved", "年度目标完成情况", (f: ProjectEvaluation) => f.goal.achieved],
  ["summary", "项目实施内容及过程概述", (f: ProjectEvaluation) => f.summary],
  ["conclusion", "评价结论", (f: ProjectEvaluation) => f.conclusion],
  ["problems", "存在问题", (f: ProjectEvaluation) => f.problems],
  ["improvements", "改进措施", (f: ProjectEvaluation) => f.improvements],
] as const;

/** P12: a field that still holds the form's instructions. */
const placeholderText: ProjectCheck = (form) =>
  TEXT_FIELDS.flatMap(([path, name, read]) => {
    const value = read(form)?.trim() ?? "";
    if (!value || !INSTRUCTIONS.some((p) => p.test(value))) return [];
    return [flag("PLACEHOLDER_TEXT", path, `“${name}”仍是表样的填写说明：“${value.slice(0, 40)}${value.length > 40 ? "…" : ""}”`, { text: value.slice(0, 200) })];
  });

const CHECKS: Record<ProjectRuleId, ProjectCheck> = {
  FUNDS_ROWS_SUM: fundsRowsSum,
  PROJECT_RATE_STATED: rateStated,
  PROJECT_RATE_SCORE: rateScore,
  PROJECT_RATE_LOW: rateLow,
  PROJECT_ADJUSTED: adjustedUnexplained,
  PROJECT_WEIGHTS: weights,
  PROJECT_SCORE_RANGE: scoreRange,
  PROJECT_TOTAL: total,
  PROJECT_FORMULA: formula,
  NOT_SELF_EVALUATED: notSelfEvaluated,
  ACTUAL_NOT_MEASURABLE: actualNotMeasurable,
  PLACEHOLDER_TEXT: placeholderText,
};

/** Every project rule, in catalogue order. */
export function checkProjectEvaluation(form: ProjectEvaluation, ctx?: Partial<RuleContext>): Flag[] {
  const full = ruleContext(ctx);
  return PROJECT_RULES.flatMap((rule) => CHECKS[rule.id](form, full));
}
