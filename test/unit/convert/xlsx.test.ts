import ExcelJS from "exceljs";
import fc from "fast-check";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { targetTableLayout, targetTableToXlsx } from "~/domain/export/target-table";
import { parseReportText } from "~/domain/import/text";
import { formatNumber, xlsxToText } from "~/domain/import/xlsx";
import type { ReportDocument } from "~/domain/report";
import { expectedDocument, fixtureBytes, REFERENCE, referenceText } from "./helpers";
import { linesOf, readFlat, tablesOf } from "./tokens";

async function textOf(bytes: Uint8Array): Promise<string> {
  const result = await xlsxToText(bytes);
  if (!result.ok) throw new Error(result.error);
  return result.text;
}

/** A copy of a zip with one XML part rewritten. */
function patch(zip: Uint8Array, part: string, change: (xml: string) => string): Uint8Array {
  const files = unzipSync(zip);
  const xml = strFromU8(files[part]);
  const changed = change(xml);
  if (changed === xml) throw new Error(`patch did not apply to ${part}`);
  files[part] = strToU8(changed);
  return zipSync(files);
}

async function workbookBytes(build: (workbook: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}

/**
 * The reference table with the two things the document cannot know: the Word table writes the
 * unit's short name (总工会, the document has 泸县总工会) and wraps 满意度指标 over two lines.
 */
function referenceTableFor(doc: ReportDocument): string[][] {
  const [table] = tablesOf(referenceText());
  return table.map((row) => (row[0] === "部门名称" ? [row[0], doc.unit.name] : row.map((cell) => (cell === "满意度\n指标" ? "满意度指标" : cell))));
}

describe("the 自评表 exported to .xlsx and read back", () => {
  it("the fixture gives the reference table cell by cell", async () => {
    const doc = expectedDocument();
    const text = await textOf(fixtureBytes(`${REFERENCE}-targets.xlsx`));
    const [table] = tablesOf(text);
    expect(table).toEqual(referenceTableFor(doc));
    expect(tablesOf(text)).toHaveLength(1);
    // Weights as the Word table writes them, amounts exactly.
    expect(table.slice(13).map((row) => row[7])).toEqual(["20%", "10%", "10%", "20%", "10%", "10%", "10%", "10%"]);
    expect(table[5]).toEqual(["", "575.65", "575.65", "0"]);
  });

  it("ends like the reference: the table, then the note as a plain line", async () => {
    const text = await textOf(fixtureBytes(`${REFERENCE}-targets.xlsx`));
    expect(linesOf(text)).toEqual(["注：应与本单位2023年年初预算部门整体支出绩效目标表填写一致"]);
    const reference = referenceText();
    const tableStart = reference.indexOf("\t部门整体支出绩效目标完成情况自评表");
    // Character for character, but for the two cells above.
    expect(text).toBe(reference.slice(tableStart).trimEnd().replace("\t总工会", "\t泸县总工会").replace("\t满意度\n指标", "\t满意度指标") + "\n");
  });

  it("the text parser re-extracts the targets from it", async () => {
    const doc = expectedDocument();
    const parsed = parseReportText(await textOf(await targetTableToXlsx(doc)));
    expect(parsed.document.targets).toEqual(doc.targets);
  });

  it("keeps every amount, weight and score exact (property)", async () => {
    const decimal = fc
      .tuple(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 999_999 }))
      .map(([whole, places, fraction]) =>
        places === 0 ? String(whole) : `${whole}.${String(fraction).padStart(6, "0").slice(0, places)}`,
      );
    await fc.assert(
      fc.asyncProperty(decimal, decimal, decimal, async (total, weight, score) => {
        const doc = expectedDocument();
        doc.targets.totalFunds = total;
        doc.targets.indicators[0].weightPct = weight;
        doc.targets.indicators[0].score = score;
        doc.targets.indicators[0].actual = score;
        const [table] = tablesOf(await textOf(await targetTableToXlsx(doc)));
        expect(table[5][1]).toBe(total);
        expect(table[13].slice(7)).toEqual([`${weight}%`, score, score]);
      }),
      { numRuns: 25 },
    );
  });

  it("writes what is not an exact number as text", async () => {
    const doc = expectedDocument();
    doc.targets.totalFunds = "1234567890.1234567"; // 17 significant digits: a double would lose some
    doc.targets.indicators[0].target = "08"; // a number would drop the zero
    doc.targets.indicators[0].actual = "≥98%";
    const [table] = tablesOf(await textOf(await targetTableToXlsx(doc)));
    expect(table[5][1]).toBe("1234567890.1234567");
    expect(table[13][5]).toBe("08");
    expect(table[13][8]).toBe("≥98%");
  });
});

describe("targetTableLayout", () => {
  it("merges 一级指标 over each group, 年度绩效指标 over all indicators", () => {
    const layout = targetTableLayout(expectedDocument());
    const level1 = layout.filter((cell) => cell.column === 2 && cell.row >= 14);
    expect(level1.map((cell) => [cell.value.kind === "text" ? cell.value.text : "", cell.rowSpan])).toEqual([
      ["产出指标", 3],
      ["效益指标", 3],
      ["满意度指标", 1],
      ["成本指标", 1],
    ]);
    const block = layout.find((cell) => cell.value.kind === "text" && cell.value.text === "年度绩效\n指标");
    expect(block).toMatchObject({ row: 13, column: 1, rowSpan: 9 });
  });

  it("lays out a report without tasks or indicators", async () => {
    const doc = expectedDocument();
    doc.targets.tasks = [];
    doc.targets.indicators = [];
    doc.year = null;
    const text = await textOf(await targetTableToXlsx(doc));
    const [table] = tablesOf(text);
    expect(table[1]).toEqual(["（年度）"]);
    expect(table.slice(7)).toEqual([
      ["年度\n主要任务", "任务名称", "主要内容"],
      ["年度绩效\n指标", "一级指标", "二级指标", "三级指标", "绩效指标\n性质", "绩效指标值", "绩效度量单位", "权重", "实际完成\n指标值", "得分"],
    ]);
  });
});

describe("formatNumber", () => {
  it.each<[number, string | undefined, string]>([
    [9.300000000000001, undefined, "9.3"],
    [0.1 + 0.2, "General", "0.3"],
    [575.65, "0.00", "575.65"],
    [575.6, "#,##0.00", "575.60"],
    [0, "0.00", "0.00"],
    [575.654, "0.00", "575.654"], // never rounds a stored digit away
    [0.2, "0%", "20%"],
    [0.125, "0%", "12.5%"],
    [0.07, "0.00%", "7.00%"],
    [-0, undefined, "0"],
    [-12.5, "0.00;[Red]-0.00", "-12.50"],
    [1e21, undefined, "1000000000000000000000"],
    [1.5e-7, undefined, "0.00000015"],
    [135220, '#,##0"元"', "135220"],
    [Number.NaN, undefined, ""],
  ])("%s with %s → %s", (value, format, expected) => {
    expect(formatNumber(value, format)).toBe(expected);
  });
});

describe("xlsxToText on hand-made sheets", () => {
  it("titles and notes in the first column are lines, merged ranges are cells, empty rows end tables", async () => {
    const bytes = await workbookBytes((workbook) => {
      const sheet = workbook.addWorksheet("表");
      sheet.getCell("B2").value = "标题"; // unmerged, alone: a line (the sheet starts at column B)
      sheet.getCell("B3").value = "名称";
      sheet.getCell("C3").value = "金额";
      sheet.getCell("B4").value = "合计";
      sheet.mergeCells("B4:B5");
      sheet.getCell("C4").value = 1.1;
      sheet.getCell("D4").value = { formula: "C4*3", result: 3.3000000000000003 };
      sheet.getCell("C5").value = { richText: [{ text: "富" }, { text: "文本" }] };
      sheet.getCell("E5").value = new Date(Date.UTC(2023, 11, 31));
      sheet.getCell("B7").value = "第二个表";
      sheet.getCell("C7").value = true;
      sheet.getCell("B8").value = "说明：\r\n两行";
    });
    expect(readFlat(await textOf(bytes))).toEqual([
      { kind: "line", text: "标题" },
      {
        kind: "table",
        rows: [
          ["名称", "金额"],
          ["合计", "1.1", "3.3"],
          ["", "富文本", "", "2023-12-31"],
        ],
      },
      { kind: "table", rows: [["第二个表", "TRUE"]] },
      { kind: "line", text: "说明：" }, // a line break in a plain line makes two lines
      { kind: "line", text: "两行" },
    ]);
  });

  it("skips hidden sheets and reads the visible ones in order", async () => {
    const bytes = await workbookBytes((workbook) => {
      workbook.addWorksheet("一").getCell("A1").value = "甲";
      const hidden = workbook.addWorksheet("隐藏", { state: "hidden" });
      hidden.getCell("A1").value = "下拉选项";
      workbook.addWorksheet("二").getCell("A1").value = "乙";
    });
    expect(await textOf(bytes)).toBe("甲\n乙\n");
  });

  it("a merged title spanning the row stays a one-cell row, like in the Word table", async () => {
    const bytes = await workbookBytes((workbook) => {
      const sheet = workbook.addWorksheet("表");
      sheet.getCell("A1").value = "自评表";
      sheet.mergeCells("A1:C1");
      sheet.getCell("A2").value = "a";
      sheet.getCell("C2").value = "c";
    });
    expect(tablesOf(await textOf(bytes))).toEqual([[["自评表"], ["a", "", "c"]]]);
  });

  it("refuses a sheet whose merged ranges would make millions of cells", async () => {
    const bytes = patch(fixtureBytes(`${REFERENCE}-targets.xlsx`), "xl/worksheets/sheet1.xml", (xml) =>
      xml.replace("</mergeCells>", '<mergeCell ref="K1:XFD1048576"/></mergeCells>'),
    );
    await expect(xlsxToText(bytes)).resolves.toEqual({ ok: false, error: "工作表过大（超过 50 万个单元格），请只保留自评表后再上传" });
  });

  it("is not slowed down by whole-column data validations or defined names (exceljs expands them)", async () => {
    let bytes = patch(fixtureBytes(`${REFERENCE}-targets.xlsx`), "xl/worksheets/sheet1.xml", (xml) =>
      xml.replace(
        "</mergeCells>",
        '</mergeCells><dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="C2:C1048576 D2:E1048576"><formula1>"是,否"</formula1></dataValidation></dataValidations>',
      ),
    );
    bytes = patch(bytes, "xl/workbook.xml", (xml) =>
      xml.replace("</sheets>", '</sheets><definedNames><definedName name="选项">绩效目标自评表!$A$1:$J$1048576</definedName></definedNames>'),
    );
    const started = Date.now();
    const text = await textOf(bytes);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(text).toBe(await textOf(fixtureBytes(`${REFERENCE}-targets.xlsx`)));
  });

  it("refuses what is not a workbook, without throwing", async () => {
    await expect(xlsxToText(fixtureBytes("not-a-docx.docx"))).resolves.toEqual({ ok: false, error: "不是有效的 .xlsx 文件" });
    await expect(xlsxToText(fixtureBytes(`${REFERENCE}.docx`))).resolves.toEqual({
      ok: false,
      error: "这是 Word 文档，不是 Excel 工作簿，请按 .docx 上传",
    });
    await expect(xlsxToText(fixtureBytes("bomb.docx"))).resolves.toEqual({ ok: false, error: "文件解压后过大，疑似压缩炸弹，已拒绝" });
  });
});
