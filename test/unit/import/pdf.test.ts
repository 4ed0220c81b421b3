/**
 * PDF import (app/domain/import/pdf.ts) on PDFs printed by Chromium from HTML — as a report
 * is printed from Word: embedded CJK font subsets, cell borders drawn as thin rectangles,
 * rowspans centred in their cell, tables cut by page ends — and on hand-made broken and
 * hostile ones. Chromium is needed (test/support/pdf.ts); its PDFs are cached under .tmp/pdf/.
 */
import mammoth from "mammoth";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenize } from "~/domain/import/cells";
import { convertUpload } from "~/domain/import/file";
import { MAX_PDF_PAGES, MAX_PDF_TEXT_ITEMS } from "~/domain/import/limits";
import { copyMessage, normalizeGlyphs, PDF_CORRUPT, PDF_ENCRYPTED, PDF_NOT_VALID, PDF_SCANNED, PDF_TRUNCATED, pdfToText } from "~/domain/import/pdf";
import { readReport } from "~/domain/import/read";
import { abusiveFiles } from "../convert/hostile";
import { encodeGbk, fixtureBytes, REFERENCE, referenceText } from "../convert/helpers";
import { concat, ensurePdfPrinter, handPdf, htmlPage, htmlToPdf, onePagePdf, scanPng } from "../../support/pdf";

// Before pdf.js is loaded (on the first PDF read): the natives its legacy build replaces.
const NATIVES = { push: Array.prototype.push, stringify: JSON.stringify, parse: JSON.parse };

// Printing a page takes Chromium a few seconds on a busy machine (cached after the first run).
const PRINTED = { timeout: 90_000 };

beforeAll(() => ensurePdfPrinter(), 600_000);

const CHROME = `@page {
  @top-center { content: "泸县总工会2023年度部门整体支出绩效自评报告"; font-size: 9pt; }
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; }
}`;

/** Cells of each table in flattened text, as the text parser's tokenizer reads them. */
function tables(text: string): string[][][] {
  return tokenize(text.split("\n")).tables.map((t) => t.rows.map((r) => r.cells.map((c) => c.text)));
}

function outsideLines(text: string): string[] {
  return tokenize(text.split("\n")).outside.map((l) => l.text);
}

async function converted(pdf: Uint8Array): Promise<string> {
  const result = await pdfToText(pdf);
  if (!result.ok) throw new Error(result.error);
  return result.text;
}

const LONG_PARAGRAPH =
  "（二）支出情况。泸县总工会2023年一般公共预算支出决算数为575.65万元，完成预算100%。其中一般公共服务（类）群众团体事务（款）行政运行（项）2012901：支出决算为186.84万元，完成预算100%，决算数等于预算数；其他群众团体事务支出（项）2012999：支出决算为283.79万元，完成预算100%，决算数等于预算数。";

const INDICATORS = `
<table>
  <tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th><th>完成值</th><th>权重</th><th>得分</th></tr>
  <tr><td rowspan="3">产出指标</td><td>数量指标</td><td>新建工会组织</td><td>≥20个</td><td>23个</td><td>20</td><td>20</td></tr>
  <tr><td>质量指标</td><td>慰问帮扶覆盖困难职工（含农民工）的比例，按年度慰问名册核定</td><td>≥95%</td><td>98%</td><td>10</td><td>10</td></tr>
  <tr><td>时效指标</td><td>按时完工率</td><td>≥98%</td><td>100%</td><td>10</td><td>10</td></tr>
  <tr><td rowspan="2">效益指标</td><td>社会效益指标</td><td>提高职工思想文化素质</td><td>优</td><td></td><td>10</td><td>9.5</td></tr>
  <tr><td>可持续影响指标</td><td>促进经济持续稳定发展</td><td>良</td><td>良</td><td>10</td><td>8</td></tr>
  <tr><td colspan="5">合计</td><td>60</td><td>57.5</td></tr>
</table>`;

describe("a printed report: paragraphs and a ruled indicator table", PRINTED, () => {
  const html = htmlPage(
    `<p>2023年部门整体支出绩效自评报告</p>
     <p>一、部门（单位）基本情况</p>
     <p>${LONG_PARAGRAPH}</p>
     <p>附表：部门整体支出绩效目标完成情况自评表</p>
     ${INDICATORS}
     <p>注：应与本单位2023年年初预算部门整体支出绩效目标表填写一致</p>
     <p style="break-before: page">四、评价结论及建议</p>
     <p>（一）评价结论。自评综合得分93.4分。</p>`,
    CHROME,
  );

  it("keeps the paragraphs, the wrapped one joined again, in order; drops page headers and numbers", async () => {
    const text = await converted(htmlToPdf(html));
    expect(outsideLines(text)).toEqual([
      "2023年部门整体支出绩效自评报告",
      "一、部门（单位）基本情况",
      LONG_PARAGRAPH,
      "附表：部门整体支出绩效目标完成情况自评表",
      "注：应与本单位2023年年初预算部门整体支出绩效目标表填写一致",
      "四、评价结论及建议",
      "（一）评价结论。自评综合得分93.4分。",
    ]);
  });

  it("rebuilds the table from its borders: rowspans as '' below their first row, a colspan as one cell", async () => {
    const text = await converted(htmlToPdf(html));
    expect(tables(text)).toEqual([
      [
        ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"],
        ["产出指标", "数量指标", "新建工会组织", "≥20个", "23个", "20", "20"],
        ["", "质量指标", "慰问帮扶覆盖困难职工（含农民工）的比例，按年度慰问名册核定", "≥95%", "98%", "10", "10"],
        ["", "时效指标", "按时完工率", "≥98%", "100%", "10", "10"],
        ["效益指标", "社会效益指标", "提高职工思想文化素质", "优", "", "10", "9.5"],
        ["", "可持续影响指标", "促进经济持续稳定发展", "良", "良", "10", "8"],
        ["合计", "60", "57.5"],
      ],
    ]);
  });

  it("is what convertUpload gives for it, whatever the file's name", async () => {
    const pdf = htmlToPdf(html);
    const expected = await converted(pdf);
    for (const name of ["自评报告.pdf", "自评报告.PDF", "下载.txt", "自评报告"]) {
      await expect(convertUpload(name, pdf)).resolves.toEqual({ ok: true, text: expected });
    }
  });
});

describe("page furniture", PRINTED, () => {
  it("a page frame with a rule under its title is no table; a header repeating the title drops, the title stays", async () => {
    const css = `@page { @top-center { content: "2023年部门整体支出绩效自评报告"; font-size: 9pt; } }
      div.frame { border: 1pt solid #000; } p.title { border-bottom: 1pt solid #000; padding: 4pt 0; text-indent: 0; text-align: center; }
      div.frame p { margin: 0 6pt; } div.frame p.title { margin: 0; }`;
    const paragraphs = Array.from({ length: 40 }, (_, i) => `（${i + 1}）第${i + 1}项工作按计划完成，资金使用${i + 1}万元。`);
    const pdf = htmlToPdf(htmlPage(`<div class="frame"><p class="title">2023年部门整体支出绩效自评报告</p>${paragraphs.map((p) => `<p>${p}</p>`).join("")}</div>`, css));
    const text = await converted(pdf);
    expect(tables(text)).toEqual([]);
    expect(outsideLines(text)).toEqual(["2023年部门整体支出绩效自评报告", ...paragraphs]);
  });
});

describe("tables across pages and without borders", PRINTED, () => {
  it("joins a table cut by page ends into one, its repeated header once", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `<tr><td>项目${i + 1}</td><td>${(i * 7.25).toFixed(2)}</td><td>${(i * 7).toFixed(2)}</td><td>${i % 2 ? "常年" : "一次性"}</td></tr>`);
    const pdf = htmlToPdf(htmlPage(`<p>项目支出明细</p><table><thead><tr><th>项目名称</th><th>调整后预算</th><th>执行数</th><th>类别</th></tr></thead><tbody>${rows.join("")}</tbody></table>`, CHROME));
    const [table, ...others] = tables(await converted(pdf));
    expect(others).toEqual([]);
    expect(table[0]).toEqual(["项目名称", "调整后预算", "执行数", "类别"]);
    expect(table.slice(1)).toEqual(Array.from({ length: 60 }, (_, i) => [`项目${i + 1}`, (i * 7.25).toFixed(2), (i * 7).toFixed(2), i % 2 ? "常年" : "一次性"]));
  });

  it("reads aligned columns without rules as a table", async () => {
    const css = "table.plain td { border: none; padding: 0 3em 0 0; }";
    const pdf = htmlToPdf(
      htmlPage(
        `<p>（一）收入情况。</p>
         <table class="plain" style="width:auto">
           <tr><td>项目</td><td>年初预算</td><td>调整后预算</td><td>决算数</td></tr>
           <tr><td>财政拨款收入</td><td>455.67</td><td>575.65</td><td>575.65</td></tr>
           <tr><td>其他收入</td><td>0</td><td></td><td>0</td></tr>
         </table>
         <p>（二）支出情况。</p>`,
        css,
      ),
    );
    const text = await converted(pdf);
    expect(tables(text)).toEqual([
      [
        ["项目", "年初预算", "调整后预算", "决算数"],
        ["财政拨款收入", "455.67", "575.65", "575.65"],
        ["其他收入", "0", "", "0"],
      ],
    ]);
    expect(outsideLines(text)).toEqual(["（一）收入情况。", "（二）支出情况。"]);
  });
});

describe("the reference report printed to PDF (泸县总工会 2023)", PRINTED, () => {
  it("reads as the same report as its text", async () => {
    const { value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(fixtureBytes(`${REFERENCE}.docx`)) });
    const pdf = htmlToPdf(htmlPage(html, `${CHROME} h1 { font-size: 12pt; margin: 0; text-indent: 2em; }`));
    const fromPdf = await readReport("泸县总工会2023年自评报告.pdf", pdf);
    const fromText = await readReport("泸县总工会2023年自评报告.txt", new TextEncoder().encode(referenceText()));
    if (!fromPdf.ok || !fromText.ok) throw new Error("not read");
    const [pdfDoc, textDoc] = [fromPdf.result.document, fromText.result.document];
    expect(pdfDoc.income).toEqual(textDoc.income);
    expect(pdfDoc.expenditure.total).toBe(textDoc.expenditure.total);
    expect(pdfDoc.selfScore).toBe(textDoc.selfScore);
    expect(pdfDoc.targets.indicators).toHaveLength(textDoc.targets.indicators.length);
    expect(textDoc.targets.indicators.length).toBeGreaterThan(5);
    // Beyond the key figures: the same document throughout, nothing missing.
    expect(pdfDoc).toEqual(textDoc);
    expect(fromPdf.result.missing).toEqual([]);
  });
});

describe("PDFs that cannot be read say why, in Chinese", PRINTED, () => {
  it("a scanned PDF (a picture of a page, no text layer)", async () => {
    const png = Buffer.from(scanPng()).toString("base64");
    const pdf = htmlToPdf(htmlPage(`<img src="data:image/png;base64,${png}" style="width:160mm"><img src="data:image/png;base64,${png}" style="width:160mm">`));
    await expect(pdfToText(pdf)).resolves.toEqual({ ok: false, error: PDF_SCANNED });
  });

  it("a truncated PDF", async () => {
    const pdf = htmlToPdf(htmlPage(`<p>${LONG_PARAGRAPH}</p>`));
    await expect(convertUpload("报告.pdf", pdf.subarray(0, Math.floor(pdf.length / 2)))).resolves.toEqual({ ok: false, error: PDF_TRUNCATED });
  });

  it("a corrupt PDF, and bytes that are no PDF named .pdf", async () => {
    const garbage = concat([new TextEncoder().encode("%PDF-1.7\n"), Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251), new TextEncoder().encode("\n%%EOF\n")]);
    await expect(convertUpload("报告.pdf", garbage)).resolves.toEqual({ ok: false, error: PDF_CORRUPT });
    await expect(convertUpload("报告.pdf", new TextEncoder().encode("这不是 PDF"))).resolves.toEqual({ ok: false, error: PDF_NOT_VALID });
  });

  it("a password-protected PDF", async () => {
    const encrypt = `<</Filter/Standard/V 1/R 2/O<${"1f".repeat(32)}>/U<${"2e".repeat(32)}>/P -4>>`;
    const id = "<0123456789abcdef0123456789abcdef>";
    const pdf = onePagePdf("BT /F1 12 Tf 72 700 Td (Self-evaluation report of 2023) Tj ET", [encrypt], `/Root 1 0 R/Encrypt 6 0 R/ID[${id}${id}]`);
    await expect(pdfToText(pdf)).resolves.toEqual({ ok: false, error: PDF_ENCRYPTED });
  });

  it("reads Chinese in a font that is not embedded (宋体, GBK-EUC-H) through pdf.js's CMaps", async () => {
    const hex = (text: string) => Buffer.from(encodeGbk(text)).toString("hex");
    const pdf = handPdf([
      "<</Type/Catalog/Pages 2 0 R>>",
      "<</Type/Pages/Count 1/Kids[3 0 R]>>",
      "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
      { dict: "", stream: new TextEncoder().encode(`BT /F1 12 Tf 72 700 Td <${hex("泸县总工会2023年部门预算绩效评价报告")}> Tj 0 -20 Td <${hex("自评综合得分93.4分。")}> Tj ET`) },
      "<</Type/Font/Subtype/Type0/BaseFont/SimSun/Encoding/GBK-EUC-H/DescendantFonts[6 0 R]>>",
      "<</Type/Font/Subtype/CIDFontType0/BaseFont/SimSun/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)/Supplement 2>>/FontDescriptor 7 0 R/DW 1000/W[814 939 500]>>",
      "<</Type/FontDescriptor/FontName/SimSun/Flags 6/FontBBox[0 -141 1000 859]/ItalicAngle 0/Ascent 859/Descent -141/CapHeight 683/StemV 80>>",
    ]);
    await expect(pdfToText(pdf)).resolves.toEqual({ ok: true, text: "泸县总工会2023年部门预算绩效评价报告\n自评综合得分93.4分。\n" });
  });

  it("reads a hand-written PDF with a standard font (no embedded font)", async () => {
    const pdf = onePagePdf("BT /F1 12 Tf 72 700 Td (Self-evaluation report of 2023) Tj 0 -20 Td (Total score: 93.4) Tj ET");
    await expect(pdfToText(pdf)).resolves.toEqual({ ok: true, text: "Self-evaluation report of 2023\nTotal score: 93.4\n" });
  });
});

describe("hostile PDFs are refused quickly, the limit named", { timeout: 30_000 }, () => {
  const pdfs = abusiveFiles().filter((f) => f.fileName.endsWith(".pdf"));

  it.each(pdfs.map((f) => [f.what, f] as const))("%s", async (_what, file) => {
    const bytes = file.bytes();
    const started = Date.now();
    const result = await convertUpload(file.fileName, bytes);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/[\u4e00-\u9fff].*\d/);
  });

  it("counts pages from the page tree before parsing any", async () => {
    const kids = Array.from({ length: MAX_PDF_PAGES + 1 }, () => "3 0 R").join(" ");
    const pdf = handPdf(["<</Type/Catalog/Pages 2 0 R>>", `<</Type /Pages /Count ${MAX_PDF_PAGES + 1} /Kids [${kids}]>>`, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"]);
    await expect(pdfToText(pdf)).resolves.toEqual({ ok: false, error: expect.stringContaining(`超过 ${MAX_PDF_PAGES} 页`) });
  });

  it("reads a single line of 80 000 runs (under the item limit) in linear time", async () => {
    const shows = Array.from({ length: 80_000 }, (_, i) => `1 0 0 1 ${(i * 0.0035).toFixed(4)} 400 Tm (${String.fromCharCode(97 + (i % 26))}) Tj`).join("\n");
    const started = Date.now();
    const result = await pdfToText(onePagePdf(`BT /F1 8 Tf ${shows} ET`));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.ok).toBe(true);
  });

  it("counts text items as pdf.js reports them", async () => {
    const shows = Array.from({ length: MAX_PDF_TEXT_ITEMS + 10 }, (_, i) => `1 0 0 1 ${(i % 40) * 14} ${Math.floor(i / 40) % 800} Tm (x) Tj`).join("\n");
    const result = await pdfToText(onePagePdf(`BT /F1 8 Tf ${shows} ET`));
    expect(result).toEqual({ ok: false, error: expect.stringContaining(String(MAX_PDF_TEXT_ITEMS)) });
  });
});

describe("normalizeGlyphs", () => {
  it("maps the look-alike code points PDF writers put for shared glyphs, and nothing else", () => {
    expect(normalizeGlyphs("⼀、部⻔（单位）⼯作第1⻚，⻓期；1―12月")).toBe("一、部门（单位）工作第1页，长期；1—12月");
    expect(normalizeGlyphs("（一）收入：575.65万元，≥95%")).toBe("（一）收入：575.65万元，≥95%");
  });
});

describe("pdf.js in this process", () => {
  it("leaves the natives its legacy build replaces (push, JSON) as they were", async () => {
    await expect(pdfToText(onePagePdf("BT /F1 12 Tf 72 700 Td (Total score: 93.4) Tj ET"))).resolves.toEqual({ ok: true, text: "Total score: 93.4\n" });
    expect({ push: Array.prototype.push, stringify: JSON.stringify, parse: JSON.parse }).toEqual(NATIVES);
  });

  it("copies its messages as structuredClone would", () => {
    class Glyph {
      constructor(
        public unicode: string,
        public width: number,
      ) {}
    }
    const buffer = new ArrayBuffer(16);
    const shared = [1, 2];
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    const values: unknown[] = [
      { fnArray: [1, 2], argsArray: [[[new Glyph("中", 1000)]], null, [new Float32Array([0, 1.5])]], lastChunk: false },
      { items: [{ str: "自评", transform: [12, 0, 0, 12, 72, 700], hasEOL: false }], styles: Object.create(null) },
      { a: new Uint8Array(buffer, 4, 8), b: new Int32Array(buffer, 8, 2), c: new DataView(buffer, 2, 6), d: Buffer.from("pdf") },
      new Map<unknown, unknown>([["k", { z: 1 }]]),
      new Set([1, "a"]),
      { date: new Date(0), error: new Error("boom"), holes: [1, , 3], nothing: undefined, zero: -0 },
    ];
    for (const value of values) expect(copyMessage(value)).toStrictEqual(structuredClone(value));
    const copied = copyMessage({ x: shared, y: shared, loop, a: new Uint8Array(buffer, 0, 4), b: new Uint8Array(buffer, 8, 4) }) as Record<string, { buffer?: ArrayBuffer; self?: unknown }>;
    expect(copied.x).toBe(copied.y);
    expect(copied.x).not.toBe(shared);
    expect(copied.loop.self).toBe(copied.loop);
    expect(copied.a.buffer).toBe(copied.b.buffer);
    expect(copied.a.buffer).not.toBe(buffer);
    const moved = new ArrayBuffer(8);
    expect((copyMessage({ moved }, [moved]) as { moved: ArrayBuffer }).moved).toBe(moved);
    expect(() => copyMessage({ f: () => 1 })).toThrow(expect.objectContaining({ name: "DataCloneError" }));
  });
});
