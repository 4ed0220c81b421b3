/**
 * Figures stated in the narrative part of the report (one paragraph per line): unit, year,
 * staffing, income, expenditure total, carryover, budget management, projects, self-score.
 * Each pattern is anchored on a keyword, so a figure is only taken where the report names it.
 */
import { fieldLabel, GRADE_SPELLINGS } from "~/domain/vocabulary";
import type { TextLine } from "./cells";
import {
  amountFrom,
  amountPattern,
  countFrom,
  countPattern,
  percentFrom,
  percentPattern,
  pickFirst,
  sameDecimal,
  type Found,
  type ImportContext,
} from "./context";
import { MONEY_UNIT, NUMBER, cleanDecimal, exceedsStoragePrecision, toWan } from "./numbers";
import { findSection, parseHeading, type Outline } from "./sections";

export const YEAR_MIN = 2000;
export const YEAR_MAX = 2100;

// ---------------------------------------------------------------- unit name and year

/** Words that end a unit's name in a title: 泸县总工会|部门整体支出绩效自评报告. */
const TITLE_NAME_END = ["部门整体", "单位整体", "部门预算", "单位预算", "整体支出", "预算", "项目支出", "绩效", "决算"];
const NOT_A_NAME = /^(?:本|我|该)(?:单位|部门|局|会)?$|^(?:部门|单位)$/;

export interface TitleInfo {
  line: number;
  unitName: string | null;
  year: number | null;
}

/** The report title: the first preamble line that reads like one (…绩效评价报告). */
export function readTitle(preamble: ReadonlyArray<TextLine>): TitleInfo | null {
  const titleLine = preamble.find((p) => /报告|自评|评价/.test(p.text)) ?? preamble[0];
  if (!titleLine) return null;
  const text = titleLine.text.slice(0, 300);
  const m = /^(.*?)(?<!\d)((?:19|20)\d{2})\s*年度?(.*)$/.exec(text);
  if (!m) return { line: titleLine.line, unitName: cleanUnitName(cutAtNameEnd(text.replace(/^关于/, ""), true)), year: null };
  const year = Number(m[2]);
  const fromPrefix = cleanUnitName(cutAtNameEnd(m[1].replace(/^关于/, "")));
  const fromSuffix = cleanUnitName(cutAtNameEnd(m[3], true));
  return {
    line: titleLine.line,
    unitName: fromPrefix ?? fromSuffix,
    year: year >= YEAR_MIN && year <= YEAR_MAX ? year : null,
  };
}

/** Text before the first TITLE_NAME_END word; `requireEnd` when only such a word marks a name. */
function cutAtNameEnd(text: string, requireEnd = false): string {
  let end = -1;
  for (const word of TITLE_NAME_END) {
    const at = text.indexOf(word);
    if (at >= 0 && (end < 0 || at < end)) end = at;
  }
  if (end < 0) return requireEnd ? "" : text;
  return text.slice(0, end);
}

export function cleanUnitName(raw: string): string | null {
  // Longer than any unit's name: a sentence or a whole cell, not a name.
  if (raw.length > 100) return null;
  const name = raw
    .replace(/[（(][^（()）]*[）)]\s*$/, "")
    .replace(/^[\s《“"'：:，,、]+|[\s》”"'：:，,、]+$/g, "")
    .trim();
  if (name.length < 2 || name.length > 60 || NOT_A_NAME.test(name) || /^[\d\s.%]+$/.test(name)) return null;
  return name;
}

/**
 * The unit as the 基本情况 section introduces it: "泸县总工会是一级预算单位，…" or
 * "泸县总工会（以下简称…）系…".
 */
export function unitNameFromBasicInfo(outline: Outline, lineText: (line: number) => string): Found<string> | null {
  const section = findSection(outline.sections, (h) => /基本情况|基本概况|单位概况|部门概况/.test(h.title));
  if (!section) return null;
  const lines: number[] = [];
  const collect = (s: typeof section) => {
    lines.push(s.line, ...s.paragraphs.map((p) => p.line));
    s.children.forEach(collect);
  };
  collect(section);
  lines.sort((a, b) => a - b);
  for (const line of lines) {
    const text = lineText(line);
    const content = parseHeading(text)?.body ?? text;
    if (!content) continue;
    const sentence = content.slice(0, content.indexOf("。") >= 0 ? content.indexOf("。") : 200);
    const m = /^([^，。；：,、]{2,40}?)(?:是|系|为|属于|隶属|成立于|[（(]以下简称|[（(]简称)/.exec(sentence);
    const name = m ? cleanUnitName(m[1]) : null;
    return name ? { value: name, line } : null;
  }
  return null;
}

/** "单位名称：泸县总工会" written in the narrative. */
export function unitNameStated(paragraphs: ReadonlyArray<TextLine>): Found<string> | null {
  for (const p of paragraphs) {
    const m = /(?:单位|部门)名称\s*[:：]\s*([^，。；\s]{2,60})/.exec(p.text);
    const name = m ? cleanUnitName(m[1]) : null;
    if (name) return { value: name, line: p.line };
  }
  return null;
}

/** Any "2023年" in the narrative: a last resort for the year. */
export function yearMentioned(paragraphs: ReadonlyArray<TextLine>): Found<number> | null {
  for (const p of paragraphs) {
    const m = /(?<!\d)((?:19|20)\d{2})\s*年/.exec(p.text);
    if (m) {
      const year = Number(m[1]);
      if (year >= YEAR_MIN && year <= YEAR_MAX) return { value: year, line: p.line };
    }
  }
  return null;
}

// ---------------------------------------------------------------- staffing

const HEADCOUNTS = [
  ["staffing.authorized.total", "(?:核定总编制|核定编制总数|编制总数|核定编制数|核定编制|总编制)"],
  ["staffing.authorized.admin", "行政编制"],
  ["staffing.authorized.institution", "事业编制"],
  ["staffing.actual.total", "(?:实际在职人员总数|在职人员总数|实有人员总数|实有在职人员|实际在职人员|实有人数|实有人员|在职人员)"],
  ["staffing.actual.admin", "(?:在职)?行政人员"],
  ["staffing.actual.institution", "(?:在职)?事业人员"],
  ["staffing.retired", "(?:退休人员|离退休人员)"],
] as const;

export function extractStaffing(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  const staffing = ctx.document.staffing;
  for (const [path, keyword] of HEADCOUNTS) {
    const found = pickFirst(ctx, path, paragraphs, countPattern(keyword), countFrom(ctx, path));
    if (!found) continue;
    const [, group, field] = path.split(".");
    if (group === "retired") staffing.retired = found.value;
    else if (group === "authorized" || group === "actual") {
      if (field === "admin" || field === "institution" || field === "total") staffing[group][field] = found.value;
    }
    ctx.record(path, found.line);
  }
}

// ---------------------------------------------------------------- income, expenditure total, carryover

type AmountField = "initialBudget" | "adjustedBudget" | "total" | "fiscal" | "other";
const INCOME: ReadonlyArray<readonly [AmountField, string]> = [
  ["total", "(?:收入总额|总收入|收入合计|全年收入)"],
  ["initialBudget", "年初预算(?:收入|数|总额|资金)?"],
  ["adjustedBudget", "(?:调整后预算|调整预算)(?:收入|数|总额|资金)?"],
  ["fiscal", "财政拨款(?:收入)?"],
  ["other", "其他(?:资金)?收入"],
];

export function extractIncome(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  for (const [field, keyword] of INCOME) {
    const path = `income.${field}`;
    const found = pickFirst(ctx, path, paragraphs, amountPattern(keyword), amountFrom(ctx, path), sameDecimal);
    if (!found) continue;
    ctx.document.income[field] = found.value;
    ctx.record(path, found.line);
  }
}

/** `paragraphs` without the lines that list function codes, whose 支出决算 are per line. */
export function extractExpenditureTotal(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  const path = "expenditure.total";
  const pattern = amountPattern("(?:支出决算总额|支出决算数|支出决算|决算支出总额|支出总额|总支出|支出合计|全年支出)");
  const found = pickFirst(ctx, path, paragraphs, pattern, amountFrom(ctx, path), sameDecimal);
  if (!found) return;
  ctx.document.expenditure.total = found.value;
  ctx.record(path, found.line);
}

export function extractCarryover(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  const path = "carryover";
  const keyword = "结转结余(?:资金|金额|总额)?(?:均|共|合计)?";
  const found =
    pickFirst(ctx, path, paragraphs, amountPattern(keyword), amountFrom(ctx, path), sameDecimal) ??
    pickFirst(ctx, path, paragraphs, new RegExp(`${keyword}(?:为|是)零`), () => "0");
  if (!found) return;
  ctx.document.carryover = found.value;
  ctx.record(path, found.line);
}

// ---------------------------------------------------------------- budget management

const DEVIATION = percentPattern("(?:偏离度|偏离率)");
/** Words that make an adjustment a reduction: its amount is negative. */
const REDUCTION = /调减|减少|核减|压减|收回|缩减|下调|削减|减支|调出|退回/;
/** Clauses that restate budget figures rather than explain the change. */
const NOT_AN_ADJUSTMENT = /年初预算|决算|偏离|调整(?:后)?预算(?:收入|数|总额)?(?:为|是)?\s*(?:[:：]\s*)?-?\d/;
const ADJUSTMENT_WORD = /调整|追加|增加|调增|新增|补助|下达|调减|减少|核减|压减|收回|缩减|下调|削减/;
const REASON_LEAD = /^(?:主要原因(?:是|为)?|原因(?:是|为)?|主要是|主要系|因为|由于|因|系|其中|包括|以及|及|和|、|[:：]|\s)+/;
// No alternative may be a concatenation of others ("共计" vs "共"+"计"): that would backtrack exponentially.
const REASON_TAIL = /(?:共计|共|为|是|金额|了|[:：]|\s)+$/;
const MAX_ADJUSTMENTS = 200;
const MAX_REASON_SPAN = 200;

export function extractBudgetManagement(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>, outline: Outline): void {
  const deviationPath = "budgetManagement.statedDeviationPct";
  const deviation = pickFirst(ctx, deviationPath, paragraphs, DEVIATION, percentFrom(ctx, deviationPath), sameDecimal);
  if (deviation) {
    ctx.document.budgetManagement.statedDeviationPct = deviation.value;
    ctx.record(deviationPath, deviation.line);
    const paragraph = paragraphs.find((p) => p.line === deviation.line);
    const m = paragraph ? DEVIATION.exec(paragraph.text) : null;
    if (paragraph && m) {
      // The reasons follow the deviation: "偏离度为26.33%，因年中增加项目预算50.03万元，…".
      const after = paragraph.text.slice(m.index + m[0].length);
      if (addAdjustments(ctx, after, paragraph.line, false) > 0) return;
      if (addAdjustments(ctx, paragraph.text, paragraph.line, true) > 0) return;
    }
  }
  // No deviation sentence with reasons: look in the 预算管理 section itself.
  const section = findSection(outline.sections, (h) => /预算管理|预算调整/.test(h.title));
  if (!section) return;
  const lines = [{ line: section.line, text: section.heading.body }, ...section.paragraphs];
  for (const p of lines) {
    if (ctx.document.budgetManagement.adjustments.length > 0) break;
    addAdjustments(ctx, p.text, p.line, true);
  }
}

/** Adjustments named in `text`; with `keywordsOnly`, only clauses that speak of a change. */
function addAdjustments(ctx: ImportContext, text: string, line: number, keywordsOnly: boolean): number {
  const adjustments = ctx.document.budgetManagement.adjustments;
  let added = 0;
  for (const clause of text.split(/[，,；;。]/)) {
    if (NOT_AN_ADJUSTMENT.test(clause)) continue;
    if (keywordsOnly && !ADJUSTMENT_WORD.test(clause)) continue;
    const amounts = new RegExp(NUMBER + MONEY_UNIT, "g");
    let from = 0;
    for (let m = amounts.exec(clause); m; m = amounts.exec(clause)) {
      // Bounded: a reason is a phrase, and REASON_TAIL (anchored at the end) must stay linear.
      const reason = clause
        .slice(Math.max(from, m.index - MAX_REASON_SPAN), m.index)
        .replace(REASON_LEAD, "")
        .replace(REASON_TAIL, "")
        .trim();
      from = m.index + m[0].length;
      if (!reason) continue;
      if (adjustments.length >= MAX_ADJUSTMENTS) {
        ctx.warn("budgetManagement.adjustments", `预算调整事项超过${MAX_ADJUSTMENTS}条，其余已忽略`);
        return added;
      }
      const index = adjustments.length;
      const path = `budgetManagement.adjustments[${index}]`;
      let amount = toWan(m[1], m[2]);
      if (amount === null) ctx.warn(`${path}.amount`, `第${line}行的预算调整金额无法识别或过大`);
      else if (REDUCTION.test(reason) && !amount.startsWith("-") && amount !== "0") amount = `-${amount}`;
      if (amount && exceedsStoragePrecision(amount)) ctx.warn(`${path}.amount`, `第${line}行的预算调整金额超过6位小数（万元）`);
      adjustments.push({ reason: ctx.clip(reason, 500, `${path}.reason`), amount });
      ctx.record(`${path}.reason`, line);
      if (amount !== null) ctx.record(`${path}.amount`, line);
      added++;
    }
  }
  return added;
}

// ---------------------------------------------------------------- projects

const RECURRING = /常年(?:性)?项目/;
const ONE_OFF = /一次性|阶段性项目/;
const PROJECT_COUNT = /(?:项目总数|项目数|总数|共有|共计|共)(?:为|是)?\s*(?:[:：]\s*)?(\d+)\s*个/;
const PROJECT_AMOUNT = amountPattern("(?:总金额|预算金额|资金总额|总额|金额)");
const PROJECT_EXECUTION = percentPattern("(?:执行总体进度|总体进度|执行进度|执行率|完成率)");
const OVER_BALANCE = /结余率[^。；]{0,30}?的项目(?:共计|共有|共|有|为)?\s*(?:[:：]\s*)?(\d+)\s*个/;

type ProjectKind = "recurring" | "oneOff";

export function extractProjects(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  let carried: ProjectKind | null = null;
  for (const p of paragraphs) {
    const segments = projectSegments(p.text);
    // "常年项目绩效分析。" alone on a line: its figures are on the next line ("该类项目…").
    if (segments.length === 0 && carried && /^该/.test(p.text)) segments.push({ kind: carried, text: p.text });
    carried = null;
    for (const segment of segments) {
      if (ctx.has(`projects.${segment.kind}.count`) || ctx.has(`projects.${segment.kind}.amount`)) continue;
      if (!readProjectGroup(ctx, segment.kind, segment.text, p.line)) carried = segment.kind;
    }
  }
}

/** A line may speak of both kinds: split it where the second kind starts. */
function projectSegments(text: string): Array<{ kind: ProjectKind; text: string }> {
  const recurring = RECURRING.exec(text);
  const oneOff = ONE_OFF.exec(text);
  if (recurring && oneOff) {
    const [first, second]: [ProjectKind, ProjectKind] = recurring.index < oneOff.index ? ["recurring", "oneOff"] : ["oneOff", "recurring"];
    const cut = Math.max(recurring.index, oneOff.index);
    return [
      { kind: first, text: text.slice(0, cut) },
      { kind: second, text: text.slice(cut) },
    ];
  }
  if (recurring) return [{ kind: "recurring", text }];
  if (oneOff) return [{ kind: "oneOff", text }];
  return [];
}

/** Reads one group's figures; false when the segment states none. */
function readProjectGroup(ctx: ImportContext, kind: ProjectKind, text: string, line: number): boolean {
  const group = ctx.document.projects[kind];
  const prefix = `projects.${kind}`;
  // The over-balance clause has its own numbers (大于10%, 共计0个): keep them out of the others.
  const balanceAt = text.indexOf("结余率");
  const main = balanceAt >= 0 ? text.slice(0, balanceAt) : text;
  let found = false;
  const count = PROJECT_COUNT.exec(main);
  if (count) {
    const value = countFrom(ctx, `${prefix}.count`)(count, line);
    if (value !== null) {
      group.count = value;
      ctx.record(`${prefix}.count`, line);
      found = true;
    }
  }
  const amount = PROJECT_AMOUNT.exec(main);
  if (amount) {
    const value = amountFrom(ctx, `${prefix}.amount`)(amount, line);
    if (value !== null) {
      group.amount = value;
      ctx.record(`${prefix}.amount`, line);
      found = true;
    }
  }
  const execution = PROJECT_EXECUTION.exec(main);
  if (execution) {
    const value = percentFrom(ctx, `${prefix}.executionPct`)(execution, line);
    if (value !== null) {
      group.executionPct = value;
      ctx.record(`${prefix}.executionPct`, line);
      found = true;
    }
  }
  const overBalance = balanceAt >= 0 ? OVER_BALANCE.exec(text.slice(balanceAt)) : null;
  if (overBalance) {
    const value = countFrom(ctx, `${prefix}.overBalanceCount`)(overBalance, line);
    if (value !== null) {
      group.overBalanceCount = value;
      ctx.record(`${prefix}.overBalanceCount`, line);
      found = true;
    }
  }
  return found;
}

// ---------------------------------------------------------------- self-assessment

const SELF_SCORE = new RegExp(
  String.raw`(?:自评(?:综合|总)?得分|综合得分|自评总分|自评分数|自评分|总得分)(?:为|是)?\s*(?:[:：]\s*)?` + NUMBER + String.raw`\s*分?`
);
const SELF_GRADE =
  /(?:自评等级|评价等级|综合等级|绩效等级|评定等级|评价结果|自评结果|等级)(?:评定)?(?:为|是|评定为|达到|[:：])\s*(?:[“"「『]\s*)?(优秀|良好|中等|优|良|中|低|差)/;

export function extractSelfAssessment(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  const score = pickFirst(
    ctx,
    "selfScore",
    paragraphs,
    SELF_SCORE,
    (m, line) => {
      const value = cleanDecimal(m[1]);
      if (value === null) ctx.warn("selfScore", `第${line}行的${fieldLabel("selfScore")}无法识别`);
      return value;
    },
    sameDecimal
  );
  if (score) {
    ctx.document.selfScore = score.value;
    ctx.record("selfScore", score.line);
  }
  const grade = pickFirst(ctx, "selfGrade", paragraphs, SELF_GRADE, (m) => GRADE_SPELLINGS[m[1]] ?? m[1]);
  if (grade) {
    ctx.document.selfGrade = grade.value;
    ctx.record("selfGrade", grade.line);
  }
}
