/**
 * Export of the 部门整体支出绩效目标完成情况自评表 to .xlsx, laid out like the Word table of the
 * reference report (test/fixtures/luxian-trade-union-2023.txt) on a 10-column grid, merged
 * cells included. Reading the file back with xlsxToText gives the same flattened rows as the
 * Word table, so the text parser re-extracts the targets from it.
 *
 * Numbers are written as numbers that round-trip exactly: a decimal string with at most 15
 * significant digits is the shortest representation of its double, and its number format
 * shows exactly the written decimals ("9.30" → 9.3 formatted "0.00"). Anything else is text.
 */
import { Decimal, decimalPlaces } from "../money";
import { DECIMAL_PATTERN, type ReportDocument } from "../report";

export const TARGET_TABLE_TITLE = "部门整体支出绩效目标完成情况自评表";
export const TARGET_TABLE_COLUMNS = 10;

/** One cell of the layout; rows and columns are 1-based, spans ≥ 1. */
export interface LayoutCell {
  row: number;
  column: number;
  rowSpan: number;
  columnSpan: number;
  value: CellContent;
  role: "title" | "subtitle" | "unit" | "label" | "data" | "note";
}

export type CellContent =
  | { kind: "text"; text: string }
  /** A decimal string written as a number; `percent` writes 20 as 0.2 shown as "20%". */
  | { kind: "number"; decimal: string; percent?: boolean };

const text = (value: string | null | undefined): CellContent => ({ kind: "text", text: value ?? "" });

/** A decimal string as a number when that is exact, else as text; absent → empty. */
function numberOrText(value: string | null | undefined, percent = false): CellContent {
  if (value == null || value === "") return text("");
  if (DECIMAL_PATTERN.test(value)) {
    const d = new Decimal(value);
    const roundTrips = d.toFixed(decimalPlaces(value)) === value && d.precision(true) <= 15;
    if (roundTrips) return { kind: "number", decimal: value, percent };
  }
  return text(percent ? `${value}%` : value);
}

/** The table's cells, row by row — the layout shared by every export format. */
export function targetTableLayout(doc: ReportDocument): LayoutCell[] {
  const cells: LayoutCell[] = [];
  const put = (
    row: number,
    column: number,
    value: CellContent,
    role: LayoutCell["role"] = "data",
    columnSpan = 1,
    rowSpan = 1,
  ) => cells.push({ row, column, rowSpan, columnSpan, value, role });
  const all = TARGET_TABLE_COLUMNS;
  const { targets } = doc;

  put(1, 1, text(TARGET_TABLE_TITLE), "title", all);
  put(2, 1, text(`（${doc.year ?? ""}年度）`), "subtitle", all);
  put(3, 1, text("单位：万元"), "unit", all);

  put(4, 1, text("部门名称"), "label");
  put(4, 2, text(doc.unit.name), "data", all - 1);

  put(5, 1, text("年度部门整体支出预算"), "label", 1, 2);
  put(5, 2, text("资金总额"), "label", 3);
  put(5, 5, text("财政拨款"), "label", 3);
  put(5, 8, text("其他资金"), "label", 3);
  put(6, 2, numberOrText(targets.totalFunds), "data", 3);
  put(6, 5, numberOrText(targets.fiscal), "data", 3);
  put(6, 8, numberOrText(targets.other), "data", 3);

  put(7, 1, text("年度总体\n目标"), "label");
  put(7, 2, text(targets.overallGoal), "data", all - 1);

  let row = 8;
  put(row, 1, text("年度\n主要任务"), "label", 1, 1 + targets.tasks.length);
  put(row, 2, text("任务名称"), "label", 2);
  put(row, 4, text("主要内容"), "label", all - 3);
  for (const task of targets.tasks) {
    row++;
    put(row, 2, text(task.name), "data", 2);
    put(row, 4, text(task.content), "data", all - 3);
  }

  row++;
  const indicators = targets.indicators;
  put(row, 1, text("年度绩效\n指标"), "label", 1, 1 + indicators.length);
  const headers = ["一级指标", "二级指标", "三级指标", "绩效指标\n性质", "绩效指标值", "绩效度量单位", "权重", "实际完成\n指标值", "得分"];
  headers.forEach((header, i) => put(row, 2 + i, text(header), "label"));
  indicators.forEach((indicator, i) => {
    const at = row + 1 + i;
    // 一级指标 is merged over consecutive indicators of the same group, as in the Word table.
    if (i === 0 || indicators[i - 1].level1 !== indicator.level1) {
      let span = 1;
      while (i + span < indicators.length && indicators[i + span].level1 === indicator.level1) span++;
      put(at, 2, text(indicator.level1), "data", 1, span);
    }
    put(at, 3, text(indicator.level2));
    put(at, 4, text(indicator.name));
    put(at, 5, text(indicator.nature));
    put(at, 6, numberOrText(indicator.target));
    put(at, 7, text(indicator.unit));
    put(at, 8, numberOrText(indicator.weightPct, true));
    put(at, 9, numberOrText(indicator.actual));
    put(at, 10, numberOrText(indicator.score));
  });
  row += indicators.length + 1;
  const year = doc.year == null ? "" : `${doc.year}年`;
  put(row, 1, text(`注：应与本单位${year}年初预算部门整体支出绩效目标表填写一致`), "note");
  return cells;
}

const COLUMN_WIDTHS = [12, 12, 14, 24, 10, 12, 12, 8, 12, 8];
const THIN = { style: "thin" as const };

export interface XlsxExportOptions {
  /** Creation time written into the file (fixed in fixtures for stable output). */
  now?: Date;
}

export async function targetTableToXlsx(doc: ReportDocument, options: XlsxExportOptions = {}): Promise<Uint8Array> {
  // exceljs is loaded on the first export, not with the server: few requests need it.
  const { Workbook } = (await import("exceljs")).default;
  const workbook = new Workbook();
  workbook.creator = "绩效自评审核平台";
  workbook.created = workbook.modified = options.now ?? new Date();
  const sheet = workbook.addWorksheet("绩效目标自评表", {
    pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = COLUMN_WIDTHS.map((width) => ({ width }));

  const layout = targetTableLayout(doc);
  for (const cell of layout) {
    const target = sheet.getCell(cell.row, cell.column);
    if (cell.value.kind === "text") {
      target.value = cell.value.text;
    } else {
      const { decimal, percent } = cell.value;
      // The format shows exactly the written decimals, so the file reads back as written.
      const shown = decimalPlaces(decimal);
      target.value = (percent ? new Decimal(decimal).dividedBy(100) : new Decimal(decimal)).toNumber();
      const fraction = shown > 0 ? `.${"0".repeat(shown)}` : "";
      if (percent) target.numFmt = `0${fraction}%`;
      else if (shown > 0) target.numFmt = `0${fraction}`;
    }
    const boxed = cell.role === "label" || cell.role === "data";
    target.alignment = {
      wrapText: true,
      vertical: "middle",
      horizontal: cell.role === "unit" ? "right" : cell.role === "note" ? "left" : boxed && isLong(cell) ? "left" : "center",
    };
    if (cell.role === "title") target.font = { bold: true, size: 16 };
    if (cell.role === "label") target.font = { bold: true };
    if (cell.rowSpan > 1 || cell.columnSpan > 1) {
      sheet.mergeCells(cell.row, cell.column, cell.row + cell.rowSpan - 1, cell.column + cell.columnSpan - 1);
    }
    if (boxed) {
      for (let r = cell.row; r < cell.row + cell.rowSpan; r++) {
        for (let c = cell.column; c < cell.column + cell.columnSpan; c++) {
          sheet.getCell(r, c).border = { top: THIN, left: THIN, bottom: THIN, right: THIN };
        }
      }
    }
  }
  // Excel does not grow merged rows to fit wrapped text: estimate the height of long cells.
  for (const cell of layout) {
    if (cell.value.kind !== "text" || cell.rowSpan > 1) continue;
    const width = COLUMN_WIDTHS.slice(cell.column - 1, cell.column - 1 + cell.columnSpan).reduce((a, b) => a + b, 0);
    const lines = cell.value.text.split("\n").reduce((n, line) => n + Math.max(1, Math.ceil((line.length * 2) / width)), 0);
    const row = sheet.getRow(cell.row);
    row.height = Math.max(row.height ?? 15, lines * 15 + 6);
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

function isLong(cell: LayoutCell): boolean {
  return cell.value.kind === "text" && cell.value.text.length > 20;
}
