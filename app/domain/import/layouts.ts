/**
 * Tables written in other text layouts → the flattened format's cell lines (flat.ts), so one
 * tokenizer (cells.ts) and one table reader (table.ts) read them all. Recognised:
 *
 *   1. pipe rows, one row per line: `a | b | c`, borders optional (`| a | b |`), markdown
 *      `|---|` lines dropped, `\|` a pipe inside a cell;
 *   2. one cell per line ending ` |`, a lone `|` an empty cell (web pages extracted cell by
 *      cell). Nothing delimits the rows, so they are rebuilt: a run of known column headers
 *      (columns.ts) gives the width, row labels (产出指标, 数量指标…, 总额, 其中：财政资金…) start
 *      rows, a 合计/总分 row ends the table;
 *   3. aligned columns: a header line of known headers whose cells are separated by two or more
 *      spaces (or an ideographic space), and the lines under it; each cell goes to the header
 *      it sits under, measured in characters or in display width (CJK = 2), whichever fits;
 *   4. rows pasted from a spreadsheet, cells separated by TABs, one row per line.
 *
 * Everything else passes through unchanged: prose, and the flattened format itself (a line
 * that continues a cell of it is never re-read as another layout). Cells are never moved to
 * other columns: a row that omits its merged leading cells is written as it is, and table.ts
 * aligns it from the right. `origin` maps every output line to the input line it came from.
 *
 * Limits, where the text alone cannot tell:
 *   - pipe rows: lines of two parts without borders are prose (首页 | 通知公告); an empty first or
 *     last cell needs its border pipe; a 合计 row ends its table unless it is the first row
 *     under the header (决算 tables put 合计 first);
 *   - one cell per line: a line without the ` |` is a line of the next cell (up to 3); a blank
 *     line ends the layout. Without a 合计/总分 row a table ends at the first row holding no
 *     figure and no label, or at the next header run; up to two caption cells just before a
 *     header run (绩效指标(90分)) belong to it, not to the row before. A row that omits merged
 *     cells is sized by what it starts with (一级 label: full, 二级 label: one less, the name:
 *     two less), so two rows in a row that start with neither label and omit cells differently
 *     are misread. A table whose headers columns.ts does not know (the department form's
 *     资金总额 / 任务名称 blocks) stays paragraphs, one per cell;
 *   - aligned columns: each line is one row; a line holding one cell that fits under a filled
 *     cell of the row above continues it (so a short note right under a table, without a blank
 *     line, joins its last row's cell); a wrapped line of several cells reads as a row. Cells
 *     separated by ONE space (test/fixtures/real/08-…) are not columns, since a cell's
 *     text may hold single spaces, and pass through as prose;
 *   - TAB rows: only a run of two or more lines that all hold two or more cells is taken as
 *     rows; otherwise cells.ts reads the TABs as it always did (cells side by side in one row).
 */
import { columnOf, FUNDS_COLUMNS, INDICATOR_COLUMNS } from "./columns";

export interface Relaid {
  /** The text in the flattened format. */
  lines: string[];
  /** 1-based line of the input each output line came from (same length as `lines`). */
  origin: number[];
}

/** One input line of a cell's text (trimmed); `line` is 1-based; `plain` when it is a line of prose as written. */
interface Piece {
  text: string;
  line: number;
  plain?: boolean;
}
/** A cell's lines, first to last; never empty. */
type Cell = Piece[];
type Row = Cell[];

// Same as cells.ts: indentation before the TAB is tolerated.
const CELL_LINE = /^[ \u3000\u00a0]*\t/;
// A backslash escapes a pipe inside a markdown cell.
const PIPE = /(?<!\\)[|｜]/;
/** Lines of one cell's text before its ` |`; more are prose between two tables. */
const MAX_WRAPPED_LINES = 3;
/** Unknown header cells tolerated between known ones (绩效指标性质, 绩效度量单位). */
const MAX_HEADER_GAP = 2;
/** Columns of one header run; past this it is not a table header (and the scan stays linear). */
const MAX_RUN = 30;
/** Cells before a header run that may be its caption (绩效指标(90分), 年度预算数(万元)). */
const MAX_CAPTIONS = 2;
/** Empty slots before the first row's label: merged block cells such as 年度绩效指标. */
const MAX_LEADING = 3;

export function relayTables(lines: ReadonlyArray<string>): Relaid {
  const out = new Output(lines);
  const input: Input = { lines, kinds: lines.map(classify) };
  let i = 0;
  while (i < lines.length) {
    const kind = input.kinds[i];
    let next = i;
    // Inside a table of the flattened format a line without a TAB continues the cell above.
    if (out.inRow && kind !== "tab" && kind !== "blank") next = i;
    else if (kind === "tab") next = tabRows(lines, i, out);
    else if (kind === "pipe" || kind === "separator") next = pipeRows(input, i, out);
    else if (kind === "bar") next = barCells(input, i, out);
    else if (kind === "plain") next = alignedColumns(input, i, out);
    if (next === i) {
      out.push(lines[i], i + 1);
      next = i + 1;
    }
    i = next;
  }
  return { lines: out.lines, origin: out.origin };
}

// ---------------------------------------------------------------- output

/** The flattened text being written, and where cells.ts's tokenizer would stand after it. */
class Output {
  readonly lines: string[] = [];
  readonly origin: number[] = [];
  /** none: outside any table; between: a table open, its last row ended; row: a row open. */
  private state: "none" | "between" | "row" = "none";

  constructor(private readonly input: ReadonlyArray<string>) {}

  get inRow(): boolean {
    return this.state === "row";
  }

  push(text: string, line: number): void {
    this.lines.push(text);
    this.origin.push(line);
    if (CELL_LINE.test(text)) this.state = "row";
    else if (text.trim() === "") this.state = this.state === "row" ? "between" : "none";
    else if (this.state !== "row") this.state = "none";
  }

  /** A piece outside every table: prose as written, a cell's text as a paragraph. */
  paragraph(piece: Piece): void {
    if (piece.plain) this.push(this.input[piece.line - 1], piece.line);
    else if (piece.text !== "") this.push(clean(piece.text), piece.line);
  }

  table(rows: ReadonlyArray<Row>): void {
    const filled = rows.filter((row) => row.length > 0);
    if (filled.length === 0) return;
    // A table of the input still open would take these rows as its own.
    const first = filled[0][0][0].line;
    if (this.state === "row") this.push("", first);
    if (this.state === "between") this.push("", first);
    let last = first;
    for (const row of filled) {
      for (const cell of row) {
        const [head, ...rest] = cell;
        this.push(`\t${clean(head.text)}`, head.line);
        for (const piece of rest) if (clean(piece.text) !== "") this.push(clean(piece.text), piece.line);
        last = cell[cell.length - 1].line;
      }
      this.push("", last); // end of row
    }
    this.push("", last); // end of table
  }
}

/** A TAB would open a cell, a blank line end a row. */
function clean(text: string): string {
  return text.replace(/[\t\r\v\f\u2028\u2029]/g, " ").trim();
}

// ---------------------------------------------------------------- classification

type Kind = "blank" | "tab" | "separator" | "pipe" | "bar" | "plain";

/** The input and each line's kind, worked out once. */
interface Input {
  lines: ReadonlyArray<string>;
  kinds: ReadonlyArray<Kind>;
}

function classify(line: string): Kind {
  // A line holding a TAB is the flattened format's, blank or not (a lone TAB is an empty cell).
  if (line.includes("\t")) return "tab";
  const t = line.trim();
  if (t === "") return "blank";
  if (!t.includes("|") && !t.includes("｜")) return "plain";
  if (t === "|" || t === "｜") return "bar";
  const inner = stripBorders(t);
  if (t.includes("-")) {
    // GFM allows one dash (:-:); a row of "-" cells (no figures) is not a separator.
    const parts = inner.split(PIPE);
    if (parts.every((part) => /^\s*:?-+:?\s*$/.test(part)) && parts.some((part) => /-{3,}|:/.test(part))) return "separator";
  }
  if (PIPE.test(inner) || (t.length > 1 && isPipeAt(t, 0) && isPipeAt(t, t.length - 1))) return "pipe";
  if (isPipeAt(t, t.length - 1)) return "bar";
  return "plain";
}

function isPipeAt(text: string, i: number): boolean {
  return (text[i] === "|" || text[i] === "｜") && (i === 0 || text[i - 1] !== "\\");
}

/** A trimmed pipe row without its outer pipes. */
function stripBorders(t: string): string {
  let s = isPipeAt(t, 0) ? t.slice(1) : t;
  if (s.length > 0 && isPipeAt(s, s.length - 1)) s = s.slice(0, -1);
  return s;
}

const unescape = (text: string) => (text.includes("\\") ? text.replace(/\\([|｜])/g, "$1") : text).trim();

// ---------------------------------------------------------------- what a cell says

type Role = "empty" | "level1" | "level2" | "either" | "funds" | "total" | "text";

const LEVEL1 = /^(?:产出|效益|满意度|成本)指标$/;
const LEVEL2 = /^(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度|经济成本|社会成本|生态环境成本)指标$/;
const FUNDS_ROW = /^(?:年度资金总额|资金总额|总额|财政资金|财政拨款|本年财政拨款|财政专户管理资金|单位资金|其他资金|上年结转资金|上年结转)$/;
const TOTAL = /^(?:合计|总计|总分|自评总分|综合得分)$/;
/** A figure, or what forms write for none: 100, 93.4, 20%, 10分, /, —. */
const VALUE = /^(?:[-—–/／\\]*|[-+]?[0-9０-９]+(?:[.,，．][0-9０-９]+)*\s*(?:%|％|分)?)$/;

/** A row label as the patterns above see it: 产出指标（50分） → 产出指标, 其中：财政资金 → 财政资金. */
function labelKey(text: string): string {
  return text
    .replace(/[\s\u3000]+/g, "")
    .replace(/[（(][^（）()]{0,8}[）)]/g, "")
    .replace(/^其中[:：]?/, "")
    .replace(/[:：]$/, "");
}

function roleOf(text: string): Role {
  if (text.trim() === "") return "empty";
  const key = labelKey(text);
  if (TOTAL.test(key)) return "total";
  const one = LEVEL1.test(key);
  const two = LEVEL2.test(key);
  if (one && two) return "either";
  if (one) return "level1";
  if (two) return "level2";
  return FUNDS_ROW.test(key) ? "funds" : "text";
}

const isLabel = (role: Role) => role === "level1" || role === "level2" || role === "either" || role === "funds";

/** The column a header cell names, or null. */
function headerColumn(text: string): string | null {
  if (text.length > 40) return null;
  return columnOf(INDICATOR_COLUMNS, text) ?? columnOf(FUNDS_COLUMNS, text);
}

/** A row holds a figure or a label; a caption, a signature or a paragraph does not. */
function isRowOfTable(texts: ReadonlyArray<string>): boolean {
  const first = texts.findIndex((t) => t.trim() !== "");
  if (first < 0) return false;
  const role = roleOf(texts[first]);
  if (role !== "text") return true;
  return texts.slice(first + 1).some((t) => t.trim() !== "" && VALUE.test(t.trim()));
}

function isTotalRow(texts: ReadonlyArray<string>): boolean {
  const first = texts.find((t) => t.trim() !== "");
  return first !== undefined && roleOf(first) === "total";
}

// ---------------------------------------------------------------- 4. TAB rows

function isTabRow(line: string): boolean {
  const marker = CELL_LINE.exec(line);
  return line.includes("\t") && (!marker || line.slice(marker[0].length).includes("\t"));
}

/** Lines of TAB-separated cells, one row each (a spreadsheet's copy): a blank line after each row. */
function tabRows(lines: ReadonlyArray<string>, start: number, out: Output): number {
  let end = start;
  while (end < lines.length && lines[end].includes("\t")) end++;
  // Cell lines of the flattened format among them, or a single row: cells.ts reads it as it is.
  if (out.inRow || end - start < 2 || !lines.slice(start, end).every(isTabRow)) {
    for (let i = start; i < end; i++) out.push(lines[i], i + 1);
    return end;
  }
  // In a spreadsheet's copy a leading TAB is an empty first cell, unless every line has one.
  const marked = lines.slice(start, end).every((line) => CELL_LINE.test(line));
  for (let i = start; i < end; i++) {
    out.push(marked ? lines[i] : `\t${lines[i]}`, i + 1);
    if (i < end - 1 || (end < lines.length && lines[end].trim() !== "")) out.push("", i + 1);
  }
  return end;
}

// ---------------------------------------------------------------- 1. pipe rows

function pipeRows({ lines, kinds }: Input, start: number, out: Output): number {
  const rows: Row[] = [];
  let marked = false;
  let end = start;
  for (; end < lines.length; end++) {
    const kind = kinds[end];
    const t = lines[end].trim();
    if (kind !== "pipe" && kind !== "separator") break;
    marked ||= kind === "separator" || (isPipeAt(t, 0) && isPipeAt(t, t.length - 1));
    if (kind === "separator") continue;
    const line = end + 1;
    const row = stripBorders(t).split(PIPE).map((text) => [{ text: unescape(text), line }]);
    marked ||= row.length >= 3;
    rows.push(row);
  }
  // Lines of two parts without borders are prose that happens to hold a pipe (首页 | 通知公告).
  if (rows.length === 0 || !marked) return start;
  let table: Row[] = [];
  for (const row of rows) {
    table.push(row);
    // A 合计 row ends its table (a 合计 right under the header is a first row, as in 决算 tables).
    if (table.length >= 3 && isTotalRow(row.map((cell) => cell[0].text))) {
      out.table(table);
      table = [];
    }
  }
  out.table(table);
  return end;
}

// ---------------------------------------------------------------- 2. one cell per line ` |`

interface Token {
  cell: Cell;
  text: string;
  /** A line without the ` |` that is not part of a cell. */
  plain: boolean;
  role: Role;
  column: string | null;
  value: boolean;
}

function token(cell: Cell, plain = false): Token {
  const text = cell.length === 1 ? cell[0].text : cell.reduce((joined, piece) => joinContinuation(joined, piece.text), "");
  if (text === "") return { cell, text, plain, role: "empty", column: null, value: true };
  const role = roleOf(text);
  const value = VALUE.test(text);
  // A figure or a row label is never a column header.
  return { cell, text, plain, role, column: plain || value || role !== "text" ? null : headerColumn(text), value };
}

/** As cells.ts joins a cell's lines: Chinese without a space, two Latin words or numbers with one. */
function joinContinuation(head: string, tail: string): string {
  if (head === "") return tail;
  return /[A-Za-z0-9]$/.test(head) && /^[A-Za-z0-9]/.test(tail) ? `${head} ${tail}` : head + tail;
}

function barCells({ lines, kinds }: Input, start: number, out: Output): number {
  const tokens: Token[] = [];
  let pending: Piece[] = [];
  let bars = 0;
  let end = start;
  while (end < lines.length) {
    const kind = kinds[end];
    if (kind === "bar") {
      const t = lines[end].trim();
      const piece: Piece = { text: unescape(t.slice(0, -1)), line: end + 1 };
      if (pending.length === 0) tokens.push(token([piece]));
      else {
        // Lines without the pipe are the cell's first lines, unless they would hide a header.
        const glued = token([...pending, piece]);
        const alone = token([piece]);
        if (alone.column && !glued.column) tokens.push(...pending.map((p) => token([p], true)), alone);
        else tokens.push(glued);
      }
      pending = [];
      bars++;
      end++;
      continue;
    }
    if (kind === "plain" && bars > 0) {
      let j = end;
      while (j < lines.length && j - end < MAX_WRAPPED_LINES && kinds[j] === "plain") j++;
      if (j < lines.length && kinds[j] === "bar") {
        for (; end < j; end++) pending.push({ text: lines[end].trim(), line: end + 1, plain: true });
        continue;
      }
    }
    break;
  }
  if (bars < 2) return start;

  const paragraphs = (from: number, to: number) => {
    for (let k = from; k < to; k++) for (const piece of tokens[k].cell) out.paragraph(piece);
  };
  const runs = headerRuns(tokens);
  let at = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    const captions = captionStart(tokens, run.start, at);
    const limit = r + 1 < runs.length ? captionStart(tokens, runs[r + 1].start, run.end) : tokens.length;
    const shape = shapeOf(tokens, run, limit);
    const taken = Math.max(captions, run.start - shape.leading);
    paragraphs(at, taken);
    const pad = shape.leading - (run.start - taken);
    const blank: Cell = [{ text: "", line: tokens[taken].cell[0].line }];
    const header: Row = [...Array.from({ length: pad }, () => blank), ...tokens.slice(taken, run.end).map((t) => t.cell)];
    const body = readBody(tokens, run.end, limit, shape);
    out.table([header, ...body.rows]);
    at = body.stop;
  }
  paragraphs(at, tokens.length);
  return end;
}

interface Run {
  start: number;
  end: number;
}

/** Runs of known column headers, in order. */
function headerRuns(tokens: ReadonlyArray<Token>): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < tokens.length; ) {
    const run = tokens[i].column ? headerRun(tokens, i) : null;
    if (run) {
      runs.push(run);
      i = run.end;
    } else i++;
  }
  return runs;
}

function headerRun(tokens: ReadonlyArray<Token>, from: number): Run | null {
  let end = from;
  let gap = 0;
  for (let j = from; j < tokens.length && j - from < MAX_RUN; j++) {
    const t = tokens[j];
    if (t.plain || t.text === "") break;
    if (t.column) {
      end = j + 1;
      gap = 0;
    } else if (++gap > MAX_HEADER_GAP || t.value || t.role !== "text" || labelKey(t.text).length > 12) break;
  }
  // A caption that reads as a header (绩效指标(90分) → 绩效指标) is not one when its column comes
  // again; unknown cells before the first header kept are captions too.
  const counts = new Map<string, number>();
  for (let j = from; j < end; j++) {
    const column = tokens[j].column;
    if (column) counts.set(column, (counts.get(column) ?? 0) + 1);
  }
  let start = from;
  for (; start < end; start++) {
    const column = tokens[start].column;
    if (column && counts.get(column) === 1) break;
    if (column) counts.set(column, (counts.get(column) ?? 1) - 1);
  }
  const known = tokens.slice(start, end).filter((t) => t.column);
  if (new Set(known.map((t) => t.column)).size < 3 || known.length * 5 < (end - start) * 3) return null;
  return { start, end };
}

/** Where the caption cells just before a header run begin (they are not the previous table's). */
function captionStart(tokens: ReadonlyArray<Token>, runStart: number, floor: number): number {
  let s = runStart;
  while (s > floor && runStart - s < MAX_CAPTIONS && isCaption(tokens[s - 1])) s--;
  return s;
}

function isCaption(t: Token): boolean {
  return !t.plain && t.text !== "" && !t.value && t.role === "text" && t.text.length <= 20;
}

interface Shape {
  /** Cells of a full row. */
  width: number;
  /** Header cells before the run: a row-label column the run does not name, merged block slots. */
  leading: number;
  /** Position in a full row of the 一级 / 二级 / 三级 columns, when the header names them. */
  level1?: number;
  level2?: number;
  name?: number;
}

function shapeOf(tokens: ReadonlyArray<Token>, run: Run, limit: number): Shape {
  const columns = tokens.slice(run.start, run.end).map((t) => t.column);
  const at = (column: string) => {
    const i = columns.indexOf(column);
    return i < 0 ? undefined : i;
  };
  const [level1, level2, name] = [at("level1"), at("level2"), at("name")];
  // Funds rows start with a label (总额, 其中：财政资金) whose column has no known header.
  const stub = level1 === undefined && level2 === undefined && name === undefined ? 1 : 0;
  // Empty slots before the first row's label are merged block cells (年度绩效指标) every row keeps.
  let empty = 0;
  while (run.end + empty < limit && empty <= MAX_LEADING && tokens[run.end + empty].text === "" && !tokens[run.end + empty].plain) empty++;
  const first = tokens[run.end + empty];
  const blocks = empty <= MAX_LEADING && run.end + empty < limit && first && isLabel(first.role) ? empty : 0;
  const leading = stub + blocks;
  const shift = (i: number | undefined) => (i === undefined ? undefined : i + leading);
  return { width: leading + run.end - run.start, leading, level1: shift(level1), level2: shift(level2), name: shift(name) };
}

/**
 * Cells a row takes, from the one it starts with: a full row, less the merged cells a row that
 * starts at a 二级 label or at the indicator's name leaves out.
 */
function rowWidth(shape: Shape, first: Token, next: Token | undefined): number {
  const less = (position: number | undefined) => Math.max(1, shape.width - (position ?? 0));
  switch (first.role) {
    case "level1":
      return less(shape.level1);
    case "level2":
      return less(shape.level2);
    case "either": // 成本指标, 满意度指标: 一级 when a 二级 label follows
      return next && (next.role === "level2" || next.role === "either") ? less(shape.level1) : less(shape.level2);
    case "text":
      return less(shape.name);
    default:
      return shape.width;
  }
}

/** Rows after a header run, up to `limit`; `stop` is the first token not in the table. */
function readBody(tokens: ReadonlyArray<Token>, from: number, limit: number, shape: Shape): { rows: Row[]; stop: number } {
  const rows: Row[] = [];
  let row: Token[] = [];
  let rowStart = from;
  let width = 0;
  let k = from;
  /** Ends the row; false when it is not a row of the table (the table ends before it). */
  const close = (): boolean => {
    const texts = row.map((t) => t.text);
    if (row.length > 0 && !isRowOfTable(texts)) return false;
    if (row.length > 0) rows.push(row.map((t) => t.cell));
    row = [];
    return true;
  };
  for (; k < limit; k++) {
    const t = tokens[k];
    if (t.plain) break;
    // A label after the row's figures starts the next row; labels and empty slots lead a row.
    if (row.length > 0 && (isLabel(t.role) || t.role === "total") && !row.every((c) => c.role === "empty" || isLabel(c.role))) {
      if (!close()) return { rows, stop: rowStart };
    }
    if (row.length === 0) {
      rowStart = k;
      width = rowWidth(shape, t, tokens[k + 1]);
    }
    row.push(t);
    if (t.role === "total") {
      // The 合计 row takes the figures after it, and ends the table.
      while (k + 1 < limit && row.length < shape.width && !tokens[k + 1].plain && tokens[k + 1].value) row.push(tokens[++k]);
      close();
      return { rows, stop: k + 1 };
    }
    if (row.length >= width && !close()) return { rows, stop: rowStart };
  }
  // A last row that stops short without a label is what follows the table (项目负责人:…).
  const short = row.length > 0 && row.length < width && row[0].role === "text";
  if (short || row.every((t) => t.role === "empty") || !close()) return { rows, stop: row.length > 0 ? rowStart : k };
  return { rows, stop: k };
}

// ---------------------------------------------------------------- 3. aligned columns

/** A cell of an aligned line, with its extent in characters and in display columns. */
interface Span {
  text: string;
  at: [chars: number, display: number];
  to: [chars: number, display: number];
}

// Two blanks, or one ideographic space (as wide as two), separate cells.
const WIDE_GAP = /[ \u00a0\u3000]{2,}|\u3000/;

function spans(line: string): Span[] {
  const result: Span[] = [];
  let current: Span | null = null;
  let gap = "";
  let chars = 0;
  let display = 0;
  for (const ch of line) {
    const width = charWidth(ch);
    if (ch === " " || ch === "\u00a0" || ch === "\u3000") gap += ch;
    else {
      if (current && WIDE_GAP.test(gap)) current = null;
      if (!current) {
        current = { text: "", at: [chars, display], to: [chars, display] };
        result.push(current);
      } else current.text += gap;
      current.text += ch;
      current.to = [chars + 1, display + width];
      gap = "";
    }
    chars++;
    display += width;
  }
  return result;
}

/** East Asian wide and full-width characters take two columns in a monospace font. */
function charWidth(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    c >= 0x20000
    ? 2
    : 1;
}

function isAlignedHeader(cells: ReadonlyArray<Span>): boolean {
  if (cells.length < 3) return false;
  const known = cells.map((c) => headerColumn(c.text)).filter((c) => c !== null);
  return new Set(known).size >= 3 && known.length * 5 >= cells.length * 3;
}

interface Placement {
  /** Column of each cell (0 = the stub column when there is one), or null when cells collide. */
  columns: number[] | null;
  /** How far the cells sit from their headers, for choosing the measure. */
  misfit: number;
}

/** The header's columns in one measure: where each cell goes. */
class Grid {
  readonly stub: boolean;

  constructor(
    private readonly header: ReadonlyArray<Span>,
    private readonly measure: 0 | 1,
    rows: ReadonlyArray<ReadonlyArray<Span>>
  ) {
    // Row labels left of the first header (年度资金总额：) have a column of their own.
    const first = header[0].at[measure];
    this.stub = rows.some((cells) => cells.length > 1 && cells[0].at[measure] < first - 1 && this.center(cells[0]) < first);
  }

  get width(): number {
    return this.header.length + (this.stub ? 1 : 0);
  }

  private center(span: Span): number {
    return (span.at[this.measure] + span.to[this.measure]) / 2;
  }

  place(cells: ReadonlyArray<Span>): Placement {
    const columns: number[] = [];
    let misfit = 0;
    const offset = this.stub ? 1 : 0;
    for (const [i, cell] of cells.entries()) {
      const inStub = i === 0 && this.stub && this.center(cell) < this.header[0].at[this.measure];
      const [j, distance] = inStub ? [-offset, 0] : this.nearest(cell);
      const column = j + offset;
      // Two cells under one header: the layout is not what it seems, keep the row as written.
      if (columns.length > 0 && column <= columns[columns.length - 1]) return { columns: null, misfit: Infinity };
      columns.push(column);
      misfit += distance;
    }
    return { columns, misfit };
  }

  /** Whether the span stays under its column (column as `place` numbers it): prose runs across columns. */
  fits(span: Span, column: number): boolean {
    const next = this.header[column + (this.stub ? 0 : 1)];
    return next === undefined || span.to[this.measure] <= next.at[this.measure];
  }

  /**
   * The header cell the span overlaps most, else the closest one; and how far the span is from
   * lining up with it (left, right or centred), which is small in the measure the text was laid out in.
   */
  private nearest(span: Span): [number, number] {
    const [s, e] = [span.at[this.measure], span.to[this.measure]];
    let best = 0;
    let bestOverlap = -Infinity;
    for (const [j, h] of this.header.entries()) {
      const overlap = Math.min(e, h.to[this.measure]) - Math.max(s, h.at[this.measure]); // negative: the gap between them
      if (overlap > bestOverlap) {
        bestOverlap = overlap;
        best = j;
      }
    }
    const [hs, he] = [this.header[best].at[this.measure], this.header[best].to[this.measure]];
    return [best, Math.min(Math.abs(s - hs), Math.abs(e - he), Math.abs(s + e - hs - he) / 2)];
  }
}

function alignedColumns({ lines, kinds }: Input, start: number, out: Output): number {
  if (!WIDE_GAP.test(lines[start].trim())) return start;
  const header = spans(lines[start]);
  if (!isAlignedHeader(header)) return start;
  const candidates: Array<{ line: number; cells: Span[] }> = [];
  for (let i = start + 1; i < lines.length && kinds[i] === "plain"; i++) {
    const cells = spans(lines[i]);
    if (isAlignedHeader(cells)) break; // the next table
    candidates.push({ line: i + 1, cells });
  }
  const multi = candidates.filter((c) => c.cells.length > 1).map((c) => c.cells);
  if (multi.length === 0) return start;
  // Text laid out by a PDF extractor counts characters, an editor display columns: take the better fit.
  const grids = ([0, 1] as const).map((m) => new Grid(header, m, multi));
  const cost = (grid: Grid) =>
    multi.reduce((sum, cells) => {
      const placed = grid.place(cells);
      return sum + (placed.columns ? placed.misfit : 1000);
    }, 0);
  const grid = cost(grids[1]) <= cost(grids[0]) ? grids[1] : grids[0];

  const piece = (span: Span, line: number): Piece => ({ text: span.text, line });
  const empty = (line: number): Cell => [{ text: "", line }];
  const headerLine = start + 1;
  const rows: Row[] = [[...(grid.stub ? [empty(headerLine)] : []), ...header.map((s) => [piece(s, headerLine)])]];
  let end = start + 1;
  for (const { line, cells } of candidates) {
    const placed = grid.place(cells);
    if (cells.length === 1) {
      // A cell's next line, under a cell of the row above.
      const column = placed.columns?.[0];
      const above = rows[rows.length - 1];
      const target = column !== undefined && above.length === grid.width && grid.fits(cells[0], column) ? above[column] : undefined;
      if (!target || target.every((p) => p.text === "")) break;
      target.push(piece(cells[0], line));
      end = line;
      continue;
    }
    const texts = cells.map((c) => c.text);
    if (!isRowOfTable(texts)) break;
    if (placed.columns) {
      const row: Row = Array.from({ length: grid.width }, () => empty(line));
      placed.columns.forEach((column, i) => (row[column] = [piece(cells[i], line)]));
      rows.push(row);
    } else rows.push(cells.map((c) => [piece(c, line)])); // cells collide: as written
    end = line;
    if (isTotalRow(texts)) break;
  }
  if (rows.length < 2) return start;
  out.table(rows);
  return end;
}
