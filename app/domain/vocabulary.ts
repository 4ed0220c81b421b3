/**
 * The one vocabulary of docs/domain.md: report statuses, flag severities, grades and the names
 * of the document's fields, as codes and as the Chinese words the form, the queue, the charts,
 * the audit view, the exports and the scripts show. A label is defined here and nowhere else,
 * so 提示 cannot mean one thing in the form and another in a chart. (Audit action names are
 * auditLabels.ts's; transitions and roles are named beside their rules in workflow.ts and
 * permissions.ts.)
 */
import type { ListPath } from "./formDocument";

// ─── report status ──────────────────────────────────────────────────────────

/** In workflow order (workflow.ts has the transitions). */
export const REPORT_STATUSES = ["draft", "submitted", "returned", "approved"] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const STATUS_LABELS: Record<ReportStatus, string> = {
  draft: "草稿",
  submitted: "已提交",
  returned: "已退回",
  approved: "已通过",
};

/** Where a unit stands in a year: its report's status, or no report yet (progress charts, drill-downs). */
export type UnitProgress = ReportStatus | "not_started";

export const PROGRESS_LABELS: Record<UnitProgress, string> = { not_started: "未填报", ...STATUS_LABELS };

// ─── flag severity ──────────────────────────────────────────────────────────

/** Worst first: lists, counts and stacks show them in this order. */
export const SEVERITIES = ["error", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Record<Severity, string> = {
  error: "错误",
  warning: "提示",
  info: "信息",
};

/** What a severity means for a unit (docs/domain.md, Consistency rules). */
export const SEVERITY_NOTES: Record<Severity, string> = {
  error: "强制性，须改正后提交",
  warning: "提示性，须填写情况说明",
  info: "仅审核人员可见",
};

/** "错误（强制性，须改正后提交）": a label with its meaning, where a severity is explained. */
export const SEVERITY_DESCRIPTIONS = Object.fromEntries(
  SEVERITIES.map((s) => [s, `${SEVERITY_LABELS[s]}（${SEVERITY_NOTES[s]}）`]),
) as Record<Severity, string>;

// ─── grades ─────────────────────────────────────────────────────────────────

/** The qualitative grades of a 定性 indicator, best first; the grade is its own label. */
export const GRADES = ["优", "良", "中", "低", "差"] as const;
export type Grade = (typeof GRADES)[number];

/** How reports write a grade ("优秀", "良好"), for the import and the rules. */
export const GRADE_SPELLINGS: Readonly<Record<string, Grade>> = {
  优: "优", 优秀: "优", 良: "良", 良好: "良", 中: "中", 中等: "中", 低: "低", 差: "差", 较差: "差",
};

/** The total-score bands (自评等级 and the dashboards); 低 is an indicator grade only. */
export const SCORE_GRADES = ["优", "良", "中", "差"] as const satisfies readonly Grade[];
export type ScoreGrade = (typeof SCORE_GRADES)[number];

/** The default bands in points (metrics.ts scoreGrade). */
export const SCORE_GRADE_BANDS: Record<ScoreGrade, string> = { 优: "≥90", 良: "80–90", 中: "60–80", 差: "<60" };

// ─── document fields ────────────────────────────────────────────────────────
// One name per field of the interchange format, without its unit (the form adds 万元 or %).
// "·" joins a group and its part; the form shows it as a space ("实有人数 行政").

export const FIELD_NAMES: Readonly<Record<string, string>> = {
  "unit.name": "单位名称",
  year: "年度",
  "staffing.authorized.admin": "编制人数·行政",
  "staffing.authorized.institution": "编制人数·事业",
  "staffing.authorized.total": "编制人数·合计",
  "staffing.actual.admin": "实有人数·行政",
  "staffing.actual.institution": "实有人数·事业",
  "staffing.actual.total": "实有人数·合计",
  "staffing.retired": "退休人数",
  "income.initialBudget": "年初预算",
  "income.adjustedBudget": "调整预算",
  "income.total": "收入合计",
  "income.fiscal": "财政拨款收入",
  "income.other": "其他收入",
  "expenditure.total": "支出合计",
  carryover: "结转结余",
  "budgetManagement.statedDeviationPct": "偏离度（报告所述）",
  "projects.recurring.count": "常年项目·个数",
  "projects.recurring.amount": "常年项目·金额",
  "projects.recurring.executionPct": "常年项目·执行率",
  "projects.recurring.overBalanceCount": "常年项目·结余率超10%项目数",
  "projects.oneOff.count": "一次性项目·个数",
  "projects.oneOff.amount": "一次性项目·金额",
  "projects.oneOff.executionPct": "一次性项目·执行率",
  "projects.oneOff.overBalanceCount": "一次性项目·结余率超10%项目数",
  selfScore: "自评得分",
  selfGrade: "自评等级",
  "targets.totalFunds": "年度资金总额",
  "targets.fiscal": "财政拨款",
  "targets.other": "其他资金",
  "targets.overallGoal": "年度总体目标",
};

export const LIST_NAMES: Readonly<Record<ListPath, string>> = {
  "expenditure.lines": "支出明细",
  "budgetManagement.adjustments": "预算调整事项",
  "targets.tasks": "年度主要任务",
  "targets.indicators": "绩效指标",
};

export const COLUMN_NAMES: Readonly<Record<ListPath, Readonly<Record<string, string>>>> = {
  "expenditure.lines": { code: "科目编码", name: "科目名称", budget: "预算数", final: "决算数", statedRatePct: "完成率" },
  "budgetManagement.adjustments": { reason: "调整原因", amount: "金额" },
  "targets.tasks": { name: "任务名称", content: "主要内容" },
  "targets.indicators": {
    level1: "一级指标", level2: "二级指标", name: "三级指标", nature: "指标性质", target: "指标值", unit: "度量单位",
    weightPct: "权重", actual: "实际完成值", score: "得分",
  },
};

/** Own keys only: a path may come from a request ("constructor" must not find Object's). */
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

const ROW_PATH = /^([\w.]+)\[(\d+)\](?:\.(\w+))?$/;

/**
 * The Chinese name of a document path, as reviewers, comments and messages show it: "年初预算",
 * "实有人数·行政", "支出明细", "绩效指标第5行·得分"; the path itself when it names no field.
 */
export function fieldLabel(path: string): string {
  const field = own(FIELD_NAMES, path) ?? own(LIST_NAMES, path);
  if (field) return field;
  const row = ROW_PATH.exec(path);
  const list = row ? own(LIST_NAMES, row[1]) : undefined;
  if (!row || !list) return path;
  const at = `${list}第${Number(row[2]) + 1}行`;
  return row[3] ? `${at}·${own(COLUMN_NAMES[row[1] as ListPath], row[3]) ?? row[3]}` : at;
}
