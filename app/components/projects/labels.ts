/**
 * Chinese names for a project form's fields, kinds, funds rows and rules (P1–P12, X1–X4), for
 * the form, its flags, the revision diff and the import preview. Plain data and pure functions:
 * the server and the browser use the same.
 */
import { FUNDS_ROW_KINDS, type FundsRowKind, type ProjectEvaluation, type ProjectKind } from "~/domain/projectEvaluation";
import { CROSS_PROJECT_RULES } from "~/domain/rules/crossProject";
import { PROJECT_RULES } from "~/domain/rules/project";

export const KIND_LABELS: Record<ProjectKind, string> = { recurring: "常年项目", oneOff: "一次性项目" };

export const kindLabel = (kind: ProjectKind | null | undefined) => (kind ? KIND_LABELS[kind] : "未定");

export const FUNDS_ROW_LABELS: Record<FundsRowKind, string> = {
  total: "总额",
  fiscal: "其中：财政资金",
  specialAccount: "财政专户管理资金",
  unitFunds: "单位资金",
  carryover: "上年结转资金",
  other: "其他资金",
};

export const FUNDS_ROW_OPTIONS = FUNDS_ROW_KINDS.map((kind) => ({ value: kind, label: FUNDS_ROW_LABELS[kind] }));

export const FUNDS_COLUMNS = [
  ["initialBudget", "年初预算数"],
  ["adjustedBudget", "调整后（全年）预算数"],
  ["executed", "执行数"],
  ["statedRatePct", "执行率（%）"],
  ["weight", "分值"],
  ["score", "得分"],
  ["reason", "原因"],
] as const;

export const INDICATOR_COLUMNS = [
  ["level1", "一级指标"],
  ["level2", "二级指标"],
  ["name", "三级指标"],
  ["nature", "指标性质"],
  ["target", "指标值"],
  ["unit", "度量单位"],
  ["actual", "完成值"],
  ["weightPct", "分值"],
  ["score", "得分"],
  ["reason", "未完成原因"],
] as const;

const FIELDS: Record<string, string> = {
  project: "项目",
  "project.name": "项目名称",
  "project.code": "项目编码",
  "project.kind": "项目类型",
  department: "主管部门",
  unit: "实施单位",
  "unit.name": "实施单位",
  "unit.code": "单位编码",
  year: "年度",
  funds: "项目资金",
  "funds.rows": "项目资金",
  goal: "年度目标",
  "goal.planned": "年度目标（预期目标）",
  "goal.achieved": "目标完成情况",
  summary: "项目实施内容及过程概述",
  indicators: "绩效指标",
  levelWeights: "一级指标分值",
  totalScore: "自评总分",
  conclusion: "评价结论",
  problems: "存在问题",
  improvements: "改进措施",
  projectLead: "项目负责人",
  financeLead: "财务负责人",
};

const column = (columns: ReadonlyArray<readonly [string, string]>, key: string) => columns.find(([k]) => k === key)?.[1] ?? key;

/** `funds.rows[0].adjustedBudget` → 项目资金·总额·调整后（全年）预算数 (row label from the form when given). */
export function projectFieldLabel(path: string, form?: ProjectEvaluation | null): string {
  if (FIELDS[path]) return FIELDS[path];
  const funds = /^funds\.rows\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (funds) {
    const row = form?.funds.rows[Number(funds[1])];
    const rowName = row ? row.label || FUNDS_ROW_LABELS[row.kind] : `第${Number(funds[1]) + 1}行`;
    return `项目资金·${rowName}${funds[2] ? `·${funds[2] === "kind" ? "行" : funds[2] === "label" ? "行名称" : column(FUNDS_COLUMNS, funds[2])}` : ""}`;
  }
  const indicator = /^indicators\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (indicator) {
    const name = form?.indicators[Number(indicator[1])]?.name;
    const rowName = name ? `“${name}”` : `第${Number(indicator[1]) + 1}行`;
    return `绩效指标${rowName}${indicator[2] ? `·${column(INDICATOR_COLUMNS, indicator[2])}` : ""}`;
  }
  const level = /^levelWeights\.(.+)$/.exec(path);
  if (level) return `一级指标分值·${level[1]}`;
  return path;
}

const TITLES: Record<string, string> = Object.fromEntries([...PROJECT_RULES, ...CROSS_PROJECT_RULES].map((r) => [r.id, r.title]));

/** A rule's Chinese title (P1–P12, X1–X4), or its id. */
export const projectRuleTitle = (rule: string) => TITLES[rule] ?? rule;

/** The rule number docs/domain.md gives it (P1 … P12, X1 … X4). */
export function projectRuleNumber(rule: string): string {
  const p = PROJECT_RULES.findIndex((r) => r.id === rule);
  if (p >= 0) return `P${p + 1}`;
  const x = CROSS_PROJECT_RULES.findIndex((r) => r.id === rule);
  return x >= 0 ? `X${x + 1}` : "";
}

/** The department report's fields the cross-checks point at. */
export const REPORT_PROJECT_FIELDS: Record<string, string> = {
  projects: "项目情况",
  "projects.recurring.count": "常年项目·个数",
  "projects.recurring.amount": "常年项目·金额",
  "projects.recurring.executionPct": "常年项目·执行率",
  "projects.recurring.overBalanceCount": "常年项目·结余率>10%项目数",
  "projects.oneOff.count": "一次性项目·个数",
  "projects.oneOff.amount": "一次性项目·金额",
  "projects.oneOff.executionPct": "一次性项目·执行率",
  "projects.oneOff.overBalanceCount": "一次性项目·结余率>10%项目数",
  "expenditure.total": "支出合计",
};
