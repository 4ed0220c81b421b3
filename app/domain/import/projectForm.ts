/**
 * Project self-evaluation forms (项目支出绩效自评表) as text → `project-evaluation/v1`
 * documents, one per form: the Sichuan form 510000_0013zp and the form of 财预〔2020〕10号
 * (docs/domain.md, "Project forms"), whatever the layout the text came in.
 *
 * Forms reach us as a Word table flattened one cell per line (TAB or ` |` per cell), as a
 * one-line dump with cells separated by spaces, or as indented lines of space-separated cells.
 * Row boundaries are unreliable in all of them (merged cells vanish, empty cells vanish in the
 * space-separated ones), so the form is read as a stream of cells and its structure rebuilt
 * from what the form itself prints: the labels (项目名称, 主管部门 …), the funds rows (总额,
 * 其中：财政资金 …) and the column headers, which fix the order of the values that follow.
 * Where empty cells are lost, indicator rows are anchored on their last two numbers (分值, 得分).
 *
 * Pure and total: any input gives a result, never an exception.
 */
import { emptyProjectEvaluation, type FundsRow, type FundsRowKind, type ProjectEvaluation, type ProjectIndicator } from "~/domain/projectEvaluation";
import { readDecimal } from "~/domain/numerals";
import { columnOf, FUNDS_COLUMNS, headerKey, INDICATOR_COLUMNS, type FundsColumn, type IndicatorColumn } from "./columns";
import type { SourceRef } from "./context";

/** One cell of the form, with the input line it came from. */
export interface FormCell {
  text: string;
  line: number;
}

export interface ProjectFormImport {
  evaluation: ProjectEvaluation;
  /** Document path → where its value came from. */
  sources: Record<string, SourceRef>;
  /** Paths a complete form has and this one lacks. */
  missing: string[];
}

/** The title every variant of the form prints. */
const FORM_TITLE = /项目支出绩效自评表/;
const MAX_FORMS = 200;
const MAX_CELLS = 200_000;

/**
 * Cells from text in any of the layouts above. `explicitEmpty`: empty cells are written (a lone
 * `|` or TAB), so values can be placed by position; otherwise they are lost and we anchor.
 */
export function formCells(lines: ReadonlyArray<string>): { cells: FormCell[]; explicitEmpty: boolean } {
  const nonBlank = lines.filter((l) => l.trim() !== "");
  const piped = nonBlank.filter((l) => /\|\s*$/.test(l)).length;
  const tabbed = nonBlank.filter((l) => /^[ \u3000\u00a0]*\t/.test(l)).length;
  const cells: FormCell[] = [];
  const push = (text: string, line: number) => {
    if (cells.length < MAX_CELLS) cells.push({ text: text.replace(/[\s\u3000\u00a0]+/g, " ").trim(), line });
  };
  if (piped > nonBlank.length / 2) {
    // One cell per line, each ending " |" (a lone "|" is an empty cell); a line of several
    // pipes is a row of cells.
    lines.forEach((raw, i) => {
      if (raw.trim() === "") return;
      const parts = raw.replace(/\|\s*$/, "").split("|");
      for (const part of parts) push(part, i + 1);
    });
    return { cells, explicitEmpty: true };
  }
  if (tabbed > nonBlank.length / 3) {
    lines.forEach((raw, i) => {
      // A lone TAB is an empty cell; a blank line only ends a row.
      if (raw.trim() === "" && !raw.includes("\t")) return;
      const cellLine = /^[ \u3000\u00a0]*\t/.exec(raw);
      if (cellLine) for (const part of raw.slice(cellLine[0].length).split("\t")) push(part, i + 1);
      else if (cells.length > 0 && /^[ \u3000\u00a0]*\t/.test(lines[i - 1] ?? "")) cells[cells.length - 1].text += raw.trim();
      else push(raw, i + 1);
    });
    return { cells, explicitEmpty: true };
  }
  lines.forEach((raw, i) => {
    for (const part of raw.split(/[ \t\u3000\u00a0]+/)) if (part !== "") push(part, i + 1);
  });
  return { cells: joinWrappedLabels(cells), explicitEmpty: false };
}

/** Labels Word wrapped inside a narrow cell ("一级" / "指标", "可持续影" / "响指标") joined again. */
function joinWrappedLabels(cells: FormCell[]): FormCell[] {
  const out: FormCell[] = [];
  for (let i = 0; i < cells.length; i++) {
    const next = cells[i + 1];
    if (next && !isKnownLabel(cells[i].text) && isKnownLabel(cells[i].text + next.text)) {
      out.push({ text: cells[i].text + next.text, line: cells[i].line });
      i++;
    } else out.push(cells[i]);
  }
  return out;
}

/** Labels narrow enough to be wrapped: the level headers and level names (exact, not the loose header synonyms). */
const isKnownLabel = (text: string) => /^(?:一级指标|二级指标|三级指标)$/.test(key(text)) || LEVEL2.test(key(text)) || LEVEL1.test(key(text));

/** A cell as labels are matched: no spaces, no leading "1." numbering, no trailing colon. */
function key(text: string): string {
  return text.replace(/[\s\u3000]+/g, "").replace(/^\d+[.、．]/, "").replace(/[:：]$/, "");
}

const LEVEL1 = /^(产出|效益|满意度|效果)指标(?:[（(](\d+(?:\.\d+)?)分?[)）])?$/;
const LEVEL1_WEIGHT_ONLY = /^[（(](\d+(?:\.\d+)?)分[)）]$/;
const LEVEL2 = /^(?:数量|质量|时效|(?:经济|社会|生态(?:环境)?)?成本|(?:经济|社会|生态)效益|可持续影响|(?:服务对象|社会公众|群众|受益对象)?满意度)指标$/;
/** The first-level indicator a second-level one belongs to, when the form lost the first. */
function level1Of(level2: string): string {
  if (/满意度/.test(level2)) return "满意度指标";
  if (/效益|可持续/.test(level2)) return "效益指标";
  return "产出指标";
}

const FUNDS_ROWS: ReadonlyArray<readonly [FundsRowKind, RegExp]> = [
  ["total", /^(?:总额|年度资金总额|资金总额)$/],
  ["fiscal", /^(?:其中[:：]?)?(?:财政资金|本年财政拨款|财政拨款|当年财政拨款)$/],
  ["specialAccount", /^(?:其中[:：]?)?财政专户管理资金$/],
  ["unitFunds", /^(?:其中[:：]?)?单位(?:自有)?资金$/],
  ["carryover", /^(?:其中[:：]?)?上年结转(?:资金)?$/],
  ["other", /^(?:其中[:：]?)?其他资金$/],
];
const fundsRowKind = (text: string): FundsRowKind | null => FUNDS_ROWS.find(([, p]) => p.test(key(text)))?.[0] ?? null;

const PLACEHOLDER = /^(?:[/／\\\-－—–]+|…+|\.{3,}|无)$/;
const NUMBER_CELL = /^[-+]?\d[\d,]*(?:\.\d+)?%?$/;
const isNumberCell = (text: string) => NUMBER_CELL.test(text.replace(/\s+/g, ""));
const numberOf = (text: string): string | null => readDecimal(text, ["%", "分", "万元"]);

/** Labels whose value is the next cell. */
type FormField = "name" | "department" | "unit" | "conclusion" | "problems" | "improvements" | "projectLead" | "financeLead" | "summary";
const FIELD_LABELS: ReadonlyArray<readonly [FormField, RegExp]> = [
  ["name", /^项目名称$/],
  ["department", /^主管部门$/],
  ["unit", /^实施单位(?:[（(]盖章[)）])?$/],
  ["conclusion", /^评价结论$/],
  ["problems", /^存在(?:的)?问题$/],
  ["improvements", /^改进(?:措施|建议)$/],
  ["projectLead", /^项目负责人$/],
  ["financeLead", /^财务负责人$/],
  ["summary", /^项目实施内容及过程概述$/],
];
const fieldOf = (text: string) => FIELD_LABELS.find(([, p]) => p.test(key(text)))?.[0] ?? null;

const GOAL_HEADERS = /^(?:项目年度目标完成情况|项目年度目标|年度目标完成情况|年度总体目标(?:完成情况)?|预期目标|实际完成情况|目标完成情况)$/;
const INDICATOR_BLOCK = /^(?:绩效指标|年度绩效指标完成情况|年度绩效指标)$/;
const END_OF_INDICATORS = /^(?:合计|总分|总计|评价结论|存在(?:的)?问题|改进(?:措施|建议)|项目负责人|财务负责人)$|^注[:：]/;
const isStructural = (text: string) =>
  fieldOf(text) !== null || fundsRowKind(text) !== null || GOAL_HEADERS.test(key(text)) || INDICATOR_BLOCK.test(key(text).replace(/[（(]\d+分[)）]$/, "")) ||
  isColumnHeader(text) || END_OF_INDICATORS.test(key(text)) || FORM_TITLE.test(text);
/** Column headers are short; a sentence that mentions 原因 or 得分 is content. */
const isColumnHeader = (text: string) => key(text).length <= 12 && columnOf(INDICATOR_COLUMNS, text) !== null;

/** Whether text holds a project form at all (for template recognition and the import's dispatch). */
export function looksLikeProjectForm(text: string): boolean {
  return FORM_TITLE.test(text) && /项目名称/.test(text) && /(?:一级指标|三级指标)/.test(text);
}

/** Every project form in the text, in order (a file often holds several). */
export function parseProjectForms(lines: ReadonlyArray<string>): ProjectFormImport[] {
  const { cells, explicitEmpty } = formCells(lines);
  const starts: number[] = [];
  cells.forEach((c, i) => {
    if (FORM_TITLE.test(c.text) && starts.length < MAX_FORMS) starts.push(i);
  });
  return starts
    .map((start, n) => readForm(cells.slice(start, starts[n + 1] ?? cells.length), explicitEmpty, cells.slice(n === 0 ? 0 : starts[n - 1], start)))
    .filter((form) => form.evaluation.indicators.length > 0 || form.evaluation.funds.rows.length > 0 || form.evaluation.project.name !== "");
}

class FormReader {
  readonly evaluation = emptyProjectEvaluation();
  readonly sources: Record<string, SourceRef> = {};
  constructor(readonly cells: FormCell[], readonly explicitEmpty: boolean) {}
  record(path: string, cell: FormCell) {
    this.sources[path] = { line: cell.line, text: cell.text.slice(0, 200) };
  }
}

function readForm(cells: FormCell[], explicitEmpty: boolean, before: FormCell[]): ProjectFormImport {
  const r = new FormReader(cells, explicitEmpty);
  readYear(r, before);
  readFields(r);
  readGoal(r);
  readFunds(r);
  readIndicators(r);
  return { evaluation: r.evaluation, sources: r.sources, missing: missingOf(r.evaluation) };
}

function readYear(r: FormReader, before: FormCell[]) {
  for (const cell of [...r.cells.slice(0, 4), ...before.slice(-3)]) {
    const m = /[（(]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?/.exec(cell.text);
    if (m) {
      r.evaluation.year = Number(m[1]);
      r.record("year", cell);
      return;
    }
  }
}

/** The cell after a label, unless it is itself a label or heading (then the field is empty). */
function valueAfter(cells: FormCell[], i: number, explicitEmpty: boolean): FormCell | null {
  const inline = /^[^:：]{2,12}[:：]\s*(.+)$/.exec(cells[i].text);
  if (inline && fieldOf(cells[i].text.split(/[:：]/)[0]) !== null) return { text: inline[1].trim(), line: cells[i].line };
  const next = cells[i + 1];
  if (!next || isStructural(next.text)) return null;
  if (next.text === "" && !explicitEmpty) return null;
  return next.text === "" ? null : next;
}

/** `51000021R000000019951-工资性支出` → code and name; a name without a code stays whole. */
function splitCode(text: string): { code: string | null; name: string } {
  const m = /^([0-9A-Za-z]{2,40})\s*[-－—]\s*(.+)$/.exec(text.trim());
  return m ? { code: m[1], name: m[2].trim() } : { code: null, name: text.trim() };
}

function readFields(r: FormReader) {
  const e = r.evaluation;
  r.cells.forEach((cell, i) => {
    const field = fieldOf(cell.text.split(/[:：]/)[0]) ?? fieldOf(cell.text);
    if (!field) {
      const kind = /常年(?:性)?项目/.test(cell.text) ? "recurring" : /一次性项目/.test(cell.text) ? "oneOff" : null;
      if (kind && cell.text.length <= 12 && e.project.kind === null) e.project.kind = kind;
      return;
    }
    const value = valueAfter(r.cells, i, r.explicitEmpty);
    if (!value) return;
    const text = value.text.slice(0, 5000);
    switch (field) {
      case "name": {
        if (e.project.name) return;
        const { code, name } = splitCode(text);
        e.project = { ...e.project, code, name: name.slice(0, 200) };
        r.record("project.name", value);
        if (code) r.record("project.code", value);
        return;
      }
      case "department":
        if (e.department === null) {
          e.department = text.slice(0, 200);
          r.record("department", value);
        }
        return;
      case "unit": {
        if (e.unit.name) return;
        const { code, name } = splitCode(text);
        e.unit = { name: name.slice(0, 200), code };
        r.record("unit.name", value);
        return;
      }
      case "projectLead":
      case "financeLead":
        if (e[field] === null && text.length <= 50) {
          e[field] = text;
          r.record(field, value);
        }
        return;
      default:
        if (e[field] === null) {
          e[field] = text;
          r.record(field, value);
        }
    }
  });
  // A form without 实施单位 belongs to its 主管部门.
  if (!e.unit.name && e.department) {
    const { code, name } = splitCode(e.department);
    e.unit = { name: name.replace(/本级$/, "").slice(0, 200), code };
    if (r.sources.department) r.sources["unit.name"] = r.sources.department;
  }
}

function readGoal(r: FormReader) {
  let i = r.cells.findIndex((c) => GOAL_HEADERS.test(key(c.text)));
  if (i < 0) return;
  while (i < r.cells.length && (GOAL_HEADERS.test(key(r.cells[i].text)) || r.cells[i].text === "")) i++;
  const texts: FormCell[] = [];
  for (; i < r.cells.length && texts.length < 2; i++) {
    const cell = r.cells[i];
    if (isStructural(cell.text)) break;
    if (cell.text !== "" || r.explicitEmpty) texts.push(cell);
  }
  const [planned, achieved] = texts;
  if (planned?.text) {
    r.evaluation.goal.planned = planned.text.slice(0, 5000);
    r.record("goal.planned", planned);
  }
  if (achieved?.text) {
    r.evaluation.goal.achieved = achieved.text.slice(0, 5000);
    r.record("goal.achieved", achieved);
  }
}

/** The run of column headers starting at `from`, as columns in order; null when there is none. */
function headerRun<C extends string>(cells: FormCell[], from: number, vocabulary: ReadonlyArray<readonly [C, RegExp]>): { columns: C[]; end: number } | null {
  const columns: C[] = [];
  let i = from;
  for (; i < cells.length; i++) {
    const column = columnOf(vocabulary, cells[i].text);
    if (column === null || columns.includes(column)) break;
    columns.push(column);
  }
  return columns.length >= 2 ? { columns, end: i } : null;
}

function readFunds(r: FormReader) {
  const cells = r.cells;
  let header: { columns: FundsColumn[]; end: number } | null = null;
  for (let i = 0; i < cells.length && !header; i++) if (columnOf(FUNDS_COLUMNS, cells[i].text)) header = headerRun(cells, i, FUNDS_COLUMNS);
  if (!header) return;
  const columns = header.columns;
  const weightCell = cells.find((c) => /预算执行情况[（(](\d+(?:\.\d+)?)分[)）]/.test(c.text));
  for (let i = header.end; i < cells.length; i++) {
    const cell = cells[i];
    if (INDICATOR_BLOCK.test(key(cell.text).replace(/[（(]\d+分[)）]$/, "")) || GOAL_HEADERS.test(key(cell.text)) || isColumnHeader(cell.text)) break;
    const kind = fundsRowKind(cell.text);
    if (!kind || r.evaluation.funds.rows.some((row) => row.kind === kind)) continue;
    const values: FormCell[] = [];
    let reason: FormCell | null = null;
    let j = i + 1;
    for (; j < cells.length; j++) {
      const t = cells[j].text;
      if (fundsRowKind(t) || isStructural(t)) break;
      if (t === "" || PLACEHOLDER.test(t) || isNumberCell(t)) values.push(cells[j]);
      // A long cell is the form's own note (预算执行率=…), merged beside the rows; a short one a reason.
      else if (columns.includes("reason") && t.length <= 100 && !/[=＝]|应单独说明|包括[:：]/.test(t)) reason = cells[j];
      if (values.length >= columns.filter((c) => c !== "reason").length + (r.explicitEmpty && columns.includes("reason") ? 1 : 0)) {
        j++;
        break;
      }
    }
    const row = fundsRow(kind, cell.text, assignFunds(columns, values, r.explicitEmpty), reason);
    const index = r.evaluation.funds.rows.length;
    r.evaluation.funds.rows.push(row);
    r.record(`funds.rows[${index}]`, cell);
    if (kind === "total" && row.weight === null && weightCell) row.weight = /[（(](\d+(?:\.\d+)?)分/.exec(weightCell.text)![1];
    i = j - 1;
  }
}

/** Values of a funds row placed under their columns. */
function assignFunds(columns: FundsColumn[], values: FormCell[], explicitEmpty: boolean): Partial<Record<FundsColumn, string>> {
  const numeric = columns.filter((c) => c !== "reason");
  const texts = values.map((v) => v.text);
  const out: Partial<Record<FundsColumn, string>> = {};
  let order = numeric;
  // Empty cells lost: the three amounts come first; of 分值 / 执行率 / 得分 the one missing is
  // the rate when the rate in its place would contradict 执行数 / 预算数 (and the score fits).
  if (!explicitEmpty && texts.length === numeric.length - 1 && numeric.includes("rate")) {
    const inOrder = Object.fromEntries(numeric.map((c, k) => [c, texts[k]]));
    const adjusted = Number(numberOf(inOrder.adjustedBudget ?? "") ?? NaN);
    const executed = Number(numberOf(inOrder.executed ?? "") ?? NaN);
    const rate = Number(numberOf(inOrder.rate ?? "") ?? NaN);
    if (adjusted > 0 && Math.abs((executed / adjusted) * 100 - rate) > 0.5 && !String(inOrder.rate).includes("%")) order = numeric.filter((c) => c !== "rate");
  }
  order.forEach((column, k) => {
    const text = texts[k];
    if (text !== undefined) out[column] = text;
  });
  return out;
}

function fundsRow(kind: FundsRowKind, label: string, values: Partial<Record<FundsColumn, string>>, reason: FormCell | null): FundsRow {
  const num = (text: string | undefined) => (text === undefined || text === "" || PLACEHOLDER.test(text) ? null : numberOf(text));
  return {
    kind,
    label: key(label).slice(0, 50),
    initialBudget: num(values.initialBudget),
    adjustedBudget: num(values.adjustedBudget),
    executed: num(values.executed),
    statedRatePct: num(values.rate),
    weight: num(values.weight),
    score: num(values.score),
    reason: reason?.text.slice(0, 500) ?? (values.reason && !PLACEHOLDER.test(values.reason) ? values.reason : null),
  };
}

function readIndicators(r: FormReader) {
  const cells = r.cells;
  let header: { columns: IndicatorColumn[]; end: number } | null = null;
  for (let i = 0; i < cells.length && !header; i++) if (columnOf(INDICATOR_COLUMNS, cells[i].text) === "level1") header = headerRun(cells, i, INDICATOR_COLUMNS);
  if (!header) return;
  const rowColumns = header.columns.filter((c) => c !== "level1" && c !== "level2");
  let level1 = "";
  let level2 = "";
  let i = header.end;
  const levelWeights = r.evaluation.levelWeights;
  let pendingWeight: string | null = null;
  let afterLevel1 = false;
  while (i < cells.length) {
    const cell = cells[i];
    const k = key(cell.text);
    if (END_OF_INDICATORS.test(k)) break;
    const l1 = LEVEL1.exec(k);
    const weightOnly = LEVEL1_WEIGHT_ONLY.exec(k);
    const wasAfterLevel1 = afterLevel1;
    afterLevel1 = false;
    i++;
    // "满意度指标" is both a first and a second level: right under its namesake it is the second.
    if (l1 && !(l1[2] === undefined && `${l1[1]}指标` === level1 && level2 === "")) {
      level1 = `${l1[1]}指标`;
      level2 = "";
      if (l1[2]) levelWeights[level1] = l1[2];
      afterLevel1 = true;
      continue;
    }
    if (weightOnly) {
      // "(50分)": the first-level cell's weight, its name either just above or lost by the export.
      if (wasAfterLevel1) levelWeights[level1] = weightOnly[1];
      else {
        pendingWeight = weightOnly[1];
        level1 = "";
        level2 = "";
      }
      continue;
    }
    if (LEVEL2.test(k)) {
      level2 = k;
      if (!level1) {
        level1 = level1Of(k);
        if (pendingWeight !== null) levelWeights[level1] = pendingWeight;
        pendingWeight = null;
      }
      continue;
    }
    // Empty slots, "/" and the form's blank rows (指标2: ……).
    if (cell.text === "" || PLACEHOLDER.test(cell.text) || /^指标\d+$/.test(k)) continue;
    i--;
    const next = r.explicitEmpty ? positionalRow(cells, i, rowColumns) : anchoredRow(cells, i, rowColumns);
    if (!next) {
      i++;
      continue;
    }
    const indicator = toIndicator(level1, level2, next.values);
    if (indicator.name !== "" && !PLACEHOLDER.test(indicator.name)) {
      const index = r.evaluation.indicators.length;
      if (index >= 300) break;
      r.evaluation.indicators.push(indicator);
      r.record(`indicators[${index}]`, cell);
    }
    i = next.end;
  }
  readTotal(r, i);
}

/** A row laid out cell by cell (empties written): the next cells fill the columns in order. */
function positionalRow(cells: FormCell[], from: number, columns: IndicatorColumn[]): { values: Partial<Record<IndicatorColumn, string>>; end: number } | null {
  const values: Partial<Record<IndicatorColumn, string>> = {};
  let i = from;
  for (const column of columns) {
    const cell = cells[i];
    if (!cell || (column !== "name" && (LEVEL1.test(key(cell.text)) || LEVEL2.test(key(cell.text)) || END_OF_INDICATORS.test(key(cell.text))))) break;
    values[column] = cell.text;
    i++;
  }
  return values.name ? { values, end: i } : null;
}

/**
 * A row whose empty cells were lost: the name, then whatever it has of 指标值 / 完成值, ending
 * with two numbers (分值, 得分). A row without them (cut, or a "/" placeholder row) is skipped.
 */
function anchoredRow(cells: FormCell[], from: number, columns: IndicatorColumn[]): { values: Partial<Record<IndicatorColumn, string>>; end: number } | null {
  const stop = (t: string) => {
    const k = key(t);
    return LEVEL1.test(k) || LEVEL1_WEIGHT_ONLY.test(k) || LEVEL2.test(k) || END_OF_INDICATORS.test(k);
  };
  let end = -1;
  for (let j = from + 1; j + 1 < cells.length && j <= from + 10; j++) {
    if (stop(cells[j].text)) break;
    if (isNumberCell(cells[j].text) && isNumberCell(cells[j + 1].text) && !(cells[j + 2] && isNumberCell(cells[j + 2].text))) {
      end = j;
      break;
    }
  }
  if (end < 0) return null;
  const middle = cells.slice(from + 1, end).map((c) => c.text).filter((t) => !PLACEHOLDER.test(t));
  const values: Partial<Record<IndicatorColumn, string>> = { name: cells[from].text.replace(/^指标\d+[:：]/, ""), weight: cells[end].text, score: cells[end + 1].text };
  const middleColumns = columns.filter((c) => c === "nature" || c === "target" || c === "unit" || c === "actual");
  // Without a nature/unit column the middle is 指标值 then 完成值; with them, take what fits.
  const slots = middle.length >= middleColumns.length ? middleColumns : middleColumns.filter((c) => c === "target" || c === "actual").slice(0, Math.max(middle.length, 0));
  slots.forEach((column, k) => {
    if (middle[k] !== undefined) values[column] = middle[k];
  });
  return { values, end: end + 2 };
}

function toIndicator(level1: string, level2: string, values: Partial<Record<IndicatorColumn, string>>): ProjectIndicator {
  const text = (v: string | undefined, max: number) => (v === undefined || PLACEHOLDER.test(v) ? "" : v.slice(0, max));
  let nature = text(values.nature, 50);
  let target = text(values.target, 200);
  let unit = values.unit !== undefined && !PLACEHOLDER.test(values.unit) && values.unit !== "" ? values.unit.slice(0, 50) : null;
  // "≥50个", "≤90万元", "=100%", "≥100百分比": nature, value and unit in one cell.
  const embedded = /^(≥|≤|=|＝|>|<|＞|＜)\s*(\d+(?:\.\d+)?)\s*(.{0,10})$/.exec(target);
  if (embedded && !nature) {
    nature = embedded[1] === "＝" ? "=" : embedded[1];
    target = embedded[2];
    if (unit === null && embedded[3]) unit = embedded[3] === "百分比" ? "%" : embedded[3];
  }
  // "90%" with no unit column: value and unit.
  const withUnit = /^(\d+(?:\.\d+)?)\s*(%|百分比|个|人次|人|次|万元|元|天|日|年|月|项|份|家|户|平方米|公里|台|套)$/.exec(target);
  if (withUnit && unit === null) {
    target = withUnit[1];
    unit = withUnit[2] === "百分比" ? "%" : withUnit[2];
  }
  if (!nature && target && !/\d/.test(target)) nature = "定性";
  const num = (v: string | undefined) => (v === undefined || v === "" || PLACEHOLDER.test(v) ? null : numberOf(v));
  return {
    level1: level1.slice(0, 100),
    level2: level2.slice(0, 100),
    name: text(values.name, 200).replace(/^指标\d+[:：]/, ""),
    nature,
    target,
    unit,
    weightPct: num(values.weight),
    actual: text(values.actual, 200),
    score: num(values.score),
    reason: values.reason && !PLACEHOLDER.test(values.reason) && values.reason !== "" ? values.reason.slice(0, 500) : null,
  };
}

/** 合计 / 总分 row: the first number is the weights' total, the second the score (总分 95 alone: the score). */
function readTotal(r: FormReader, from: number) {
  const cells = r.cells;
  for (let i = from; i < cells.length; i++) {
    if (!/^(?:合计|总分|总计)$/.test(key(cells[i].text))) continue;
    const values = cells.slice(i + 1, i + 4).filter((c) => !isStructural(c.text)).map((c) => c.text);
    const numbers = r.explicitEmpty ? values : values.filter((v) => isNumberCell(v));
    const scoreText = numbers.length >= 2 || r.explicitEmpty ? numbers[1] : numbers[0];
    const score = scoreText && isNumberCell(scoreText) ? numberOf(scoreText) : null;
    if (score !== null) {
      r.evaluation.totalScore = score;
      r.record("totalScore", cells[i]);
    }
    return;
  }
}

const REQUIRED: ReadonlyArray<readonly [string, (e: ProjectEvaluation) => boolean]> = [
  ["project.name", (e) => e.project.name !== ""],
  ["unit.name", (e) => e.unit.name !== ""],
  ["year", (e) => e.year !== null],
  ["funds.rows", (e) => e.funds.rows.some((r) => r.kind === "total")],
  ["indicators", (e) => e.indicators.length > 0],
  ["totalScore", (e) => e.totalScore !== null],
];

function missingOf(e: ProjectEvaluation): string[] {
  return REQUIRED.filter(([, present]) => !present(e)).map(([path]) => path);
}
