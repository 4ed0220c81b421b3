/**
 * The rule catalogue: ids, severities and Chinese titles, in the order checkReport runs
 * them (the order of the table in docs/domain.md).
 */
import type { Flag } from "../report";
import type { Severity } from "../vocabulary";

export interface RuleInfo {
  id: string;
  severity: Severity;
  /** Short Chinese name for lists and filters. */
  title: string;
  /** What is checked, in Chinese, for the help page and the admin. */
  description: string;
}

export const RULES = [
  { id: "EXP_LINES_SUM", severity: "error", title: "支出明细合计", description: "各支出科目决算数之和应等于支出合计（允许四舍五入误差）。" },
  { id: "EXP_LINE_RATE", severity: "warning", title: "科目完成率", description: "填报的科目完成率应等于决算数/预算数（允许末位半个单位的误差）。" },
  { id: "INCOME_EXP_CARRYOVER", severity: "error", title: "收支与结转结余", description: "收入合计减支出合计应等于结转结余（允许四舍五入误差）。" },
  { id: "STAFF_SUM", severity: "error", title: "人员合计", description: "行政人数加事业人数应等于合计人数（编制数、实有人数分别核对）。" },
  { id: "FUNDS_SPLIT", severity: "error", title: "资金来源合计", description: "自评表年度资金总额应等于财政拨款加其他资金。" },
  { id: "TABLE_VS_REPORT", severity: "warning", title: "自评表与报告资金一致", description: "自评表年度资金总额应等于报告中的收入合计。" },
  { id: "WEIGHTS_SUM", severity: "error", title: "指标权重合计", description: "全部绩效指标的权重之和应为100。" },
  { id: "SCORE_RANGE", severity: "error", title: "指标得分范围", description: "每个指标的得分应在0到权重之间。" },
  { id: "TOTAL_SCORE", severity: "error", title: "自评总分", description: "各指标得分之和应等于自评得分（允许自评得分末位半个单位的误差）。" },
  { id: "DEVIATION_STATED", severity: "warning", title: "偏离度计算", description: "填报的偏离度应等于（决算数−年初预算）/年初预算（允许0.01个百分点的误差）。" },
  { id: "DEVIATION_OVER", severity: "warning", title: "偏离度过大", description: "预算偏离度的绝对值超过阈值（默认10%）。" },
  { id: "DEVIATION_UNEXPLAINED", severity: "warning", title: "偏离未说明", description: "列出的预算调整事项合计应等于决算数减年初预算；偏离度过大时应列出调整事项。" },
  { id: "EXECUTION_LOW", severity: "warning", title: "预算执行率偏低", description: "预算执行率（决算数/调整预算）低于阈值（默认90%）。" },
  { id: "NATURE_INVALID", severity: "warning", title: "指标性质无效", description: "指标性质应为≥、≤、=或定性。" },
  { id: "SCORE_ABOVE_FORMULA", severity: "warning", title: "得分高于公式", description: "定量指标得分高于按标准公式计算的得分超过容差（默认0.5分）。" },
  { id: "OVER_ACHIEVED", severity: "info", title: "大幅超额完成", description: "≥类指标实际完成值达到指标值的130%以上，指标值可能设置偏低。" },
  { id: "GRADE_BAND", severity: "warning", title: "定性等级与得分", description: "定性指标的评价等级应与得分率相符：优≥90%，良80%–90%，中60%–80%，低/差<60%。" },
  { id: "SELF_GRADE_MISMATCH", severity: "warning", title: "自评等级与得分", description: "填报的自评等级应与自评得分所在区间相符：优≥90，良80–90，中60–80，差<60。" },
  { id: "FUNCTION_CODE_INVALID", severity: "warning", title: "功能科目编码", description: "支出功能分类科目编码应为7位数字，且类级科目存在。" },
  { id: "STAFF_OVER_QUOTA", severity: "warning", title: "超编", description: "实有人数超过编制数（按行政、事业、合计分别核对）。" },
  { id: "PROJECTS_OVER_TOTAL", severity: "warning", title: "项目金额超预算", description: "常年项目与一次性项目金额之和超过调整预算。" },
  { id: "OVER_BALANCE_PROJECTS", severity: "info", title: "结余率超标项目", description: "存在结余率超标的项目。" },
  { id: "MISSING_REQUIRED", severity: "error", title: "必填项缺失", description: "单位名称、年度、年初预算、调整预算、收入合计、支出合计、支出明细、自评得分、至少一个有权重和得分的指标。" },
  { id: "SCORE_JUMP", severity: "info", title: "得分变动较大", description: "自评得分与上年相差超过阈值（默认15分）。" },
  { id: "FULL_MARKS_DESPITE", severity: "warning", title: "满分但执行欠佳", description: "全部指标满分，但偏离度过大或预算执行率偏低。" },
  { id: "COUNTY_OUTLIER", severity: "info", title: "全县离群", description: "预算执行率或自评得分明显偏离全县（稳健z值超过阈值，默认3）。" },
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]["id"];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

/** A flag builder for one catalogue: the severity always comes from the catalogue. */
export function flagBuilder<Id extends string>(catalogue: ReadonlyArray<{ id: Id; severity: Severity }>) {
  const severity = new Map<string, Severity>(catalogue.map((r) => [r.id, r.severity]));
  return (rule: Id, path: string, message: string, values: Flag["values"]): Flag => ({ rule, severity: severity.get(rule)!, path, message, values });
}

/** Build a department-rule flag. */
export const flag = flagBuilder<RuleId>(RULES);
