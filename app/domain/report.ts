/**
 * The self-evaluation report in the interchange format `self-evaluation/v1`
 * (see docs/domain.md). Amounts are decimal strings in 万元, percents decimal strings
 * without `%`, and `null` means "not in the source" — never 0.
 */
import { z } from "zod";

export const FORMAT = "self-evaluation/v1" as const;

/** A decimal number as written: optional minus, digits, optional fraction. */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;
const decimal = z.string().regex(DECIMAL_PATTERN, "请输入数字");
const nullableDecimal = decimal.nullable();
const count = z.number().int("请输入整数").min(0, "不能为负数").max(10_000_000, "数值过大");
const nullableCount = count.nullable();
const text = (max: number) => z.string().max(max, `不能超过${max}个字`);

export const headcountSchema = z.object({
  admin: nullableCount,
  institution: nullableCount,
  total: nullableCount,
});

export const expenditureLineSchema = z.object({
  code: text(20),
  name: text(200),
  budget: nullableDecimal,
  final: nullableDecimal,
  statedRatePct: nullableDecimal.optional(),
});

export const adjustmentSchema = z.object({
  reason: text(500),
  amount: nullableDecimal,
});

export const projectGroupSchema = z.object({
  count: nullableCount,
  amount: nullableDecimal,
  executionPct: nullableDecimal,
  overBalanceCount: nullableCount,
});

export const indicatorSchema = z.object({
  level1: text(100),
  level2: text(100),
  name: text(200),
  /** As written in the source: ≥ ≤ = 定性, or anything else (then NATURE_INVALID). */
  nature: text(50),
  target: text(200),
  unit: text(50).nullable(),
  weightPct: nullableDecimal,
  actual: text(200),
  score: nullableDecimal,
});

export const taskSchema = z.object({ name: text(200), content: text(2000) });

export const reportDocumentSchema = z.object({
  format: z.literal(FORMAT),
  unit: z.object({
    name: text(200),
    code: text(50).nullable().optional(),
    county: text(100).nullable().optional(),
  }),
  year: z.number().int().min(2000).max(2100).nullable(),
  staffing: z.object({
    authorized: headcountSchema,
    actual: headcountSchema,
    retired: nullableCount,
  }),
  income: z.object({
    initialBudget: nullableDecimal,
    adjustedBudget: nullableDecimal,
    total: nullableDecimal,
    fiscal: nullableDecimal,
    other: nullableDecimal.optional(),
  }),
  expenditure: z.object({
    total: nullableDecimal,
    lines: z.array(expenditureLineSchema).max(500, "支出科目不能超过500行"),
  }),
  carryover: nullableDecimal,
  budgetManagement: z.object({
    statedDeviationPct: nullableDecimal,
    adjustments: z.array(adjustmentSchema).max(200, "调整事项不能超过200条"),
  }),
  projects: z.object({
    recurring: projectGroupSchema,
    oneOff: projectGroupSchema,
  }),
  selfScore: nullableDecimal,
  selfGrade: text(10).nullable().optional(),
  targets: z.object({
    totalFunds: nullableDecimal,
    fiscal: nullableDecimal,
    other: nullableDecimal,
    overallGoal: text(5000).nullable(),
    tasks: z.array(taskSchema).max(100, "年度任务不能超过100条"),
    indicators: z.array(indicatorSchema).max(300, "绩效指标不能超过300行"),
  }),
  narrative: z.record(z.string().max(200), z.string().max(50_000)).optional(),
});

export type ReportDocument = z.infer<typeof reportDocumentSchema>;
export type Headcount = z.infer<typeof headcountSchema>;
export type ExpenditureLine = z.infer<typeof expenditureLineSchema>;
export type Adjustment = z.infer<typeof adjustmentSchema>;
export type ProjectGroup = z.infer<typeof projectGroupSchema>;
export type Indicator = z.infer<typeof indicatorSchema>;
export type Task = z.infer<typeof taskSchema>;

/** An empty report: every field absent (null), every list empty. */
export function emptyReport(unitName = "", year: number | null = null): ReportDocument {
  const headcount = (): Headcount => ({ admin: null, institution: null, total: null });
  const group = (): ProjectGroup => ({ count: null, amount: null, executionPct: null, overBalanceCount: null });
  return {
    format: FORMAT,
    unit: { name: unitName },
    year,
    staffing: { authorized: headcount(), actual: headcount(), retired: null },
    income: { initialBudget: null, adjustedBudget: null, total: null, fiscal: null },
    expenditure: { total: null, lines: [] },
    carryover: null,
    budgetManagement: { statedDeviationPct: null, adjustments: [] },
    projects: { recurring: group(), oneOff: group() },
    selfScore: null,
    targets: { totalFunds: null, fiscal: null, other: null, overallGoal: null, tasks: [], indicators: [] },
  };
}

/** Flags as printed by check-report and stored per revision. */
export type Severity = "error" | "warning" | "info";
export interface Flag {
  rule: string;
  severity: Severity;
  /** Points into the document, e.g. `targets.indicators[4].score`. */
  path: string;
  message: string;
  values: Record<string, string | number | null>;
}
