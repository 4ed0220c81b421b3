/** PDF → the flattened text format (flat.ts). To be filled (issue 14). Never throws. */
import type { ConvertResult } from "./flat";

export async function pdfToText(_data: Uint8Array): Promise<ConvertResult> {
  return { ok: false, error: "不支持 PDF 文件，请上传 Word(.docx)、Excel(.xlsx) 或文本(.txt) 文件" };
}
