/**
 * Reading an uploaded zip — a .docx, an .xlsx, or bulk intake's .zip of report files — before
 * mammoth, exceljs or anyone else opens it.
 *
 * For bulk intake (the one way to take files out of an uploaded .zip):
 *
 *   readZipEntries(data: Uint8Array, filter?: (name: string) => boolean, limits?: ZipLimits): ZipEntries
 *   type ZipEntries = { ok: true; entries: ZipEntry[] } | { ok: false; problem: ZipProblem; error: string }
 *   interface ZipEntry { name: string; bytes: Uint8Array }
 *
 * `name` is decoded as the zipping machine wrote it (see `peopleName`): Explorer, WinRAR and
 * 360压缩 on Chinese Windows write GBK without saying so, which fflate's unzipSync reads as
 * latin1. Names are "/"-separated without a leading "/"; directories are left out; entries come
 * in archive order, only those `filter` accepts, after the whole archive passed the checks below.
 *
 * Both libraries unzip with JSZip, which trusts the sizes written in the zip and only notices a
 * lie after it has inflated everything into memory. So we read the central directory ourselves
 * and actually inflate every entry through a streaming inflater with a byte budget: a zip bomb
 * is refused after at most `maxTotalBytes` of output, whatever its headers claim. While the XML
 * streams by we also refuse DOCTYPE/ENTITY declarations (entity expansion attacks); OOXML never
 * has them. Where our reading and JSZip's could differ (prepended bytes, more directory records
 * than declared, a second zip64 locator) we refuse, and we name each entry as JSZip will
 * (`libraryName`), so that docx.ts and xlsx.ts count exactly the parts the library will read.
 *
 * `scanXml` is the byte-level tokenizer docx.ts and xlsx.ts count elements with.
 */
import { Inflate } from "fflate";
import { MAX_INFLATED_BYTES, MAX_XML_DEPTH, MAX_ZIP_ENTRIES } from "./limits";

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
  maxTotalBytes: MAX_INFLATED_BYTES,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  maxEntries: MAX_ZIP_ENTRIES,
};

export type ZipProblem = "not-zip" | "corrupt" | "encrypted" | "bomb" | "dtd" | "entries";

export type ZipInspection =
  | { ok: true; names: Set<string>; totalBytes: number }
  | { ok: false; problem: ZipProblem };

export type OfficeKind = "docx" | "xlsx";
/** What the zip is to the uploader: a Word or Excel file, or an archive of report files. */
export type ArchiveKind = OfficeKind | "zip";

export const DTD_MESSAGE = "文件包含不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝";

/** The Chinese message shown to the uploader for each problem. */
export function zipProblemMessage(problem: ZipProblem, kind: ArchiveKind, limits: ZipLimits = ZIP_LIMITS): string {
  if (kind === "zip") {
    switch (problem) {
      case "not-zip":
      case "corrupt":
        return "不是有效的 .zip 压缩包";
      case "encrypted":
        return "压缩包已加密，请取消密码后再上传";
      case "bomb":
        return "压缩包解压后过大，疑似压缩炸弹，已拒绝";
      case "dtd":
        return DTD_MESSAGE;
      case "entries":
        return `压缩包内文件过多（超过 ${limits.maxEntries} 个），疑似异常文件，已拒绝`;
    }
  }
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
      return DTD_MESSAGE;
    case "entries":
      return `文件内部条目过多（超过 ${limits.maxEntries} 个），疑似异常文件，已拒绝`;
  }
}

/** A limit of docx.ts or xlsx.ts was passed; `message` is the Chinese refusal naming it. */
export class LimitExceeded extends Error {
  constructor(message: string) {
    super(message);
  }
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;
const EXTRA_ZIP64 = 0x0001;
const EXTRA_UNICODE_PATH = 0x7075;
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

export interface ArchiveEntry {
  /** The name for people (and bulk intake): see peopleName. */
  name: string;
  /** The name JSZip, hence mammoth and exceljs, gives the entry: see libraryName. */
  libraryName: string;
  /** The library name's bytes are not valid UTF-8: JSZip's lenient decoder may read them
   * otherwise than TextDecoder, so callers count such an entry whatever it seems to be. */
  oddName: boolean;
  directory: boolean;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  /** Where the entry's data starts (after the local header). */
  dataStart: number;
}

export interface Archive {
  entries: ArchiveEntry[];
  totalBytes: number;
  /** The entry's inflated bytes (the archive has been vetted: sizes are true and bounded). */
  read(entry: ArchiveEntry): Uint8Array;
}

class Refused extends Error {
  constructor(readonly problem: ZipProblem) {
    super(problem);
  }
}

interface OpenOptions {
  /** Scan entries for DOCTYPE/ENTITY (Office files: yes; an archive of report files: no). */
  scanDtd: boolean;
  /** Entries whose bytes to keep from the checking pass (others are inflated again on read). */
  keep: (entry: ArchiveEntry) => boolean;
}

/** Reads and vets the whole archive; throws Refused. */
function openArchive(data: Uint8Array, limits: ZipLimits, options: OpenOptions): Archive {
  if (!looksLikeZip(data)) throw new Refused("not-zip");
  const entries = readDirectory(data, limits);
  const declared = entries.reduce((total, e) => total + e.size, 0);
  checkTotals(declared, data.length, limits);

  const kept = new Map<ArchiveEntry, Uint8Array>();
  let total = 0;
  for (const entry of entries) {
    const scan = options.scanDtd && scansForDtd(entry);
    const { produced, bytes } = inflateEntry(data, entry, limits.maxTotalBytes - total, scan, options.keep(entry));
    total += produced;
    if (bytes) kept.set(entry, bytes);
  }
  checkTotals(total, data.length, limits);
  return {
    entries,
    totalBytes: total,
    read: (entry) => kept.get(entry) ?? inflateEntry(data, entry, entry.size, false, true).bytes!,
  };
}

/** The whole archive vetted (sizes, ratio, real inflated size, DTDs); names for people. */
export function inspectZip(data: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ZipInspection {
  try {
    const archive = openArchive(data, limits, { scanDtd: true, keep: () => false });
    return { ok: true, names: new Set(archive.entries.map((e) => e.name)), totalBytes: archive.totalBytes };
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

/**
 * A .docx/.xlsx vetted like inspectZip (sizes, ratio, real inflated size, DTDs), for docx.ts and
 * xlsx.ts to count its parts.
 */
export function openOfficeArchive(
  data: Uint8Array,
  kind: OfficeKind,
  keep: (entry: ArchiveEntry) => boolean,
  limits: ZipLimits = ZIP_LIMITS,
): { ok: true; archive: Archive } | { ok: false; error: string } {
  try {
    return { ok: true, archive: openArchive(data, limits, { scanDtd: true, keep }) };
  } catch (error) {
    return { ok: false, error: zipProblemMessage(problemOf(error), kind, limits) };
  }
}

export interface ZipEntry {
  name: string;
  bytes: Uint8Array;
}

export type ZipEntries = { ok: true; entries: ZipEntry[] } | { ok: false; problem: ZipProblem; error: string };

/**
 * The entries of an uploaded .zip whose names `filter` accepts, with their names decoded as the
 * zipping machine wrote them (GBK from Chinese Windows included), after the same bomb checks
 * as any upload. No DTD scan: the entries are files, each vetted again when it is converted.
 * Never throws.
 */
export function readZipEntries(
  data: Uint8Array,
  filter: (name: string) => boolean = () => true,
  limits: ZipLimits = ZIP_LIMITS,
): ZipEntries {
  try {
    const wanted = (entry: ArchiveEntry) => !entry.directory && filter(entry.name);
    const archive = openArchive(data, limits, { scanDtd: false, keep: wanted });
    return {
      ok: true,
      entries: archive.entries.filter(wanted).map((entry) => ({ name: entry.name, bytes: archive.read(entry) })),
    };
  } catch (error) {
    const problem = problemOf(error);
    return { ok: false, problem, error: zipProblemMessage(problem, "zip", limits) };
  }
}

/**
 * The entry names (for people) from the central directory, without inflating anything (cheap:
 * for telling a .docx from an .xlsx), or why the bytes are not a readable zip.
 */
export function zipNames(data: Uint8Array, limits: ZipLimits = ZIP_LIMITS): { ok: true; names: Set<string> } | { ok: false; problem: ZipProblem } {
  if (!looksLikeZip(data)) return { ok: false, problem: "not-zip" };
  try {
    const names = new Set<string>();
    for (const entry of readDirectory(data, limits)) names.add(entry.name).add(entry.libraryName.replace(/^\/+/, ""));
    return { ok: true, names };
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

function problemOf(error: unknown): ZipProblem {
  return error instanceof Refused ? error.problem : "corrupt";
}

function checkTotals(total: number, fileSize: number, limits: ZipLimits): void {
  if (total > limits.maxTotalBytes) throw new Refused("bomb");
  if (total > limits.ratioFloorBytes && total / Math.max(fileSize, 1) > limits.maxRatio) throw new Refused("bomb");
}

// ---------------------------------------------------------------------------------------------
// The central directory, read as JSZip 3.10 reads it (node_modules/jszip/lib/zipEntries.js,
// zipEntry.js) wherever the two could disagree.

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const gb18030 = new TextDecoder("gb18030");

function readDirectory(data: Uint8Array, limits: ZipLimits): ArchiveEntry[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Refused("corrupt");
    return Number(value);
  };
  if (data.length < 22) throw new Refused("corrupt");

  // End of central directory: the last signature in the file (JSZip's choice), within the
  // record plus a 64 KB comment of the end.
  let end = -1;
  for (let at = data.length - 4; at >= Math.max(0, data.length - 22 - 0xffff); at--) {
    if (u32(at) === SIG_END) {
      end = at;
      break;
    }
  }
  if (end < 0 || end + 22 > data.length) throw new Refused("corrupt");
  const small = [u16(end + 4), u16(end + 6), u16(end + 8), u16(end + 10)];
  let count = u16(end + 10);
  let dirSize = u32(end + 12);
  let dirOffset = u32(end + 16);
  let expectedEnd: number;
  if (small.includes(0xffff) || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || u32(locator) !== SIG_END64_LOCATOR) throw new Refused("corrupt");
    // JSZip takes the last locator signature in the file: it must be this one.
    for (let at = locator + 1; at + 4 <= data.length; at++) if (u32(at) === SIG_END64_LOCATOR) throw new Refused("corrupt");
    if (u32(locator + 16) > 1) throw new Refused("corrupt"); // multi-volume
    const end64 = u64(locator + 8);
    if (end64 + 56 > data.length || u32(end64) !== SIG_END64) throw new Refused("corrupt");
    count = u64(end64 + 32);
    dirSize = u64(end64 + 40);
    dirOffset = u64(end64 + 48);
    expectedEnd = dirOffset + dirSize + 20 + 12 + u64(end64 + 4);
  } else {
    expectedEnd = dirOffset + dirSize;
  }
  // JSZip shifts every offset by whatever lies between the directory and its end record (a
  // prepended stub): two readings of one file. Office and archivers write none.
  if (expectedEnd !== end) throw new Refused("corrupt");
  if (count === 0) throw new Refused("corrupt");
  if (count > limits.maxEntries) throw new Refused("entries");

  const entries: ArchiveEntry[] = [];
  // JSZip reads records while their signature matches, whatever the count says.
  for (let at = dirOffset; at + 4 <= data.length && u32(at) === SIG_CENTRAL; ) {
    if (entries.length === count || at + 46 > data.length) throw new Refused("corrupt");
    const flags = u16(at + 8);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    const nameStart = at + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > data.length) throw new Refused("corrupt");
    const extras = readExtras(data, extraStart, extraLength);

    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    let localOffset = u32(at + 42);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      const zip64 = extras.get(EXTRA_ZIP64);
      if (!zip64) throw new Refused("corrupt");
      const zview = new DataView(zip64.buffer, zip64.byteOffset, zip64.byteLength);
      let field = 0;
      const take = () => {
        if (field + 8 > zip64.length) throw new Refused("corrupt");
        const value = zview.getBigUint64(field, true);
        field += 8;
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Refused("corrupt");
        return Number(value);
      };
      if (size === 0xffffffff) size = take();
      if (compressedSize === 0xffffffff) compressedSize = take();
      if (localOffset === 0xffffffff) localOffset = take();
    }

    // JSZip names the entry by its local header (the central name is "for display").
    if (localOffset + 30 > data.length || u32(localOffset) !== SIG_LOCAL) throw new Refused("corrupt");
    const localNameLength = u16(localOffset + 26);
    const localName = data.subarray(localOffset + 30, localOffset + 30 + localNameLength);
    const dataStart = localOffset + 30 + localNameLength + u16(localOffset + 28);
    if (dataStart > data.length) throw new Refused("corrupt");

    const centralName = data.subarray(nameStart, extraStart);
    const library = libraryName(localName, flags, extras);
    const name = peopleName(centralName, flags, extras);
    entries.push({
      name,
      libraryName: library.name,
      oddName: library.odd,
      directory: (u32(at + 38) & 0x10) !== 0 || name.endsWith("/") || library.name.endsWith("/"),
      flags,
      method: u16(at + 10),
      compressedSize,
      size,
      dataStart,
    });
    at = next;
  }
  if (entries.length !== count) throw new Refused("corrupt");
  return entries;
}

/** Extra fields by id, the last of each id winning, as JSZip's loop reads them. */
function readExtras(data: Uint8Array, start: number, length: number): Map<number, Uint8Array> {
  const extras = new Map<number, Uint8Array>();
  const end = start + length;
  for (let at = start; at + 4 < end; ) {
    const id = data[at] | (data[at + 1] << 8);
    const size = data[at + 2] | (data[at + 3] << 8);
    if (at + 4 + size > data.length) throw new Refused("corrupt");
    extras.set(id, data.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return extras;
}

/** Info-ZIP Unicode Path (0x7075): version 1, CRC-32 of the name it stands for, UTF-8 name. */
function unicodePath(extras: Map<number, Uint8Array>, nameBytes: Uint8Array): Uint8Array | null {
  const field = extras.get(EXTRA_UNICODE_PATH);
  if (!field || field.length < 5 || field[0] !== 1) return null;
  const crc = (field[1] | (field[2] << 8) | (field[3] << 16) | (field[4] << 24)) >>> 0;
  return crc === crc32(nameBytes) ? field.subarray(5) : null; // a stale field is ignored
}

/**
 * A name as the uploader's machine meant it: UTF-8 when the entry says so (general purpose bit
 * 11) or carries an Info-ZIP Unicode Path; otherwise the machine's code page, which for our
 * users is GBK (Explorer, WinRAR, 360压缩 on Chinese Windows) — decoded as GB18030, its
 * superset. ASCII reads the same either way. Backslashes (old Windows tools) become "/".
 */
function peopleName(nameBytes: Uint8Array, flags: number, extras: Map<number, Uint8Array>): string {
  let name: string;
  if (flags & FLAG_UTF8) name = utf8.decode(nameBytes);
  else {
    const unicode = unicodePath(extras, nameBytes);
    name = unicode ? utf8.decode(unicode) : gb18030.decode(nameBytes);
  }
  return name.replace(/\\/g, "/").replace(/^\/+/, "");
}

/** The name JSZip gives an entry: local name, UTF-8 (bit 11, else Unicode Path, else as is), "." and ".." resolved. */
function libraryName(localName: Uint8Array, flags: number, extras: Map<number, Uint8Array>): { name: string; odd: boolean } {
  const bytes = (flags & FLAG_UTF8 ? null : unicodePath(extras, localName)) ?? localName;
  let odd = false;
  try {
    utf8Strict.decode(bytes);
  } catch {
    odd = true;
  }
  return { name: resolvePath(utf8.decode(bytes)), odd };
}

/** JSZip's utils.resolve. */
function resolvePath(path: string): string {
  const parts = path.split("/");
  const result: string[] = [];
  parts.forEach((part, index) => {
    if (part === "." || (part === "" && index !== 0 && index !== parts.length - 1)) return;
    if (part === "..") result.pop();
    else result.push(part);
  });
  return result.join("/");
}

let crcTable: Uint32Array | null = null;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Inflates one entry within `budget` bytes; returns its real size, and its bytes if `keep`. */
function inflateEntry(
  data: Uint8Array,
  entry: ArchiveEntry,
  budget: number,
  scanDtd: boolean,
  keep: boolean,
): { produced: number; bytes?: Uint8Array } {
  if (entry.flags & FLAG_ENCRYPTED) throw new Refused("encrypted");
  if (entry.directory && entry.size === 0 && entry.compressedSize <= 2) return { produced: 0, bytes: keep ? new Uint8Array(0) : undefined };
  const stop = entry.dataStart + entry.compressedSize;
  if (stop > data.length) throw new Refused("corrupt");
  const body = data.subarray(entry.dataStart, stop);
  const scan = scanDtd ? new DtdScanner() : null;
  // The declared size has been checked against the budget, so this allocation is bounded.
  const out = keep ? new Uint8Array(Math.min(entry.size, budget)) : null;

  let produced = 0;
  const take = (chunk: Uint8Array) => {
    if (out && produced + chunk.length <= out.length) out.set(chunk, produced);
    produced += chunk.length;
    if (produced > budget) throw new Refused("bomb");
    scan?.push(chunk);
  };
  if (entry.method === 0) {
    take(body);
  } else if (entry.method === 8) {
    if (body.length === 0) throw new Refused("corrupt");
    const inflater = new Inflate(take);
    for (let offset = 0; offset < body.length; offset += CHUNK) {
      const end = Math.min(offset + CHUNK, body.length);
      inflater.push(body.subarray(offset, end), end === body.length);
    }
  } else {
    throw new Refused("corrupt"); // neither stored nor deflated: JSZip could not read it either
  }
  if (scan?.found) throw new Refused("dtd");
  if (produced !== entry.size) throw new Refused("corrupt");
  return { produced, bytes: out ?? undefined };
}

const BINARY_PART = /(^|\/)media\/|\.(bin|png|jpe?g|gif|bmp|emf|wmf|tiff?|svg|wdp|ico|odttf|ttf)$/i;

/** True for a name only an image or font could have (SVGs may carry a DOCTYPE). */
export function isBinaryPartName(name: string): boolean {
  return BINARY_PART.test(name);
}

function scansForDtd(entry: ArchiveEntry): boolean {
  return entry.oddName || !(isBinaryPartName(entry.name) && isBinaryPartName(entry.libraryName));
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
  // "!" is rare in XML, "<" is everywhere: look for the former.
  for (let at = bytes.indexOf(0x21, 1); at >= 0; at = bytes.indexOf(0x21, at + 1)) {
    if (bytes[at - 1] !== 0x3c) continue; // "<!"
    if (matchesUpper(bytes, at + 1, DOCTYPE) || matchesUpper(bytes, at + 1, ENTITY)) return true;
  }
  return false;
}

function matchesUpper(bytes: Uint8Array, at: number, word: number[]): boolean {
  if (at + word.length > bytes.length) return false;
  // ASCII letters: clearing bit 0x20 upper-cases them.
  return word.every((letter, i) => (bytes[at + i] & 0xdf) === letter);
}

// ---------------------------------------------------------------------------------------------
// XML, counted without building anything: a tokenizer over the bytes of one part.

export interface XmlTag {
  /** The name as written, prefix included (exceljs matches these). */
  readonly name: string;
  /** Without its prefix (mammoth resolves prefixes by namespace: any prefix may be "w"). */
  readonly local: string;
  /** Attributes, namespace declarations included (each is a DOM node to xmldom). */
  readonly attributes: number;
  readonly selfClosing: boolean;
  /** Byte offsets of the tag: `<` and one past `>`. */
  readonly start: number;
  readonly end: number;
  /** One attribute's value, normalized and with references expanded, as a parser reports it. */
  attr(name: string): string | undefined;
}

export interface XmlVisitor {
  /** A start tag; `depth` is the element's (the root is 1). */
  open?(tag: XmlTag, depth: number): void;
  /** An end tag; `end` is one past its `>`. */
  close?(name: string, local: string, end: number): void;
  /** Character data (text, CDATA), in bytes. */
  text?(bytes: number): void;
}

const COMMENT_END = [0x2d, 0x2d, 0x3e]; // -->
const CDATA_END = [0x5d, 0x5d, 0x3e]; // ]]>
const PI_END = [0x3f, 0x3e]; // ?>
const CDATA_START = [0x5b, 0x43, 0x44, 0x41, 0x54, 0x41, 0x5b]; // [CDATA[

/**
 * Walks the tags of one XML part. Throws LimitExceeded past `maxDepth` or at a markup
 * declaration (<!DOCTYPE, <!ENTITY …): OOXML has none, and they are how entity expansion works.
 * Malformed XML is walked as far as it goes; the library will refuse it anyway.
 */
export function scanXml(bytes: Uint8Array, visitor: XmlVisitor, maxDepth: number = MAX_XML_DEPTH): void {
  const n = bytes.length;
  const tag = new Tag(bytes);
  let depth = 0;
  let at = 0;
  while (at < n) {
    const lt = bytes.indexOf(0x3c, at);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > at) visitor.text?.(textEnd - at);
    if (lt < 0) return;
    const next = bytes[lt + 1];
    if (next === 0x21) {
      // "<!": a comment, CDATA, or a declaration.
      if (bytes[lt + 2] === 0x2d && bytes[lt + 3] === 0x2d) {
        at = skipPast(bytes, COMMENT_END, lt + 4);
      } else if (startsWith(bytes, lt + 2, CDATA_START)) {
        at = skipPast(bytes, CDATA_END, lt + 9);
        visitor.text?.(Math.max(0, Math.min(at, n) - 3 - (lt + 9)));
      } else {
        throw new LimitExceeded(DTD_MESSAGE);
      }
      continue;
    }
    if (next === 0x3f) {
      at = skipPast(bytes, PI_END, lt + 2);
      continue;
    }
    if (next === 0x2f) {
      const gt = bytes.indexOf(0x3e, lt + 2);
      if (gt < 0) return;
      let stop = lt + 2;
      while (stop < gt && !isNameEnd(bytes[stop])) stop++;
      const name = latin1(bytes, lt + 2, stop);
      if (depth > 0) depth--;
      visitor.close?.(name, localOf(name), gt + 1);
      at = gt + 1;
      continue;
    }
    let stop = lt + 1;
    while (stop < n && !isNameEnd(bytes[stop])) stop++;
    if (stop === lt + 1) {
      at = lt + 1; // "<" then junk: no element
      continue;
    }
    // To the ">" that is outside quotes (">" is allowed inside attribute values).
    let quote = 0;
    let attributes = 0;
    let gt = stop;
    for (; gt < n; gt++) {
      const b = bytes[gt];
      if (quote !== 0) {
        if (b === quote) quote = 0;
      } else if (b === 0x22 || b === 0x27) quote = b;
      else if (b === 0x3d) attributes++;
      else if (b === 0x3e) break;
    }
    if (gt >= n) return;
    const selfClosing = bytes[gt - 1] === 0x2f;
    if (depth + 1 > maxDepth) {
      throw new LimitExceeded(`文件内容嵌套层级过深（超过 ${maxDepth} 层），疑似异常文件，已拒绝`);
    }
    tag.set(latin1(bytes, lt + 1, stop), stop, selfClosing ? gt - 1 : gt, attributes, selfClosing, lt, gt + 1);
    visitor.open?.(tag, depth + 1);
    if (!selfClosing) depth++;
    at = gt + 1;
  }
}

class Tag implements XmlTag {
  name = "";
  attributes = 0;
  selfClosing = false;
  start = 0;
  end = 0;
  private from = 0;
  private to = 0;

  constructor(private readonly bytes: Uint8Array) {}

  set(name: string, from: number, to: number, attributes: number, selfClosing: boolean, start: number, end: number) {
    this.name = name;
    this.from = from;
    this.to = to;
    this.attributes = attributes;
    this.selfClosing = selfClosing;
    this.start = start;
    this.end = end;
  }

  get local(): string {
    return localOf(this.name);
  }

  attr(wanted: string): string | undefined {
    const bytes = this.bytes;
    let i = this.from;
    while (i < this.to) {
      while (i < this.to && isSpace(bytes[i])) i++;
      const nameStart = i;
      while (i < this.to && bytes[i] !== 0x3d && !isSpace(bytes[i])) i++;
      const nameEnd = i;
      while (i < this.to && isSpace(bytes[i])) i++;
      if (bytes[i] !== 0x3d) return undefined; // malformed
      i++;
      while (i < this.to && isSpace(bytes[i])) i++;
      const quote = bytes[i];
      if (quote !== 0x22 && quote !== 0x27) return undefined;
      const valueStart = ++i;
      while (i < this.to && bytes[i] !== quote) i++;
      const valueEnd = i++;
      if (nameEnd - nameStart === wanted.length && latin1(bytes, nameStart, nameEnd) === wanted) {
        return attributeValue(bytes.subarray(valueStart, valueEnd));
      }
    }
    return undefined;
  }
}

function attributeValue(raw: Uint8Array): string {
  // XML attribute-value normalization: literal whitespace becomes a space; references expand.
  const text = utf8.decode(raw).replace(/[\t\n\r]/g, " ");
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_whole, ref: string) => {
    switch (ref) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
    }
    const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
const isNameEnd = (b: number) => isSpace(b) || b === 0x2f || b === 0x3e;

function localOf(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let text = "";
  for (let i = from; i < to; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

function startsWith(bytes: Uint8Array, at: number, word: number[]): boolean {
  return word.every((b, i) => bytes[at + i] === b);
}

/** The offset just past the next `word` from `from`, or the end of the bytes. */
function skipPast(bytes: Uint8Array, word: number[], from: number): number {
  for (let at = bytes.indexOf(word[0], from); at >= 0; at = bytes.indexOf(word[0], at + 1)) {
    if (startsWith(bytes, at, word)) return at + word.length;
  }
  return bytes.length;
}
