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
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { Decimal, canonical } from "../money";
import { type ConvertResult, type FlatBlock, writeFlat } from "./flat";
import { inspectZip, zipProblemMessage } from "./zip";

export type { ConvertResult } from "./flat";

const NOT_XLSX = "文件不是有效的 Excel 工作簿(.xlsx)";

/** exceljs creates an object per cell, merged cells included: bounds its memory. */
export const MAX_CELLS = 500_000;

/** Converts untrusted .xlsx bytes; refuses zip bombs and non-Excel zips, never throws. */
export async function xlsxToText(data: Uint8Array): Promise<ConvertResult> {
  try {
    const inspection = inspectZip(data);
    if (!inspection.ok) return { ok: false, error: zipProblemMessage(inspection.problem, "xlsx") };
    if (!inspection.names.has("xl/workbook.xml")) {
      return {
        ok: false,
        error: inspection.names.has("word/document.xml")
          ? "这是 Word 文档，不是 Excel 工作簿，请按 .docx 上传"
          : `${NOT_XLSX}：缺少 xl/workbook.xml`,
      };
    }
    const prepared = prepareForExcelJs(data);
    if (!prepared.ok) return prepared;
    // exceljs is loaded on the first import, not with the server: few requests need it.
    const { Workbook } = (await import("exceljs")).default;
    const workbook = new Workbook();
    // exceljs's typings want a Node Buffer; a view on the same bytes is enough.
    const bytes = prepared.bytes;
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
    const blocks: FlatBlock[] = [];
    for (const sheet of workbook.worksheets) {
      if (sheet.state !== "visible") continue; // hidden sheets hold lookup lists, not the report
      blocks.push(...sheetBlocks(sheet));
    }
    return { ok: true, text: writeFlat(blocks) };
  } catch {
    return { ok: false, error: NOT_XLSX };
  }
}

/**
 * exceljs expands some ranges into one object per cell while loading: data validations (often
 * set on whole columns, C2:C1048576, in perfectly ordinary templates), defined names and merged
 * ranges. We need none of the first two, so they are cut from the XML; merged ranges and cells
 * are counted and a sheet too large to be a self-evaluation table is refused. Runs on a zip
 * inspectZip has vetted, so its sizes are true and bounded.
 */
function prepareForExcelJs(data: Uint8Array): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  const files = unzipSync(data);
  let cells = 0;
  for (const [name, bytes] of Object.entries(files)) {
    if (/xl\/worksheets\/sheet\d+\.xml$/.test(name)) {
      const xml = strFromU8(bytes);
      cells += (xml.match(/<c[\s>/]/g) ?? []).length;
      for (const match of xml.matchAll(/<mergeCell\b[^>]*\bref="([^"]*)"/g)) cells += rangeArea(match[1]);
      files[name] = strToU8(xml.replace(/<dataValidations\b[^>]*\/>|<dataValidations\b[\s\S]*?<\/dataValidations>/g, ""));
    } else if (name.replace(/^\/+/, "") === "xl/workbook.xml") {
      const xml = strFromU8(bytes);
      files[name] = strToU8(xml.replace(/<definedNames\b[^>]*\/>|<definedNames\b[\s\S]*?<\/definedNames>/g, ""));
    }
    if (cells > MAX_CELLS) return { ok: false, error: "工作表过大（超过 50 万个单元格），请只保留自评表后再上传" };
  }
  return { ok: true, bytes: zipSync(files, { level: 0 }) };
}

/** Cells in "B2:D10" (a single cell → 1; unreadable → 1). */
function rangeArea(ref: string): number {
  const match = /^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$/i.exec(ref.trim());
  if (!match || !match[3]) return 1;
  const column = (letters: string) => [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  const rows = Math.abs(Number(match[4]) - Number(match[2])) + 1;
  const columns = Math.abs(column(match[3]) - column(match[1])) + 1;
  return rows * columns;
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
