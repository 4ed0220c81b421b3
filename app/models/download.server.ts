import { toCsv, type CsvValue } from "~/domain/csv";

/** File downloads with a Chinese file name that every browser accepts (RFC 6266 / 5987). */
export function attachment(body: string | Uint8Array, fileName: string, contentType: string): Response {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return new Response(typeof body === "string" ? body : Buffer.from(body), {
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "private, no-store",
    },
  });
}

/** A .csv download, every cell through csvCell (formula-injection guard, quoting, BOM). */
export function csvAttachment(rows: ReadonlyArray<ReadonlyArray<CsvValue>>, fileName: string): Response {
  return attachment(toCsv(rows), fileName, "text/csv; charset=utf-8");
}
