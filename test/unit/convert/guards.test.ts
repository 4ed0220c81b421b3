/**
 * Abusive but structurally valid .docx/.xlsx/.zip files: each is refused by the parsers' own
 * guards (zip.ts, docx.ts, xlsx.ts) with a Chinese message naming the limit, before mammoth or
 * exceljs builds anything from it — so these run in the test process itself.
 */
import { expandReportZip } from "~/domain/import/archive";
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from "fflate";
import { describe, expect, it } from "vitest";
import { docxToText } from "~/domain/import/docx";
import { convertUpload } from "~/domain/import/file";
import {
  MAX_CELLS,
  MAX_DOCX_NODES,
  MAX_DOCX_PARAGRAPHS,
  MAX_DOCX_RUNS,
  MAX_DOCX_TABLE_CELLS,
  MAX_DOCX_TABLE_NESTING,
  MAX_DOCX_TABLE_ROWS,
  MAX_DOCX_XML_BYTES,
  MAX_MERGES_PER_SHEET,
  MAX_SHARED_STRINGS,
  MAX_SHEET_COLUMNS,
  MAX_SHEET_ROWS,
  MAX_SHEETS,
  MAX_STYLE_ELEMENTS,
  MAX_XLSX_ELEMENTS,
  MAX_XLSX_TEXT_BYTES,
  MAX_XML_DEPTH,
  MAX_ZIP_ENTRIES,
} from "~/domain/import/limits";
import { xlsxToText } from "~/domain/import/xlsx";
import { DTD_MESSAGE, inspectZip, readZipEntries, scanXml, type XmlTag } from "~/domain/import/zip";
import { encodeGbk, fixtureBytes, handZip, REFERENCE, unicodePathExtra } from "./helpers";
import { mergeBombXlsx, noise as lcgNoise, paragraphBombDocx, replaceIn, rezip } from "./hostile";

const noise = (length: number, alphabet?: string) => lcgNoise(length, alphabet, 0x9e3779b9);

const docx = () => fixtureBytes(`${REFERENCE}.docx`);
const xlsx = () => fixtureBytes(`${REFERENCE}-targets.xlsx`);

const repeat = (count: number, xml: string) => xml.repeat(count);
/** Puts XML right after (or before) an anchor of a part. */
const intoBody = (files: Record<string, Uint8Array>, xml: string, part = "word/document.xml", anchor = "<w:body>", where: "after" | "before" = "after") =>
  replaceIn(files, part, anchor, where === "after" ? anchor + xml : xml + anchor);
const docxWith = (xml: string, part?: string, after?: string) => rezip(docx(), (files) => intoBody(files, xml, part, after));
const sheetWith = (xml: string, anchor = "</sheetData>", where: "after" | "before" = "after") =>
  rezip(xlsx(), (files) => intoBody(files, xml, "xl/worksheets/sheet1.xml", anchor, where));

const refused = (error: string) => ({ ok: false, error });

describe(".docx: what mammoth would build is counted first", () => {
  const paragraphs = `文档段落过多（超过 ${MAX_DOCX_PARAGRAPHS} 段），疑似异常文件，已拒绝`;

  it("the 640 KB file with 12 MB of empty paragraphs that ran the server out of memory", async () => {
    const bomb = paragraphBombDocx();
    expect(bomb.length).toBeLessThan(700 * 1024);
    await expect(docxToText(bomb)).resolves.toEqual(refused(paragraphs));
    await expect(convertUpload("自评报告.docx", bomb)).resolves.toEqual(refused(paragraphs));
  });

  it.each<[string, () => Uint8Array, string]>([
    ["paragraphs in the body", () => docxWith(repeat(MAX_DOCX_PARAGRAPHS + 1, "<w:p/>")), paragraphs],
    ["paragraphs in the footnotes", () => docxWith(repeat(MAX_DOCX_PARAGRAPHS + 1, "<w:p/>"), "word/footnotes.xml", "</w:footnote>"), paragraphs],
    ["paragraphs in the endnotes", () => docxWith(repeat(MAX_DOCX_PARAGRAPHS + 1, "<w:p/>"), "word/endnotes.xml", "</w:endnote>"), paragraphs],
    [
      "paragraphs in comments (a part mammoth finds through the document's relationships)",
      () =>
        rezip(docx(), (files) => {
          files["word/comments.xml"] = strToU8(
            `<?xml version="1.0"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0">${repeat(MAX_DOCX_PARAGRAPHS + 1, "<w:p/>")}</w:comment></w:comments>`,
          );
          intoBody(
            files,
            '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>',
            "word/_rels/document.xml.rels",
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">',
          );
        }),
      paragraphs,
    ],
    [
      "a main document the package relationships point elsewhere (word/main.xml)",
      () =>
        rezip(docx(), (files) => {
          files["word/main.xml"] = strToU8(strFromU8(files["word/document.xml"]).replace("<w:body>", `<w:body>${repeat(MAX_DOCX_PARAGRAPHS + 1, "<w:p/>")}`));
          files["_rels/.rels"] = strToU8(strFromU8(files["_rels/.rels"]).replace('Target="word/document.xml"', 'Target="/word/main.xml"'));
        }),
      paragraphs,
    ],
    [
      "a main document named like a picture (word/media/image9.png)",
      () =>
        rezip(docx(), (files) => {
          files["word/media/image9.png"] = strToU8(strFromU8(files["word/document.xml"]).replace("<w:body>", `<w:body>${repeat(MAX_DOCX_PARAGRAPHS + 1, "<w:p/>")}`));
          files["_rels/.rels"] = strToU8(strFromU8(files["_rels/.rels"]).replace('Target="word/document.xml"', 'Target="word/media/image9.png"'));
        }),
      paragraphs,
    ],
    ["runs", () => docxWith(`<w:p>${repeat(MAX_DOCX_RUNS + 1, "<w:r/>")}</w:p>`), `文档文字片段过多（超过 ${MAX_DOCX_RUNS} 个），疑似异常文件，已拒绝`],
    ["table rows", () => docxWith(`<w:tbl>${repeat(MAX_DOCX_TABLE_ROWS + 1, "<w:tr/>")}</w:tbl>`), `文档表格行数过多（超过 ${MAX_DOCX_TABLE_ROWS} 行），疑似异常文件，已拒绝`],
    [
      "table cells",
      () => docxWith(`<w:tbl>${repeat(1000, `<w:tr>${repeat(Math.ceil((MAX_DOCX_TABLE_CELLS + 1) / 1000), "<w:tc/>")}</w:tr>`)}</w:tbl>`),
      `文档表格单元格过多（超过 ${MAX_DOCX_TABLE_CELLS} 个），疑似异常文件，已拒绝`,
    ],
    [
      "tables nested in tables",
      () => docxWith(`${repeat(MAX_DOCX_TABLE_NESTING + 1, "<w:tbl><w:tr><w:tc>")}<w:p/>${repeat(MAX_DOCX_TABLE_NESTING + 1, "</w:tc></w:tr></w:tbl>")}`),
      `文档表格嵌套过深（超过 ${MAX_DOCX_TABLE_NESTING} 层），疑似异常文件，已拒绝`,
    ],
    [
      "elements nested past the depth mammoth's recursion survives",
      () => docxWith(`<w:p>${repeat(MAX_XML_DEPTH, "<w:hyperlink>")}${repeat(MAX_XML_DEPTH, "</w:hyperlink>")}</w:p>`),
      `文件内容嵌套层级过深（超过 ${MAX_XML_DEPTH} 层），疑似异常文件，已拒绝`,
    ],
    [
      "elements and attributes (each a DOM node)",
      () => docxWith(repeat(Math.ceil(MAX_DOCX_NODES / 10), '<w:p w:a="1" w:b="1" w:c="1" w:d="1" w:e="1" w:f="1" w:g="1" w:h="1" w:i="1"/>')),
      `文档结构过于复杂（XML 元素和属性超过 ${MAX_DOCX_NODES} 个），疑似异常文件，已拒绝`,
    ],
    [
      "styles made of hundreds of thousands of elements",
      () => docxWith(repeat(MAX_DOCX_NODES + 1, "<w:style/>"), "word/styles.xml", "</w:docDefaults>"),
      `文档结构过于复杂（XML 元素和属性超过 ${MAX_DOCX_NODES} 个），疑似异常文件，已拒绝`,
    ],
    [
      "20 MB of text in the footnotes",
      () => docxWith(`<w:p><w:r><w:t>${strFromU8(noise(MAX_DOCX_XML_BYTES, "abcdefghijklmnopqrstuvwxyz"))}</w:t></w:r></w:p>`, "word/footnotes.xml", "</w:footnote>"),
      `文档内容过大（正文、样式、脚注等部件超过 ${MAX_DOCX_XML_BYTES / 1024 / 1024} MB），疑似异常文件，已拒绝`,
    ],
  ])("%s", async (_name, bytes, error) => {
    await expect(docxToText(bytes())).resolves.toEqual(refused(error));
  });

  it("counts the part JSZip will read: the local header's name, not the central directory's", async () => {
    const files = unzipSync(paragraphBombDocx());
    const bomb = handZip(
      Object.entries(files).map(([name, data]) =>
        name === "word/document.xml" ? { name: "word/notes.xml", localName: name, data } : { name, data, method: name.endsWith(".png") ? 0 : 8 },
      ),
    );
    await expect(docxToText(bomb)).resolves.toEqual(refused(paragraphs));
  });

  it("still reads the reference report", async () => {
    expect((await docxToText(docx())).ok).toBe(true);
  });
});

describe(".xlsx: what exceljs would build is counted first", () => {
  const tooLarge = "工作表过大（超过 50 万个单元格），请只保留自评表后再上传";
  const outOfGrid = "单元格地址超出 Excel 的范围（最大 XFD1048576），疑似异常文件，已拒绝";
  const withPart = (name: string, xml: string) => rezip(xlsx(), (files) => (files[name] = strToU8(xml)));
  const sheetXml = (body: string) => `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${body}</worksheet>`;
  const mergeSheet = (ref: string) => sheetXml(`<sheetData/><mergeCells count="1"><mergeCell ref="${ref}"/></mergeCells>`);

  it.each<[string, () => Uint8Array, string]>([
    ["a 1.6 KB merge over the whole sheet, in a part named sheet1.xml~", () => mergeBombXlsx(), tooLarge],
    ["a 2M-cell merge, in a part named sheet1.xml~", () => mergeBombXlsx("A1:B1000000"), tooLarge],
    ["a merge in xl/worksheets/sheet7.xml.bak", () => withPart("xl/worksheets/sheet7.xml.bak", mergeSheet("A1:XFD1048576")), tooLarge],
    ["a merge in a part named like a picture", () => withPart("xl/media/xl/worksheets/sheet2.xml.png", mergeSheet("A1:XFD1048576")), tooLarge],
    ["a merge written with character references", () => sheetWith('<mergeCells><mergeCell ref="&#65;1:&#x58;FD1048576"/></mergeCells>'), tooLarge],
    ["a merge behind a sheet name", () => sheetWith("<mergeCells><mergeCell ref=\"'自评表'!A1:XFD1048576\"/></mergeCells>"), tooLarge],
    [
      `more than ${MAX_CELLS} cells`,
      () => sheetWith(repeat(1000, `<row>${repeat(Math.ceil((MAX_CELLS + 1) / 1000), "<c/>")}</row>`), "<sheetData>"),
      tooLarge,
    ],
    [
      "thousands of merges (exceljs checks each against all the others)",
      () => sheetWith(`<mergeCells>${Array.from({ length: MAX_MERGES_PER_SHEET + 1 }, (_, i) => `<mergeCell ref="L${i + 1}"/>`).join("")}</mergeCells>`),
      `合并单元格过多（一个工作表超过 ${MAX_MERGES_PER_SHEET} 处），疑似异常文件，已拒绝`,
    ],
    ["a cell below row 1048576", () => sheetWith('<row r="99"><c r="A1048577"><v>1</v></c></row>', "<sheetData>"), outOfGrid],
    ["a row below row 1048576", () => sheetWith('<row r="2000000000"/>', "<sheetData>"), outOfGrid],
    ["a column definition past XFD", () => sheetWith('<col min="11" max="999999999"/>', "<cols>"), outOfGrid],
    ["a dimension past XFD", () => rezip(xlsx(), (files) => replaceIn(files, "xl/worksheets/sheet1.xml", '<dimension ref="A1:J22"/>', '<dimension ref="A1:ZZZZ99999999"/>')), outOfGrid],
    ["a merge below row 1048576", () => sheetWith('<mergeCells><mergeCell ref="A1:A99999999"/></mergeCells>'), outOfGrid],
    [
      "empty rows",
      () => sheetWith(Array.from({ length: MAX_SHEET_ROWS + 1 }, (_, i) => `<row r="${i + 100}"/>`).join(""), "<sheetData>"),
      `工作表行数过多（超过 ${MAX_SHEET_ROWS} 行），请只保留自评表后再上传`,
    ],
    [
      "sheets styled to the last column (exceljs creates every column up to it)",
      () =>
        rezip(xlsx(), (files) => {
          for (let i = 2; i <= Math.ceil(MAX_SHEET_COLUMNS / 16384) + 1; i++) files[`xl/worksheets/sheet${i}.xml`] = strToU8(sheetXml('<cols><col min="1" max="16384" width="9"/></cols><sheetData/>'));
        }),
      `工作表的列过多（合计超过 ${MAX_SHEET_COLUMNS} 列），请只保留自评表后再上传`,
    ],
    [
      "hundreds of tiny sheet parts",
      () =>
        rezip(xlsx(), (files) => {
          for (let i = 2; i <= MAX_SHEETS + 1; i++) files[`xl/worksheets/sheet${i}.xml`] = strToU8(sheetXml("<sheetData/>"));
        }),
      `工作表过多（超过 ${MAX_SHEETS} 个），请只保留自评表后再上传`,
    ],
    [
      "hundreds of sheets listed in the workbook",
      () =>
        rezip(xlsx(), (files) =>
          intoBody(files, Array.from({ length: MAX_SHEETS + 1 }, (_, i) => `<sheet name="s${i}" sheetId="${i + 2}" r:id="rId${i + 10}"/>`).join(""), "xl/workbook.xml", "<sheets>"),
        ),
      `工作表过多（超过 ${MAX_SHEETS} 个），请只保留自评表后再上传`,
    ],
    [
      "a huge shared strings table",
      () => rezip(xlsx(), (files) => intoBody(files, repeat(MAX_SHARED_STRINGS + 1, "<si><t>x</t></si>"), "xl/sharedStrings.xml", 'uniqueCount="64">')),
      `共享字符串过多（超过 ${MAX_SHARED_STRINGS} 个），疑似异常文件，已拒绝`,
    ],
    [
      "20 MB of shared string text",
      () =>
        rezip(xlsx(), (files) =>
          intoBody(files, `<si><t>${strFromU8(noise(MAX_XLSX_TEXT_BYTES, "abcdefghijklmnopqrstuvwxyz"))}</t></si>`, "xl/sharedStrings.xml", 'uniqueCount="64">'),
        ),
      `工作簿文字内容过多（超过 ${MAX_XLSX_TEXT_BYTES / 1024 / 1024} MB），疑似异常文件，已拒绝`,
    ],
    [
      "huge styles",
      () => rezip(xlsx(), (files) => intoBody(files, repeat(MAX_STYLE_ELEMENTS, "<xf/>"), "xl/styles.xml", '<cellXfs count="10">')),
      `样式表过大（超过 ${MAX_STYLE_ELEMENTS} 个元素），疑似异常文件，已拒绝`,
    ],
    [
      "millions of elements in a drawing",
      () => withPart("xl/drawings/drawing1.xml", `<?xml version="1.0"?><xdr:wsDr xmlns:xdr="x">${repeat(MAX_XLSX_ELEMENTS, "<a/>")}</xdr:wsDr>`),
      `工作簿结构过于复杂（XML 元素超过 ${MAX_XLSX_ELEMENTS} 个），疑似异常文件，已拒绝`,
    ],
    [
      "one text in A1 and one in XFD, in every row (the text would be billions of TABs)",
      () =>
        sheetWith(
          Array.from({ length: 130 }, (_, i) => `<row r="${i + 200}"><c r="A${i + 200}" t="inlineStr"><is><t>a</t></is></c><c r="XFD${i + 200}" t="inlineStr"><is><t>z</t></is></c></row>`).join(""),
          "</sheetData>",
          "before",
        ),
      "工作表有效区域过大（超过 2000000 个单元格），请只保留自评表后再上传",
    ],
  ])("%s", async (_name, bytes, error) => {
    await expect(xlsxToText(bytes())).resolves.toEqual(refused(error));
  });

  it("cuts data validations however their end tag is written (exceljs expands them per cell)", async () => {
    const bytes = sheetWith(
      '<dataValidations count="1"><dataValidation type="list" sqref="A1:XFD1048576"><formula1>"是,否"</formula1></dataValidation></dataValidations >',
      "</mergeCells>",
    );
    await expect(xlsxToText(bytes)).resolves.toEqual(await xlsxToText(xlsx()));
  });
});

describe("DTDs and entities are refused in every XML part the libraries read", () => {
  const laughs =
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>';
  const withLaughs = (xml: string) => (xml.startsWith("<?xml") ? xml.replace("?>", `?>${laughs}`) : laughs + xml);
  const poisoned = (base: Uint8Array, part: string, add?: string) =>
    rezip(base, (files) => {
      files[part] = strToU8(withLaughs(add ?? strFromU8(files[part])));
    });

  it.each([
    "[Content_Types].xml",
    "_rels/.rels",
    "word/_rels/document.xml.rels",
    "word/document.xml",
    "word/styles.xml",
    "word/numbering.xml",
    "word/footnotes.xml",
    "word/_rels/footnotes.xml.rels",
    "word/endnotes.xml",
    "word/settings.xml",
    "word/fontTable.xml",
    "word/theme/theme1.xml",
    "docProps/core.xml",
  ])(".docx: %s", async (part) => {
    await expect(docxToText(poisoned(docx(), part))).resolves.toEqual(refused(DTD_MESSAGE));
  });

  it(".docx: a main document named like a picture", async () => {
    const bytes = rezip(docx(), (files) => {
      files["word/media/image9.png"] = strToU8(withLaughs(strFromU8(files["word/document.xml"])));
      files["_rels/.rels"] = strToU8(strFromU8(files["_rels/.rels"]).replace('Target="word/document.xml"', 'Target="word/media/image9.png"'));
    });
    await expect(docxToText(bytes)).resolves.toEqual(refused(DTD_MESSAGE));
  });

  const extraParts: Record<string, string> = {
    "xl/drawings/drawing1.xml": '<?xml version="1.0"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"/>',
    "xl/drawings/_rels/drawing1.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
    "xl/drawings/vmlDrawing1.vml": '<xml xmlns:v="urn:schemas-microsoft-com:vml"></xml>',
    "xl/comments1.xml": '<?xml version="1.0"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    "xl/tables/table1.xml": '<?xml version="1.0"?><table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    "xl/worksheets/_rels/sheet1.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
    "xl/media/xl/worksheets/sheet2.xml.png": '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
  };
  it.each([
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/theme/theme1.xml",
    "docProps/app.xml",
    "docProps/core.xml",
    ...Object.keys(extraParts),
  ])(".xlsx: %s", async (part) => {
    await expect(xlsxToText(poisoned(xlsx(), part, extraParts[part]))).resolves.toEqual(refused(DTD_MESSAGE));
  });
});

describe("many tiny parts", () => {
  const tiny = () => rezip(docx(), (files) => {
    for (let i = 0; i < MAX_ZIP_ENTRIES; i++) files[`customXml/item${i}.xml`] = strToU8("<a/>");
  });

  it("refuses a .docx or .xlsx of more than 5000 entries, naming the limit", async () => {
    const error = `文件内部条目过多（超过 ${MAX_ZIP_ENTRIES} 个），疑似异常文件，已拒绝`;
    const bytes = tiny();
    await expect(docxToText(bytes)).resolves.toEqual(refused(error));
    await expect(xlsxToText(bytes)).resolves.toEqual(refused(error));
    await expect(convertUpload("报告.docx", bytes)).resolves.toEqual(refused(error));
  });

  it("refuses an archive of more than 5000 files", () => {
    expect(readZipEntries(tiny())).toEqual({ ok: false, problem: "entries", error: `压缩包内文件过多（超过 ${MAX_ZIP_ENTRIES} 个），疑似异常文件，已拒绝` });
  });
});

describe("readZipEntries: a .zip from Chinese Windows", () => {
  const report = docx();
  const table = xlsx();
  // As Explorer/WinRAR/360压缩 write it: GBK names, bit 11 clear, no Unicode Path field.
  const windowsZip = () =>
    handZip([
      { name: encodeGbk("2023年自评/"), data: new Uint8Array(0), method: 0 },
      { name: encodeGbk("2023年自评/泸县总工会2023年自评报告.docx"), data: report },
      { name: encodeGbk("2023年自评/合江县教育局自评表.xlsx"), data: table },
      { name: "readme.txt", data: strToU8("ascii") },
      { name: "说明（UTF-8）.txt", data: strToU8("utf-8 name"), flags: 0x800 },
    ]);

  it("decodes the names as GB18030 unless the entry says UTF-8", () => {
    const result = readZipEntries(windowsZip());
    expect(result.ok && result.entries.map((e) => e.name)).toEqual([
      "2023年自评/泸县总工会2023年自评报告.docx",
      "2023年自评/合江县教育局自评表.xlsx",
      "readme.txt",
      "说明（UTF-8）.txt",
    ]);
    expect(result.ok && result.entries[0].bytes).toEqual(report);
    expect(result.ok && result.entries[1].bytes).toEqual(table);
    // fflate reads such names as latin1: the reason intake found no report in these zips.
    expect(Object.keys(unzipSync(windowsZip()))).not.toContain("2023年自评/泸县总工会2023年自评报告.docx");
  });

  it("the files inside convert", async () => {
    const result = readZipEntries(windowsZip(), (name) => name.endsWith(".docx"));
    expect(result.ok && result.entries.map((e) => e.name)).toEqual(["2023年自评/泸县总工会2023年自评报告.docx"]);
    const [entry] = result.ok ? result.entries : [];
    expect((await convertUpload(entry.name.split("/").pop()!, entry.bytes)).ok).toBe(true);
  });

  it("bulk intake's expansion finds every report file in it", () => {
    const expanded = expandReportZip(windowsZip());
    expect(expanded.ok && expanded.files.map((f) => f.name)).toEqual(["泸县总工会2023年自评报告.docx", "合江县教育局自评表.xlsx", "readme.txt", "说明（UTF-8）.txt"]);
    expect(expanded.ok && expanded.files[0].bytes).toEqual(report);
  });

  it("inspectZip names them alike", () => {
    const inspection = inspectZip(windowsZip());
    expect(inspection.ok && [...inspection.names]).toContain("2023年自评/泸县总工会2023年自评报告.docx");
  });

  it("uses an Info-ZIP Unicode Path field, unless its CRC says it is stale", () => {
    const written = encodeGbk("旧名.docx");
    const named = (extra: Uint8Array) => {
      const result = readZipEntries(handZip([{ name: written, data: strToU8("x"), extra }]));
      return result.ok && result.entries[0].name;
    };
    expect(named(unicodePathExtra("泸县总工会2023年自评报告.docx", written))).toBe("泸县总工会2023年自评报告.docx");
    expect(named(unicodePathExtra("泸县总工会2023年自评报告.docx", written, 12345))).toBe("旧名.docx");
  });

  it.each<[string, () => Uint8Array, string]>([
    ["a zip bomb", () => fixtureBytes("bomb.docx"), "压缩包解压后过大，疑似压缩炸弹，已拒绝"],
    ["bytes that are no zip", () => strToU8("PK no zip"), "不是有效的 .zip 压缩包"],
    ["bytes between the directory and its end (JSZip would shift every offset)", () => handZip([{ name: "a.txt", data: strToU8("a") }], { gap: 7 }), "不是有效的 .zip 压缩包"],
    [
      "more directory records than the end record declares (JSZip reads them all)",
      () => handZip([{ name: "a.txt", data: strToU8("a") }, { name: "b.txt", data: strToU8("b") }], { declaredCount: 1 }),
      "不是有效的 .zip 压缩包",
    ],
  ])("refuses %s", (_name, bytes, error) => {
    expect(readZipEntries(bytes())).toMatchObject({ ok: false, error });
  });
});

describe("scanXml", () => {
  const tags = (xml: string) => {
    const seen: Array<[string, number, boolean]> = [];
    scanXml(strToU8(xml), { open: (tag: XmlTag, depth) => seen.push([tag.name, depth, tag.selfClosing]) });
    return seen;
  };

  it("reads tags as a parser does: '>' in attribute values, comments, CDATA, PIs", () => {
    expect(tags('<?xml version="1.0"?><a x=">" y=\'/>\'><!-- <b/> --><![CDATA[<c/>]]><d/></a>')).toEqual([
      ["a", 1, false],
      ["d", 2, true],
    ]);
  });

  it("reads attributes with references expanded and whitespace normalized", () => {
    let value: string | undefined;
    scanXml(strToU8('<mergeCell foo="1" ref = "&#65;1:&#x58;FD&amp;\n2"/>'), { open: (tag) => (value = tag.attr("ref")) });
    expect(value).toBe("A1:XFD& 2");
  });

  it("refuses any markup declaration", () => {
    expect(() => tags('<!ENTITY a "b"><a/>')).toThrow(DTD_MESSAGE);
    expect(() => tags("<!doctype a><a/>")).toThrow(DTD_MESSAGE);
  });
});
