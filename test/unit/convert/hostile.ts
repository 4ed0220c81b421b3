/**
 * Office files that cost a parser more than any server can give, built in memory: for the
 * convert pool's tests (test/unit/convert/pool.test.ts) and bulk intake's
 * (test/integration/intakeIsolation.test.ts). Never open one in the test process itself.
 */
import { strToU8, zipSync, type Zippable } from "fflate";

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/** Bytes that do not compress (a fixed LCG, so every run builds the same file). */
function noise(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = 0x2545f491;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
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
