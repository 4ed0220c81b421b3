/**
 * .docx → the flattened text format (flat.ts), so that one parser (text.ts) serves Word, Excel
 * and text uploads alike.
 *
 * mammoth turns the document into a small, regular HTML subset (p, h1–h6, ul/ol/li, table,
 * tr, td/th with colspan/rowspan, br, strong/em/a/sup/…, img); the import's HTML walker
 * (htmlBlocks.ts, shared with saved web pages) reads it into paragraphs and tables. mammoth
 * folds Word's vertical merges into rowspan; the walker puts them back the way Word's text
 * extraction shows them: the merged text in its first row and a lone TAB in the rows below. A
 * horizontal merge stays one cell.
 */
import { type ConvertResult, writeFlat } from "./flat";
import { htmlToBlocks } from "./htmlBlocks";
import {
  MAX_DOCX_NODES,
  MAX_DOCX_PARAGRAPHS,
  MAX_DOCX_RUNS,
  MAX_DOCX_TABLE_CELLS,
  MAX_DOCX_TABLE_NESTING,
  MAX_DOCX_TABLE_ROWS,
  MAX_DOCX_XML_BYTES,
} from "./limits";
import { type Archive, type ArchiveEntry, isBinaryPartName, LimitExceeded, openOfficeArchive, scanXml } from "./zip";

export type { ConvertResult } from "./flat";
export { htmlToBlocks, parseHtml } from "./htmlBlocks";

const NOT_DOCX = "文件不是有效的 Word 文档(.docx)";

/** Converts untrusted .docx bytes; refuses zip bombs, abusive and non-Word zips, never throws. */
export async function docxToText(data: Uint8Array): Promise<ConvertResult> {
  try {
    // Keep the XML parts' bytes from the checking pass; images are inflated (and dropped) once.
    const opened = openOfficeArchive(data, "docx", (e) => e.oddName || !isBinaryPartName(e.libraryName));
    if (!opened.ok) return { ok: false, error: opened.error };
    const names = new Set(opened.archive.entries.flatMap((e) => [e.name, e.libraryName]));
    if (!names.has("word/document.xml")) {
      return {
        ok: false,
        error: names.has("xl/workbook.xml") ? "这是 Excel 工作簿，不是 Word 文档，请按 .xlsx 上传" : `${NOT_DOCX}：缺少 word/document.xml`,
      };
    }
    try {
      checkDocxParts(opened.archive);
    } catch (error) {
      if (error instanceof LimitExceeded) return { ok: false, error: error.message };
      throw error;
    }
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    // mammoth is loaded on the first import, not with the server: few requests need it.
    const { default: mammoth } = await import("mammoth");
    const result = await mammoth.convertToHtml(
      { buffer },
      {
        // Never read embedded images (they are not needed and would be inlined as base64).
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: "" })),
        externalFileAccess: false,
      },
    );
    return { ok: true, text: writeFlat(htmlToBlocks(result.value)) };
  } catch {
    return { ok: false, error: NOT_DOCX };
  }
}

// ---------------------------------------------------------------------------------------------
// What mammoth will read, counted before it reads it.

const RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
/** The parts mammoth 1.13 reads besides the main document (lib/docx/docx-reader.js), and
 * whether it reads their relationships too. Headers and footers it ignores. */
const MAMMOTH_PARTS: ReadonlyArray<[name: string, withRels: boolean]> = [
  ["comments", true],
  ["endnotes", true],
  ["footnotes", true],
  ["numbering", false],
  ["styles", false],
];

interface Relationship {
  type: string;
  target: string;
}

/**
 * Counts the elements of every part mammoth will open — found as mammoth finds them, through
 * the package and document relationships, with its fallbacks (word/document.xml, word/styles.xml
 * …) — and throws LimitExceeded past a limit (limits.ts). Every candidate is counted, not only
 * the first that mammoth would pick; and so is any entry whose name JSZip may read otherwise
 * than we do. Cheap: a byte scan of parts the zip check has already inflated.
 */
export function checkDocxParts(archive: Archive): void {
  // JSZip's map of names: the last entry of a name wins; directories are not files.
  const byName = new Map<string, ArchiveEntry>();
  for (const entry of archive.entries) if (!entry.directory) byName.set(entry.libraryName, entry);

  const counts = { paragraphs: 0, runs: 0, rows: 0, cells: 0, nodes: 0, bytes: 0 };
  const refuse = (message: string) => {
    throw new LimitExceeded(message);
  };
  const scanned = new Map<ArchiveEntry, Relationship[]>();

  /** Counts one part (once); returns the relationships it declares, if it is a .rels part. */
  const scan = (entry: ArchiveEntry): Relationship[] => {
    const known = scanned.get(entry);
    if (known) return known;
    const relationships: Relationship[] = [];
    scanned.set(entry, relationships);
    const bytes = archive.read(entry);
    counts.bytes += bytes.length;
    if (counts.bytes > MAX_DOCX_XML_BYTES) {
      refuse(`文档内容过大（正文、样式、脚注等部件超过 ${MAX_DOCX_XML_BYTES / 1024 / 1024} MB），疑似异常文件，已拒绝`);
    }
    let tables = 0;
    scanXml(bytes, {
      open(tag) {
        counts.nodes += 1 + tag.attributes;
        if (counts.nodes > MAX_DOCX_NODES) refuse(`文档结构过于复杂（XML 元素和属性超过 ${MAX_DOCX_NODES} 个），疑似异常文件，已拒绝`);
        switch (tag.local) {
          case "p":
            if (++counts.paragraphs > MAX_DOCX_PARAGRAPHS) refuse(`文档段落过多（超过 ${MAX_DOCX_PARAGRAPHS} 段），疑似异常文件，已拒绝`);
            break;
          case "r":
            if (++counts.runs > MAX_DOCX_RUNS) refuse(`文档文字片段过多（超过 ${MAX_DOCX_RUNS} 个），疑似异常文件，已拒绝`);
            break;
          case "tr":
            if (++counts.rows > MAX_DOCX_TABLE_ROWS) refuse(`文档表格行数过多（超过 ${MAX_DOCX_TABLE_ROWS} 行），疑似异常文件，已拒绝`);
            break;
          case "tc":
            if (++counts.cells > MAX_DOCX_TABLE_CELLS) refuse(`文档表格单元格过多（超过 ${MAX_DOCX_TABLE_CELLS} 个），疑似异常文件，已拒绝`);
            break;
          case "tbl":
            if (!tag.selfClosing && ++tables > MAX_DOCX_TABLE_NESTING) refuse(`文档表格嵌套过深（超过 ${MAX_DOCX_TABLE_NESTING} 层），疑似异常文件，已拒绝`);
            break;
          case "Relationship": {
            const type = tag.attr("Type");
            const target = tag.attr("Target");
            if (type !== undefined && target !== undefined) relationships.push({ type, target });
          }
        }
      },
      close(_name, local) {
        if (local === "tbl" && tables > 0) tables--;
      },
    });
    return relationships;
  };
  const scanPath = (path: string): Relationship[] => {
    const entry = byName.get(path);
    return entry ? scan(entry) : [];
  };
  /** mammoth's findPartPath, every candidate: the targets of the type (resolved as mammoth's
   * joinPath does) and the fallback, those that exist. */
  const candidates = (relationships: Relationship[], type: string, base: string, fallback: string): string[] => {
    const paths = relationships
      .filter((r) => r.type === RELATIONSHIP + type || r.type.endsWith(`/${type}`))
      .map((r) => joinPath(base, r.target).replace(/^\//, ""));
    return [...new Set([...paths, fallback])].filter((path) => byName.has(path));
  };

  scanPath("[Content_Types].xml");
  const packageRelationships = scanPath("_rels/.rels");
  for (const main of candidates(packageRelationships, "officeDocument", "", "word/document.xml")) {
    const documentRelationships = scanPath(relsPath(main));
    scanPath(main);
    const base = dirname(main);
    for (const [name, withRels] of MAMMOTH_PARTS) {
      for (const path of candidates(documentRelationships, name, base, `word/${name}.xml`)) {
        scanPath(path);
        if (withRels) scanPath(relsPath(path));
      }
    }
  }
  for (const entry of archive.entries) if (entry.oddName && !entry.directory) scan(entry);
}

function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

function relsPath(path: string): string {
  const slash = path.lastIndexOf("/");
  return joinPath(dirname(path), "_rels", `${path.slice(slash + 1)}.rels`);
}

/** mammoth's zipfile.joinPath: empty parts dropped, an absolute part restarts the path. */
function joinPath(...paths: string[]): string {
  let relevant: string[] = [];
  for (const path of paths.filter((p) => p !== "")) {
    if (path.startsWith("/")) relevant = [path];
    else relevant.push(path);
  }
  return relevant.join("/");
}
