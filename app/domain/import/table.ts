/**
 * The table 部门整体支出绩效目标完成情况自评表 → `targets` (funds, overall goal, tasks,
 * indicators), plus what the table says about the unit, year and money unit. Blocks are found
 * by their header cells, columns by header text, so merged cells that the export drops or keeps
 * do not shift values.
 */
import type { Indicator } from "~/domain/report";
import type { Cell, Row, Table } from "./cells";
import type { Found, ImportContext } from "./context";
import { cleanUnitName, YEAR_MAX, YEAR_MIN } from "./narrative";
import { cellNumber, normalizeNature, normalizeNumerals, splitLeadingComparator, toWan } from "./numbers";

/** A value read from a cell, with the cell's text for its SourceRef. */
type FoundInCell<T> = Found<T> & { text: string };

export interface TableFacts {
  unitName: FoundInCell<string> | null;
  year: FoundInCell<number> | null;
  /** A 合计/总分 row's score, for when the narrative states no self-score. */
  totalScore: FoundInCell<string> | null;
}

const MAX_TASKS = 100;
const MAX_INDICATORS = 300;
const TOTAL_ROW = /^(?:合计|总计|总分|自评得分|自评总分|综合得分)$/;

/** Cell text without spaces or a trailing colon, for matching labels. */
function label(cell: Cell | undefined): string {
  return (cell?.text ?? "").replace(/\s+/g, "").replace(/[:：]$/, "");
}

const isIndicatorHeader = (row: Row) => row.cells.some((c) => /^(?:一级指标|三级指标)$/.test(label(c)));
const isTaskHeader = (row: Row) => row.cells.some((c) => label(c) === "任务名称");
const isFundsHeader = (row: Row) => row.cells.some((c) => /资金总额$/.test(label(c)));
const isGoalRow = (row: Row) => row.cells.some((c) => /总体目标/.test(label(c)) && label(c).length <= 12);
const isBlockStart = (row: Row) => isIndicatorHeader(row) || isTaskHeader(row) || isFundsHeader(row) || isGoalRow(row);

export function extractTable(ctx: ImportContext, tables: ReadonlyArray<Table>): TableFacts {
  const facts: TableFacts = { unitName: null, year: null, totalScore: null };
  const moneyUnit = findMoneyUnit(tables.flatMap((t) => t.rows));
  // A block (tasks, indicators) ends with its table: a table after it is something else.
  for (const { rows } of tables) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (isFundsHeader(row) && !ctx.has("targets.totalFunds")) readFunds(ctx, row, rows[i + 1], moneyUnit);
      else if (isGoalRow(row) && ctx.document.targets.overallGoal === null) readGoal(ctx, row);
      else if (isTaskHeader(row) && ctx.document.targets.tasks.length === 0) i = readTasks(ctx, rows, i);
      else if (isIndicatorHeader(row) && ctx.document.targets.indicators.length === 0) i = readIndicators(ctx, rows, i, facts);
      else readFacts(row, facts);
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

type Column = "level1" | "level2" | "name" | "nature" | "target" | "unit" | "weight" | "actual" | "score";

/** Header text → column; order matters (实际完成指标值 before 指标值). */
function columnOf(text: string): Column | null {
  if (text === "一级指标") return "level1";
  if (text === "二级指标") return "level2";
  if (text === "三级指标" || text === "指标名称") return "name";
  if (/性质/.test(text)) return "nature";
  if (/实际|完成值/.test(text)) return "actual";
  if (/度量单位|计量单位|^单位$/.test(text)) return "unit";
  if (/权重|分值/.test(text)) return "weight";
  if (/得分/.test(text)) return "score";
  if (/指标值|目标值/.test(text)) return "target";
  return null;
}

/** Reads indicator rows after the header at `start`; returns the index of the last row consumed. */
function readIndicators(ctx: ImportContext, rows: ReadonlyArray<Row>, start: number, facts: TableFacts): number {
  const header = rows[start];
  const columns = new Map<Column, number>();
  header.cells.forEach((c, i) => {
    const column = columnOf(label(c));
    if (column && !columns.has(column)) columns.set(column, i);
  });
  const indicators = ctx.document.targets.indicators;
  // Merged 一级/二级 cells arrive empty: they carry down from the row that states them.
  let level1: Cell | null = null;
  let level2: Cell | null = null;
  let i = start + 1;
  for (; i < rows.length && !isBlockStart(rows[i]); i++) {
    const row = rows[i];
    const get = (column: Column): Cell | null => {
      const at = columns.get(column);
      return at === undefined ? null : under(header, row, at) ?? null;
    };
    if (row.cells.some((c) => TOTAL_ROW.test(label(c)))) {
      readFacts(row, facts);
      continue;
    }
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
      level1 = l1;
      level2 = null;
    }
    if (l2?.text) level2 = l2;
    if (Object.values(cells).every((c) => !c?.text)) continue;
    if (indicators.length >= MAX_INDICATORS) {
      ctx.warn("targets.indicators", `绩效指标超过${MAX_INDICATORS}行，其余已忽略`);
      break;
    }
    indicators.push(readIndicator(ctx, indicators.length, level1, level2, cells));
  }
  return i - 1;
}

function readIndicator(
  ctx: ImportContext,
  index: number,
  level1: Cell | null,
  level2: Cell | null,
  cells: Record<"name" | "nature" | "target" | "unit" | "weight" | "actual" | "score", Cell | null>
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
  if (unit === "" && /^-?\d+(?:\.\d+)?%$/.test(target)) unit = "%";
  if (unit === "%") {
    target = target.replace(/^(-?\d+(?:\.\d+)?)\s*%$/, "$1");
    actual = actual.replace(/^(-?\d+(?:\.\d+)?)\s*%$/, "$1");
  }
  const indicator: Indicator = {
    level1: ctx.clip(level1?.text ?? "", 100, `${path}.level1`),
    level2: ctx.clip(level2?.text ?? "", 100, `${path}.level2`),
    name: ctx.clip(cells.name?.text ?? "", 200, `${path}.name`),
    nature: ctx.clip(nature, 50, `${path}.nature`),
    target: ctx.clip(target, 200, `${path}.target`),
    unit: unit === "" ? null : ctx.clip(unit, 50, `${path}.unit`),
    weightPct: tableNumber(ctx, cells.weight, `${path}.weightPct`, "权重"),
    actual: ctx.clip(actual, 200, `${path}.actual`),
    score: tableNumber(ctx, cells.score, `${path}.score`, "得分"),
  };
  const sourced: Array<[string, Cell | null, boolean]> = [
    ["level1", level1, indicator.level1 !== ""],
    ["level2", level2, indicator.level2 !== ""],
    ["name", cells.name, indicator.name !== ""],
    ["nature", natureCell, indicator.nature !== ""],
    ["target", cells.target, indicator.target !== ""],
    ["unit", cells.unit ?? cells.target, indicator.unit !== null],
    ["weightPct", cells.weight, indicator.weightPct !== null],
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
