/** Reading an uploaded report (text pasted, or a .txt/.docx/.xlsx file) into a document preview. */
import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { MAX_UPLOAD_BYTES } from "~/domain/import/file";
import { isTextFileName, MAX_TEXT_FILE_BYTES, TOO_LARGE } from "~/domain/import/read";
import type { ImportResult } from "~/domain/import/text";
import { readReportUntrusted } from "~/server/convertPool.server";

export type UploadForm = { ok: true; form: FormData } | { ok: false; error: string };

// Files held in memory while the form streams in: office files and PDFs up to the upload
// limit; a text file or pasted text only up to what the text import reads at all, so a 19 MB
// .txt is refused after its first 4 MB instead of being held (and copied) whole.
const binaryPart = unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES });
const textPart = unstable_createMemoryUploadHandler({ maxPartSize: MAX_TEXT_FILE_BYTES });

/** Multipart or urlencoded form, with files held in memory up to the upload limit. */
export async function readUploadForm(request: Request): Promise<UploadForm> {
  const type = request.headers.get("Content-Type") ?? "";
  try {
    if (!type.startsWith("multipart/form-data")) return { ok: true, form: await request.formData() };
    const form = await unstable_parseMultipartFormData(request, (part) => (part.filename && !isTextFileName(part.filename) ? binaryPart : textPart)(part));
    return { ok: true, form };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return { ok: false, error: error.maxBytes === MAX_TEXT_FILE_BYTES ? TOO_LARGE : `文件过大（上限 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB）` };
    return { ok: false, error: "无法读取上传的内容，请重试" };
  }
}

export interface ParsedUpload {
  fileName: string | null;
  result: ImportResult;
  /** The text the parser read (for showing source lines). */
  lines: string[];
}

/**
 * The bytes of an import form: its file, else its pasted text (parsed in the worker too: a large
 * pasted table holds a thread as long as a file); null when it holds neither.
 */
export async function uploadedBytes(form: FormData): Promise<{ fileName: string | null; bytes: Uint8Array } | null> {
  const file = form.get("file");
  const pasted = form.get("text");
  if (file && typeof file !== "string" && file.size > 0) return { fileName: file.name.slice(0, 255), bytes: new Uint8Array(await file.arrayBuffer()) };
  if (typeof pasted === "string" && pasted.trim()) return { fileName: null, bytes: new TextEncoder().encode(pasted) };
  return null;
}

export async function parseUpload(form: FormData): Promise<{ ok: true; upload: ParsedUpload } | { ok: false; field: "file" | "text"; error: string }> {
  const uploaded = await uploadedBytes(form);
  if (!uploaded) return { ok: false, field: "text", error: "请粘贴报告文本或选择要导入的文件" };
  const { fileName, bytes } = uploaded;
  const field = fileName ? "file" : "text";
  const read = await readReportUntrusted(fileName ?? "粘贴的文本.txt", bytes);
  if (!read.ok) return { ok: false, field, error: read.error };
  if (!read.result.ok) return { ok: false, field, error: read.result.error ?? "未能识别报告内容" };
  return { ok: true, upload: { fileName, result: read.result, lines: read.text.split(/\r?\n/) } };
}
