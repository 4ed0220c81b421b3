/**
 * Inspection of an uploaded .docx/.xlsx (a zip) before mammoth or exceljs may open it.
 *
 * Both libraries unzip with JSZip, which trusts the sizes written in the zip and only notices a
 * lie after it has inflated everything into memory. So we read the central directory ourselves
 * and actually inflate every entry through a streaming inflater with a byte budget: a zip bomb
 * is refused after at most `maxTotalBytes` of output, whatever its headers claim. While the XML
 * streams by we also refuse DOCTYPE/ENTITY declarations (entity expansion attacks); OOXML never
 * has them.
 */
import { Inflate } from "fflate";

export interface ZipLimits {
  /** Refuse when all entries together inflate to more than this. */
  maxTotalBytes: number;
  /** Refuse when inflated size / file size exceeds this ... */
  maxRatio: number;
  /** ... once the inflated size is above this (a tiny file cannot be a bomb). */
  ratioFloorBytes: number;
  maxEntries: number;
}

export const ZIP_LIMITS: ZipLimits = {
  maxTotalBytes: 50 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  maxEntries: 5000,
};

export type ZipProblem = "not-zip" | "corrupt" | "encrypted" | "bomb" | "dtd";

export type ZipInspection =
  | { ok: true; names: Set<string>; totalBytes: number }
  | { ok: false; problem: ZipProblem };

export type OfficeKind = "docx" | "xlsx";

/** The Chinese message shown to the uploader for each problem. */
export function zipProblemMessage(problem: ZipProblem, kind: OfficeKind): string {
  switch (problem) {
    case "not-zip":
      return `不是有效的 .${kind} 文件`;
    case "corrupt":
      return `文件已损坏或格式异常，不是有效的 .${kind} 文件`;
    case "encrypted":
      return "文件已加密，请取消密码保护后再上传";
    case "bomb":
      return "文件解压后过大，疑似压缩炸弹，已拒绝";
    case "dtd":
      return "文件包含不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝";
  }
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;
const CHUNK = 16 * 1024;

/** True when the bytes start like a zip (local file header). */
export function looksLikeZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
}

/** True for an OLE2 compound file: a legacy .doc/.xls, or an encrypted .docx/.xlsx. */
export function looksLikeOle2(data: Uint8Array): boolean {
  const magic = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  return data.length >= 8 && magic.every((byte, i) => data[i] === byte);
}

interface Entry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

class Refused extends Error {
  constructor(readonly problem: ZipProblem) {
    super(problem);
  }
}

export function inspectZip(data: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ZipInspection {
  if (!looksLikeZip(data)) return { ok: false, problem: "not-zip" };
  try {
    const entries = readCentralDirectory(data, limits);
    const declared = entries.reduce((total, e) => total + e.size, 0);
    checkTotals(declared, data.length, limits);

    let total = 0;
    for (const entry of entries) {
      total += inflateEntry(data, entry, limits.maxTotalBytes - total);
    }
    checkTotals(total, data.length, limits);
    return { ok: true, names: new Set(entries.map((e) => e.name.replace(/^\/+/, ""))), totalBytes: total };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problem: error.problem };
    return { ok: false, problem: "corrupt" };
  }
}

/**
 * The entry names from the central directory, without inflating anything (cheap: for telling a
 * .docx from an .xlsx). Null when the bytes are not a readable zip.
 */
export function listZipNames(data: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Set<string> | null {
  if (!looksLikeZip(data)) return null;
  try {
    return new Set(readCentralDirectory(data, limits).map((e) => e.name.replace(/^\/+/, "")));
  } catch {
    return null;
  }
}

function checkTotals(total: number, fileSize: number, limits: ZipLimits): void {
  if (total > limits.maxTotalBytes) throw new Refused("bomb");
  if (total > limits.ratioFloorBytes && total / Math.max(fileSize, 1) > limits.maxRatio) throw new Refused("bomb");
}

function readCentralDirectory(data: Uint8Array, limits: ZipLimits): Entry[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Refused("corrupt");
    return Number(value);
  };

  // End of central directory: the last record, followed by at most a 64 KB comment.
  let end = -1;
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 0xffff); at--) {
    if (u32(at) === SIG_END) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Refused("corrupt");
  let count = u16(end + 10);
  let dirOffset = u32(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || u32(locator) !== SIG_END64_LOCATOR) throw new Refused("corrupt");
    const end64 = u64(locator + 8);
    if (end64 + 56 > data.length || u32(end64) !== SIG_END64) throw new Refused("corrupt");
    count = u64(end64 + 32);
    dirOffset = u64(end64 + 48);
  }
  if (count === 0) throw new Refused("corrupt");
  if (count > limits.maxEntries) throw new Refused("bomb");

  const decoder = new TextDecoder("utf-8");
  const entries: Entry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > data.length || u32(at) !== SIG_CENTRAL) throw new Refused("corrupt");
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > data.length) throw new Refused("corrupt");
    const entry: Entry = {
      name: decoder.decode(data.subarray(at + 46, at + 46 + nameLength)),
      flags: u16(at + 8),
      method: u16(at + 10),
      compressedSize: u32(at + 20),
      size: u32(at + 24),
      localOffset: u32(at + 42),
    };
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) {
      readZip64Extra(entry, at + 46 + nameLength, extraLength, u16, u64);
    }
    entries.push(entry);
    at = next;
  }
  return entries;
}

/** ZIP64 extended information: 8-byte values, present only for the fields that overflowed. */
function readZip64Extra(
  entry: Entry,
  start: number,
  length: number,
  u16: (at: number) => number,
  u64: (at: number) => number,
): void {
  for (let at = start; at + 4 <= start + length; ) {
    const id = u16(at);
    const size = u16(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const take = () => {
        if (field + 8 > at + 4 + size) throw new Refused("corrupt");
        const value = u64(field);
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.localOffset === 0xffffffff) entry.localOffset = take();
      return;
    }
    at += 4 + size;
  }
  throw new Refused("corrupt");
}

/** Inflates one entry within `budget` bytes; returns its real size. */
function inflateEntry(data: Uint8Array, entry: Entry, budget: number): number {
  if (entry.flags & 0x1) throw new Refused("encrypted");
  if (entry.name.endsWith("/") && entry.size === 0) return 0; // directory
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const local = entry.localOffset;
  if (local + 30 > data.length || view.getUint32(local, true) !== SIG_LOCAL) throw new Refused("corrupt");
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const stop = start + entry.compressedSize;
  if (stop > data.length) throw new Refused("corrupt");
  const body = data.subarray(start, stop);
  const scan = scansForDtd(entry.name) ? new DtdScanner() : null;

  let produced = 0;
  if (entry.method === 0) {
    produced = body.length;
    if (produced > budget) throw new Refused("bomb");
    scan?.push(body);
  } else if (entry.method === 8) {
    const inflater = new Inflate((chunk) => {
      produced += chunk.length;
      if (produced > budget) throw new Refused("bomb");
      scan?.push(chunk);
    });
    if (body.length === 0) throw new Refused("corrupt");
    for (let offset = 0; offset < body.length; offset += CHUNK) {
      const end = Math.min(offset + CHUNK, body.length);
      inflater.push(body.subarray(offset, end), end === body.length);
    }
  } else {
    throw new Refused("corrupt"); // neither stored nor deflated: JSZip could not read it either
  }
  if (scan?.found) throw new Refused("dtd");
  if (produced !== entry.size) throw new Refused("corrupt");
  return produced;
}

const BINARY_PART = /(^|\/)media\/|\.(bin|png|jpe?g|gif|bmp|emf|wmf|tiff?|svg|wdp|ico|odttf|ttf)$/i;

function scansForDtd(name: string): boolean {
  return !BINARY_PART.test(name);
}

/** Finds "<!DOCTYPE" or "<!ENTITY" (any case) in a stream of chunks. */
export class DtdScanner {
  found = false;
  private tail = new Uint8Array(0);

  push(chunk: Uint8Array): void {
    if (this.found || chunk.length === 0) return;
    // Declarations split between two chunks: scan the seam as well.
    const seam = new Uint8Array(this.tail.length + Math.min(chunk.length, 9));
    seam.set(this.tail);
    seam.set(chunk.subarray(0, 9), this.tail.length);
    this.found = hasDeclaration(seam) || hasDeclaration(chunk);
    const keep = Math.min(chunk.length, 8);
    this.tail = chunk.slice(chunk.length - keep);
  }
}

const DOCTYPE = [...new TextEncoder().encode("DOCTYPE")];
const ENTITY = [...new TextEncoder().encode("ENTITY")];

function hasDeclaration(bytes: Uint8Array): boolean {
  for (let at = bytes.indexOf(0x3c); at >= 0; at = bytes.indexOf(0x3c, at + 1)) {
    if (bytes[at + 1] !== 0x21) continue; // "<!"
    if (matchesUpper(bytes, at + 2, DOCTYPE) || matchesUpper(bytes, at + 2, ENTITY)) return true;
  }
  return false;
}

function matchesUpper(bytes: Uint8Array, at: number, word: number[]): boolean {
  if (at + word.length > bytes.length) return false;
  // ASCII letters: clearing bit 0x20 upper-cases them.
  return word.every((letter, i) => (bytes[at + i] & 0xdf) === letter);
}
