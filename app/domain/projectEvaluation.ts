/**
 * The project self-evaluation (项目支出绩效自评表) in the interchange format
 * `project-evaluation/v1`: one budget project of a unit and year — its funds block, goal,
 * indicator table, score and conclusions (docs/domain.md, "Project forms"). The second kind of
 * document beside the department report (report.ts), sharing its number kinds, indicator row
 * and conventions: amounts are decimal strings in 万元, percents without `%`, `null` means
 * "not in the source" — never 0.
 */
import { z } from "zod";
import { decimalOf, indicatorSchema, schemaProblems } from "./report";

export const PROJECT_FORMAT = "project-evaluation/v1" as const;

/** The funds block's rows, whatever the template calls them (总额 / 年度资金总额, 其中：财政资金 / 本年财政拨款…). */
export const FUNDS_ROW_KINDS = ["total", "fiscal", "specialAccount", "unitFunds", "carryover", "other"] as const;
export type FundsRowKind = (typeof FUNDS_ROW_KINDS)[number];

export const PROJECT_KINDS = ["recurring", "oneOff"] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];

const amount = decimalOf("amount").nullable();
const percent = decimalOf("percent").nullable();
const score = decimalOf("score").nullable();
const text = (max: number) => z.string().max(max, `不能超过${max}个字`);
const prose = text(5000).nullable();

export const fundsRowSchema = z.object({
  kind: z.enum(FUNDS_ROW_KINDS),
  /** The row's label as written. */
  label: text(50),
  initialBudget: amount,
  /** 调整后预算数 / 全年预算数: the base of the execution rate. */
  adjustedBudget: amount,
  executed: amount,
  /** 执行率 as written on the form. */
  statedRatePct: percent,
  /** 权重 / 分值 of budget execution (on the total row). */
  weight: percent,
  score,
  reason: text(500).nullable(),
});

export const projectIndicatorSchema = indicatorSchema.extend({
  /** 未完成原因分析 / 偏差原因分析及改进措施. */
  reason: text(500).nullable(),
});

export const projectEvaluationSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  project: z.object({
    code: text(50).nullable(),
    name: text(200),
    kind: z.enum(PROJECT_KINDS).nullable(),
  }),
  /** 主管部门 as written (may carry a code: 219-…). */
  department: text(200).nullable(),
  /** 实施单位: the unit the form belongs to. */
  unit: z.object({ name: text(200), code: text(50).nullable() }),
  year: z.number().int().min(2000).max(2100).nullable(),
  funds: z.object({ rows: z.array(fundsRowSchema).max(12, "资金行不能超过12行") }),
  goal: z.object({ planned: prose, achieved: prose }),
  /** 项目实施内容及过程概述 (Sichuan). */
  summary: prose,
  indicators: z.array(projectIndicatorSchema).max(300, "绩效指标不能超过300行"),
  /** First-level weights written on the form (产出指标(50分) → { 产出指标: "50" }). */
  levelWeights: z.record(text(100), decimalOf("percent")),
  /** 总分 / 自评得分 as stated. */
  totalScore: score,
  conclusion: prose,
  problems: prose,
  improvements: prose,
  projectLead: text(50).nullable(),
  financeLead: text(50).nullable(),
});

export type ProjectEvaluation = z.infer<typeof projectEvaluationSchema>;
export type FundsRow = z.infer<typeof fundsRowSchema>;
export type ProjectIndicator = z.infer<typeof projectIndicatorSchema>;

export function emptyProjectEvaluation(): ProjectEvaluation {
  return {
    format: PROJECT_FORMAT,
    project: { code: null, name: "", kind: null },
    department: null,
    unit: { name: "", code: null },
    year: null,
    funds: { rows: [] },
    goal: { planned: null, achieved: null },
    summary: null,
    indicators: [],
    levelWeights: {},
    totalScore: null,
    conclusion: null,
    problems: null,
    improvements: null,
    projectLead: null,
    financeLead: null,
  };
}

/** The total row (总额 / 年度资金总额), or null. */
export function fundsTotal(evaluation: ProjectEvaluation): FundsRow | null {
  return evaluation.funds.rows.find((r) => r.kind === "total") ?? null;
}

export type ProjectCheck = { ok: true; evaluation: ProjectEvaluation } | { ok: false; errors: Record<string, string>; message: string };

/** Same contract as validateReport: the parsed form, or a Chinese message per path. */
export function validateProjectEvaluation(value: unknown): ProjectCheck {
  const parsed = projectEvaluationSchema.safeParse(value);
  if (parsed.success) return { ok: true, evaluation: parsed.data };
  return { ok: false, ...schemaProblems(parsed.error, "项目自评表内容无效") };
}

const PROJECT_FIELD_NAMES: Readonly<Record<string, string>> = {
  "project.name": "项目名称",
  "project.code": "项目编码",
  "project.kind": "项目类型",
  department: "主管部门",
  "unit.name": "实施单位",
  year: "年度",
  "funds.rows": "项目资金",
  "goal.planned": "年度目标",
  "goal.achieved": "目标完成情况",
  summary: "项目实施内容及过程概述",
  indicators: "绩效指标",
  levelWeights: "一级指标分值",
  totalScore: "总分",
  conclusion: "评价结论",
  problems: "存在问题",
  improvements: "改进措施",
  projectLead: "项目负责人",
  financeLead: "财务负责人",
};

/** A project form's path in Chinese (indicators[2].score → 绩效指标第3行·score's field name). */
export function projectFieldLabel(path: string): string {
  const row = /^(indicators|funds\.rows)\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (!row) return PROJECT_FIELD_NAMES[path] ?? path;
  const at = `${PROJECT_FIELD_NAMES[row[1]]}第${Number(row[2]) + 1}行`;
  return row[3] ? `${at}·${PROJECT_COLUMN_NAMES[row[3]] ?? row[3]}` : at;
}

const PROJECT_COLUMN_NAMES: Readonly<Record<string, string>> = {
  initialBudget: "年初预算数", adjustedBudget: "调整后预算数", executed: "执行数", statedRatePct: "执行率", weight: "分值", score: "得分", reason: "原因",
  level1: "一级指标", level2: "二级指标", name: "三级指标", nature: "指标性质", target: "指标值", unit: "度量单位", weightPct: "分值", actual: "完成值",
};
