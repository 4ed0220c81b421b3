/**
 * Uploads (Office files, PDFs, web pages) that cost a parser more than any server can give,
 * built in memory: for the parser guards' tests (./guards.test.ts), the convert pool's
 * (./pool.test.ts), bulk intake's (test/integration/intakeIsolation.test.ts), the PDF import's
 * (test/unit/import/pdf.test.ts), the web page import's (test/unit/import/html.test.ts) and the
 * hostile-file suite through the real server (test/integration/security/hostileFiles.test.ts).
 * Never hand one to mammoth or exceljs in the test process itself (the PDF guards refuse
 * theirs before pdf.js does the heavy work).
 */
import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from "fflate";
import { handPdf, onePagePdf } from "../../support/pdf";
import { encodeGbk, handZip } from "./helpers";

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/**
 * Bytes that do not compress (a fixed LCG, so every run builds the same file); with an
 * alphabet, characters drawn from it.
 */
export function noise(length: number, alphabet?: string, seed = 0x2545f491): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = alphabet ? alphabet.charCodeAt((state >>> 24) % alphabet.length) : state >>> 24;
  }
  return bytes;
}

/**
 * A copy of an Office file with its parts changed. Repetitive XML compresses a thousandfold,
 * which the zip bomb check refuses by itself; a stored picture of noise keeps the ratio near
 * 20:1, so that the limit under test is the one that speaks.
 */
export function rezip(base: Uint8Array, change: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(base);
  change(files);
  const inflated = Object.values(files).reduce((n, f) => n + f.length, 0);
  const zippable: Zippable = { ...files };
  if (inflated > 1024 * 1024) zippable["docProps/thumbnail.jpeg"] = [noise(Math.ceil(inflated / 20), undefined, 0x9e3779b9), { level: 0 }];
  return zipSync(zippable, { level: 1 });
}

/** Replaces the first `from` in a part (which must have one). */
export function replaceIn(files: Record<string, Uint8Array>, part: string, from: string, to: string): void {
  const text = strFromU8(files[part]);
  if (!text.includes(from)) throw new Error(`${part} has no ${from}`);
  files[part] = strToU8(text.replace(from, () => to));
}

/**
 * A 640 KB .docx with 12 MB of empty paragraphs (`<w:p/>` × 2 million): mammoth builds a node
 * per paragraph and needs more than 1 GB of heap. A 620 KB picture of noise keeps the
 * compression ratio (about 19:1) under the zip bomb check's.
 */
export function paragraphBombDocx(paragraphs = 2_000_000): Uint8Array {
  const files: Zippable = {
    "[Content_Types].xml": strToU8(`${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`),
    "_rels/.rels": strToU8(`${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`),
    "word/document.xml": strToU8(`${XML}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${"<w:p/>".repeat(paragraphs)}</w:body></w:document>`),
    "word/media/image1.png": [noise(620_000), { level: 0 }],
  };
  return zipSync(files, { level: 9 });
}

/** A one-sheet workbook whose sheet part has the given name and XML body (inside <worksheet>). */
function workbook(sheetPart: string, sheetBody: string): Uint8Array {
  return zipSync({
    "[Content_Types].xml": strToU8(`${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/${sheetPart}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
    "_rels/.rels": strToU8(`${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    "xl/workbook.xml": strToU8(`${XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="自评表" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    "xl/_rels/workbook.xml.rels": strToU8(`${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/${sheetPart}"/></Relationships>`),
    [`xl/worksheets/${sheetPart}`]: strToU8(`${XML}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${sheetBody}</worksheet>`),
  });
}

/**
 * A 1 KB .xlsx with one merged range over the whole sheet (16384 columns × 1048576 rows):
 * exceljs makes an object per merged cell. The sheet part is named `sheet1.xml~`, which the
 * workbook's relationships may point at as well as at `sheet1.xml`.
 */
export function mergeBombXlsx(ref = "A1:XFD1048576", sheetPart = "sheet1.xml~"): Uint8Array {
  return workbook(sheetPart, `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>部门名称</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="${ref}"/></mergeCells>`);
}

/**
 * An ordinary, large workbook: `rows` × 10 numbers (400k cells for 40,000 rows, under the
 * 500k-cell limit). It converts, in a few seconds and a few hundred MB — more than a pool with
 * small limits gives, so the limits can be tested with a file no parser guard refuses.
 */
export function largeWorkbook(rows = 40_000): Uint8Array {
  const columns = "ABCDEFGHIJ";
  const parts: string[] = [];
  for (let r = 1; r <= rows; r++) {
    parts.push(`<row r="${r}">`);
    for (let c = 0; c < columns.length; c++) parts.push(`<c r="${columns[c]}${r}"><v>${(r * 7919 + c * 104729) % 1000003}</v></c>`);
    parts.push("</row>");
  }
  return workbook("sheet1.xml", `<sheetData>${parts.join("")}</sheetData>`);
}

/** One page whose content places `items` one-letter strings each at its own spot: pdf.js makes a text item of each. */
export function textItemBombPdf(items = 150_000): Uint8Array {
  const shows: string[] = [];
  for (let i = 0; i < items; i++) shows.push(`1 0 0 1 ${(i % 40) * 14} ${Math.floor(i / 40) % 800} Tm (x) Tj`);
  return onePagePdf(`BT /F1 8 Tf ${shows.join("\n")} ET`);
}

/** One page whose deflated content stream is `megabytes` of spaces: pdf.js would keep it all, decoded. */
export function inflateBombPdf(megabytes = 128): Uint8Array {
  const stream = deflateSync(Buffer.alloc(megabytes * 1024 * 1024, 0x20), { level: 9 });
  return handPdf([
    "<</Type/Catalog/Pages 2 0 R>>",
    "<</Type/Pages/Count 1/Kids[3 0 R]>>",
    "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
    { dict: "/Filter/FlateDecode", stream },
  ]);
}

/** A page tree of `pages` real, empty pages. */
export function manyPagesPdf(pages: number): Uint8Array {
  const kids = Array.from({ length: pages }, (_, i) => `${i + 3} 0 R`).join(" ");
  const page = "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>";
  return handPdf(["<</Type/Catalog/Pages 2 0 R>>", `<</Type/Pages/Count ${pages}/Kids[${kids}]>>`, ...Array.from({ length: pages }, () => page)]);
}

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const LAUGHS =
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>';
const withLaughs = (files: Record<string, Uint8Array>, part: string) => {
  const xml = strFromU8(files[part]);
  files[part] = strToU8(xml.startsWith("<?xml") ? xml.replace("?>", `?>${LAUGHS}`) : LAUGHS + xml);
};

export interface AbusiveFile {
  /** What it is, for the failure message. */
  what: string;
  fileName: string;
  bytes: () => Uint8Array;
  /** Only bulk intake takes a .zip of reports. */
  intakeOnly?: boolean;
}

/**
 * Structurally valid but abusive uploads, one of each kind found so far: what a hostile unit
 * account (import preview) or an unlucky reviewer (批量接收) may send.
 */
export function abusiveFiles(): AbusiveFile[] {
  const docx = () => fixture("luxian-trade-union-2023.docx");
  const xlsx = () => fixture("luxian-trade-union-2023-targets.xlsx");
  const inBody = (xml: string) => rezip(docx(), (files) => replaceIn(files, "word/document.xml", "<w:body>", `<w:body>${xml}`));
  const inSheet = (xml: string) => rezip(xlsx(), (files) => replaceIn(files, "xl/worksheets/sheet1.xml", "</sheetData>", `</sheetData>${xml}`));
  return [
    { what: "640 KB .docx of 2M empty paragraphs", fileName: "段落炸弹.docx", bytes: () => paragraphBombDocx() },
    { what: "1 KB .xlsx merging the whole sheet, part named sheet1.xml~", fileName: "合并炸弹.xlsx", bytes: () => mergeBombXlsx() },
    { what: ".xlsx merging 2M cells", fileName: "合并两百万.xlsx", bytes: () => mergeBombXlsx("A1:B1000000") },
    { what: "zip bomb named .docx", fileName: "压缩炸弹.docx", bytes: () => fixture("bomb.docx") },
    { what: "billion laughs in word/document.xml", fileName: "实体炸弹.docx", bytes: () => rezip(docx(), (f) => withLaughs(f, "word/document.xml")) },
    { what: "billion laughs in word/styles.xml", fileName: "样式实体.docx", bytes: () => rezip(docx(), (f) => withLaughs(f, "word/styles.xml")) },
    { what: "billion laughs in [Content_Types].xml of an .xlsx", fileName: "类型实体.xlsx", bytes: () => rezip(xlsx(), (f) => withLaughs(f, "[Content_Types].xml")) },
    { what: "billion laughs in xl/workbook.xml", fileName: "工作簿实体.xlsx", bytes: () => rezip(xlsx(), (f) => withLaughs(f, "xl/workbook.xml")) },
    { what: "3000 tables nested in one another", fileName: "嵌套表格.docx", bytes: () => inBody("<w:tbl><w:tr><w:tc>".repeat(3000) + "<w:p/>" + "</w:tc></w:tr></w:tbl>".repeat(3000)) },
    { what: "300k runs in one paragraph", fileName: "文字段过多.docx", bytes: () => inBody(`<w:p>${"<w:r><w:t>预</w:t></w:r>".repeat(300_000)}</w:p>`) },
    { what: "150k table cells", fileName: "单元格过多.docx", bytes: () => inBody(`<w:tbl>${`<w:tr>${"<w:tc><w:p/></w:tc>".repeat(100)}</w:tr>`.repeat(1500)}</w:tbl>`) },
    { what: "300k shared strings", fileName: "共享字符串.xlsx", bytes: () => rezip(xlsx(), (f) => {
      const part = Object.keys(f).find((n) => /sharedStrings\.xml$/.test(n)) ?? "xl/sharedStrings.xml";
      f[part] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${Array.from({ length: 300_000 }, (_, i) => `<si><t>项目${i}</t></si>`).join("")}</sst>`);
    }) },
    { what: "600 sheets", fileName: "工作表过多.xlsx", bytes: () => rezip(xlsx(), (f) => {
      const sheet = f["xl/worksheets/sheet1.xml"];
      for (let i = 2; i <= 600; i++) f[`xl/worksheets/sheet${i}.xml`] = sheet;
      replaceIn(f, "xl/workbook.xml", "</sheets>", Array.from({ length: 599 }, (_, i) => `<sheet name="表${i + 2}" sheetId="${i + 2}" r:id="rIdX${i + 2}"/>`).join("") + "</sheets>");
      replaceIn(f, "xl/_rels/workbook.xml.rels", "</Relationships>", Array.from({ length: 599 }, (_, i) => `<Relationship Id="rIdX${i + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 2}.xml"/>`).join("") + "</Relationships>");
    }) },
    { what: "20k merged ranges (exceljs checks each against all)", fileName: "合并过多.xlsx", bytes: () => inSheet(`<mergeCells count="20000">${Array.from({ length: 20_000 }, (_, i) => `<mergeCell ref="A${i * 2 + 10}:B${i * 2 + 10}"/>`).join("")}</mergeCells>`) },
    { what: "8000 tiny parts", fileName: "碎片过多.docx", bytes: () => rezip(docx(), (f) => {
      for (let i = 0; i < 8000; i++) f[`word/media/tiny${i}.bin`] = new Uint8Array([i & 255]);
    }) },
    { what: "PDF with a page tree of a million kids", fileName: "页面树.pdf", bytes: () => strToU8(`%PDF-1.7\n1 0 obj<</Type/Pages/Count 1000000/Kids[${"2 0 R ".repeat(200_000)}]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF`) },
    { what: "PDF whose one page shows 150k text items", fileName: "文字片段.pdf", bytes: () => textItemBombPdf() },
    { what: "PDF whose page content inflates to 128 MB (a 130 KB file)", fileName: "解压炸弹.pdf", bytes: () => inflateBombPdf() },
    { what: "PDF of 5000 empty pages, each kid its own object", fileName: "页数过多.pdf", bytes: () => manyPagesPdf(5000) },
    { what: "web page nested 100k deep", fileName: "网页.html", bytes: () => strToU8(`<html><body>${"<div>".repeat(100_000)}部门名称</body></html>`) },
    { what: "web page of 300k empty elements", fileName: "元素过多.html", bytes: () => strToU8(`<html><body><p>${"<b></b>".repeat(300_000)}</p></body></html>`) },
    { what: "web page table of 150k cells", fileName: "单元格过多.htm", bytes: () => strToU8(`<table>${`<tr>${"<td>1</td>".repeat(100)}</tr>`.repeat(1500)}</table>`) },
    { what: "web page row of 5000 cells spanning 1000 rows each", fileName: "合并单元格.html", bytes: () => strToU8(`<table><tr>${'<td rowspan="1000">预算</td>'.repeat(5000)}</tr>${"<tr></tr>".repeat(1000)}</table>`) },
    { what: ".mhtml whose page (base64) nests 100k deep", fileName: "网页.mhtml", bytes: () => strToU8(`MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${btoa("<div>".repeat(100_000))}\r\n--b--\r\n`) },
    { what: "19 MB text of numbers", fileName: "超长文本.txt", bytes: () => strToU8(`部门名称：泸县总工会\n年初预算 ${"1234567890.123456 ".repeat(1_000_000)}`) },
    { what: "19 MB text on one line of Chinese", fileName: "单行文本.txt", bytes: () => strToU8(`部门名称：泸县总工会 ${"预算执行率百分之九十".repeat(630_000)}`) },
    { what: "truncated .docx", fileName: "截断.docx", bytes: () => docx().subarray(0, 4000) },
    {
      what: ".zip from Chinese Windows (GBK names) holding the paragraph bomb and the merge bomb",
      fileName: "批量.zip",
      intakeOnly: true,
      bytes: () => handZip([
        { name: encodeGbk("泸县总工会2023年自评报告.docx"), data: paragraphBombDocx(), method: 0 },
        { name: encodeGbk("泸县民政局自评表.xlsx"), data: mergeBombXlsx(), method: 0 },
      ]),
    },
    { what: ".zip of 600 report files", fileName: "六百个.zip", intakeOnly: true, bytes: () => zipSync(Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`单位${i}.txt`, strToU8("部门名称：x")]))) },
    { what: ".zip inside a .zip", fileName: "套娃.zip", intakeOnly: true, bytes: () => zipSync({ "内层.zip": zipSync({ "泸县总工会.docx": paragraphBombDocx() }), "说明.docx": fixture("bomb.docx") }) },
  ];
}
