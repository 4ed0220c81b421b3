/** Upload limits shared by the browser (checked before sending) and the server. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// What an uploaded .docx/.xlsx may hold before mammoth or exceljs opens it (checked in zip.ts,
// docx.ts, xlsx.ts). Each limit counts what the library will really build in memory, is sized
// far above a real report and well under what the convert worker's 384 MB heap survives
// (app/server/convertPool.server.ts, the backstop). Measured with mammoth 1.13 / exceljs 4.4.

/** Entries in one zip (a real .docx has ~20, an .xlsx ~15, a folder of reports a few hundred). */
export const MAX_ZIP_ENTRIES = 5000;
/** Inflated bytes of all entries together (a zip bomb is refused after this much output). */
export const MAX_INFLATED_BYTES = 50 * 1024 * 1024;
/** Nesting of XML elements in any part. A real document nests ~40 deep (a text box in a table
 * in a table); mammoth's recursive readers overflow the stack somewhere past 1000 (fewer than
 * 500 nested tables), and so would our HTML walk. */
export const MAX_XML_DEPTH = 100;

// .docx — the parts mammoth reads: the main document, styles, numbering, footnotes, endnotes,
// comments, their relationships and [Content_Types].xml. mammoth builds an xmldom DOM of each
// part and a document tree beside it: about 0.7 KB of heap per element or attribute. A real
// county report has a few thousand paragraphs and a few hundred table rows.

/** Paragraphs (w:p): 10× the longest real report. */
export const MAX_DOCX_PARAGRAPHS = 50_000;
/** Runs (w:r), a few per paragraph. */
export const MAX_DOCX_RUNS = 200_000;
/** Table rows (w:tr): a real report has a few hundred. */
export const MAX_DOCX_TABLE_ROWS = 10_000;
/** Table cells (w:tc). */
export const MAX_DOCX_TABLE_CELLS = 100_000;
/** Tables inside tables (a real form nests two or three). */
export const MAX_DOCX_TABLE_NESTING = 10;
/** Elements plus attributes, what the DOM is made of. A long report written by WPS (~60 per
 * formatted paragraph) stays under ~200k; mammoth survives 500k in a 384 MB heap, not 600k. */
export const MAX_DOCX_NODES = 400_000;
/** Bytes of the XML parts mammoth reads (a real document.xml is under 5 MB). */
export const MAX_DOCX_XML_BYTES = 20 * 1024 * 1024;

// .xlsx — exceljs reads every worksheet part (any entry whose name contains
// "xl/worksheets/sheetN.xml"), shared strings, styles, drawings, comments and tables, and
// creates an object per cell, row and column (about 0.6 KB each).

/** Cells exceljs creates: `<c>` elements plus every cell a merged range covers (exceljs expands
 * merges cell by cell). 500k cells convert in ~300 MB of heap. */
export const MAX_CELLS = 500_000;
/** Rows (`<row>`), all sheets together; an empty row costs exceljs as much as a cell. */
export const MAX_SHEET_ROWS = 100_000;
/** Column objects: exceljs creates every column up to the last one used or styled (up to 16384
 * per sheet, XFD, when a whole row is formatted), all sheets together. */
export const MAX_SHEET_COLUMNS = 200_000;
/** Merged ranges in one sheet: exceljs checks each new merge against all earlier ones
 * (quadratic: 5 000 take 2 s, 20 000 take 47 s). A real 自评表 has fewer than a hundred. */
export const MAX_MERGES_PER_SHEET = 2_000;
/** Worksheets (parts and `<sheet>` entries). */
export const MAX_SHEETS = 200;
/** Shared strings (`<si>`). */
export const MAX_SHARED_STRINGS = 200_000;
/** Elements of styles.xml (WPS-bloated real workbooks reach ~200k; 500k load in ~1.5 s). */
export const MAX_STYLE_ELEMENTS = 500_000;
/** Elements of all the parts exceljs parses (its SAX parse takes ~1 s per million). */
export const MAX_XLSX_ELEMENTS = 2_000_000;
/** Text (bytes between tags) in the parts exceljs parses: shared and inline strings, comments. */
export const MAX_XLSX_TEXT_BYTES = 20 * 1024 * 1024;
/** Slots of the text we write for a sheet (its used width × used rows); bounds the output when
 * one cell sits in A1 and another in XFD1048576. */
export const MAX_SHEET_SLOTS = 2_000_000;
/** Excel's grid: row and column indices beyond it are not a real workbook. */
export const EXCEL_MAX_ROW = 1_048_576;
export const EXCEL_MAX_COLUMN = 16_384;

// PDF — pdf.js (pdf.ts) opens a document by its cross-reference table and catalog, then parses
// one page's content when its text is asked for, so what a PDF costs is counted page by page
// as pdf.js produces it. A real county report has 5–60 pages of a few hundred text items each.

/** Pages: refused from the page tree's declared /Count before any page is parsed. */
export const MAX_PDF_PAGES = 200;
/** Text items (runs of glyphs pdf.js reports) of all pages: 500 a page for MAX_PDF_PAGES pages
 * (Word writes 100–300 a page, Chromium ~300). pdf.js reports ~40k a second on a busy core. */
export const MAX_PDF_TEXT_ITEMS = 100_000;
/** Characters of text of all pages; the text parser refuses over 2 MB anyway (~700k Chinese characters). */
export const MAX_PDF_TEXT_CHARS = 1_000_000;
/** Horizontal (and, apart, vertical) borders one page draws: past this the page's text is read
 * without its ruled tables. A dense 自评表 page, each cell's four borders drawn apart, draws
 * under 2 000; finding tables compares every horizontal with every vertical one. */
export const MAX_PDF_RULES_PER_PAGE = 5_000;
/** Bytes the deflated streams of a PDF (images aside: never decoded) inflate to; pdf.js keeps
 * each decoded stream whole. Embedded CJK font subsets and page contents of a long report come
 * to a few MB; a whole embedded 宋体 about 15 MB. */
export const MAX_PDF_INFLATED_BYTES = 100 * 1024 * 1024;
