/**
 * The one entry point for an uploaded file: any bytes in, the flattened text format (flat.ts)
 * or a Chinese error out. Never throws — uploads are hostile until proven otherwise.
 *
 * Dispatch trusts the content over the name: a zip is a .docx if it has word/document.xml and
 * an .xlsx if it has xl/workbook.xml, whatever its extension; the extension only picks the
 * error message; a PDF is known by its %PDF- header. The zip itself is vetted (size, ratio, real inflated size, DTDs) and what the
 * library would build from it counted (limits.ts) by docxToText/xlsxToText before mammoth or
 * exceljs sees it.
 */
import { docxToText } from "./docx";
import { htmlToText } from "./html";
import { pdfToText } from "./pdf";
import type { ConvertResult } from "./flat";
import { xlsxToText } from "./xlsx";
import { looksLikeOle2, looksLikeZip, zipNames, zipProblemMessage } from "./zip";

export type { ConvertResult } from "./flat";

import { MAX_UPLOAD_BYTES } from "./limits";
export { MAX_UPLOAD_BYTES };

const UNSUPPORTED = "不支持的文件类型，请上传 Word(.docx)、Excel(.xlsx)、PDF、网页(.html) 或文本(.txt) 文件";

const fail = (error: string): ConvertResult => ({ ok: false, error });

export async function convertUpload(fileName: string, data: Uint8Array): Promise<ConvertResult> {
  try {
    if (data.length === 0) return fail("文件为空");
    if (data.length > MAX_UPLOAD_BYTES) return fail("文件超过 20 MB，请删除图片或拆分后再上传");
    const ext = extensionOf(fileName);

    // A PDF by its header, whatever its name (a download saved as .txt, or named without an extension).
    if (looksLikePdf(data)) return await pdfToText(data);

    if (looksLikeOle2(data)) {
      // A legacy binary file — or an encrypted .docx/.xlsx, which Office wraps the same way.
      return fail(
        ext === "xls" || ext === "xlsx" || ext === "et"
          ? "这是旧版 Excel 文件(.xls)或已加密的工作簿，请取消密码保护并另存为 .xlsx 后上传"
          : "这是旧版 Word 文件(.doc)或已加密的文档，请取消密码保护并另存为 .docx 后上传",
      );
    }

    if (looksLikeZip(data)) {
      const listed = zipNames(data);
      if (!listed.ok && listed.problem === "entries") {
        return fail(zipProblemMessage("entries", ext === "docx" || ext === "xlsx" ? ext : "zip"));
      }
      const names = listed.ok ? listed.names : null;
      if (names?.has("word/document.xml")) return await docxToText(data);
      if (names?.has("xl/workbook.xml")) return await xlsxToText(data);
      if (ext === "docx" || ext === "xlsx") {
        const part = ext === "docx" ? "word/document.xml" : "xl/workbook.xml";
        return fail(names ? `不是有效的 .${ext} 文件：缺少 ${part}` : `不是有效的 .${ext} 文件`);
      }
      return fail(UNSUPPORTED);
    }

    switch (ext) {
      case "docx":
      case "xlsx":
        return fail(`不是有效的 .${ext} 文件`);
      case "doc":
      case "wps":
        return fail("不支持旧版 Word 格式，请另存为 .docx 后上传");
      case "xls":
      case "et":
        return fail("不支持旧版 Excel 格式，请另存为 .xlsx 后上传");
      case "pdf":
        return await pdfToText(data);
      case "html":
      case "htm":
      case "mhtml":
      case "mht":
        return await htmlToText(data);
      case "txt":
      case "":
        return decodeText(data);
      default:
        return fail(UNSUPPORTED);
    }
  } catch {
    return fail("文件无法读取");
  }
}

/** "%PDF-" at the start (a .pdf may carry junk before it, which pdf.ts still reads). */
function looksLikePdf(data: Uint8Array): boolean {
  return data.length >= 5 && data[0] === 0x25 && data[1] === 0x50 && data[2] === 0x44 && data[3] === 0x46 && data[4] === 0x2d;
}

function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase().trim();
}

/**
 * Text in whatever encoding a Chinese Windows machine writes: UTF-8 (with or without BOM),
 * UTF-16 with BOM (Notepad's "Unicode"), otherwise GB18030 (a superset of GBK and GB2312).
 */
export function decodeText(data: Uint8Array): ConvertResult {
  let text: string;
  if (data[0] === 0xff && data[1] === 0xfe) {
    text = new TextDecoder("utf-16le").decode(data.subarray(2));
  } else if (data[0] === 0xfe && data[1] === 0xff) {
    text = new TextDecoder("utf-16be").decode(data.subarray(2));
  } else {
    const body = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? data.subarray(3) : data;
    if (body.includes(0)) return fail("文件不是文本文件");
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      text = new TextDecoder("gb18030").decode(body);
    }
  }
  text = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (text.trim() === "") return fail("文件为空");
  return { ok: true, text };
}
