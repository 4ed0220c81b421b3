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
import { MONEY_UNIT, NUMBER, cleanDecimal, exceedsStoragePrecision, normalizeNumerals, toWan } from "./numbers";
import { findSection, parseHeading, type Outline } from "./sections";

export const YEAR_MIN = 2000;
export const YEAR_MAX = 2100;

// ---------------------------------------------------------------- unit name and year

/** Words that end a unit's name in a title: 泸县总工会|部门整体支出绩效自评报告. */
const TITLE_NAME_END = ["部门整体", "单位整体", "部门预算", "单位预算", "整体支出", "预算", "项目支出", "绩效", "决算"];
const NOT_A_NAME = /^(?:本|我|该|各|全)(?:单位|部门|局|会|部|委|办|院|所|中心)?$|^(?:部门|单位)$/;
/**
 * How the names of budget units end (局, 委员会, 中心, 人民政府, 镇, 股…): a candidate from a
 * title, a cover or a labelled cell must read like an organisation, so that a stray phrase
 * (请查收) or a date is never taken for the unit.
 */
const UNIT_NAME_END =
  /(?:局|委员会|委|办公室|办|会|院|所|中心|站|政府|镇|乡|街道|办事处|处|队|公司|学校|学院|小学|中学|幼儿园|医院|部|馆|社|厅|团|联|室|园|台|宫|场|库|股|科|署|司|厂|基地|集团|人大|政协|党校|监狱|军分区)$/;
/** Characters a unit's name is written in; ">", ":" and the like mean a breadcrumb or a label. */
const UNIT_NAME_CHARS = /^[\u4e00-\u9fffA-Za-z0-9（）()·]+$/;

/**
 * Page chrome of published reports (breadcrumbs, site names, the metadata block, font and
 * print buttons, navigation): never the report's content, so never a unit's name or a year.
 */
const CHROME =
  /您(?:现在)?的?(?:当前)?位置|当前位置|所在位置|首页\s*[>＞》»›\/]|[>＞»›]\s*(?:正文|详情|内容)\s*$|索引号|【\s*字体|字体\s*[:：]\s*[大中小]|[【\[]\s*(?:打印|关闭|收藏)|打印本页|关闭(?:本页|窗口)|发布(?:时间|日期)|^(?:信息)?来源\s*[:：]|浏览(?:次数|量)|访问(?:次数|量)|阅读(?:次数|量)|点击(?:数|率|量)|分享到|网站(?:地图|首页|导航)|门户网站|政府网站|主办单位|承办单位|版权所有|ICP备|公网安备|^文\s*号\s*[:：]|时效性|发文日期|成文日期|主题分类|公开方式|公开范围|扫一扫|无障碍|上一篇|下一篇|相关(?:文章|链接|阅读)|^[-*•·]\s*[\u4e00-\u9fff]{2,6}\s*[:：]/;

export function isChrome(text: string): boolean {
  return CHROME.test(text);
}

/** A candidate unit name, cleaned, or null unless it reads like an organisation's name. */
export function unitNameCandidate(raw: string): string | null {
  const name = cleanUnitName(raw);
  return name && UNIT_NAME_CHARS.test(name) && UNIT_NAME_END.test(name) ? name : null;
}

const PIECE_EDGE = /[\s\u3000\u00a0|]/;

/**
 * One line as the title and label readers see it: the TAB of a cell and the pipes of web
 * exports ("主管部门 |") dropped, numerals normalised by the caller, and a letter-spaced cover
 * line ("部 门 ( 单 位 ) 名 称 :") closed up.
 */
export function pieceText(raw: string): string {
  // Trimmed by hand: a regex anchored at the end would rescan every inner run of blanks.
  let start = 0;
  let end = raw.length;
  while (start < end && PIECE_EDGE.test(raw[start])) start++;
  while (end > start && PIECE_EDGE.test(raw[end - 1])) end--;
  const text = raw.slice(start, end);
  let cjk = 0;
  let spaced = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x4e00 || code > 0x9fff) continue;
    cjk++;
    const after = text.charCodeAt(i + 1);
    if (after === 0x20 || after === 0x3000) spaced++;
  }
  return cjk >= 4 && spaced >= cjk * 0.6 ? text.replace(/[ \u3000]+/g, "") : text;
}

/** A line of the input (raw) as a piece: numerals normalised, then pieceText. */
function piece(raw: string): string {
  return pieceText(normalizeNumerals(raw));
}

/** Blank lines (a row's end, a lone TAB or "|") a label's value may sit beyond. */
const MAX_VALUE_GAP = 3;

/** The first non-blank line after `i`, as a piece. */
function nextPiece(lines: ReadonlyArray<TextLine>, i: number): TextLine | null {
  for (let j = i + 1; j < lines.length && j <= i + MAX_VALUE_GAP; j++) {
    const text = piece(lines[j].text);
    if (text) return { line: lines[j].line, text };
  }
  return null;
}

/**
 * The phrase that makes a line a report's or form's title (部门整体支出绩效评价报告,
 * 项目支出绩效自评表, 项目支出绩效单位自评报告, a page title ending in …绩效自评); what precedes
 * it is the unit and the year.
 */
const TITLE_PHRASE =
  /(?:(?:部门|单位)(?:整体)?)?(?:预算)?(?:项目)?(?:支出)?(?:绩效(?:目标)?(?:完成情况)?(?:单位)?(?:自评|自我评价|评价)(?:情况)?(?:报告|表|$)|(?:自评|评价)报告)/;
/** Longer than a title: a sentence that merely mentions 绩效自评 (…绩效评价情况报告如下). */
const MAX_TITLE_LINE = 80;
/** A year, not a date (2024年6月20日 is when a report was signed, usually the year after). */
const YEAR_IN = /(?<!\d)((?:19|20)\d{2})\s*年度?(?!\s*\d{1,2}\s*月)/;
/** "(2022年度)" right after a form's title, on its line or the next. */
const YEAR_LEAD = /^\s*(?:[（(]\s*)?((?:19|20)\d{2})\s*年度?/;
const YEAR_ONLY = /^[（(]?\s*((?:19|20)\d{2})\s*年度?\s*[）)]?$/;
const NOT_A_COVER_LINE = /[。，；：:,;>＞]/;

export interface TitleInfo {
  unitName: Found<string> | null;
  /** Null also when the title states a year outside YEAR_MIN..YEAR_MAX. */
  year: Found<number> | null;
}

interface TitleCandidate {
  name: Found<string> | null;
  year: Found<number> | null;
  /** The title states a year (in range or not). */
  statesYear: boolean;
}

/**
 * The unit and year from the title lines at the head of the report (`head`: the lines before
 * its first heading, cells included, in pieceText form). A title may sit on one line
 * (泸县总工会2023年度部门预算绩效评价报告), on two (益阳市…执法局 / 2023年部门整体支出绩效评价报告),
 * after a cover (2023年度赫山区…执法局 / 绩效自评报告), or inside a one-line dump
 * (…附件: 项目支出绩效自评表 (2022年度) 项目名称…). When the cover and the title name the unit
 * differently, the fuller name wins (益阳市赫山区… over 赫山区…). Chrome lines are skipped.
 */
export function readTitle(head: ReadonlyArray<TextLine>): TitleInfo {
  const candidates: TitleCandidate[] = [];
  head.forEach((p, i) => {
    if (isChrome(p.text)) return;
    const m = TITLE_PHRASE.exec(p.text);
    if (!m) return;
    const tail = p.text.slice(m.index + m[0].length);
    const tailYear = YEAR_LEAD.exec(tail);
    const isSentence = p.text.length > MAX_TITLE_LINE || /[。；，,]/.test(p.text);
    // In a long line only a form's caption with its year counts: 项目支出绩效自评表 (2022年度).
    if (isSentence && !(tailYear && /(?:表|报告)$/.test(m[0]))) return;
    const lead = nameAndYear(lastSegment(p.text.slice(0, m.index)).replace(/^关于/, ""), p.line);
    const candidate: TitleCandidate = { name: lead.name, year: lead.year, statesYear: lead.statesYear };
    if (!candidate.statesYear && tailYear) Object.assign(candidate, yearFound(tailYear[1], p.line));
    const previous = head[i - 1];
    if (!candidate.name && !isSentence && previous && isCoverLine(previous.text)) {
      // The name on the line above: a two-line title, or a cover's "2023年度××局 / 绩效自评报告".
      const above = nameAndYear(previous.text, previous.line);
      candidate.name = above.name;
      if (!candidate.statesYear && above.statesYear) Object.assign(candidate, { year: above.year, statesYear: true });
    }
    const next = head[i + 1];
    const nextYear = next ? YEAR_ONLY.exec(next.text) : null;
    if (!candidate.statesYear && nextYear) Object.assign(candidate, yearFound(nextYear[1], next.line));
    if (candidate.name || candidate.statesYear) candidates.push(candidate);
  });

  let chosen = candidates.find((c) => c.name) ?? null;
  for (const c of candidates) {
    // A later title naming the unit more fully (with its city) is the same unit, better named.
    if (chosen?.name && c.name && c.name.value.length > chosen.name.value.length && c.name.value.includes(chosen.name.value)) chosen = c;
  }
  const dated = chosen?.statesYear ? chosen : candidates.find((c) => c.statesYear);
  return { unitName: chosen?.name ?? null, year: dated?.year ?? null };
}

function yearFound(digits: string, line: number): Pick<TitleCandidate, "year" | "statesYear"> {
  const year = Number(digits);
  return { year: year >= YEAR_MIN && year <= YEAR_MAX ? { value: year, line } : null, statesYear: true };
}

/** "泸县总工会2023年度" or "2023年度泸县总工会" → the name and the year. */
function nameAndYear(text: string, line: number): TitleCandidate {
  const m = YEAR_IN.exec(text);
  if (!m) {
    const name = unitNameCandidate(cutAtNameEnd(text));
    return { name: name ? { value: name, line } : null, year: null, statesYear: false };
  }
  const name = unitNameCandidate(cutAtNameEnd(text.slice(0, m.index))) ?? unitNameCandidate(cutAtNameEnd(text.slice(m.index + m[0].length)));
  return { name: name ? { value: name, line } : null, ...yearFound(m[1], line) };
}

/** What follows the last space or punctuation: the title's own words in a line of other cells. */
function lastSegment(text: string): string {
  const parts = text.split(/[\s:：，,。；;|]/);
  return parts[parts.length - 1] ?? "";
}

/** A short line above a title that can carry the unit's name: no sentence, no label, no chrome. */
function isCoverLine(text: string): boolean {
  return text.length <= 60 && !NOT_A_COVER_LINE.test(text) && !isChrome(text) && !parseHeading(text) && !TITLE_PHRASE.test(text);
}

/** Text before the first TITLE_NAME_END word. */
function cutAtNameEnd(text: string): string {
  let end = -1;
  for (const word of TITLE_NAME_END) {
    const at = text.indexOf(word);
    if (at >= 0 && (end < 0 || at < end)) end = at;
  }
  return end < 0 ? text : text.slice(0, end);
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

/** A unit's name read off a label, with the label and value as its source text. */
export type LabelledName = Found<string> & { text: string };

/** A label: its pattern, and what every raw line holding it matches (a cheap first test). */
export interface UnitLabel {
  pattern: string;
  hint: RegExp;
}

/** Labels that name the unit on covers and forms, by what they mean. */
export const UNIT_LABELS = {
  /** 部门名称 on a report's cover or in its text (a table's 部门名称 is table.ts's, often short). */
  stated: { pattern: String.raw`(?:部门\((?:单位)?\)|部门（单位）|单位|部门|预算单位|填报单位)名称`, hint: /名\s*称/ },
  /** The unit that carries out a project: on a project form, the unit itself. */
  implementing: { pattern: "实施单位", hint: /实施单位/ },
  /** The department a project form is filed under (…本级: the department's own level). */
  supervising: { pattern: "主管部门", hint: /主管部门/ },
} as const satisfies Record<string, UnitLabel>;

/** A label of another field: when it follows a label, that label's value was left blank. */
const OTHER_LABEL = /^(?:主管部门|实施单位|项目名称|项目资金|项目负责人|联系电话|预算编码|评价方式|报告日期|填报日期|单位名称|部门名称)/;

/**
 * "实施单位 天长市水利局", "主管部门 219-池州市贵池区棠溪镇人民政府", "部门名称：泸县总工会", or the
 * label alone with the value on the next line ("实施单位 (盖章) |" / "青神县发展和改革局 |").
 * `lines` are the input's (cells included), read as pieces; the label must start the line or
 * follow a space or punctuation (（一）单位名称：…), not a word (项目主管部门 is prose).
 */
export function labelledUnitName(lines: ReadonlyArray<TextLine>, label: UnitLabel): LabelledName | null {
  // Each run of blanks has one way to match: two adjacent \s* would make a long run quadratic.
  const pattern = new RegExp(String.raw`(?:^|[\s|（）()、，,。；;：:])${label.pattern}\s*(?:[（(]\s*盖\s*章\s*[）)]\s*)?(?:[:：]\s*)?`);
  for (let i = 0; i < lines.length; i++) {
    if (!label.hint.test(lines[i].text)) continue;
    const { line } = lines[i];
    const text = piece(lines[i].text);
    const m = pattern.exec(text);
    if (!m || isChrome(text)) continue;
    // "名称:(盖章)" on a cover: the stamp's place, the name (if any) on the next line.
    const rest = text.slice(m.index + m[0].length).replace(/^[（(]\s*盖\s*章\s*[）)]\s*/, "");
    if (rest.trim() === "") {
      const next = nextPiece(lines, i);
      const value = next && !OTHER_LABEL.test(next.text) ? unitLabelValue(next.text) : null;
      if (next && value) return { value, line: next.line, text: next.text };
      continue;
    }
    const token = /^[^\s|，,。；;]+/.exec(rest)?.[0] ?? "";
    if (OTHER_LABEL.test(token)) continue;
    const value = unitLabelValue(token);
    if (value) return { value, line, text: text.length <= 120 ? text : `${m[0].trim()} ${token}` };
  }
  return null;
}

/** A labelled value as a unit name: the budget code in front (219001-) and 本级 dropped. */
function unitLabelValue(raw: string): string | null {
  const value = raw
    .replace(/^\d{2,}\s*[-－—_.、]\s*/, "")
    .replace(/本级$/, "");
  return unitNameCandidate(value);
}

/** "单位名称：泸县总工会" written in the narrative. */
export function unitNameStated(paragraphs: ReadonlyArray<TextLine>): LabelledName | null {
  return labelledUnitName(paragraphs, UNIT_LABELS.stated);
}

/** "发布机构: 红河州数据发展中心" in a web page's metadata: usually, not surely, the unit. */
export function unitNamePublished(lines: ReadonlyArray<TextLine>): LabelledName | null {
  for (const raw of lines) {
    if (!/发布机构|发文机关|发布单位/.test(raw.text)) continue;
    const { line } = raw;
    const text = piece(raw.text);
    const m = /^(?:[-*•·]\s*)?(?:发布机构|发文机关|发布单位)\s*[:：]\s*(\S.*)$/.exec(text);
    const value = m ? unitNameCandidate(m[1].trim()) : null;
    if (value) return { value, line, text };
  }
  return null;
}

/**
 * Any "2023年" in the narrative: a last resort for the year. Chrome and dates (2024年6月20日,
 * the day a report was signed, usually the year after) are skipped.
 */
export function yearMentioned(paragraphs: ReadonlyArray<TextLine>): Found<number> | null {
  for (const p of paragraphs) {
    if (isChrome(p.text)) continue;
    const m = /(?<!\d)((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)/.exec(p.text);
    if (m) {
      const year = Number(m[1]);
      if (year >= YEAR_MIN && year <= YEAR_MAX) return { value: year, line: p.line };
    }
  }
  return null;
}

// ---------------------------------------------------------------- staffing

/**
 * Each headcount's keywords, most specific first: a later keyword is tried only when no
 * paragraph has an earlier one, so "现有人员174人(在职在编126人、退休人员8人…)" gives the
 * in-post 126 (174 counts the retired too).
 */
const HEADCOUNTS: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  [
    "staffing.authorized.total",
    ["(?:核定总编制|核定编制总数|编制总数|核定编制数|核定编制|总编制)", "(?:现有编制人员|编制人员|人员编制|编制人数)"],
  ],
  ["staffing.authorized.admin", ["行政编制"]],
  ["staffing.authorized.institution", ["事业编制"]],
  [
    "staffing.actual.total",
    [
      "(?:实际在职人员总数|在职人员总数|实有人员总数|实有在职人员|实际在职人员|实有人数|实有人员|在职人员|在职在编人员|在职在编|现有在职人员|在职人数)",
      "(?:现有人员|现有人数)",
    ],
  ],
  ["staffing.actual.admin", ["(?:在职)?行政人员"]],
  ["staffing.actual.institution", ["(?:在职)?事业人员"]],
  ["staffing.retired", ["(?:退休人员|离退休人员)"]],
];

/**
 * Headcounts written as a label and a bare number, in a cover's or basic table's cells or in a
 * line of them: "人员编制 38", "实有人数：38", or the label and the number in adjacent cells.
 */
const HEADCOUNT_LABELS: ReadonlyArray<readonly [string, string, RegExp]> = [
  ["staffing.authorized.total", "(?:人员编制|编制人数|编制数|核定编制)", /编\s*制/],
  ["staffing.actual.total", "(?:实有人数|实有人员|在职人数)", /实\s*有|在\s*职/],
];

/** `lines`: the input's lines, cells included, for the labelled headcounts of covers and tables. */
export function extractStaffing(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>, lines: ReadonlyArray<TextLine> = []): void {
  for (const [path, keywords] of HEADCOUNTS) {
    for (const keyword of keywords) {
      const found = pickFirst(ctx, path, paragraphs, countPattern(keyword), countFrom(ctx, path));
      if (!found) continue;
      setHeadcount(ctx, path, found.value);
      ctx.record(path, found.line);
      break;
    }
  }
  for (const [path, label, hint] of HEADCOUNT_LABELS) {
    if (ctx.has(path)) continue;
    const found = labelledCount(ctx, path, lines, label, hint);
    if (!found) continue;
    setHeadcount(ctx, path, found.value);
    ctx.record(path, found.line, { text: found.text });
  }
}

function setHeadcount(ctx: ImportContext, path: string, value: number): void {
  const staffing = ctx.document.staffing;
  const [, group, field] = path.split(".");
  if (group === "retired") staffing.retired = value;
  else if ((group === "authorized" || group === "actual") && (field === "admin" || field === "institution" || field === "total")) {
    staffing[group][field] = value;
  }
}

function labelledCount(
  ctx: ImportContext,
  path: string,
  lines: ReadonlyArray<TextLine>,
  label: string,
  hint: RegExp
): (Found<number> & { text: string }) | null {
  const inline = new RegExp(String.raw`(?:^|[\s|])${label}\s*(?:[:：]\s*)?(\d+)\s*(?:人|名)?(?=$|[\s|，,；;。])`);
  const alone = new RegExp(String.raw`^${label}\s*[:：]?$`);
  const convert = countFrom(ctx, path);
  for (let i = 0; i < lines.length; i++) {
    if (!hint.test(lines[i].text)) continue;
    const { line } = lines[i];
    const text = piece(lines[i].text);
    const m = inline.exec(text);
    if (m) {
      const value = convert(m, line);
      if (value !== null) return { value, line, text: text.length <= 120 ? text : m[0].trim() };
    }
    const next = alone.test(text) ? nextPiece(lines, i) : null;
    const number = next ? /^(\d+)\s*(?:人|名)?$/.exec(next.text) : null;
    if (next && number) {
      const value = convert(number, next.line);
      if (value !== null) return { value, line: next.line, text: next.text };
    }
  }
  return null;
}

// ---------------------------------------------------------------- income, expenditure total, carryover

type AmountField = "initialBudget" | "adjustedBudget" | "total" | "fiscal" | "other";
/** "收入:792.22万元": 收入 alone, at the start of a clause, before a colon. */
const BARE_INCOME = String.raw`(?<=^|[\s，。；、:：（(）)\d年度])收入(?=\s*[:：])`;
const INCOME: ReadonlyArray<readonly [AmountField, string]> = [
  ["total", `(?:收入总额|总收入|收入合计|全年收入|决算收入|${BARE_INCOME})`],
  // 年初批复预算8个项目985万元: the number of projects may come between the keyword and the amount.
  ["initialBudget", String.raw`年初(?:批复)?预算(?:收入|数|总额|资金)?(?:\d+个项目)?`],
  [
    "adjustedBudget",
    "(?:调整后预算|调整预算后(?:项目)?预算|调整后(?:的)?(?:全年)?预算|调整预算|全年预算数)(?:收入|数|总额|资金)?",
  ],
  ["fiscal", "财政拨款(?:收入)?"],
  ["other", "其他(?:资金)?收入"],
];
/** Money a project report says arrived (实际到位资金): the income, as far as it tells; to confirm. */
const FUNDS_ARRIVED = amountPattern("(?:实际到位资金|到位资金)");

export function extractIncome(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  for (const [field, keyword] of INCOME) {
    const path = `income.${field}`;
    const found = pickFirst(ctx, path, paragraphs, amountPattern(keyword), amountFrom(ctx, path), sameDecimal);
    if (!found) continue;
    ctx.document.income[field] = found.value;
    ctx.record(path, found.line);
  }
  if (!ctx.has("income.total")) {
    const arrived = pickFirst(ctx, "income.total", paragraphs, FUNDS_ARRIVED, amountFrom(ctx, "income.total"), sameDecimal);
    if (arrived) {
      ctx.document.income.total = arrived.value;
      ctx.record("income.total", arrived.line, { guessed: true });
    }
  }
}

/** "支出:…万元", as BARE_INCOME. */
const BARE_EXPENDITURE = String.raw`(?<=^|[\s，。；、:：（(）)\d年度])支出(?=\s*[:：])`;

/** `paragraphs` without the lines that list function codes, whose 支出决算 are per line. */
export function extractExpenditureTotal(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  const path = "expenditure.total";
  const pattern = amountPattern(
    `(?:支出决算总额|支出决算数|支出决算|决算支出总额|支出总额|总支出|支出合计|全年支出|全年执行数|预算执行数|${BARE_EXPENDITURE})`
  );
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
/** "常年项目9个", "一次性项目共1个": the count right after the kind. */
const KIND_COUNT = /(?:常年(?:性)?|一次性|阶段性)项目(?:共计|共有|共|有)?\s*(\d+)\s*个/;
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
  const count = PROJECT_COUNT.exec(main) ?? KIND_COUNT.exec(main);
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

/**
 * 自评综合得分93.4分, 综合评分为97分, 自评得分：90; a bare 总分 only with its 分 (总分95分),
 * not 满分/百分制 or a table's "总分 100 100" (分值 then 得分).
 */
const SELF_SCORE = new RegExp(
  String.raw`(?:自评(?:综合|总)?得分|综合得分|自评总分|自评分数|自评分|总得分|(?:自评)?综合评分)(?:为|是)?\s*(?:[:：]\s*)?` +
    NUMBER +
    String.raw`\s*分?|(?<![满百])总分(?:为|是)?\s*(?:[:：]\s*)?` +
    NUMBER +
    String.raw`\s*分(?![制值])`
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
      const value = cleanDecimal(m[1] ?? m[2]);
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
