/**
 * The self-evaluation report in the interchange format `self-evaluation/v1`
 * (see docs/domain.md). Amounts are decimal strings in 万元, percents decimal strings
 * without `%`, and `null` means "not in the source" — never 0.
 */
import { z } from "zod";
import { Decimal, DECIMAL_PATTERN, decimalProblem, decimalProblemMessage, LIMIT_MESSAGES, MAX_AMOUNT, type DecimalKind } from "./money";
import { formatPath } from "./paths";
import { fieldLabel, type Severity } from "./vocabulary";

export { DECIMAL_PATTERN };
export const FORMAT = "self-evaluation/v1" as const;

/**
 * A decimal string of a kind, within the limits of money.ts (decimals, sign, magnitude):
 * the one check every write of a document goes through.
 */
export const decimalOf = (kind: DecimalKind) =>
  z.string().superRefine((value, ctx) => {
    const problem = decimalProblem(value, kind);
    if (problem) ctx.addIssue({ code: "custom", message: decimalProblemMessage(problem, kind) });
  });
/**
 * Which decimal field holds which kind of number (list indices written `[]`): the schema
 * below applies exactly these kinds (a unit test checks each path), and the form and the
 * importer read them from here.
 */
export const DECIMAL_FIELDS: Readonly<Record<string, DecimalKind>> = Object.freeze({
  "income.initialBudget": "amount",
  "income.adjustedBudget": "amount",
  "income.total": "amount",
  "income.fiscal": "amount",
  "income.other": "amount",
  "expenditure.total": "amount",
  "expenditure.lines[].budget": "amount",
  "expenditure.lines[].final": "amount",
  "expenditure.lines[].statedRatePct": "percent",
  carryover: "signedAmount",
  "budgetManagement.statedDeviationPct": "signedPercent",
  "budgetManagement.adjustments[].amount": "signedAmount",
  "projects.recurring.amount": "amount",
  "projects.recurring.executionPct": "percent",
  "projects.oneOff.amount": "amount",
  "projects.oneOff.executionPct": "percent",
  selfScore: "score",
  "targets.totalFunds": "amount",
  "targets.fiscal": "amount",
  "targets.other": "amount",
  "targets.indicators[].weightPct": "percent",
  "targets.indicators[].score": "score",
});

/** The decimal kind at a document path (`expenditure.lines[3].final`), or undefined. */
export function decimalKindOf(path: string): DecimalKind | undefined {
  return DECIMAL_FIELDS[path.replace(/\[\d+\]/g, "[]")];
}

const amount = decimalOf("amount").nullable();
const signedAmount = decimalOf("signedAmount").nullable();
const percent = decimalOf("percent").nullable();
const signedPercent = decimalOf("signedPercent").nullable();
const score = decimalOf("score").nullable();
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
  budget: amount,
  final: amount,
  statedRatePct: percent.optional(),
});

export const adjustmentSchema = z.object({
  reason: text(500),
  amount: signedAmount,
});

export const projectGroupSchema = z.object({
  count: nullableCount,
  amount,
  executionPct: percent,
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
  weightPct: percent,
  actual: text(200),
  score,
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
    initialBudget: amount,
    adjustedBudget: amount,
    total: amount,
    fiscal: amount,
    other: amount.optional(),
  }),
  expenditure: z
    .object({
      total: amount,
      lines: z.array(expenditureLineSchema).max(500, "支出科目不能超过500行"),
    })
    .superRefine((expenditure, ctx) => {
      // Each line's 决算数 is summed per function class into one stored amount: the sum obeys
      // the same bound as any amount (a consistent report's lines add up to its total anyway).
      let running = new Decimal(0);
      for (const [i, line] of expenditure.lines.entries()) {
        if (line.final == null || decimalProblem(line.final, "amount")) continue;
        running = running.plus(line.final);
        if (running.gt(MAX_AMOUNT)) {
          ctx.addIssue({ code: "custom", path: ["lines", i, "final"], message: LIMIT_MESSAGES.linesSumTooLarge });
          return;
        }
      }
    }),
  carryover: signedAmount,
  budgetManagement: z.object({
    statedDeviationPct: signedPercent,
    adjustments: z.array(adjustmentSchema).max(200, "调整事项不能超过200条"),
  }),
  projects: z.object({
    recurring: projectGroupSchema,
    oneOff: projectGroupSchema,
  }),
  selfScore: score,
  selfGrade: text(10).nullable().optional(),
  targets: z.object({
    totalFunds: amount,
    fiscal: amount,
    other: amount,
    overallGoal: text(5000).nullable(),
    tasks: z.array(taskSchema).max(100, "年度任务不能超过100条"),
    indicators: z.array(indicatorSchema).max(300, "绩效指标不能超过300行"),
  }),
  narrative: z.record(z.string().max(200), z.string().max(50_000)).optional(),
});

export type ReportDocument = z.infer<typeof reportDocumentSchema>;

export type DocumentCheck =
  | { ok: true; document: ReportDocument }
  | { ok: false; errors: Record<string, string>; message: string };

/**
 * A document (from anywhere: form, import, JSON, a generator) against the schema and its
 * limits → the parsed document, or a Chinese message per path and one summary message
 * naming the first field ("收入合计：金额超出上限（…）").
 */
export function validateReport(value: unknown): DocumentCheck {
  const parsed = reportDocumentSchema.safeParse(value);
  if (parsed.success) return { ok: true, document: parsed.data };
  return { ok: false, ...schemaProblems(parsed.error, "报告内容无效") };
}

/** A schema failure as one Chinese message per path plus a summary naming the first field. */
export function schemaProblems(error: z.ZodError, summary: string): { errors: Record<string, string>; message: string } {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = formatPath(issue.path.filter((s): s is string | number => typeof s !== "symbol"));
    errors[path || "_form"] ??= issue.message;
  }
  const [path, message] = Object.entries(errors)[0];
  const more = Object.keys(errors).length - 1;
  const label = path === "_form" ? "" : `${fieldLabel(path)}：`;
  return { errors, message: `${summary}：${label}${message}${more > 0 ? `（另有${more}处）` : ""}` };
}
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
export interface Flag {
  rule: string;
  severity: Severity;
  /** Points into the document, e.g. `targets.indicators[4].score`. */
  path: string;
  message: string;
  values: Record<string, string | number | null>;
}
