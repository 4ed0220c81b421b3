import { describe, expect, it } from "vitest";
import { docxToText, htmlToBlocks } from "~/domain/import/docx";
import { type FlatBlock, writeFlat } from "~/domain/import/flat";
import { parseReportText } from "~/domain/import/text";
import { fixtureBytes, REFERENCE, referenceText } from "./helpers";
import { linesOf, readFlat, tablesOf } from "./tokens";

async function referenceDocx(): Promise<string> {
  const result = await docxToText(fixtureBytes(`${REFERENCE}.docx`));
  if (!result.ok) throw new Error(result.error);
  return result.text;
}

describe("docxToText on the reference report rebuilt as Word", () => {
  it("gives the reference table cell by cell, merged cells included", async () => {
    const [table] = tablesOf(await referenceDocx());
    const [expected] = tablesOf(referenceText());
    expect(table).toEqual(expected);
    // Spot checks of the merge convention: vertical merges leave a lone TAB, spans stay one cell.
    expect(table[4]).toEqual(["年度部门整体支出预算", "资金总额", "财政拨款", "其他资金"]);
    expect(table[5]).toEqual(["", "575.65", "575.65", "0"]);
    expect(table[13].slice(0, 3)).toEqual(["", "产出指标", "数量指标"]);
    expect(table[14].slice(0, 3)).toEqual(["", "", "质量指标"]);
    expect(table[12][4]).toBe("绩效指标\n性质"); // a line break inside the cell
    expect(table[6][0]).toBe("年度总体\n目标"); // two paragraphs in the cell
  });

  it("gives the reference narrative lines, in order", async () => {
    const nonBlank = (lines: string[]) => lines.filter((line) => line.trim() !== "");
    expect(nonBlank(linesOf(await referenceDocx()))).toEqual(nonBlank(linesOf(referenceText())));
  });

  it("gives the reference text itself (but for its stray trailing blank)", async () => {
    expect(await referenceDocx()).toBe(`${referenceText().trimEnd()}\n`);
  });

  it("reads back to the same document as the reference text", async () => {
    const fromWord = parseReportText(await referenceDocx());
    const fromText = parseReportText(referenceText());
    expect(fromWord.ok).toBe(true);
    expect(fromWord.document).toEqual(fromText.document);
  });
});

describe("htmlToBlocks (mammoth's HTML → blocks)", () => {
  const table = (rows: string) => `<table>${rows}</table>`;
  it.each<[string, string, FlatBlock[]]>([
    ["paragraphs and headings", "<h1>标题</h1><p>正文</p>", [line("标题"), line("正文")]],
    ["inline markup joins", "<p><strong>（一）机构组成。</strong>泸县<em>总工会</em></p>", [line("（一）机构组成。泸县总工会")]],
    ["br is a line break", "<p>一<br />二</p>", [line("一\n二")]],
    ["entities", "<p>&lt;5&gt; &amp; &quot;x&quot; &#x4E2D;&#25991;</p>", [line('<5> & "x" 中文')]],
    ["empty paragraphs vanish", "<p></p><p> </p><p>a</p>", [line("a")]],
    ["list items are paragraphs", "<ol><li>一</li><li>二<ul><li>三</li></ul></li></ol>", [line("一"), line("二"), line("三")]],
    ["images are dropped", '<p>图<img src="" /></p>', [line("图")]],
    [
      "footnote back-links are dropped",
      '<p>注<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup></p><ol><li id="footnote-1"><p>脚注 <a href="#footnote-ref-1">↑</a></p></li></ol>',
      [line("注[1]"), line("脚注 ")],
    ],
    [
      "rowspan leaves a lone slot below",
      table('<tr><td>A</td><td rowspan="2">B</td><td>C</td></tr><tr><td>D</td><td>E</td></tr>'),
      [rows(["A", "B", "C"], ["D", "", "E"])],
    ],
    [
      "rowspan over several columns leaves ONE slot",
      table('<tr><td rowspan="2" colspan="2">A</td><td>B</td></tr><tr><td>C</td></tr>'),
      [rows(["A", "B"], ["", "C"])],
    ],
    [
      "rowspan at the end of the row",
      table('<tr><td>A</td><td rowspan="3">B</td></tr><tr><td>C</td></tr><tr><td>D</td></tr>'),
      [rows(["A", "B"], ["C", ""], ["D", ""])],
    ],
    [
      "nested rowspans (一级指标 inside 年度绩效指标)",
      table(
        '<tr><td rowspan="3">年度绩效指标</td><td>一级</td><td>二级</td></tr>' +
          '<tr><td rowspan="2">产出</td><td>数量</td></tr><tr><td>质量</td></tr>',
      ),
      [rows(["年度绩效指标", "一级", "二级"], ["", "产出", "数量"], ["", "", "质量"])],
    ],
    [
      "colspan is one cell",
      table('<tr><td colspan="10"><p>自评表</p></td></tr><tr><td>部门名称</td><td colspan="9">总工会</td></tr>'),
      [rows(["自评表"], ["部门名称", "总工会"])],
    ],
    [
      "thead, th, empty and multi-paragraph cells",
      table("<thead><tr><th>名称</th><th></th></tr></thead><tbody><tr><td><p>年度</p><p>目标</p></td><td>x</td></tr></tbody>"),
      [rows(["名称", ""], ["年度\n目标", "x"])],
    ],
    [
      "a table inside a cell becomes lines",
      table("<tr><td><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table></td><td>d</td></tr>"),
      [rows(["a b\nc", "d"])],
    ],
    [
      "paragraph, table, paragraph",
      `<p>前</p>${table("<tr><td>x</td></tr>")}<p>后</p>`,
      [line("前"), rows(["x"]), line("后")],
    ],
  ])("%s", (_name, html, expected) => {
    expect(htmlToBlocks(html)).toEqual(expected);
  });

  it("survives junk HTML", () => {
    expect(() => htmlToBlocks("<p>a</td></table><td rowspan=\"x\">b<table><tr>")).not.toThrow();
    expect(htmlToBlocks('<table><tr><td rowspan="99999999">a</td></tr><tr></tr></table>')).toEqual([rows(["a"], [""])]);
  });
});

describe("writeFlat", () => {
  it("writes cells one per line, rows ended by a blank line, the table by another", () => {
    const text = writeFlat([line("标题"), rows(["a", ""], ["年度\n目标", "x"]), line("注")]);
    expect(text).toBe("标题\n\ta\n\t\n\n\t年度\n目标\n\tx\n\n\n注\n");
    expect(readFlat(text)).toEqual([line("标题"), rows(["a", ""], ["年度\n目标", "x"]), line("注")]);
  });

  it("never lets text break the format: TABs become spaces, blank lines inside a cell vanish", () => {
    const text = writeFlat([line("\t缩进\t文字"), rows(["a\n\n\tb\r", "\t"])]);
    expect(text).toBe(" 缩进 文字\n\ta\n b\n\t\n\n\n");
    expect(readFlat(text)).toEqual([line(" 缩进 文字"), rows(["a\n b", ""])]);
  });
});

describe("docxToText on hostile input", () => {
  it.each([
    ["random bytes", () => fixtureBytes("not-a-docx.docx"), "不是有效的 .docx 文件"],
    ["a zip bomb", () => fixtureBytes("bomb.docx"), "文件解压后过大，疑似压缩炸弹，已拒绝"],
    ["an Excel file", () => fixtureBytes(`${REFERENCE}-targets.xlsx`), "这是 Excel 工作簿，不是 Word 文档，请按 .xlsx 上传"],
    ["nothing", () => new Uint8Array(0), "不是有效的 .docx 文件"],
  ])("%s → an error, no exception", async (_name, bytes, error) => {
    await expect(docxToText(bytes())).resolves.toEqual({ ok: false, error });
  });
});

function line(text: string): FlatBlock {
  return { kind: "line", text };
}

function rows(...cells: string[][]): FlatBlock {
  return { kind: "table", rows: cells };
}
