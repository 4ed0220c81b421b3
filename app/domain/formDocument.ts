/**
 * The report as the form edits it: the shape of ReportDocument, but every number (decimal
 * strings and integer counts alike) held as the raw string the user typed, "" for absent.
 * `fromFormDocument` turns what people type into the interchange format, with a Chinese
 * message per field path for what it cannot read. Pure: the browser runs it while the user
 * types, the server runs it again on what was posted.
 *
 * Numbers are read as numerals.ts reads every number people write (full-width digits and
 * punctuation, blanks, thousands separators, "5." and ".5"; decimals kept as typed), with a
 * trailing % accepted for percent fields only and 年/年度 after the year; no other unit.
 *
 * The narrative (the report's prose, a record title → text in the document) is a list of
 * sections in the form: titles are edited, so they cannot be the keys while being typed.
 */
import { z } from "zod";
import { decimalProblem, decimalProblemMessage, LIMIT_MESSAGES, type DecimalKind } from "./money";
import { foldNumeral as foldWith, readCount, readDecimal } from "./numerals";
import { formatPath } from "./paths";
import { DECIMAL_FIELDS, FORMAT, reportDocumentSchema, type ReportDocument } from "./report";

export interface FormHeadcount {
  admin: string;
  institution: string;
  total: string;
}
export interface FormExpenditureLine {
  code: string;
  name: string;
  budget: string;
  final: string;
  statedRatePct: string;
}
export interface FormAdjustment {
  reason: string;
  amount: string;
}
export interface FormProjectGroup {
  count: string;
  amount: string;
  executionPct: string;
  overBalanceCount: string;
}
export interface FormTask {
  name: string;
  content: string;
}
export interface FormIndicator {
  level1: string;
  level2: string;
  name: string;
  nature: string;
  target: string;
  unit: string;
  weightPct: string;
  actual: string;
  score: string;
}

/** One prose section of the report (基本情况, 存在问题 …), in the document's order. */
export interface FormNarrativeSection {
  title: string;
  text: string;
}

export interface FormDocument {
  format: typeof FORMAT;
  unit: { name: string; code: string; county: string };
  year: string;
  staffing: { authorized: FormHeadcount; actual: FormHeadcount; retired: string };
  income: { initialBudget: string; adjustedBudget: string; total: string; fiscal: string; other: string };
  expenditure: { total: string; lines: FormExpenditureLine[] };
  carryover: string;
  budgetManagement: { statedDeviationPct: string; adjustments: FormAdjustment[] };
  projects: { recurring: FormProjectGroup; oneOff: FormProjectGroup };
  selfScore: string;
  selfGrade: string;
  targets: {
    totalFunds: string;
    fiscal: string;
    other: string;
    overallGoal: string;
    tasks: FormTask[];
    indicators: FormIndicator[];
  };
  narrative: FormNarrativeSection[];
}

// ---------------------------------------------------------------------------------------
// Which field holds which kind of number

/**
 * The decimal kinds and their limits are money.ts's (amount: 万元, ≥ 0, ≤ 6 decimals, below
 * 10,000,000 万元; signedAmount: adjustments, carryover; percent: 0–1000, a trailing %
 * accepted; signedPercent: the stated deviation; score: 0–1000); count: a non-negative
 * integer; year: 2000–2100.
 */
export type NumberKind = DecimalKind | "count" | "year";

/** Field paths with list indices written `[]`: the document's decimal fields (report.ts), counts and the year. */
export const NUMBER_FIELDS: Readonly<Record<string, NumberKind>> = Object.freeze({
  year: "year",
  "staffing.authorized.admin": "count",
  "staffing.authorized.institution": "count",
  "staffing.authorized.total": "count",
  "staffing.actual.admin": "count",
  "staffing.actual.institution": "count",
  "staffing.actual.total": "count",
  "staffing.retired": "count",
  "projects.recurring.count": "count",
  "projects.recurring.overBalanceCount": "count",
  "projects.oneOff.count": "count",
  "projects.oneOff.overBalanceCount": "count",
  ...DECIMAL_FIELDS,
});

/** The kind of number at a (form) path, or undefined for text fields. */
export function numberKindOf(path: string): NumberKind | undefined {
  return NUMBER_FIELDS[path.replace(/\[\d+\]/g, "[]")];
}

export const FORM_MESSAGES = {
  ...LIMIT_MESSAGES,
  notInteger: "请输入整数",
  tooLarge: "数值过大",
  year: "年度应为2000–2100之间的整数",
  functionCode: "科目编码应为7位数字",
  narrativeTitleMissing: "请填写本节标题",
  narrativeTitleReserved: "该标题不可用，请修改",
  narrativeInvalid: "本节内容无效",
} as const;

// The document's own limits (report.ts), read off its schema so that the form and a save
// cannot disagree.
const narrativeRecord = reportDocumentSchema.shape.narrative.unwrap();
export const NARRATIVE_LIMITS = Object.freeze({
  title: narrativeRecord.keyType.maxLength ?? 200,
  text: narrativeRecord.valueType.maxLength ?? 50_000,
});

export const NARRATIVE_MESSAGES = {
  titleTooLong: (length: number) => `标题不能超过${NARRATIVE_LIMITS.title}个字（现有${length}字）`,
  textTooLong: (length: number) => `正文不能超过${NARRATIVE_LIMITS.text}个字（现有${length}字）`,
  titleDuplicate: (section: number) => `与第${section}节标题重复`,
} as const;

const PERCENT_UNITS = ["%"] as const;
const YEAR_UNITS = ["年度", "年"] as const;

/** What the form reads a field as, before judging it (numerals.ts); percent fields drop one trailing %. */
export function foldNumeral(raw: string, percent = false): string {
  return foldWith(raw, percent ? PERCENT_UNITS : []);
}

export interface ParsedNumber<T> {
  value: T | null;
  error?: string;
}

/**
 * A decimal field (amounts, percents, scores) as typed → decimal string, or a message. The
 * limits are the document schema's own (money.ts), so what the form accepts is what a save stores.
 */
export function parseDecimalField(raw: string, kind: DecimalKind): ParsedNumber<string> {
  if (raw.trim() === "") return { value: null };
  const percent = kind === "percent" || kind === "signedPercent";
  const value = readDecimal(raw, percent ? PERCENT_UNITS : []);
  if (value === null) return { value: null, error: FORM_MESSAGES.notNumber };
  const problem = decimalProblem(value, kind);
  return problem ? { value: null, error: decimalProblemMessage(problem, kind) } : { value };
}

/** A count or the year as typed → integer, or a message. */
export function parseIntegerField(raw: string, kind: "count" | "year"): ParsedNumber<number> {
  if (raw.trim() === "") return { value: null };
  if (kind === "year") {
    const year = readDecimal(raw, YEAR_UNITS);
    const ok = year !== null && /^\d{4}$/.test(year) && Number(year) >= 2000 && Number(year) <= 2100;
    return ok ? { value: Number(year) } : { value: null, error: FORM_MESSAGES.year };
  }
  const count = readCount(raw);
  if (typeof count === "number") return { value: count };
  return { value: null, error: FORM_MESSAGES[count === "notNumber" ? "notInteger" : count] };
}

/** Parse one numeric form field by its path's kind (the live figures read fields this way). */
export function parseNumberAt(path: string, raw: string): ParsedNumber<string | number> {
  const kind = numberKindOf(path);
  if (!kind) throw new Error(`not a number field: ${path}`);
  return kind === "count" || kind === "year" ? parseIntegerField(raw, kind) : parseDecimalField(raw, kind);
}

// ---------------------------------------------------------------------------------------
// Repeatable rows

export const LIST_PATHS = ["expenditure.lines", "budgetManagement.adjustments", "targets.tasks", "targets.indicators"] as const;
export type ListPath = (typeof LIST_PATHS)[number];

/** For each list: document row index → form row index (blank form rows are dropped). */
export type RowIndex = Record<ListPath, number[]>;

export const blankLine = (): FormExpenditureLine => ({ code: "", name: "", budget: "", final: "", statedRatePct: "" });
export const blankAdjustment = (): FormAdjustment => ({ reason: "", amount: "" });
export const blankTask = (): FormTask => ({ name: "", content: "" });
export const blankNarrativeSection = (): FormNarrativeSection => ({ title: "", text: "" });
export const blankIndicator = (): FormIndicator => ({
  level1: "", level2: "", name: "", nature: "", target: "", unit: "", weightPct: "", actual: "", score: "",
});

/** A row whose every field is blank (it is dropped, not validated). */
export function isBlankRow(row: object): boolean {
  return Object.values(row).every((v) => typeof v !== "string" || v.trim() === "");
}

/**
 * A path into the converted document → the path of the form field it came from (row
 * indices differ when blank rows were dropped). Flags carry document paths; the form's
 * field ids carry form paths.
 */
export function toFormPath(documentPath: string, rowIndex: RowIndex): string {
  for (const list of LIST_PATHS) {
    if (!documentPath.startsWith(`${list}[`)) continue;
    const m = /^\[(\d+)\]/.exec(documentPath.slice(list.length));
    if (!m) return documentPath;
    const formIndex = rowIndex[list][Number(m[1])];
    return formIndex === undefined ? documentPath : `${list}[${formIndex}]${documentPath.slice(list.length + m[0].length)}`;
  }
  return documentPath;
}

// ---------------------------------------------------------------------------------------
// ReportDocument ⇄ FormDocument

const str = (v: string | number | null | undefined): string => (v == null ? "" : String(v));

export function toFormDocument(doc: ReportDocument): FormDocument {
  const headcount = (h: ReportDocument["staffing"]["authorized"]): FormHeadcount => ({
    admin: str(h.admin), institution: str(h.institution), total: str(h.total),
  });
  const group = (g: ReportDocument["projects"]["recurring"]): FormProjectGroup => ({
    count: str(g.count), amount: str(g.amount), executionPct: str(g.executionPct), overBalanceCount: str(g.overBalanceCount),
  });
  const form: FormDocument = {
    format: FORMAT,
    unit: { name: doc.unit.name, code: str(doc.unit.code), county: str(doc.unit.county) },
    year: str(doc.year),
    staffing: { authorized: headcount(doc.staffing.authorized), actual: headcount(doc.staffing.actual), retired: str(doc.staffing.retired) },
    income: {
      initialBudget: str(doc.income.initialBudget),
      adjustedBudget: str(doc.income.adjustedBudget),
      total: str(doc.income.total),
      fiscal: str(doc.income.fiscal),
      other: str(doc.income.other),
    },
    expenditure: {
      total: str(doc.expenditure.total),
      lines: doc.expenditure.lines.map((l) => ({
        code: l.code, name: l.name, budget: str(l.budget), final: str(l.final), statedRatePct: str(l.statedRatePct),
      })),
    },
    carryover: str(doc.carryover),
    budgetManagement: {
      statedDeviationPct: str(doc.budgetManagement.statedDeviationPct),
      adjustments: doc.budgetManagement.adjustments.map((a) => ({ reason: a.reason, amount: str(a.amount) })),
    },
    projects: { recurring: group(doc.projects.recurring), oneOff: group(doc.projects.oneOff) },
    selfScore: str(doc.selfScore),
    selfGrade: str(doc.selfGrade),
    targets: {
      totalFunds: str(doc.targets.totalFunds),
      fiscal: str(doc.targets.fiscal),
      other: str(doc.targets.other),
      overallGoal: str(doc.targets.overallGoal),
      tasks: doc.targets.tasks.map((t) => ({ name: t.name, content: t.content })),
      indicators: doc.targets.indicators.map((i) => ({
        level1: i.level1, level2: i.level2, name: i.name, nature: i.nature, target: i.target,
        unit: str(i.unit), weightPct: str(i.weightPct), actual: i.actual, score: str(i.score),
      })),
    },
    narrative: Object.entries(doc.narrative ?? {}).map(([title, text]) => ({ title, text })),
  };
  return form;
}

export interface FormConversion {
  /** Null when any error exists; otherwise it passes reportDocumentSchema. */
  document: ReportDocument | null;
  /** Chinese message per form field path (`expenditure.lines[3].final`). */
  errors: Record<string, string>;
  rowIndex: RowIndex;
}

/**
 * Optional fields of the interchange format (income.other, statedRatePct, selfGrade,
 * unit.code, unit.county) are left out when blank; the nullable ones become null. Text is
 * trimmed. Blank rows of the repeatable lists are dropped.
 */
export function fromFormDocument(form: FormDocument): FormConversion {
  const errors: Record<string, string> = {};
  const rowIndex: RowIndex = { "expenditure.lines": [], "budgetManagement.adjustments": [], "targets.tasks": [], "targets.indicators": [] };
  const fail = (path: string, message: string) => {
    errors[path] ??= message;
  };
  const text = (raw: string | undefined) => (raw ?? "").trim();
  const decimal = (path: string, raw: string | undefined): string | null => {
    const kind = numberKindOf(path);
    if (!kind || kind === "count" || kind === "year") throw new Error(`not a decimal field: ${path}`);
    const r = parseDecimalField(raw ?? "", kind);
    if (r.error) fail(path, r.error);
    return r.value;
  };
  const integer = (path: string, raw: string | undefined): number | null => {
    const kind = numberKindOf(path);
    if (kind !== "count" && kind !== "year") throw new Error(`not an integer field: ${path}`);
    const r = parseIntegerField(raw ?? "", kind);
    if (r.error) fail(path, r.error);
    return r.value;
  };
  const optional = <K extends string>(key: K, value: string | null) => (value == null || value === "" ? {} : ({ [key]: value } as Record<K, string>));
  function rows<F extends object, R>(list: ListPath, formRows: F[], convert: (row: F, path: string) => R): R[] {
    const out: R[] = [];
    formRows.forEach((row, i) => {
      if (isBlankRow(row)) return;
      rowIndex[list].push(i);
      out.push(convert(row, `${list}[${i}]`));
    });
    return out;
  }
  const headcount = (p: string, h: FormHeadcount) => ({
    admin: integer(`${p}.admin`, h.admin),
    institution: integer(`${p}.institution`, h.institution),
    total: integer(`${p}.total`, h.total),
  });
  const group = (p: string, g: FormProjectGroup) => ({
    count: integer(`${p}.count`, g.count),
    amount: decimal(`${p}.amount`, g.amount),
    executionPct: decimal(`${p}.executionPct`, g.executionPct),
    overBalanceCount: integer(`${p}.overBalanceCount`, g.overBalanceCount),
  });

  const doc: ReportDocument = {
    format: FORMAT,
    unit: { name: text(form.unit.name), ...optional("code", text(form.unit.code)), ...optional("county", text(form.unit.county)) },
    year: integer("year", form.year),
    staffing: {
      authorized: headcount("staffing.authorized", form.staffing.authorized),
      actual: headcount("staffing.actual", form.staffing.actual),
      retired: integer("staffing.retired", form.staffing.retired),
    },
    income: {
      initialBudget: decimal("income.initialBudget", form.income.initialBudget),
      adjustedBudget: decimal("income.adjustedBudget", form.income.adjustedBudget),
      total: decimal("income.total", form.income.total),
      fiscal: decimal("income.fiscal", form.income.fiscal),
      ...optional("other", decimal("income.other", form.income.other)),
    },
    expenditure: {
      total: decimal("expenditure.total", form.expenditure.total),
      lines: rows("expenditure.lines", form.expenditure.lines, (l, p) => {
        const code = text(l.code).normalize("NFKC").replace(/\s+/g, "");
        if (/\D/.test(code)) fail(`${p}.code`, FORM_MESSAGES.functionCode);
        return {
          code,
          name: text(l.name),
          budget: decimal(`${p}.budget`, l.budget),
          final: decimal(`${p}.final`, l.final),
          ...optional("statedRatePct", decimal(`${p}.statedRatePct`, l.statedRatePct)),
        };
      }),
    },
    carryover: decimal("carryover", form.carryover),
    budgetManagement: {
      statedDeviationPct: decimal("budgetManagement.statedDeviationPct", form.budgetManagement.statedDeviationPct),
      adjustments: rows("budgetManagement.adjustments", form.budgetManagement.adjustments, (a, p) => ({
        reason: text(a.reason),
        amount: decimal(`${p}.amount`, a.amount),
      })),
    },
    projects: {
      recurring: group("projects.recurring", form.projects.recurring),
      oneOff: group("projects.oneOff", form.projects.oneOff),
    },
    selfScore: decimal("selfScore", form.selfScore),
    ...optional("selfGrade", text(form.selfGrade)),
    targets: {
      totalFunds: decimal("targets.totalFunds", form.targets.totalFunds),
      fiscal: decimal("targets.fiscal", form.targets.fiscal),
      other: decimal("targets.other", form.targets.other),
      overallGoal: text(form.targets.overallGoal) || null,
      tasks: rows("targets.tasks", form.targets.tasks, (t) => ({ name: text(t.name), content: text(t.content) })),
      indicators: rows("targets.indicators", form.targets.indicators, (ind, p) => ({
        level1: text(ind.level1),
        level2: text(ind.level2),
        name: text(ind.name),
        nature: text(ind.nature),
        target: text(ind.target),
        unit: text(ind.unit) || null,
        weightPct: decimal(`${p}.weightPct`, ind.weightPct),
        actual: text(ind.actual),
        score: decimal(`${p}.score`, ind.score),
      })),
    },
  };
  const narrative = narrativeOf(form.narrative, fail);
  if (narrative.sections.size > 0) doc.narrative = narrative.record;

  // Everything else the schema knows (text lengths, list sizes) with the schema's own
  // messages, mapped back to the form's row indices.
  const parsed = reportDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.path[0] === "narrative") {
        // narrativeOf checked the same limits in Chinese; anything else lands on its section.
        const section = narrative.sections.get(String(issue.path[1]));
        fail(section === undefined ? "narrative" : `narrative[${section}].text`, FORM_MESSAGES.narrativeInvalid);
        continue;
      }
      const path = formatPath(issue.path.filter((s): s is string | number => typeof s !== "symbol"));
      fail(path ? toFormPath(path, rowIndex) : "_form", issue.message);
    }
  }
  const ok = parsed.success && Object.keys(errors).length === 0;
  return { document: ok ? parsed.data : null, errors, rowIndex };
}

/**
 * The form's sections → the document's record, in the form's order, and title → form index.
 * Blank sections are dropped. Titles are trimmed; the text is kept exactly as typed (a
 * leading 　　 indents a paragraph, and a round trip must not change the prose).
 */
function narrativeOf(
  sections: readonly FormNarrativeSection[],
  fail: (path: string, message: string) => void,
): { record: Record<string, string>; sections: Map<string, number> } {
  const record: Record<string, string> = {};
  const at = new Map<string, number>();
  sections.forEach((section, i) => {
    const title = section.title.trim();
    if (title === "" && section.text.trim() === "") return;
    const path = `narrative[${i}]`;
    if (section.text.length > NARRATIVE_LIMITS.text) fail(`${path}.text`, NARRATIVE_MESSAGES.textTooLong(section.text.length));
    const first = at.get(title);
    if (title === "") fail(`${path}.title`, FORM_MESSAGES.narrativeTitleMissing);
    // A record cannot hold this key: the schema would drop the section without a word.
    else if (title === "__proto__") fail(`${path}.title`, FORM_MESSAGES.narrativeTitleReserved);
    else if (title.length > NARRATIVE_LIMITS.title) fail(`${path}.title`, NARRATIVE_MESSAGES.titleTooLong(title.length));
    else if (first !== undefined) fail(`${path}.title`, NARRATIVE_MESSAGES.titleDuplicate(first + 1));
    else {
      at.set(title, i);
      record[title] = section.text;
    }
  });
  return { record, sections: at };
}

// ---------------------------------------------------------------------------------------
// Reading a posted form document (the server side of the form)

const field = z.string().max(100_000);
const formHeadcountSchema = z.object({ admin: field, institution: field, total: field });
const formGroupSchema = z.object({ count: field, amount: field, executionPct: field, overBalanceCount: field });

/** The shape of a FormDocument, loosely bounded: the real validation is fromFormDocument. */
export const formDocumentSchema = z.object({
  format: z.literal(FORMAT),
  unit: z.object({ name: field, code: field.default(""), county: field.default("") }),
  year: field,
  staffing: z.object({ authorized: formHeadcountSchema, actual: formHeadcountSchema, retired: field }),
  income: z.object({ initialBudget: field, adjustedBudget: field, total: field, fiscal: field, other: field.default("") }),
  expenditure: z.object({
    total: field,
    lines: z.array(z.object({ code: field, name: field, budget: field, final: field, statedRatePct: field.default("") })).max(2000),
  }),
  carryover: field,
  budgetManagement: z.object({
    statedDeviationPct: field,
    adjustments: z.array(z.object({ reason: field, amount: field })).max(2000),
  }),
  projects: z.object({ recurring: formGroupSchema, oneOff: formGroupSchema }),
  selfScore: field,
  selfGrade: field.default(""),
  targets: z.object({
    totalFunds: field,
    fiscal: field,
    other: field,
    overallGoal: field,
    tasks: z.array(z.object({ name: field, content: field })).max(2000),
    indicators: z
      .array(
        z.object({
          level1: field, level2: field, name: field, nature: field, target: field,
          unit: field, weightPct: field, actual: field, score: field,
        }),
      )
      .max(2000),
  }),
  narrative: z
    .union([
      z.array(z.object({ title: field, text: field })).max(2000),
      // A page loaded before the form edited the narrative posts the document's record.
      z.record(z.string().max(1000), field).transform((record) => Object.entries(record).map(([title, text]) => ({ title, text }))),
    ])
    .default([]),
}) satisfies z.ZodType<FormDocument, unknown>;

/**
 * The `document` field of a posted form (JSON text of a FormDocument) → FormDocument, or
 * null when it is not JSON or not of that shape (answer 400: the page did not send it).
 */
export function readFormDocument(json: unknown): FormDocument | null {
  if (typeof json !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = formDocumentSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The `explanations` field of a posted form → { "RULE@path": text }, or null when malformed. */
export function readExplanations(json: unknown): Record<string, string> | null {
  if (typeof json !== "string") return null;
  try {
    const parsed = z.record(z.string().max(1000), z.string().max(5000)).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
