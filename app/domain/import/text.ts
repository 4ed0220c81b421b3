/**
 * Text import: the report as text extracted from its Word file (narrative paragraphs, then the
 * self-evaluation table flattened one cell per line) → a `self-evaluation/v1` document, with
 * where each value came from, what was guessed and what is missing. Pure and total: any input
 * gives a result, never an exception.
 */
import { emptyReport, reportDocumentSchema, type ReportDocument } from "~/domain/report";
import { tokenize, type TextLine } from "./cells";
import { ImportContext, type ImportWarning, type SourceRef } from "./context";
import { extractExpenditureLines, hasFunctionCodes } from "./expenditure";
import {
  extractBudgetManagement,
  extractCarryover,
  extractExpenditureTotal,
  extractIncome,
  extractProjects,
  extractSelfAssessment,
  extractStaffing,
  labelledUnitName,
  pieceText,
  readTitle,
  UNIT_LABELS,
  unitNameFromBasicInfo,
  unitNamePublished,
  unitNameStated,
  yearMentioned,
  type LabelledName,
} from "./narrative";
import { dropOutOfRangeNumbers, normalizeNumerals } from "./numbers";
import { sectionText, splitSections, type Outline } from "./sections";
import { relayTables } from "./layouts";
import { extractTable, type TableFacts } from "./table";
import { recognizeTemplate, type TemplateKind, type TemplateRef } from "./templates";

export type { ImportWarning, SourceRef } from "./context";
export type { TemplateRef } from "./templates";

export interface ImportResult {
  /** False only when nothing recognisable as a report was found. */
  ok: boolean;
  /** Always present; emptyReport() when !ok. */
  document: ReportDocument;
  /** Document path (e.g. "targets.indicators[4].score") → where its value came from. */
  sources: Record<string, SourceRef>;
  /** Paths whose value was guessed or implied (e.g. a budget implied by 完成预算100%). */
  uncertain: string[];
  /** Required paths not found. */
  missing: string[];
  warnings: ImportWarning[];
  /** Narrative sections by title (一、… level), as written; kept out of the document. */
  narrative: Record<string, string>;
  /** The template the text was recognised as (templates.ts), or null when none fits. */
  template: TemplateRef | null;
  /** Chinese message when !ok. */
  error?: string;
}

/** Larger than any real report's text: most likely the wrong file, and bounds the work. */
export const MAX_INPUT_BYTES = 2 * 1024 * 1024;

export const REQUIRED_PATHS = [
  "unit.name",
  "year",
  "income.initialBudget",
  "income.adjustedBudget",
  "income.total",
  "expenditure.total",
  "expenditure.lines",
  "selfScore",
  "targets.indicators",
] as const;

/** The refusal of a text with nothing recognisable: it says what a report is expected to hold. */
export const NOTHING_RECOGNISED =
  "未识别出绩效自评报告的内容：没有找到单位名称、年度、金额、人数、自评得分或绩效指标。" +
  "绩效自评报告一般包含标题（如“××局2023年度部门整体支出绩效评价报告”）、单位基本情况和人员编制、" +
  "收支情况（年初预算、调整预算、收入合计、支出决算）、自评得分和绩效指标自评表，请确认文件是否正确";

/** Prefix of the error when the extracted document fails its own schema: a parser bug. */
export const SCHEMA_FAILURE = "导入结果未通过格式校验";

export function parseReportText(input: string): ImportResult {
  if (typeof input !== "string") return failure("没有可导入的文本");
  if (utf8Length(input, MAX_INPUT_BYTES) > MAX_INPUT_BYTES) {
    return failure("文件过大（超过2MB），请确认选择的是绩效自评报告");
  }
  // Tables in other layouts (pipes, one cell per line, aligned columns…) become cell lines first.
  const relaid = relayTables(input.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/));
  const lines = relaid.lines;
  const ctx = new ImportContext(lines);
  const { tables, outside } = tokenize(lines);
  // Numbers are read from normalised text; text values and SourceRefs keep the input as written.
  const paragraphs: TextLine[] = outside.map((l) => ({ line: l.line, text: normalizeNumerals(l.text) }));
  const outline = splitSections(paragraphs);
  const withoutCodes = paragraphs.filter((p) => !hasFunctionCodes(p.text));

  // Every line, cells included, for the label and title readers (covers and forms are tables).
  const allLines: TextLine[] = lines.map((text, i) => ({ line: i + 1, text }));
  const template = recognizeTemplate(lines.join("\n"))?.template ?? null;

  const facts = extractTable(ctx, tables);
  extractStaffing(ctx, paragraphs, allLines);
  extractIncome(ctx, withoutCodes);
  extractExpenditureTotal(ctx, withoutCodes);
  extractExpenditureLines(ctx, paragraphs);
  extractCarryover(ctx, paragraphs);
  extractBudgetManagement(ctx, withoutCodes, outline);
  extractProjects(ctx, paragraphs);
  extractSelfAssessment(ctx, paragraphs);
  if (!ctx.has("selfScore") && facts.totalScore) {
    ctx.document.selfScore = facts.totalScore.value;
    ctx.record("selfScore", facts.totalScore.line, { text: facts.totalScore.text });
  }
  readUnitAndYear(ctx, { outline, paragraphs, allLines, facts, kind: template?.kind ?? null });

  // Whatever can be read is returned, however little; a year merely mentioned in passing is no
  // sign of a report, and a text with nothing else is refused, saying what a report holds.
  const recognised = Object.keys(ctx.sources).filter((path) => !(path === "year" && ctx.uncertain.includes("year")));
  if (recognised.length === 0 && !template) return failure(NOTHING_RECOGNISED);

  // Figures beyond the limits every report obeys are left out with a warning (numbers.ts).
  for (const { path, message } of dropOutOfRangeNumbers(ctx.document)) {
    ctx.warn(path, message);
    delete ctx.sources[path];
    // A figure left out is no longer a guess to confirm.
    const guessed = ctx.uncertain.indexOf(path);
    if (guessed >= 0) ctx.uncertain.splice(guessed, 1);
  }
  const checked = reportDocumentSchema.safeParse(ctx.document);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return failure(`${SCHEMA_FAILURE}：${issue ? `${issue.path.join(".")} ${issue.message}` : ""}`);
  }
  return {
    ok: true,
    document: ctx.document,
    sources: onInputLines(ctx.sources, relaid.origin),
    uncertain: ctx.uncertain,
    missing: missingPaths(ctx.document),
    warnings: ctx.warnings,
    narrative: narrativeSections(outline, (line) => ctx.lineText(line)),
    template,
  };
}

interface UnitSources {
  outline: Outline;
  paragraphs: ReadonlyArray<TextLine>;
  allLines: ReadonlyArray<TextLine>;
  facts: TableFacts;
  kind: TemplateKind | null;
}

/** Lines a title can be on: the head of the text, before its first heading (cells included). */
const MAX_HEAD_LINES = 60;

function readUnitAndYear(ctx: ImportContext, { outline, paragraphs, allLines, facts, kind }: UnitSources): void {
  const firstHeading = outline.sections[0]?.line ?? Number.POSITIVE_INFINITY;
  const head: TextLine[] = [];
  for (const { line, text } of allLines) {
    if (line >= firstHeading || head.length >= MAX_HEAD_LINES) break;
    const cleaned = pieceText(normalizeNumerals(text));
    if (cleaned) head.push({ line, text: cleaned });
  }
  const title = readTitle(head);
  const normalised = new Map(paragraphs.map((p) => [p.line, p.text]));

  type Name = { value: string; line: number; text?: string };
  const fromTitle = (): Name | null => title.unitName;
  const stated = (): Name | null => unitNameStated(paragraphs);
  const basicInfo = (): Name | null => unitNameFromBasicInfo(outline, (line) => normalised.get(line) ?? "");
  const implementing = (): LabelledName | null => labelledUnitName(allLines, UNIT_LABELS.implementing);
  const supervising = (): LabelledName | null => labelledUnitName(allLines, UNIT_LABELS.supervising);
  // A project form's 实施单位 is the unit; a department report names itself in its title.
  const order = kind === "project" ? [implementing, supervising, fromTitle, stated, basicInfo] : [fromTitle, stated, basicInfo, implementing, supervising];
  let name: Name | null = null;
  for (const read of order) {
    name = read();
    if (name) break;
  }
  if (name) {
    ctx.document.unit.name = ctx.clip(name.value, 200, "unit.name");
    ctx.record("unit.name", name.line, name.text ? { text: name.text } : {});
  } else if (facts.unitName) {
    // The table's 部门名称 is often a short form (总工会): take it, but say so.
    ctx.document.unit.name = ctx.clip(facts.unitName.value, 200, "unit.name");
    ctx.record("unit.name", facts.unitName.line, { guessed: true, text: facts.unitName.value });
  } else {
    // The page's 发布机构 is usually the unit, but may be the bureau publishing for all units.
    const published = unitNamePublished(allLines);
    if (published) {
      ctx.document.unit.name = ctx.clip(published.value, 200, "unit.name");
      ctx.record("unit.name", published.line, { guessed: true, text: published.text });
    }
  }

  if (title.year) {
    ctx.document.year = title.year.value;
    ctx.record("year", title.year.line);
  } else if (facts.year) {
    ctx.document.year = facts.year.value;
    ctx.record("year", facts.year.line, { text: facts.year.text });
  } else {
    // Any year the narrative mentions is probably, not certainly, the report's.
    const mentioned = yearMentioned(paragraphs);
    if (mentioned) {
      ctx.document.year = mentioned.value;
      ctx.record("year", mentioned.line, { guessed: true });
    }
  }
}

/** Real reports have four or five parts; past this the "sections" are noise, not narrative. */
const MAX_NARRATIVE_SECTIONS = 50;

function narrativeSections(outline: Outline, lineText: (line: number) => string): Record<string, string> {
  const narrative: Record<string, string> = {};
  const seen = new Map<string, number>();
  for (const section of outline.sections.slice(0, MAX_NARRATIVE_SECTIONS)) {
    const base = (section.heading.title || `${section.heading.marker}、`).slice(0, 190);
    // A repeated title gets a number: 存在问题, 存在问题（2）.
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    narrative[count === 1 ? base : `${base}（${count}）`] = sectionText(section, lineText).slice(0, 50_000);
  }
  return narrative;
}

/** Sources point at the relaid text's lines; the user sees the input's. */
function onInputLines(sources: Record<string, SourceRef>, origin: ReadonlyArray<number>): Record<string, SourceRef> {
  return Object.fromEntries(Object.entries(sources).map(([path, ref]) => [path, { ...ref, line: origin[ref.line - 1] ?? ref.line }]));
}

function missingPaths(doc: ReportDocument): string[] {
  const absent: Record<(typeof REQUIRED_PATHS)[number], boolean> = {
    "unit.name": doc.unit.name.trim() === "",
    year: doc.year === null,
    "income.initialBudget": doc.income.initialBudget === null,
    "income.adjustedBudget": doc.income.adjustedBudget === null,
    "income.total": doc.income.total === null,
    "expenditure.total": doc.expenditure.total === null,
    "expenditure.lines": doc.expenditure.lines.length === 0,
    selfScore: doc.selfScore === null,
    "targets.indicators": !doc.targets.indicators.some((i) => i.weightPct !== null && i.score !== null),
  };
  return REQUIRED_PATHS.filter((path) => absent[path]);
}

function failure(error: string): ImportResult {
  return {
    ok: false,
    document: emptyReport(),
    sources: {},
    uncertain: [],
    missing: [...REQUIRED_PATHS],
    warnings: [],
    narrative: {},
    template: null,
    error,
  };
}

/** UTF-8 size of `text`, counting no further than just past `limit`. */
function utf8Length(text: string, limit: number): number {
  if (text.length > limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 for each half.
    bytes += code < 0x80 ? 1 : code < 0x800 || (code >= 0xd800 && code <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}
