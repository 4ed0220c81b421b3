/**
 * .xlsx → the flattened text format (flat.ts), laid out as Word's text extraction shows the
 * same table, so that text.ts reads an Excel self-evaluation table like a Word one:
 *
 *   - each row becomes a table row, its cells in column order, from the sheet's first used
 *     column to the row's last used one; an empty cell in between is a lone TAB;
 *   - a merged range is ONE cell (like a Word gridSpan); in the rows below its first row it
 *     leaves one lone TAB (like a Word vertical merge continuation);
 *   - a row with a single non-empty, unmerged cell in the first column (a title typed in A1, a
 *     note under the table) is a plain line; an empty row ends the table;
 *   - numbers are written exactly as stored, without float noise (Excel's own 15 significant
 *     digits: 9.300000000000001 → 9.3), percent formats as "20%", and a fixed-decimal format
 *     pads ("0.00": 0 → 0.00) but never rounds away a stored digit.
 */
import type ExcelJS from "exceljs";
import { zipSync } from "fflate";
import { Decimal, canonical } from "../money";
import { type ConvertResult, type FlatBlock, writeFlat } from "./flat";
import {
  EXCEL_MAX_COLUMN,
  EXCEL_MAX_ROW,
  MAX_CELLS,
  MAX_MERGES_PER_SHEET,
  MAX_SHARED_STRINGS,
  MAX_SHEET_COLUMNS,
  MAX_SHEET_ROWS,
  MAX_SHEET_SLOTS,
  MAX_SHEETS,
  MAX_STYLE_ELEMENTS,
  MAX_XLSX_ELEMENTS,
  MAX_XLSX_TEXT_BYTES,
} from "./limits";
import { type Archive, LimitExceeded, openOfficeArchive, scanXml } from "./zip";

export type { ConvertResult } from "./flat";
export { MAX_CELLS } from "./limits";

const NOT_XLSX = "文件不是有效的 Excel 工作簿(.xlsx)";
const TOO_LARGE = "工作表过大（超过 50 万个单元格），请只保留自评表后再上传";

/** Converts untrusted .xlsx bytes; refuses zip bombs, abusive and non-Excel zips, never throws. */
export async function xlsxToText(data: Uint8Array): Promise<ConvertResult> {
  try {
    const opened = openOfficeArchive(data, "xlsx", () => true);
    if (!opened.ok) return { ok: false, error: opened.error };
    const names = new Set(opened.archive.entries.flatMap((e) => [e.name, e.libraryName]));
    if (!names.has("xl/workbook.xml")) {
      return {
        ok: false,
        error: names.has("word/document.xml") ? "这是 Word 文档，不是 Excel 工作簿，请按 .docx 上传" : `${NOT_XLSX}：缺少 xl/workbook.xml`,
      };
    }
    const bytes = prepareForExcelJs(opened.archive);
    // exceljs is loaded on the first import, not with the server: few requests need it.
    const { Workbook } = (await import("exceljs")).default;
    const workbook = new Workbook();
    // exceljs's typings want a Node Buffer; a view on the same bytes is enough.
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
    const blocks: FlatBlock[] = [];
    for (const sheet of workbook.worksheets) {
      if (sheet.state !== "visible") continue; // hidden sheets hold lookup lists, not the report
      blocks.push(...sheetBlocks(sheet));
    }
    return { ok: true, text: writeFlat(blocks) };
  } catch (error) {
    if (error instanceof LimitExceeded) return { ok: false, error: error.message };
    return { ok: false, error: NOT_XLSX };
  }
}

/** How exceljs 4.4 treats an entry (lib/xlsx/xlsx.js, `load`): the switch on its name, then
 * the unanchored regexes in their order. Null: read as a string or buffer, never parsed. */
export type ExcelJsPart = "workbook" | "worksheet" | "sharedStrings" | "styles" | "other";

export function excelJsPart(entryName: string): ExcelJsPart | null {
  const name = entryName.startsWith("/") ? entryName.slice(1) : entryName;
  switch (name) {
    case "xl/workbook.xml":
      return "workbook";
    case "xl/sharedStrings.xml":
      return "sharedStrings";
    case "xl/styles.xml":
      return "styles";
    case "_rels/.rels":
    case "xl/_rels/workbook.xml.rels":
    case "docProps/app.xml":
    case "docProps/core.xml":
      return "other";
  }
  if (/xl\/worksheets\/sheet(\d+)[.]xml/.test(name)) return "worksheet";
  if (/xl\/worksheets\/_rels\/sheet(\d+)[.]xml.rels/.test(name)) return "other";
  if (/xl\/theme\/([a-zA-Z0-9]+)[.]xml/.test(name)) return null; // kept as text
  if (/xl\/media\/([a-zA-Z0-9]+[.][a-zA-Z0-9]{3,4})$/.test(name)) return null; // kept as bytes
  if (
    /xl\/drawings\/([a-zA-Z0-9]+)[.]xml/.test(name) ||
    /xl\/(comments\d+)[.]xml/.test(name) ||
    /xl\/tables\/(table\d+)[.]xml/.test(name) ||
    /xl\/drawings\/_rels\/([a-zA-Z0-9]+)[.]xml[.]rels/.test(name) ||
    /xl\/drawings\/(vmlDrawing\d+)[.]vml/.test(name)
  ) {
    return "other";
  }
  return null;
}

/**
 * Counts what exceljs will build from every part it parses and throws LimitExceeded past a limit
 * (limits.ts); cuts what exceljs would expand but we do not need; and re-zips the parts under
 * the names we counted them by (so exceljs cannot see a part otherwise than we did).
 *
 * exceljs expands some ranges into one object per cell while loading: data validations (often
 * set on whole columns, C2:C1048576, in perfectly ordinary templates), defined names and merged
 * ranges. We need none of the first two, so they are cut from the XML; merged ranges count as
 * the cells they cover. Runs on an archive openOfficeArchive has vetted, so sizes are bounded.
 */
export function prepareForExcelJs(archive: Archive): Uint8Array {
  const refuse = (message: string): never => {
    throw new LimitExceeded(message);
  };
  const totals = { cells: 0, rows: 0, columns: 0, sheets: 0, sheetEntries: 0, sharedStrings: 0, elements: 0, text: 0 };
  const outOfGrid = () => refuse(`单元格地址超出 Excel 的范围（最大 ${columnLetters(EXCEL_MAX_COLUMN)}${EXCEL_MAX_ROW}），疑似异常文件，已拒绝`);
  const files: Record<string, Uint8Array> = {};

  for (const entry of archive.entries) {
    if (entry.directory) continue;
    let bytes = archive.read(entry);
    const part = excelJsPart(entry.libraryName);
    if (part) {
      if (part === "worksheet" && ++totals.sheets > MAX_SHEETS) refuse(`工作表过多（超过 ${MAX_SHEETS} 个），请只保留自评表后再上传`);
      let partElements = 0;
      let merges = 0;
      let columns = 0; // exceljs creates columns 1 … the last one used, per sheet
      const cut: Array<[number, number]> = [];
      let cutting: { name: string; start: number; depth: number } | null = null;
      const cutName = part === "worksheet" ? "dataValidations" : part === "workbook" ? "definedNames" : null;
      scanXml(bytes, {
        text(length) {
          totals.text += length;
          if (totals.text > MAX_XLSX_TEXT_BYTES) refuse(`工作簿文字内容过多（超过 ${MAX_XLSX_TEXT_BYTES / 1024 / 1024} MB），疑似异常文件，已拒绝`);
        },
        close(name, _local, end) {
          if (cutting && name === cutting.name && --cutting.depth === 0) {
            cut.push([cutting.start, end]);
            cutting = null;
          }
        },
        open(tag) {
          if (++totals.elements > MAX_XLSX_ELEMENTS) refuse(`工作簿结构过于复杂（XML 元素超过 ${MAX_XLSX_ELEMENTS} 个），疑似异常文件，已拒绝`);
          partElements++;
          if (cutName && tag.name === cutName) {
            // exceljs looks the name up wherever its parents are unknown to it: cut every one.
            if (!cutting) {
              if (tag.selfClosing) cut.push([tag.start, tag.end]);
              else cutting = { name: cutName, start: tag.start, depth: 1 };
            } else if (!tag.selfClosing) cutting.depth++;
          }
          if (cutting) return; // what we cut, exceljs never sees
          switch (part) {
            case "styles":
              if (partElements > MAX_STYLE_ELEMENTS) refuse(`样式表过大（超过 ${MAX_STYLE_ELEMENTS} 个元素），疑似异常文件，已拒绝`);
              return;
            case "sharedStrings":
              if (tag.name === "si" && ++totals.sharedStrings > MAX_SHARED_STRINGS) {
                refuse(`共享字符串过多（超过 ${MAX_SHARED_STRINGS} 个），疑似异常文件，已拒绝`);
              }
              return;
            case "workbook":
              if (tag.name === "sheet" && ++totals.sheetEntries > MAX_SHEETS) refuse(`工作表过多（超过 ${MAX_SHEETS} 个），请只保留自评表后再上传`);
              return;
            case "worksheet":
              break;
            default:
              return;
          }
          // A worksheet: the elements exceljs turns into objects (it matches names exactly).
          switch (tag.name) {
            case "c": {
              if (++totals.cells > MAX_CELLS) refuse(TOO_LARGE);
              const ref = tag.attr("r");
              if (ref !== undefined) {
                const address = decodeAddress(ref);
                if ((address.row ?? 0) > EXCEL_MAX_ROW || (address.col ?? 0) > EXCEL_MAX_COLUMN) outOfGrid();
                columns = Math.max(columns, address.col ?? 0);
              }
              return;
            }
            case "row": {
              if (++totals.rows > MAX_SHEET_ROWS) refuse(`工作表行数过多（超过 ${MAX_SHEET_ROWS} 行），请只保留自评表后再上传`);
              if (parseInt(tag.attr("r") ?? "0", 10) > EXCEL_MAX_ROW) outOfGrid();
              return;
            }
            case "col": {
              // exceljs's Column.fromModel creates every column before `min` and up to `max`.
              const min = parseInt(tag.attr("min") ?? "0", 10);
              const max = parseInt(tag.attr("max") ?? "0", 10);
              if (min > EXCEL_MAX_COLUMN || max > EXCEL_MAX_COLUMN) outOfGrid();
              if (Number.isFinite(min)) columns = Math.max(columns, min - 1);
              if (Number.isFinite(max)) columns = Math.max(columns, max);
              return;
            }
            case "mergeCell": {
              if (++merges > MAX_MERGES_PER_SHEET) refuse(`合并单元格过多（一个工作表超过 ${MAX_MERGES_PER_SHEET} 处），疑似异常文件，已拒绝`);
              const range = mergeRange(tag.attr("ref") ?? "");
              if (range) {
                if (range.bottom > EXCEL_MAX_ROW || range.right > EXCEL_MAX_COLUMN) outOfGrid();
                totals.cells += (range.bottom - range.top + 1) * (range.right - range.left + 1);
                if (totals.cells > MAX_CELLS) refuse(TOO_LARGE);
                columns = Math.max(columns, range.right);
              }
              return;
            }
            case "dimension": {
              const range = mergeRange(tag.attr("ref") ?? "");
              if (range && (range.bottom > EXCEL_MAX_ROW || range.right > EXCEL_MAX_COLUMN)) outOfGrid();
              return;
            }
          }
        },
      });
      totals.columns += columns;
      if (totals.columns > MAX_SHEET_COLUMNS) refuse(`工作表的列过多（合计超过 ${MAX_SHEET_COLUMNS} 列），请只保留自评表后再上传`);
      if (cut.length > 0) bytes = without(bytes, cut);
    }
    files[entry.libraryName] = bytes; // JSZip, too, keeps the last entry of a name
  }
  return zipSync(files, { level: 0 });
}

function without(bytes: Uint8Array, ranges: Array<[number, number]>): Uint8Array {
  const kept = bytes.length - ranges.reduce((n, [from, to]) => n + to - from, 0);
  const out = new Uint8Array(kept);
  let at = 0;
  let from = 0;
  for (const [start, end] of ranges) {
    out.set(bytes.subarray(from, start), at);
    at += start - from;
    from = end;
  }
  out.set(bytes.subarray(from), at);
  return out;
}

interface Address {
  row: number | undefined;
  col: number | undefined;
}

/** exceljs's colCache.decodeAddress, as lenient (letters, then digits; "$" and junk skipped). */
function decodeAddress(value: string): Address {
  let hasCol = false;
  let hasRow = false;
  let col = 0;
  let row = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value.charCodeAt(i);
    if (!hasRow && char >= 65 && char <= 90) {
      hasCol = true;
      col = col * 26 + char - 64;
    } else if (char >= 48 && char <= 57) {
      hasRow = true;
      row = row * 10 + char - 48;
    } else if (hasRow && hasCol && char !== 36) {
      break;
    }
  }
  return { col: hasCol ? col : undefined, row: hasRow ? row : undefined };
}

/**
 * The cells exceljs's Range (doc/range.js, through colCache.decodeEx) makes of a merge ref: a
 * sheet prefix dropped, the first two parts around ":" decoded; null when its loops would run
 * over nothing.
 */
function mergeRange(ref: string): { top: number; left: number; bottom: number; right: number } | null {
  const groups = /(?:(?:(?:'((?:[^']|'')*)')|([^'^ !]*))!)?(.*)/.exec(ref);
  const parts = (groups?.[3] ?? "").split(":");
  const tl = decodeAddress(parts[0]);
  const br = parts.length > 1 ? decodeAddress(parts[1]) : tl;
  const top = Math.min(tl.row ?? NaN, br.row ?? NaN);
  const left = Math.min(tl.col ?? NaN, br.col ?? NaN);
  const bottom = Math.max(tl.row ?? NaN, br.row ?? NaN);
  const right = Math.max(tl.col ?? NaN, br.col ?? NaN);
  if (![top, left, bottom, right].every(Number.isFinite)) return null;
  return { top, left, bottom, right };
}

function columnLetters(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

const key = (row: number, column: number) => `${row}:${column}`;

export function sheetBlocks(sheet: ExcelJS.Worksheet): FlatBlock[] {
  const texts = new Map<string, string>();
  const merges = new Map<string, Range>(); // by its top-left cell
  const coveredBy = new Map<string, Range>();
  const lastColumn = new Map<number, number>(); // row → last column holding text or a merge
  const extend = (row: number, column: number) => lastColumn.set(row, Math.max(lastColumn.get(row) ?? 0, column));
  let left = Infinity;

  sheet.eachRow({ includeEmpty: false }, (row, r) => {
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      const master = cell.master;
      if (cell.isMerged && master !== cell) {
        const at = key(Number(master.row), Number(master.col));
        const range = merges.get(at) ?? { top: Number(master.row), left: Number(master.col), bottom: r, right: c };
        range.bottom = Math.max(range.bottom, r);
        range.right = Math.max(range.right, c);
        merges.set(at, range);
        coveredBy.set(key(r, c), range);
        return;
      }
      const text = cellText(cell.value, cell.numFmt);
      if (text.trim() === "") return;
      texts.set(key(r, c), text);
      extend(r, c);
      left = Math.min(left, c);
    });
  });
  for (const range of merges.values()) {
    left = Math.min(left, range.left);
    for (let r = range.top; r <= range.bottom; r++) extend(r, range.left);
  }
  const mergedRows = new Set<number>();
  for (const range of merges.values()) for (let r = range.top; r <= range.bottom; r++) mergedRows.add(r);

  const blocks: FlatBlock[] = [];
  let table: string[][] | null = null;
  const endTable = () => {
    if (table) blocks.push({ kind: "table", rows: table });
    table = null;
  };

  const rows = [...lastColumn.keys()].sort((a, b) => a - b);
  // Every slot from the first used column to a row's last is written: one cell in A1 and one
  // in XFD1048576 would make billions.
  let slots = 0;
  for (const r of rows) {
    slots += lastColumn.get(r)! - left + 1;
    if (slots > MAX_SHEET_SLOTS) throw new LimitExceeded(`工作表有效区域过大（超过 ${MAX_SHEET_SLOTS} 个单元格），请只保留自评表后再上传`);
  }
  for (const [i, r] of rows.entries()) {
    if (i > 0 && r > rows[i - 1] + 1) endTable(); // empty rows in between
    const right = lastColumn.get(r)!;
    const cells: string[] = [];
    for (let c = left; c <= right; ) {
      const merge = merges.get(key(r, c)) ?? coveredBy.get(key(r, c));
      if (merge && merge.left === c) {
        cells.push(merge.top === r ? (texts.get(key(r, c)) ?? "") : "");
        c = merge.right + 1;
      } else {
        cells.push(texts.get(key(r, c)) ?? "");
        c++;
      }
    }

    if (!mergedRows.has(r) && cells.length === 1) {
      endTable();
      blocks.push({ kind: "line", text: cells[0] });
    } else {
      (table ??= []).push(cells);
    }
  }
  endTable();
  return blocks;
}

/** A cell's value as the report shows it (exceljs value shapes: plain, rich text, formula …). */
export function cellText(value: unknown, numFmt: string | undefined): string {
  if (value == null) return "";
  if (typeof value === "number") return formatNumber(value, numFmt);
  if (typeof value === "string") return value.replace(/\r\n?/g, "\n");
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return formatDate(value);
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return v.richText.map((run: { text?: unknown }) => (typeof run.text === "string" ? run.text : "")).join("").replace(/\r\n?/g, "\n");
    }
    if ("formula" in v || "sharedFormula" in v) return cellText(v.result, numFmt);
    if ("hyperlink" in v || "text" in v) return cellText(v.text, numFmt);
    if (typeof v.error === "string") return v.error;
  }
  return "";
}

function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const seconds = date.getUTCHours() * 3600 + date.getUTCMinutes() * 60 + date.getUTCSeconds();
  return seconds === 0 ? day : `${day} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/**
 * A stored number as a decimal string. Excel keeps 15 significant digits, so anything beyond
 * is float noise of a formula (0.1+0.2); the result is the exact decimal the user typed.
 */
export function formatNumber(value: number, numFmt: string | undefined): string {
  if (!Number.isFinite(value)) return "";
  let exact = new Decimal(value.toPrecision(15));
  const format = numberSection(numFmt ?? "");
  const percent = format.includes("%");
  if (percent) exact = exact.times(100);
  const decimals = Math.max(fixedDecimals(format), exact.decimalPlaces());
  const text = fixedDecimals(format) > 0 ? exact.toFixed(decimals) : canonical(exact);
  return percent ? `${text}%` : text;
}

/** The positive-number section of a format, without quoted text, [colors] and escapes. */
function numberSection(numFmt: string): string {
  const section = numFmt.replace(/"[^"]*"/g, "").replace(/\\./g, "").split(";")[0] ?? "";
  return section.replace(/\[[^\]]*\]/g, "");
}

/** Decimals a format always shows: "0.00" → 2, "0.0#%" → 1, "General" → 0. */
function fixedDecimals(format: string): number {
  const match = /\.(0+)/.exec(format);
  return match ? match[1].length : 0;
}
