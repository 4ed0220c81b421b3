/**
 * The table 部门整体支出绩效目标完成情况自评表 → `targets` (funds, overall goal, tasks,
 * indicators), plus what the table says about the unit, year and money unit. Blocks are found
 * by their header cells, columns by header text, so merged cells that the export drops or keeps
 * do not shift values.
 */
import type { Indicator } from "~/domain/report";
import type { Cell, Row, Table } from "./cells";
import { columnMatch, headerKey, INDICATOR_COLUMNS, INDICATOR_COLUMNS_LOOSE, INDICATOR_SUBCOLUMNS, type IndicatorColumn } from "./columns";
import type { Found, ImportContext } from "./context";
import { cleanUnitName, YEAR_MAX, YEAR_MIN } from "./narrative";
import {
  cellNumber,
  cleanDecimal,
  normalizeNature,
  normalizeNumerals,
  splitLeadingComparator,
  splitTrailingUnit,
  toWan,
} from "./numbers";

/** A value read from a cell, with the cell's text for its SourceRef. */
type FoundInCell<T> = Found<T> & { text: string };

/** A weight written in a level cell: 规划(15), 产出指标（50分）. */
export interface LevelWeight {
  level: "level1" | "level2";
  /** The level's name without its weight, as in the indicators' level1/level2: 规划. */
  name: string;
  /** Decimal string: 规划(15) → "15". */
  weight: string;
  /** Indices into targets.indicators of the rows under this level cell. */
  indicators: number[];
  line: number;
  text: string;
}

export interface TableFacts {
  unitName: FoundInCell<string> | null;
  year: FoundInCell<number> | null;
  /**
   * The indicator table's 合计/总分 row's score (else any 合计 row's last number), for when the
   * narrative states no self-score.
   */
  totalScore: FoundInCell<string> | null;
  /** Weights of the 一级/二级 levels (the Hunan scoring table's 规划(15)); an Indicator has no field for them. */
  levelWeights: LevelWeight[];
}

const MAX_TASKS = 100;
const MAX_INDICATORS = 300;
const MAX_LEVEL_WEIGHTS = 300;
const TOTAL_ROW = /^(?:合计|总计|总分|总得分|得分合计|自评得分|自评总分|自评总得分|综合得分|综合评分)$/;

/** Cell text without spaces or a trailing colon, for matching labels. */
function label(cell: Cell | undefined): string {
  return (cell?.text ?? "").replace(/\s+/g, "").replace(/[:：]$/, "");
}

/**
 * The header of an indicator table: a level column (一级/二级/三级指标), or a 指标名称 with at
 * least two value columns (指标名称 | 分值 | 自评得分).
 */
function isIndicatorHeader(row: Row): boolean {
  let named = false;
  const values = new Set<IndicatorColumn>();
  for (const cell of row.cells) {
    // Every header this reads names 指标, 值, 权重 or 分: other cells are skipped before any pattern.
    if (cell.text === "" || cell.text.length > 40 || !/[指值权分]/.test(cell.text)) continue;
    if (/^(?:一级指标|二级指标|三级指标)$/.test(headerKey(cell.text))) return true;
    const column = columnMatch(INDICATOR_COLUMNS, cell.text)?.column;
    if (column === "name") named = true;
    else if (column === "target" || column === "actual" || column === "weight" || column === "score") values.add(column);
  }
  return named && values.size >= 2;
}
const isTaskHeader = (row: Row) => row.cells.some((c) => label(c) === "任务名称");
const isFundsHeader = (row: Row) => row.cells.some((c) => /资金总额$/.test(label(c)));
const isGoalRow = (row: Row) => row.cells.some((c) => /总体目标/.test(label(c)) && label(c).length <= 12);
const isBlockStart = (row: Row) => isIndicatorHeader(row) || isTaskHeader(row) || isFundsHeader(row) || isGoalRow(row);

export function extractTable(ctx: ImportContext, tables: ReadonlyArray<Table>): TableFacts {
  const facts: TableFacts = { unitName: null, year: null, totalScore: null, levelWeights: [] };
  const moneyUnit = findMoneyUnit(tables.flatMap((t) => t.rows));
  // A block (tasks, indicators) ends with its table: a table after it is something else.
  for (const { rows } of tables) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (isFundsHeader(row) && !ctx.has("targets.totalFunds")) readFunds(ctx, row, rows[i + 1], moneyUnit);
      else if (isGoalRow(row) && ctx.document.targets.overallGoal === null) readGoal(ctx, row);
      else if (isTaskHeader(row) && ctx.document.targets.tasks.length === 0) i = readTasks(ctx, rows, i);
      else if (isIndicatorHeader(row)) {
        // A second form's indicators (the next form on the page) are its own: never appended to the first's.
        i = ctx.document.targets.indicators.length === 0 ? readIndicators(ctx, rows, i, facts) : indicatorsEnd(rows, i);
      } else readFacts(row, facts);
    }
  }
  return facts;
}

/** "单位：万元" above the table; amounts in the table are in that unit. */
function findMoneyUnit(rows: ReadonlyArray<Row>): string {
  for (const row of rows) {
    for (const cell of row.cells) {
      const m = /(?:金额)?单位\s*[:：]\s*(万元|亿元|元)/.exec(cell.text);
      if (m) return m[1];
    }
  }
  return "万元";
}

/** 部门名称 | 泸县总工会, （2023年度）, 合计 … 93.4. */
function readFacts(row: Row, facts: TableFacts): void {
  let totalSeen = false;
  row.cells.forEach((cell, i) => {
    const text = label(cell);
    if (text === "") return;
    // "单位：万元" is the money unit, not the unit's name.
    if (!facts.unitName && /^(?:部门|单位|预算单位)/.test(text) && !/^(?:金额)?单位[:：](?:万元|亿元|元)$/.test(text)) {
      const inline = /^(?:部门|单位|预算单位)(?:名称)?[:：](.+)$/.exec(cell.text.trim());
      const name = inline ? inline[1] : /^(?:部门|单位|预算单位)(?:名称)?$/.test(text) ? nextText(row.cells, i) : null;
      const clean = name ? cleanUnitName(name) : null;
      if (clean) facts.unitName = { value: clean, line: cell.line, text: inline ? cell.text : `${cell.text} ${clean}` };
    }
    if (!facts.year && text.length <= 12) {
      const m = /^[（(]?((?:19|20)\d{2})年度?[）)]?$/.exec(normalizeNumerals(text));
      const year = m ? Number(m[1]) : NaN;
      if (year >= YEAR_MIN && year <= YEAR_MAX) facts.year = { value: year, line: cell.line, text: cell.text };
    }
    // Only the row's first 合计 cell is read, so a row of many keeps this linear.
    if (!facts.totalScore && !totalSeen && TOTAL_ROW.test(text)) {
      totalSeen = true;
      for (let j = row.cells.length - 1; j > i; j--) {
        const score = cellNumber(row.cells[j].text);
        if (score !== null) {
          facts.totalScore = { value: score, line: row.cells[j].line, text: row.cells[j].text };
          break;
        }
      }
    }
  });
}

function nextText(cells: ReadonlyArray<Cell>, i: number): string | null {
  for (let j = i + 1; j < cells.length; j++) if (cells[j].text) return cells[j].text;
  return null;
}

/**
 * Cell of `row` under header column `column`. Rows that drop the merged first column(s) are
 * shorter than the header: align them from the right.
 */
function under(header: Row, row: Row, column: number): Cell | undefined {
  const cells = trimTrailingEmpty(row.cells, header.cells.length);
  return cells[column - (header.cells.length - cells.length)];
}

function trimTrailingEmpty(cells: Cell[], width: number): Cell[] {
  let end = cells.length;
  while (end > width && cells[end - 1].text === "") end--;
  return end === cells.length ? cells : cells.slice(0, end);
}

// ---------------------------------------------------------------- funds

const FUND_COLUMNS = [
  ["totalFunds", /资金总额$/],
  ["fiscal", /财政拨款/],
  ["other", /其他资金|^其他$/],
] as const;

function readFunds(ctx: ImportContext, header: Row, values: Row | undefined, moneyUnit: string): void {
  for (const [field, pattern] of FUND_COLUMNS) {
    const column = header.cells.findIndex((c) => pattern.test(label(c)));
    if (column < 0) continue;
    const path = `targets.${field}`;
    // Either the value sits right of its label (one row) or under it (header row + value row).
    const beside = header.cells[column + 1];
    const cell =
      beside && cellNumber(beside.text) !== null ? beside : values && !isBlockStart(values) ? under(header, values, column) : undefined;
    if (!cell || cell.text === "") continue;
    const number = cellNumber(cell.text);
    const amount = number === null ? null : toWan(number, moneyUnit);
    if (amount === null) {
      ctx.warn(path, `第${cell.line}行的${fundLabel(field)}“${cell.text.slice(0, 20)}”不是数字，已忽略`);
      continue;
    }
    ctx.document.targets[field] = amount;
    ctx.record(path, cell.line, { text: cell.text });
  }
}

function fundLabel(field: "totalFunds" | "fiscal" | "other"): string {
  return { totalFunds: "资金总额", fiscal: "财政拨款", other: "其他资金" }[field];
}

// ---------------------------------------------------------------- overall goal

function readGoal(ctx: ImportContext, row: Row): void {
  const at = row.cells.findIndex((c) => /总体目标/.test(label(c)));
  const inline = /总体目标\s*[:：]\s*(.+)$/.exec(row.cells[at].text);
  const parts = row.cells.slice(at + 1).filter((c) => c.text !== "");
  const text = inline ? inline[1].trim() : parts.map((c) => c.text).join("");
  if (!text) return;
  ctx.document.targets.overallGoal = ctx.clip(text, 5000, "targets.overallGoal");
  const source = inline ? row.cells[at] : parts[0];
  ctx.record("targets.overallGoal", source.line, { text: source.text });
}

// ---------------------------------------------------------------- tasks

/** Reads task rows after the header at `start`; returns the index of the last row consumed. */
function readTasks(ctx: ImportContext, rows: ReadonlyArray<Row>, start: number): number {
  const header = rows[start];
  const nameColumn = header.cells.findIndex((c) => label(c) === "任务名称");
  const contentColumn = header.cells.findIndex((c) => /内容/.test(label(c)));
  const tasks = ctx.document.targets.tasks;
  let i = start + 1;
  for (; i < rows.length && !isBlockStart(rows[i]); i++) {
    const name = under(header, rows[i], nameColumn);
    const content = contentColumn >= 0 ? under(header, rows[i], contentColumn) : undefined;
    if (!name?.text && !content?.text) continue;
    if (tasks.length >= MAX_TASKS) {
      ctx.warn("targets.tasks", `年度主要任务超过${MAX_TASKS}条，其余已忽略`);
      break;
    }
    const path = `targets.tasks[${tasks.length}]`;
    tasks.push({
      name: ctx.clip(name?.text ?? "", 200, `${path}.name`),
      content: ctx.clip(content?.text ?? "", 2000, `${path}.content`),
    });
    if (name?.text) ctx.record(`${path}.name`, name.line, { text: name.text });
    if (content?.text) ctx.record(`${path}.content`, content.line, { text: content.text });
  }
  return i - 1;
}

// ---------------------------------------------------------------- indicators

/** What a header column holds; null for one we do not read (评分标准, a row label). */
type Slot = IndicatorColumn | null;

interface Layout {
  slots: ReadonlyArray<Slot>;
  /** Column → its slot. */
  at: ReadonlyMap<IndicatorColumn, number>;
  /** Rows the header takes: 2 when a sub-header row (指标性质 | 值 | 单位) sits under it. */
  height: number;
}

type Match = { column: IndicatorColumn; rank: number };

/** Exact names first, key words after: the header row is known, so any wording that names a column counts. */
const HEADER_COLUMNS = [...INDICATOR_COLUMNS, ...INDICATOR_COLUMNS_LOOSE];

/** The columns of the indicator header at `rows[start]`, by their header text (columns.ts). */
function indicatorLayout(header: Row, next: Row | undefined): Layout {
  const top = header.cells.map((c) => columnMatch(HEADER_COLUMNS, c.text));
  const sub = next ? subHeader(next) : null;
  const combined = sub && next ? combineHeader(header.cells, top, next.cells, sub) : null;
  const matches = combined ?? top;
  // Two cells naming one column: the more specific name wins (三级指标 over a label 绩效指标（90分）).
  const best = new Map<IndicatorColumn, number>();
  matches.forEach((m, k) => {
    if (!m) return;
    const held = best.get(m.column);
    if (held === undefined || m.rank < (matches[held]?.rank ?? Infinity)) best.set(m.column, k);
  });
  return {
    slots: matches.map((m, k) => (m && best.get(m.column) === k ? m.column : null)),
    at: best,
    height: combined ? 2 : 1,
  };
}

/** A row of sub-column names only (指标性质, 值, 单位), as a two-row header's second row is. */
function subHeader(row: Row): Array<Match | null> | null {
  let filled = 0;
  const matches: Array<Match | null> = [];
  for (const cell of row.cells) {
    if (cell.text === "") {
      matches.push(null);
      continue;
    }
    filled++;
    const sub = columnMatch(INDICATOR_SUBCOLUMNS, cell.text);
    // A sub-column is the most specific name of its column.
    const m = sub ? { column: sub.column, rank: -1 } : columnMatch(HEADER_COLUMNS, cell.text);
    if (!m || m.column === "level1" || m.column === "level2" || m.column === "name") return null;
    matches.push(m);
  }
  return filled >= 2 ? matches : null;
}

/**
 * A two-row header as one row of columns. Word writes the group cell (指标值) once and leaves a
 * lone TAB below each vertically merged cell; a spreadsheet writes the group's covered cells
 * empty; some exports write the sub-names alone. Null when the rows fit none of these.
 */
function combineHeader(
  topCells: ReadonlyArray<Cell>,
  top: ReadonlyArray<Match | null>,
  subCells: ReadonlyArray<Cell>,
  sub: ReadonlyArray<Match | null>
): Array<Match | null> | null {
  const filled = (k: number) => subCells[k].text !== "";
  if (subCells.length === topCells.length) {
    // Covered cells written empty: each run of sub-names starts under its group's cell.
    let ok = true;
    for (let k = 0; k < subCells.length; k++) {
      if (filled(k) && k > 0 && filled(k - 1) && topCells[k].text !== "") ok = false;
      if (filled(k) && (k === 0 || !filled(k - 1)) && topCells[k].text === "") ok = false;
    }
    if (ok) return top.map((m, k) => (filled(k) ? sub[k] : m));
  }
  if (subCells.length > topCells.length) {
    // One group cell above its run of sub-names, a lone TAB below every other header cell.
    const out: Array<Match | null> = [];
    let j = 0;
    for (let k = 0; k < topCells.length; k++) {
      if (j < subCells.length && filled(j)) while (j < subCells.length && filled(j)) out.push(sub[j++]);
      else {
        out.push(top[k]);
        j++;
      }
    }
    if (j === subCells.length && out.length === subCells.length) return out;
  }
  if (subCells.every((c) => c.text !== "")) {
    const group = top.findIndex((m) => m?.column === "target");
    if (group >= 0) return [...top.slice(0, group), ...sub, ...top.slice(group + 1)];
  }
  return null;
}

/** What follows a form's indicators: notes, signatures, the project form's conclusions. */
const FORM_END = /^(?:附表|附件|报表编号|注[:：]|填报人|填表人|联系人|审核人|单位负责人|项目负责人|财务负责人|评价结论|自评结论|存在问题|改进措施)/;
const FORM_TITLE = /(?:自评表|评价表|评分表|目标表|得分表|情况表)(?:[（(][^（）()]{0,12}[）)])?$/;

/** A row that is no indicator but the next form's title, a note or the signatures under the table. */
function isFormEnd(row: Row): boolean {
  const first = row.cells.find((c) => c.text !== "");
  if (!first || first.text.length > 200) return false;
  const text = label(first);
  if (FORM_END.test(text)) return true;
  // A title stands alone on its row (or beside a year): an indicator row has more cells.
  return FORM_TITLE.test(text) && row.cells.filter((c) => c.text !== "").length <= 2;
}

const isTotalRow = (row: Row) => row.cells.some((c) => c.text !== "" && c.text.length <= 12 && TOTAL_ROW.test(label(c)));
const endsIndicators = (row: Row) => isBlockStart(row) || isFormEnd(row);

/** Index of the last row of the indicator block whose header is `rows[start]`: its 合计 row, or the row before the next block. */
function indicatorsEnd(rows: ReadonlyArray<Row>, start: number): number {
  let i = start + indicatorLayout(rows[start], rows[start + 1]).height;
  for (; i < rows.length && !endsIndicators(rows[i]); i++) if (isTotalRow(rows[i])) return i;
  return i - 1;
}

/** A level cell as the indicators carry it down: its name, and its weight when it states one. */
interface Level {
  cell: Cell;
  name: string;
  weight: LevelWeight | null;
}

function levelOf(cell: Cell, level: "level1" | "level2", previous: Level | null, facts: TableFacts): Level {
  // A template that repeats the level in every row (no merged cells) states one level, not many.
  if (previous && previous.cell.text === cell.text) return { ...previous, cell };
  // "(50分)" alone (the name lost to a line break) still states the level's weight.
  const split = splitWeight(cell.text, true);
  if (!split) return { cell, name: cell.text, weight: null };
  const weight: LevelWeight = { level, name: split.name, weight: split.weight, indicators: [], line: cell.line, text: cell.text };
  if (facts.levelWeights.length < MAX_LEVEL_WEIGHTS) facts.levelWeights.push(weight);
  return { cell, name: split.name, weight };
}

/** Longer than a level or indicator name with its points: not worth matching. */
const MAX_WEIGHTED_LENGTH = 80;
const WITH_POINTS = /^(.*?)\s*[（(]\s*([\d０-９]+(?:[.．][\d０-９]+)?)\s*分\s*[）)]$/;
const WITH_BARE_WEIGHT = /^(.*?)\s*[（(]\s*([\d０-９]+(?:[.．][\d０-９]+)?)\s*[）)]$/;

/**
 * "规划(15)", "产出指标（50分）", "相关性(5分)" → name and weight. A bare number in brackets only
 * counts where no weight column exists or for a level cell (an indicator name may end in a
 * number of its own).
 */
function splitWeight(text: string, bare: boolean): { name: string; weight: string } | null {
  if (text.length > MAX_WEIGHTED_LENGTH) return null;
  const m = WITH_POINTS.exec(text) ?? (bare ? WITH_BARE_WEIGHT.exec(text) : null);
  const weight = m ? cleanDecimal(normalizeNumerals(m[2])) : null;
  return m && weight !== null ? { name: m[1].trim(), weight } : null;
}

/** Reads indicator rows after the header at `start`; returns the index of the last row consumed. */
function readIndicators(ctx: ImportContext, rows: ReadonlyArray<Row>, start: number, facts: TableFacts): number {
  const layout = indicatorLayout(rows[start], rows[start + 1]);
  const indicators = ctx.document.targets.indicators;
  // Merged 一级/二级 cells arrive empty or not at all: they carry down from the row that states them.
  let level1: Level | null = null;
  let level2: Level | null = null;
  let i = start + layout.height;
  for (; i < rows.length && !endsIndicators(rows[i]); i++) {
    const row = rows[i];
    // The table ends at its 合计 row: whatever follows belongs to another form.
    if (isTotalRow(row)) {
      readTotal(layout, row, facts);
      return i;
    }
    const placed = placeRow(layout, row, level1 !== null);
    const get = (column: IndicatorColumn): Cell | null => {
      const at = layout.at.get(column);
      return at === undefined ? null : placed[at] ?? null;
    };
    const cells = {
      name: get("name"),
      nature: get("nature"),
      target: get("target"),
      unit: get("unit"),
      weight: get("weight"),
      actual: get("actual"),
      score: get("score"),
    };
    const l1 = get("level1");
    const l2 = get("level2");
    if (l1?.text) {
      const same = level1?.cell.text === l1.text;
      level1 = levelOf(l1, "level1", level1, facts);
      if (!same) level2 = null;
    }
    if (l2?.text) level2 = levelOf(l2, "level2", level2, facts);
    if (Object.values(cells).every((c) => !c?.text)) continue;
    if (indicators.length >= MAX_INDICATORS) {
      ctx.warn("targets.indicators", `绩效指标超过${MAX_INDICATORS}行，其余已忽略`);
      break;
    }
    const index = indicators.length;
    indicators.push(readIndicator(ctx, index, level1, level2, cells, layout));
    level1?.weight?.indicators.push(index);
    level2?.weight?.indicators.push(index);
  }
  return i - 1;
}

/** The 合计/总分 row's score: the cell under 得分, the row's other cells placed like an indicator's. */
function readTotal(layout: Layout, row: Row, facts: TableFacts): void {
  const scoreAt = layout.at.get("score");
  if (scoreAt === undefined) return;
  const width = layout.slots.length;
  const cells = trimTrailingEmpty(row.cells, width);
  let cell: Cell | undefined;
  if (cells.length >= width) cell = cells[scoreAt + cells.length - width];
  else {
    // The label spans the leading columns (合计 over 一级…三级指标): the rest fill the columns after it.
    const labelAt = cells.findIndex((c) => TOTAL_ROW.test(label(c)));
    const rest = cells.slice(labelAt + 1);
    const slots = layout.slots.slice(labelAt + 1);
    const placed = rest.length <= slots.length && slots.length <= MAX_PLACED_WIDTH ? align(slots, rest, true) : [];
    cell = placed[scoreAt - labelAt - 1];
  }
  const value = cell ? cellNumber(cell.text) : null;
  if (cell && value !== null) facts.totalScore = { value, line: cell.line, text: cell.text };
}

// Rows wider than this are not placed cell by cell (the fit below is quadratic in the width).
const MAX_PLACED_WIDTH = 24;

/**
 * The cells of `row` under each slot. A full row is read as it is, a longer one from the right.
 * A shorter one lost cells somewhere (merged 一级/二级 cells dropped, an empty cell swallowed by
 * a space-separated layout): its cells are placed in order where they fit best (level names
 * under the levels, numbers under 权重/得分 …), a tie going to the rightmost placement.
 */
function placeRow(layout: Layout, row: Row, hasLevel1: boolean): Array<Cell | undefined> {
  const width = layout.slots.length;
  const cells = trimTrailingEmpty(row.cells, width);
  if (cells.length >= width) return layout.slots.map((_, k) => cells[k + cells.length - width]);
  if (width > MAX_PLACED_WIDTH) return layout.slots.map((_, k) => cells[k - (width - cells.length)]);
  const lone = loneLevels(layout, cells, hasLevel1);
  return lone ?? align(layout.slots, cells, hasLevel1);
}

/** A short row of level names only (产出指标, or 效益指标 | 社会效益指标): they go to the level columns. */
function loneLevels(layout: Layout, cells: ReadonlyArray<Cell>, hasLevel1: boolean): Array<Cell | undefined> | null {
  const filled = cells.filter((c) => c.text !== "");
  const kinds = filled.map((c) => kindOf(c.text));
  if (filled.length === 0 || filled.length > 2 || kinds.some((k) => k !== "level1" && k !== "level2" && k !== "level")) return null;
  const l1 = layout.at.get("level1");
  const l2 = layout.at.get("level2");
  const out: Array<Cell | undefined> = layout.slots.map(() => undefined);
  if (filled.length === 2 && l1 !== undefined && l2 !== undefined) {
    out[l1] = filled[0];
    out[l2] = filled[1];
    return out;
  }
  if (filled.length !== 1) return null;
  // An unweighted 成本指标 / 满意度指标 under a level already stated is its second level.
  const second = kinds[0] === "level2" || (kinds[0] === "level" && hasLevel1 && splitWeight(filled[0].text, true) === null);
  const at = second ? l2 ?? l1 : l1 ?? l2;
  if (at === undefined) return null;
  out[at] = filled[0];
  return out;
}

/** What a cell's text looks like, for placing it under a column. */
type Kind = "empty" | "number" | "nature" | "comparator" | "level1" | "level2" | "level" | "unit" | "text";

const LEVEL1_NAME = /^(?:(?:项目|部门)?(?:产出|效益|决策|过程|管理|绩效)|投入)(?:指标)?$/;
const LEVEL2_NAME = /^(?:数量|质量|时效|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|经济成本|社会成本|生态环境成本)指标$/;
/** Both a first level (2021 framework: 成本指标, 满意度指标) and a second one. */
const LEVEL_EITHER = /^(?:成本|满意度)(?:指标)?$/;
const UNIT_WORD =
  /^(?:%|‰|个|人|名|人次|万人次|户|户次|家|所|次|份|项|件|台|套|辆|座|间|处|条|册|篇|期|批|场|元|万元|亿元|元\/人|元\/人次|天|日|月|年|小时|分钟|公里|千米|米|平方米|㎡|亩|吨|km|m|kg|t)$/;

function kindOf(text: string): Kind {
  if (text === "") return "empty";
  if (cellNumber(text) !== null) return "number";
  const key = text.replace(/\s+/g, "");
  if (/^[≥≤=<>＜＞]$/.test(key) || ["≥", "≤", "=", "定性"].includes(normalizeNature(key))) return "nature";
  if (splitLeadingComparator(normalizeNumerals(key))) return "comparator";
  if (LEVEL_EITHER.test(key) || splitWeight(key, true)) return "level";
  if (LEVEL1_NAME.test(key)) return "level1";
  if (LEVEL2_NAME.test(key)) return "level2";
  if (UNIT_WORD.test(key)) return "unit";
  return "text";
}

type SlotKey = IndicatorColumn | "other";
const SLOT_KEYS: ReadonlyArray<SlotKey> = ["level1", "level2", "name", "nature", "target", "unit", "actual", "weight", "score", "reason", "other"];
const fits = (...scores: number[]): Record<SlotKey, number> =>
  Object.fromEntries(SLOT_KEYS.map((key, k) => [key, scores[k]])) as Record<SlotKey, number>;

/** How well a cell of a kind fits under a column (higher is better). */
const FIT: Record<Kind, Record<SlotKey, number>> = {
  //                 level1 level2 name nature target unit actual weight score reason other
  empty:      fits(   1,     1,    -1,   1,     0,     1,   0,     0,     0,    1,     1),
  number:     fits(  -4,    -4,    -2,  -3,     2,    -3,   2,     3,     3,   -2,    -1),
  nature:     fits(  -3,    -3,    -2,   4,     0,    -2,  -1,    -3,    -3,   -2,    -1),
  comparator: fits(  -3,    -3,    -1,   0,     3,    -2,   1,    -3,    -3,   -1,    -1),
  level1:     fits(   3,     1,    -1,  -2,    -1,    -2,  -1,    -3,    -3,   -1,     0),
  level2:     fits(   1,     3,    -1,  -2,    -1,    -2,  -1,    -3,    -3,   -1,     0),
  level:      fits(   2,     2,     1,  -2,    -1,    -2,  -1,    -3,    -3,   -1,     0),
  unit:       fits(  -2,    -2,    -1,  -1,     0,     3,   0,    -3,    -3,   -1,     0),
  text:       fits(  -1,    -1,     2,  -1,     1,    -1,   1,    -3,    -3,    1,     1),
};
/** A row without an indicator name is unlikely: leaving the name column empty costs. */
const SKIP_NAME = -3;

function fit(kind: Kind, slot: Slot, hasLevel1: boolean): number {
  const score = FIT[kind][slot ?? "other"];
  // A level of either rank with no first level stated yet is most likely the first.
  return kind === "level" && slot === "level1" && !hasLevel1 ? score + 1.5 : score;
}

/**
 * `cells` (fewer than `slots`) placed in order under the slots with the best total fit; each
 * skipped slot stays empty. Dynamic programming over (cell, slot) from the right end, so a tie
 * keeps the cells as far right as possible, as aligning a row that lost its first cells does.
 */
function align(slots: ReadonlyArray<Slot>, cells: ReadonlyArray<Cell>, hasLevel1: boolean): Array<Cell | undefined> {
  const n = slots.length;
  const m = cells.length;
  const kinds = cells.map((c) => kindOf(c.text));
  const skip = (j: number) => (slots[j] === "name" ? SKIP_NAME : 0);
  // best[i][j]: the best fit of cells i.. under slots j..; place[i][j]: whether cell i goes under slot j there.
  const best: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(-Infinity));
  const place: boolean[][] = Array.from({ length: m + 1 }, () => new Array<boolean>(n + 1).fill(false));
  best[m][n] = 0;
  for (let j = n - 1; j >= 0; j--) best[m][j] = best[m][j + 1] + skip(j);
  for (let i = m - 1; i >= 0; i--) {
    for (let j = n - (m - i); j >= 0; j--) {
      const placed = fit(kinds[i], slots[j], hasLevel1) + best[i + 1][j + 1];
      const skipped = n - j > m - i ? skip(j) + best[i][j + 1] : -Infinity;
      place[i][j] = placed > skipped;
      best[i][j] = Math.max(placed, skipped);
    }
  }
  const out: Array<Cell | undefined> = slots.map(() => undefined);
  for (let i = 0, j = 0; i < m && j < n; j++) {
    if (place[i][j]) out[j] = cells[i++];
  }
  return out;
}

function readIndicator(
  ctx: ImportContext,
  index: number,
  level1: Level | null,
  level2: Level | null,
  cells: Record<"name" | "nature" | "target" | "unit" | "weight" | "actual" | "score", Cell | null>,
  layout: Layout
): Indicator {
  const path = `targets.indicators[${index}]`;
  let nature = normalizeNature(cells.nature?.text ?? "");
  let target = normalizeNumerals(cells.target?.text ?? "").trim();
  let natureCell = cells.nature;
  // "≥98" written in the target column: the comparator is the nature.
  const leading = splitLeadingComparator(target);
  if (leading && (nature === "" || nature === leading[0])) {
    if (nature === "") natureCell = cells.target;
    [nature, target] = leading;
  }
  let unit = normalizeNumerals(cells.unit?.text ?? "").trim();
  let actual = normalizeNumerals(cells.actual?.text ?? "").trim();
  // Without a unit column the unit is written after the target (≥50个, ≤90万元, ≥100百分比).
  if (!layout.at.has("unit")) {
    const split = splitTrailingUnit(target);
    if (split) {
      [target, unit] = split;
      const written = splitTrailingUnit(actual);
      if (written && written[1] === unit) actual = written[0];
    }
  }
  if (unit === "" && /^-?\d+(?:\.\d+)?%$/.test(target)) unit = "%";
  if (unit === "%") {
    target = target.replace(/^(-?\d+(?:\.\d+)?)\s*%$/, "$1");
    actual = actual.replace(/^(-?\d+(?:\.\d+)?)\s*%$/, "$1");
  }
  // "相关性(5分)": the name carries the indicator's weight, used when no weight cell states it.
  const named = cells.name ? splitWeight(cells.name.text, !layout.at.has("weight")) : null;
  const name = named && named.name !== "" ? named.name : cells.name?.text ?? "";
  const weightFromName = named && named.name !== "" && !cells.weight?.text ? named.weight : null;
  const indicator: Indicator = {
    level1: ctx.clip(level1?.name ?? "", 100, `${path}.level1`),
    level2: ctx.clip(level2?.name ?? "", 100, `${path}.level2`),
    name: ctx.clip(name, 200, `${path}.name`),
    nature: ctx.clip(nature, 50, `${path}.nature`),
    target: ctx.clip(target, 200, `${path}.target`),
    unit: unit === "" ? null : ctx.clip(unit, 50, `${path}.unit`),
    weightPct: weightFromName ?? tableNumber(ctx, cells.weight, `${path}.weightPct`, "权重"),
    actual: ctx.clip(actual, 200, `${path}.actual`),
    score: tableNumber(ctx, cells.score, `${path}.score`, "得分"),
  };
  const sourced: Array<[string, Cell | null, boolean]> = [
    ["level1", level1?.cell ?? null, indicator.level1 !== ""],
    ["level2", level2?.cell ?? null, indicator.level2 !== ""],
    ["name", cells.name, indicator.name !== ""],
    ["nature", natureCell, indicator.nature !== ""],
    ["target", cells.target, indicator.target !== ""],
    ["unit", cells.unit?.text ? cells.unit : cells.target, indicator.unit !== null],
    ["weightPct", weightFromName ? cells.name : cells.weight, indicator.weightPct !== null],
    ["actual", cells.actual, indicator.actual !== ""],
    ["score", cells.score, indicator.score !== null],
  ];
  for (const [field, cell, present] of sourced) if (present && cell) ctx.record(`${path}.${field}`, cell.line, { text: cell.text });
  return indicator;
}

function tableNumber(ctx: ImportContext, cell: Cell | null, path: string, what: string): string | null {
  if (!cell || cell.text === "") return null;
  const value = cellNumber(cell.text);
  if (value === null) ctx.warn(path, `第${cell.line}行的${what}“${cell.text.slice(0, 20)}”不是数字，已忽略`);
  return value;
}
