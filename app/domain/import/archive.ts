/**
 * Bulk intake's .zip of report files → the report files inside it. Pure (no I/O), but it
 * inflates untrusted bytes, so the app runs it in the convert worker (app/server/convertPool.server.ts):
 * an entry's bytes reach the web process only after the whole archive passed inspectZip.
 */
import { readZipEntries } from "./zip";

export const REPORT_FILE = /\.(txt|docx|xlsx|pdf|html?|mhtml?)$/i;
export const MAX_FILES_PER_ZIP = 500;

export type ExpandResult = { ok: true; files: Array<{ name: string; bytes: Uint8Array }> } | { ok: false; error: string };

const isReportFile = (name: string) => REPORT_FILE.test(name) && !name.startsWith("__MACOSX/") && !name.split("/").pop()!.startsWith(".");

/**
 * The report files inside a .zip, after the same bomb checks as any upload. Never throws.
 * Names are decoded as the archiver meant them: UTF-8 when flagged, else GB18030, since
 * Explorer, WinRAR and 360压缩 on Chinese Windows write GBK names without the UTF-8 flag.
 */
export function expandReportZip(bytes: Uint8Array): ExpandResult {
  let reportFiles = 0;
  const read = readZipEntries(bytes, (name) => isReportFile(name) && ++reportFiles <= MAX_FILES_PER_ZIP);
  if (!read.ok) return { ok: false, error: read.error };
  if (reportFiles > MAX_FILES_PER_ZIP) return { ok: false, error: `压缩包中的文件过多（${reportFiles} 个，上限 ${MAX_FILES_PER_ZIP} 个）` };
  if (read.entries.length === 0) return { ok: false, error: "压缩包中没有 .txt、.docx 或 .xlsx 文件" };
  return { ok: true, files: read.entries.map((entry) => ({ name: entry.name.split("/").pop()!, bytes: entry.bytes })) };
}
