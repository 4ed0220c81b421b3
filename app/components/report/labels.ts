/**
 * Chinese labels of the form's fields, by path: the visible labels, the aria-labels of table
 * cells ("第2行 决算数") and the "where" of an error or flag in the summaries all come from here.
 */
import type { ListPath } from "~/domain/formDocument";

export const FIELD_LABELS: Readonly<Record<string, string>> = {
  "unit.name": "单位名称",
  year: "年度",
  "staffing.authorized.admin": "编制人数 行政",
  "staffing.authorized.institution": "编制人数 事业",
  "staffing.authorized.total": "编制人数 合计",
  "staffing.actual.admin": "实有人数 行政",
  "staffing.actual.institution": "实有人数 事业",
  "staffing.actual.total": "实有人数 合计",
  "staffing.retired": "退休人数",
  "income.initialBudget": "年初预算（万元）",
  "income.adjustedBudget": "调整预算（万元）",
  "income.total": "收入合计（万元）",
  "income.fiscal": "财政拨款（万元）",
  "income.other": "其他收入（万元）",
  "expenditure.total": "支出合计（万元）",
  carryover: "结转结余（万元）",
  "budgetManagement.statedDeviationPct": "偏离度（%）",
  "projects.recurring.count": "常年项目 个数",
  "projects.recurring.amount": "常年项目 金额（万元）",
  "projects.recurring.executionPct": "常年项目 执行率（%）",
  "projects.recurring.overBalanceCount": "常年项目 结余率>10%项目数",
  "projects.oneOff.count": "一次性项目 个数",
  "projects.oneOff.amount": "一次性项目 金额（万元）",
  "projects.oneOff.executionPct": "一次性项目 执行率（%）",
  "projects.oneOff.overBalanceCount": "一次性项目 结余率>10%项目数",
  selfScore: "自评得分",
  selfGrade: "等级",
  "targets.totalFunds": "年度资金总额（万元）",
  "targets.fiscal": "其中：财政拨款（万元）",
  "targets.other": "其他资金（万元）",
  "targets.overallGoal": "年度总体目标",
};

export const LIST_LABELS: Readonly<Record<ListPath, string>> = {
  "expenditure.lines": "支出明细",
  "budgetManagement.adjustments": "预算调整事项",
  "targets.tasks": "年度主要任务",
  "targets.indicators": "绩效指标",
};

export const COLUMN_LABELS: Readonly<Record<ListPath, Readonly<Record<string, string>>>> = {
  "expenditure.lines": { code: "科目编码", name: "科目名称", budget: "预算数（万元）", final: "决算数（万元）", statedRatePct: "完成率（%）" },
  "budgetManagement.adjustments": { reason: "调整原因", amount: "金额（万元）" },
  "targets.tasks": { name: "任务名称", content: "主要内容" },
  "targets.indicators": {
    level1: "一级指标", level2: "二级指标", name: "三级指标", nature: "指标性质", target: "指标值", unit: "度量单位",
    weightPct: "权重（%）", actual: "实际完成值", score: "得分",
  },
};

/** Column label without its unit, for aria-labels ("决算数"). */
const bare = (label: string) => label.replace(/（[^）]*）$/, "");

/** aria-label of a table cell: "第2行 决算数". */
export const cellLabel = (list: ListPath, index: number, column: string) => `第${index + 1}行 ${bare(COLUMN_LABELS[list][column] ?? column)}`;

/** Where a path is, in Chinese ("支出明细 第3行 决算数", "收入合计"); the path itself when unknown. */
export function describePath(path: string): string {
  if (FIELD_LABELS[path]) return bare(FIELD_LABELS[path]);
  for (const list of Object.keys(LIST_LABELS) as ListPath[]) {
    if (path === list) return LIST_LABELS[list];
    const m = new RegExp(`^${list.replace(/\./g, "\\.")}\\[(\\d+)\\](?:\\.(\\w+))?$`).exec(path);
    if (m) {
      const row = `${LIST_LABELS[list]} 第${Number(m[1]) + 1}行`;
      return m[2] ? `${row} ${bare(COLUMN_LABELS[list][m[2]] ?? m[2])}` : row;
    }
  }
  return path;
}
