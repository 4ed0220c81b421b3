import { readFileSync } from "node:fs";
import { deflateSync } from "fflate";
import { reportDocumentSchema, type ReportDocument } from "~/domain/report";

export const REFERENCE = "luxian-trade-union-2023";

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), "utf8");
}

export const referenceText = () => fixtureText(`${REFERENCE}.txt`);

export const expectedDocument = (): ReportDocument =>
  reportDocumentSchema.parse(JSON.parse(fixtureText(`${REFERENCE}.expected.json`)));

// --- zip surgery for hostile files -------------------------------------------------------------

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;

/** Offsets of every local header and central directory entry (fflate writes no surprises). */
function headers(zip: Uint8Array): { local: number[]; central: number[] } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const local: number[] = [];
  const central: number[] = [];
  for (let at = 0; at + 4 <= zip.length; at++) {
    const sig = view.getUint32(at, true);
    if (sig === SIG_LOCAL) local.push(at);
    if (sig === SIG_CENTRAL) central.push(at);
  }
  return { local, central };
}

/** Rewrites the uncompressed size every header declares — a zip that lies about its size. */
export function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  const { local, central } = headers(copy);
  for (const at of local) view.setUint32(at + 22, size, true);
  for (const at of central) view.setUint32(at + 24, size, true);
  return copy;
}

/** Sets general-purpose flag bits (bit 0: encrypted) on every entry. */
export function setFlags(zip: Uint8Array, flags: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  const { local, central } = headers(copy);
  for (const at of local) view.setUint16(at + 6, view.getUint16(at + 6, true) | flags, true);
  for (const at of central) view.setUint16(at + 8, view.getUint16(at + 8, true) | flags, true);
  return copy;
}

/** Sets the compression method of every entry. */
export function setMethod(zip: Uint8Array, method: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  const { local, central } = headers(copy);
  for (const at of local) view.setUint16(at + 8, method, true);
  for (const at of central) view.setUint16(at + 10, method, true);
  return copy;
}

// --- GBK ---------------------------------------------------------------------------------------

let gbkTable: Map<string, number[]> | null = null;

/** Encodes text as GBK (Node has a GBK decoder but no encoder): a table built by decoding. */
export function encodeGbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder("gb18030");
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const char = decoder.decode(new Uint8Array([lead, trail]));
        if (char.length === 1 && char !== "\ufffd" && !gbkTable.has(char)) gbkTable.set(char, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = gbkTable.get(char);
      if (!pair) throw new Error(`not in GBK: ${char}`);
      bytes.push(...pair);
    }
  }
  return new Uint8Array(bytes);
}

// --- zips written by hand, byte for byte ------------------------------------------------------

export interface HandEntry {
  /** The name's bytes as the archiver writes them (a string is written as UTF-8). */
  name: Uint8Array | string;
  data: Uint8Array;
  /** General purpose flags (bit 11: the name is UTF-8). */
  flags?: number;
  /** Extra field of the central directory record. */
  extra?: Uint8Array;
  /** A local header name other than the central directory's (JSZip reads this one). */
  localName?: Uint8Array | string;
  /** Stored (0) or deflated (8, the default, as Explorer and WinRAR write). */
  method?: 0 | 8;
}

const bytesOf = (name: Uint8Array | string) => (typeof name === "string" ? new TextEncoder().encode(name) : name);

/** CRC-32 (IEEE), bit by bit: independent of the app's table-driven one. */
export function crc32Slow(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A zip as Explorer ("发送到 → 压缩(zipped)文件夹"), WinRAR or 360压缩 on Chinese Windows
 * write it: local header and data per entry, then the central directory (made by MS-DOS,
 * version 2.0), then its end record. Names are written as given — GBK bytes with bit 11
 * clear, as those tools do. `options.gap` puts bytes between the directory and its end record
 * (JSZip then shifts every offset by as much); `options.declaredCount` lies about the number
 * of entries.
 */
export function handZip(entries: HandEntry[], options: { gap?: number; declaredCount?: number } = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const central: Uint8Array[] = [];
  for (const entry of entries) {
    const method = entry.method ?? 8;
    const body = method === 8 ? deflateSync(entry.data) : entry.data;
    const crc = crc32Slow(entry.data);
    const name = bytesOf(entry.name);
    const localName = bytesOf(entry.localName ?? entry.name);
    const local = new Uint8Array(30 + localName.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(6, entry.flags ?? 0, true);
    lv.setUint16(8, method, true);
    lv.setUint16(10, 0x5a00, true); // 11:16
    lv.setUint16(12, 0x5771, true); // 2023-11-17
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, entry.data.length, true);
    lv.setUint16(26, localName.length, true);
    lv.setUint16(28, 0, true);
    local.set(localName, 30);
    chunks.push(local, body);

    const extra = entry.extra ?? new Uint8Array(0);
    const record = new Uint8Array(46 + name.length + extra.length);
    const cv = new DataView(record.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 0x0014, true); // made by MS-DOS, 2.0
    cv.setUint16(6, 20, true);
    cv.setUint16(8, entry.flags ?? 0, true);
    cv.setUint16(10, method, true);
    cv.setUint16(12, 0x5a00, true);
    cv.setUint16(14, 0x5771, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, entry.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint16(30, extra.length, true);
    cv.setUint32(38, 0x20, true); // archive attribute
    cv.setUint32(42, offset, true);
    record.set(name, 46);
    record.set(extra, 46 + name.length);
    central.push(record);
    offset += local.length + body.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  const count = options.declaredCount ?? entries.length;
  ev.setUint16(8, count, true);
  ev.setUint16(10, count, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  chunks.push(...central, new Uint8Array(options.gap ?? 0), end);
  const zip = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    zip.set(chunk, at);
    at += chunk.length;
  }
  return zip;
}

/** The Info-ZIP Unicode Path extra field (0x7075) for a name written as `written`. */
export function unicodePathExtra(name: string, written: Uint8Array, crc = crc32Slow(written)): Uint8Array {
  const utf8 = new TextEncoder().encode(name);
  const field = new Uint8Array(4 + 5 + utf8.length);
  const view = new DataView(field.buffer);
  view.setUint16(0, 0x7075, true);
  view.setUint16(2, 5 + utf8.length, true);
  field[4] = 1;
  view.setUint32(5, crc, true);
  field.set(utf8, 9);
  return field;
}
