/**
 * An uploaded or pasted report, from bytes to an import result: convert the file (file.ts),
 * then parse its text (text.ts) or the interchange JSON (json.ts). Pure; the app runs it in
 * the convert worker (app/server/convertPool.server.ts), since parsing a 2 MB table of text
 * holds a thread for over half a second and converting a file may need hundreds of MB.
 */
import { decodeText, convertUpload } from "./file";
import { looksLikeInterchangeJson, parseInterchangeJson } from "./json";
import { looksLikeProjectForm, parseProjectForms, type ProjectFormImport } from "./projectForm";
import { MAX_INPUT_BYTES, parseReportText, type ImportResult } from "./text";

/**
 * `projects`: the project self-evaluation forms (项目支出绩效自评表) the file holds, one per
 * form, when it holds any; `result` is then what the department-report parser made of it.
 */
export type ReadResult = { ok: true; text: string; result: ImportResult; projects?: ProjectFormImport[] } | { ok: false; error: string };

export const TOO_LARGE = `文本超过 ${MAX_INPUT_BYTES / 1024 / 1024} MB，不像一份绩效自评报告，请确认选择的文件`;
/** Bytes of a text file (or pasted text) read at most: UTF-16 or GBK text of the largest report's text. */
export const MAX_TEXT_FILE_BYTES = MAX_INPUT_BYTES * 2;
/** A file read as text (not an archive or PDF by name): .txt, .json, .csv or no extension. */
export const isTextFileName = (fileName: string) => /\.(txt|json|csv)$|^[^.]*$/i.test(fileName);

/**
 * Refusals that need no parsing, checked in the web process before the bytes travel to a
 * worker: a text or JSON file larger than any report's text. Office files and PDFs are larger
 * (their pictures, fonts) and are vetted in the worker.
 */
export function refuseBeforeReading(fileName: string, bytes: Uint8Array): string | null {
  const isArchive = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const isOle = bytes[0] === 0xd0 && bytes[1] === 0xcf;
  const isPdf = bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46; // %PDF
  if (!isArchive && !isOle && !isPdf && bytes.length > MAX_TEXT_FILE_BYTES && isTextFileName(fileName)) return TOO_LARGE;
  return null;
}

/** A file's bytes (a .json file as the interchange format) to an import result. Never throws. */
export async function readReport(fileName: string, bytes: Uint8Array): Promise<ReadResult> {
  const early = refuseBeforeReading(fileName, bytes);
  if (early) return { ok: false, error: early };
  const isJson = /\.json$/i.test(fileName);
  const converted = isJson ? decodeText(bytes) : await convertUpload(fileName, bytes);
  if (!converted.ok) return converted;
  const result = isJson ? parseInterchangeJson(converted.text) : parseText(converted.text);
  const projects = !isJson && looksLikeProjectForm(converted.text) ? parseProjectForms(converted.text.split(/\r\n|\r|\n/)) : [];
  return { ok: true, text: converted.text, result, ...(projects.length > 0 ? { projects } : {}) };
}

/** Text (pasted, or a converted file's) to an import result. */
export function parseText(text: string): ImportResult {
  return looksLikeInterchangeJson(text) ? parseInterchangeJson(text) : parseReportText(text);
}
