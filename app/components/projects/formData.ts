/**
 * The project form as typed: every field a string, shaped like the document, so an input's
 * name is its document path (`funds.rows[0].executed`, `indicators[3].score`) and an error —
 * the form's own or the model's — lands beside the input it belongs to. `readProjectForm`
 * turns a post into a document with zod, numbers read as the report form reads them
 * (formDocument.ts parseDecimalField: 1,234.5 / １２ / 98.5% accepted, Chinese messages),
 * and keeps what was typed for the page to show again. Pure; shared by the route and the editor.
 */
import { z } from "zod";
import { parseDecimalField } from "~/domain/formDocument";
import type { DecimalKind } from "~/domain/money";
import { formatPath } from "~/domain/paths";
import { FUNDS_ROW_KINDS, PROJECT_KINDS, type FundsRowKind, type ProjectEvaluation } from "~/domain/projectEvaluation";
import { FUNDS_ROW_LABELS } from "./labels";

export interface FundsRowFields {
  kind: string;
  label: string;
  initialBudget: string;
  adjustedBudget: string;
  executed: string;
  statedRatePct: string;
  weight: string;
  score: string;
  reason: string;
}

export interface IndicatorFields {
  level1: string;
  level2: string;
  name: string;
  nature: string;
  target: string;
  unit: string;
  actual: string;
  weightPct: string;
  score: string;
  reason: string;
}

export interface ProjectFields {
  project: { name: string; code: string; kind: string };
  department: string;
  funds: { rows: FundsRowFields[] };
  goal: { planned: string; achieved: string };
  summary: string;
  indicators: IndicatorFields[];
  totalScore: string;
  conclusion: string;
  problems: string;
  improvements: string;
  projectLead: string;
  financeLead: string;
}

export const MAX_FUNDS_ROWS = 12;
export const MAX_INDICATORS = 300;

const FUNDS_KEYS = ["kind", "label", "initialBudget", "adjustedBudget", "executed", "statedRatePct", "weight", "score", "reason"] as const;
const INDICATOR_KEYS = ["level1", "level2", "name", "nature", "target", "unit", "actual", "weightPct", "score", "reason"] as const;

const s = (v: string | null | undefined) => v ?? "";

export function blankFundsRow(kind: FundsRowKind = "other"): FundsRowFields {
  return { kind, label: FUNDS_ROW_LABELS[kind], initialBudget: "", adjustedBudget: "", executed: "", statedRatePct: "", weight: "", score: "", reason: "" };
}

export function blankIndicator(): IndicatorFields {
  return { level1: "", level2: "", name: "", nature: "", target: "", unit: "", actual: "", weightPct: "", score: "", reason: "" };
}

/** A stored form as fields. A form without a funds block starts with the 总额 and 财政资金 rows. */
export function fieldsOfDocument(doc: ProjectEvaluation): ProjectFields {
  const rows = doc.funds.rows.length
    ? doc.funds.rows.map((r) => ({
      kind: r.kind, label: r.label, initialBudget: s(r.initialBudget), adjustedBudget: s(r.adjustedBudget), executed: s(r.executed),
      statedRatePct: s(r.statedRatePct), weight: s(r.weight), score: s(r.score), reason: s(r.reason),
    }))
    : [{ ...blankFundsRow("total"), weight: "10" }, blankFundsRow("fiscal")];
  return {
    project: { name: doc.project.name, code: s(doc.project.code), kind: s(doc.project.kind) },
    department: s(doc.department),
    funds: { rows },
    goal: { planned: s(doc.goal.planned), achieved: s(doc.goal.achieved) },
    summary: s(doc.summary),
    indicators: doc.indicators.map((i) => ({
      level1: i.level1, level2: i.level2, name: i.name, nature: i.nature, target: i.target, unit: s(i.unit), actual: i.actual,
      weightPct: s(i.weightPct), score: s(i.score), reason: s(i.reason),
    })),
    totalScore: s(doc.totalScore),
    conclusion: s(doc.conclusion),
    problems: s(doc.problems),
    improvements: s(doc.improvements),
    projectLead: s(doc.projectLead),
    financeLead: s(doc.financeLead),
  };
}

function rowCount(formData: FormData, prefix: RegExp, max: number): number {
  let count = 0;
  for (const key of formData.keys()) {
    const m = prefix.exec(key);
    if (m) count = Math.max(count, Math.min(Number(m[1]) + 1, max + 1));
  }
  return count;
}

/** The fields of a post, by their input names; anything else in the post is ignored. */
export function fieldsFromFormData(formData: FormData): ProjectFields {
  const get = (name: string) => {
    const v = formData.get(name);
    return typeof v === "string" ? v : "";
  };
  const fields: ProjectFields = {
    project: { name: get("project.name"), code: get("project.code"), kind: get("project.kind") },
    department: get("department"),
    funds: { rows: [] },
    goal: { planned: get("goal.planned"), achieved: get("goal.achieved") },
    summary: get("summary"),
    indicators: [],
    totalScore: get("totalScore"),
    conclusion: get("conclusion"),
    problems: get("problems"),
    improvements: get("improvements"),
    projectLead: get("projectLead"),
    financeLead: get("financeLead"),
  };
  // One past the limit is read, so the schema can say the list is too long.
  const funds = rowCount(formData, /^funds\.rows\[(\d{1,4})\]\./, MAX_FUNDS_ROWS);
  fields.funds.rows = Array.from({ length: funds }, (_, i) => Object.fromEntries(FUNDS_KEYS.map((k) => [k, get(`funds.rows[${i}].${k}`)])) as unknown as FundsRowFields);
  const indicators = rowCount(formData, /^indicators\[(\d{1,4})\]\./, MAX_INDICATORS);
  fields.indicators = Array.from({ length: indicators }, (_, i) => Object.fromEntries(INDICATOR_KEYS.map((k) => [k, get(`indicators[${i}].${k}`)])) as unknown as IndicatorFields);
  return fields;
}

/** The unit's explanations of warnings, posted as `explanation:<rule@path>`. */
export function explanationsFromFormData(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && key.startsWith("explanation:") && value.trim()) out[key.slice("explanation:".length)] = value;
  }
  return out;
}

export const explanationFieldName = (key: string) => `explanation:${key}`;

// ——— the schema ——————————————————————————————————————————————————————————————————————————

const decimal = (kind: DecimalKind) =>
  z.string().max(100, "内容过长").transform((raw, ctx) => {
    const parsed = parseDecimalField(raw, kind);
    if (parsed.error) {
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }
    return parsed.value;
  });
const text = (max: number) => z.string().max(max, `不能超过${max}个字`).transform((v) => v.trim());
const optional = (max: number) => text(max).transform((v) => v || null);

const fundsRowSchema = z.object({
  kind: z.enum(FUNDS_ROW_KINDS, { message: "请选择资金行" }),
  label: text(50),
  initialBudget: decimal("amount"),
  adjustedBudget: decimal("amount"),
  executed: decimal("amount"),
  statedRatePct: decimal("percent"),
  weight: decimal("percent"),
  score: decimal("score"),
  reason: optional(500),
});

const indicatorSchema = z.object({
  level1: text(100),
  level2: text(100),
  name: text(200),
  nature: text(50),
  target: text(200),
  unit: optional(50),
  actual: text(200),
  weightPct: decimal("percent"),
  score: decimal("score"),
  reason: optional(500),
});

const formSchema = z.object({
  project: z.object({
    name: text(200).refine((v) => v.length > 0, "请填写项目名称"),
    code: optional(50),
    kind: z.union([z.enum(PROJECT_KINDS), z.literal("")], { message: "请选择项目类型" }).transform((v) => v || null),
  }),
  department: optional(200),
  funds: z.object({ rows: z.array(fundsRowSchema).max(MAX_FUNDS_ROWS, `资金行不能超过${MAX_FUNDS_ROWS}行`) }),
  goal: z.object({ planned: optional(5000), achieved: optional(5000) }),
  summary: optional(5000),
  indicators: z.array(indicatorSchema).max(MAX_INDICATORS, `绩效指标不能超过${MAX_INDICATORS}行`),
  totalScore: decimal("score"),
  conclusion: optional(5000),
  problems: optional(5000),
  improvements: optional(5000),
  projectLead: optional(50),
  financeLead: optional(50),
});

const blankRow = (row: object) => Object.entries(row).every(([k, v]) => k === "kind" || k === "label" || v === null || v === "");

export type ReadProjectForm = { ok: true; document: ProjectEvaluation } | { ok: false; errors: Record<string, string> };

/**
 * Fields → the form's document over `base` (the stored form: its format, unit, year and the
 * first-level weights the page does not edit are kept). Errors are keyed by document path.
 * Rows left entirely blank are dropped.
 */
export function readProjectForm(fields: ProjectFields, base: ProjectEvaluation): ReadProjectForm {
  const parsed = formSchema.safeParse(fields);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path.filter((p): p is string | number => typeof p !== "symbol")) || "_form";
      errors[path] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const v = parsed.data;
  return {
    ok: true,
    document: {
      ...base,
      project: v.project,
      department: v.department,
      funds: { rows: v.funds.rows.filter((r) => !blankRow(r)).map((r) => ({ ...r, label: r.label || FUNDS_ROW_LABELS[r.kind] })) },
      goal: v.goal,
      summary: v.summary,
      indicators: v.indicators.filter((r) => !blankRow(r)),
      totalScore: v.totalScore,
      conclusion: v.conclusion,
      problems: v.problems,
      improvements: v.improvements,
      projectLead: v.projectLead,
      financeLead: v.financeLead,
    },
  };
}
