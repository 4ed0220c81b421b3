/**
 * PDF → the flattened text format (flat.ts). Published reports are mostly PDFs printed from
 * Word or WPS; a PDF has no paragraphs or tables, only glyph runs at positions and drawn
 * lines, so both are rebuilt here:
 *
 *   - runs are grouped into lines by baseline and ordered by x; a wide gap splits a line into
 *     segments (candidate cells);
 *   - ruled tables (the usual case: Word draws every cell border) are rebuilt from the drawn
 *     rules, cell merges included — a rowspan's text goes to its first row and a "" to the
 *     rows below, a colspan is one cell, as Word's own text extraction shows them (flat.ts);
 *   - unruled tables: consecutive lines whose segments keep to the same column x-ranges;
 *   - paragraphs wrapped over several lines (and pages) are joined again, page headers,
 *     footers and page numbers dropped, a table continued on the next page joined up.
 *
 * pdf.js (pdfjs-dist, legacy build for Node) parses the file in this process — its worker
 * side in this thread, on a port of our own (InProcessPort), no thread: the convert worker
 * (app/server/convertPool.server.ts) is the sandbox with the memory and time limits. No eval,
 * no font loading into a page, no network; the only files it may read are its own CMaps and
 * standard fonts. Before pdf.js sees the file, its declared page count and what its streams
 * inflate to are read from the bytes; then the pages and the text are counted against
 * limits.ts while pdf.js produces them. Never throws.
 *
 * Speed (a 6-page report printed by Chromium, its CJK glyphs as ~770 Type3 glyph programs):
 * most of the time is pdf.js loading the fonts for the first getTextContent, then reading the
 * operator lists; what loadPdfjs undoes of pdf.js's legacy build (core-js's JavaScript
 * Array.prototype.push and JSON, DecompressionStream for every stream), the port's copying
 * and the byte checks' native zlib make it about three times faster than pdf.js as shipped.
 */
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { TextItem } from "pdfjs-dist/types/src/display/api";
import { Unzlib } from "fflate";
import { inflateSync } from "node:zlib";
import { type ConvertResult, type FlatBlock, writeFlat } from "./flat";
import { MAX_PDF_INFLATED_BYTES, MAX_PDF_PAGES, MAX_PDF_RULES_PER_PAGE, MAX_PDF_TEXT_CHARS, MAX_PDF_TEXT_ITEMS } from "./limits";

export type { ConvertResult } from "./flat";

export const PDF_NOT_VALID = "文件不是有效的 PDF 文档";
export const PDF_CORRUPT = "PDF 文件已损坏或格式异常，无法读取；请重新导出 PDF 或上传 Word 原件";
export const PDF_TRUNCATED = "PDF 文件不完整（可能在下载或复制时被截断），请重新导出或重新下载后上传";
export const PDF_ENCRYPTED = "PDF 文件设置了打开密码，无法读取；请取消密码保护后再上传，或上传 Word 原件";
export const PDF_SCANNED =
  "该 PDF 是扫描件或图片，没有可提取的文字层，系统无法识别其中的内容；请上传 Word 原件或可复制文字的 PDF";
export const pdfTooManyPages = (limit: number) => `PDF 页数过多（超过 ${limit} 页），疑似异常文件，已拒绝；请只上传绩效自评报告`;
const TOO_MANY_ITEMS = `PDF 文字片段过多（超过 ${MAX_PDF_TEXT_ITEMS} 个），疑似异常文件，已拒绝`;
const TOO_MUCH_TEXT = `PDF 文字过多（超过 ${MAX_PDF_TEXT_CHARS} 个字符），不像一份绩效自评报告，已拒绝`;

class PdfRefused extends Error {}

const fail = (error: string): ConvertResult => ({ ok: false, error });

export async function pdfToText(data: Uint8Array): Promise<ConvertResult> {
  try {
    const early = vetPdfBytes(data);
    if (early) return fail(early);
    const { pdfjs, workerHandler } = await loadPdfjs();
    // pdf.js's worker side in this thread, over a port of our own (see InProcessPort).
    const port = new InProcessPort();
    const worker = pdfjs.PDFWorker.create({ port: port as unknown as Worker, verbosity: 0 });
    workerHandler.initializeFromPort(port);
    // pdf.js transfers the buffer it is given to its worker side: hand it a copy.
    const task = pdfjs.getDocument({
      worker,
      data: data.slice(),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      useWorkerFetch: false,
      useWasm: false,
      enableXfa: false,
      stopAtErrors: false,
      // Images are never needed: skipped before they are decoded.
      maxImageSize: 1,
      verbosity: 0,
      cMapUrl: "cmaps/",
      cMapPacked: true,
      standardFontDataUrl: "standard_fonts/",
      BinaryDataFactory: PdfjsDataFiles,
    });
    try {
      let document: PDFDocumentProxy;
      try {
        document = await task.promise;
      } catch (error) {
        return fail((error as { name?: string } | null)?.name === "PasswordException" ? PDF_ENCRYPTED : PDF_CORRUPT);
      }
      if (document.numPages > MAX_PDF_PAGES) return fail(pdfTooManyPages(MAX_PDF_PAGES));
      if (document.numPages < 1) return fail(PDF_CORRUPT);
      const budget = { items: 0, chars: 0 };
      const pages: PageLayout[] = [];
      for (let number = 1; number <= document.numPages; number++) {
        const page = await document.getPage(number);
        const runs = await readRuns(page, budget);
        // A page whose drawing pdf.js cannot follow is still read, without ruled tables; so is
        // one of more runs than any table page has (following its drawing costs as much again).
        const rules = runs.length > 0 && runs.length <= MAX_RUNS_FOR_RULES ? await readRules(page, pdfjs.OPS).catch(() => null) : null;
        const { width, height } = page.getViewport({ scale: 1 });
        pages.push(layoutPage(runs, rules, width, height));
        page.cleanup();
      }
      const blocks = assemble(pages);
      const text = writeFlat(blocks);
      if (text.replace(/\s/g, "").length < MIN_TEXT_CHARS) return fail(PDF_SCANNED);
      return { ok: true, text };
    } finally {
      await task.destroy().catch(() => undefined);
      worker.destroy();
      port.terminate();
    }
  } catch (error) {
    if (error instanceof PdfRefused) return fail(error.message);
    return fail(PDF_CORRUPT);
  }
}

/** A page of a dense 自评表 has a few thousand runs. */
const MAX_RUNS_FOR_RULES = 20_000;

/** Fewer non-blank characters than this (a stamp, a scanner's watermark) is no text layer. */
const MIN_TEXT_CHARS = 10;

// ---------------------------------------------------------------------------------------------
// Before pdf.js: what the bytes themselves say.

/**
 * A refusal readable from the raw bytes: not a PDF; cut off (no %%EOF near the end, where
 * every writer puts it); a page tree declaring more pages than MAX_PDF_PAGES (pdf.js's own
 * count is checked after opening, but a tree whose root is no catalog is refused here before
 * pdf.js walks it); streams that inflate past MAX_PDF_INFLATED_BYTES.
 */
export function vetPdfBytes(data: Uint8Array): string | null {
  const head = latin1(data.subarray(0, 1024));
  if (!head.includes("%PDF-")) return PDF_NOT_VALID;
  if (!latin1(data.subarray(Math.max(0, data.length - 4096))).includes("%%EOF")) return PDF_TRUNCATED;
  const text = latin1(data);
  if (declaredPageCount(text) > MAX_PDF_PAGES) return pdfTooManyPages(MAX_PDF_PAGES);
  if (inflatedStreamBytes(data, text, MAX_PDF_INFLATED_BYTES) > MAX_PDF_INFLATED_BYTES) return INFLATES_TOO_MUCH;
  return null;
}

const INFLATES_TOO_MUCH = `PDF 内容解压后过大（超过 ${MAX_PDF_INFLATED_BYTES / 1024 / 1024} MB），疑似压缩炸弹，已拒绝`;

/** One character per byte, offsets kept (Node's latin1: a tenth of TextDecoder's windows-1252, the same for the ASCII searched here). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/**
 * The largest /Count of a /Type /Pages dictionary written in the clear (compressed object
 * streams hide theirs; pdf.js's own count covers those). One pass: each object is looked at
 * once, from its `obj` to its `endobj`.
 */
export function declaredPageCount(text: string): number {
  const pages = /\/Type\s*\/Pages(?![A-Za-z0-9])/g;
  let largest = 0;
  for (let match = pages.exec(text); match; match = pages.exec(text)) {
    // "endobj" ends in "obj" too: the search back stops at the previous object's end.
    const start = Math.max(0, text.lastIndexOf("obj", match.index));
    const endobj = text.indexOf("endobj", match.index);
    const end = endobj < 0 ? text.length : endobj;
    largest = Math.max(largest, topLevelCount(text, start, end));
    pages.lastIndex = Math.max(pages.lastIndex, end);
  }
  return largest;
}

/**
 * What the file's deflated streams inflate to, images aside (pdf.js never decodes those here),
 * counted up to just past `budget`: pdf.js keeps a stream's whole decoded bytes, so a
 * content stream of 20 MB that inflates a thousandfold would end in the worker's memory limit.
 * Streams found by their keywords, each looked at once; a stream that does not inflate is
 * left to pdf.js.
 */
export function inflatedStreamBytes(data: Uint8Array, text: string, budget: number): number {
  const keyword = /stream(?:\r\n|\n|\r)/g;
  let total = 0;
  for (let match = keyword.exec(text); match; match = keyword.exec(text)) {
    if (text.startsWith("end", match.index - 3)) continue;
    const window = text.slice(Math.max(0, match.index - 4096), match.index);
    const dictionary = window.slice(Math.max(0, window.lastIndexOf("obj")));
    const start = match.index + match[0].length;
    const end = text.indexOf("endstream", start);
    if (end < 0) break;
    keyword.lastIndex = end + 9;
    if (/\/Subtype\s*\/Image(?![A-Za-z])/.test(dictionary) || !/\/Filter\s*\[?\s*\/FlateDecode(?![A-Za-z])/.test(dictionary)) continue;
    total += inflatedSize(data.subarray(start, end), budget - total);
    if (total > budget) break;
  }
  return total;
}

class OverBudget extends Error {}

/**
 * A stream inflating to at most this much is inflated in one call of Node's zlib (a Chromium
 * PDF has hundreds of small streams, its CJK glyphs drawn as Type3 fonts: one call each is a
 * tenth of fflate's time); past it, or when zlib stops at an error, fflate counts it in pieces
 * as before, never holding more than a chunk of it.
 */
const ONE_CALL_INFLATE_BYTES = 4 * 1024 * 1024;

function inflatedSize(stream: Uint8Array, budget: number): number {
  const limit = Math.min(budget + 1, ONE_CALL_INFLATE_BYTES);
  try {
    return inflateSync(stream, { maxOutputLength: limit }).length;
  } catch (error) {
    // Past `limit`: over budget when that was the budget's end, else counted piece by piece.
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" && limit === budget + 1) return budget + 1;
  }
  return inflatedSizeInPieces(stream, budget);
}

function inflatedSizeInPieces(stream: Uint8Array, budget: number): number {
  let produced = 0;
  const inflater = new Unzlib((chunk) => {
    produced += chunk.length;
    if (produced > budget) throw new OverBudget();
  });
  try {
    for (let offset = 0; offset < stream.length; offset += 65536) {
      const end = Math.min(offset + 65536, stream.length);
      inflater.push(stream.subarray(offset, end), end === stream.length);
    }
  } catch (error) {
    if (!(error instanceof OverBudget)) return produced; // not zlib data: pdf.js's problem
  }
  return produced;
}

/** The /Count at the first dictionary's own level between start and end (nested dicts, arrays and strings skipped). */
function topLevelCount(text: string, start: number, end: number): number {
  let depth = 0;
  let count = 0;
  for (let i = start; i < end; i++) {
    const ch = text[i];
    if (ch === "(" && depth > 0) {
      // A literal string: balanced parentheses, backslash escapes.
      let nesting = 1;
      for (i++; i < end && nesting > 0; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === "(") nesting++;
        else if (text[i] === ")") nesting--;
      }
      i--;
    } else if (ch === "<" && text[i + 1] === "<") {
      depth++;
      i++;
    } else if (ch === ">" && text[i + 1] === ">" && depth > 0) {
      depth--;
      i++;
      if (depth === 0) break;
    } else if (ch === "/" && depth === 1 && text.startsWith("/Count", i)) {
      const value = /^\/Count\s*(\d{1,15})/.exec(text.slice(i, i + 32));
      if (value) count = Math.max(count, Number(value[1]));
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// pdf.js, loaded on the first PDF (few requests need it) and run without a worker thread.
// The worker process reads one file at a time and is replaced after a few hundred: what is
// kept here between documents (the modules, pdf.js's data files) is pdf.js's own.

type Pdfjs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
/** The worker module's entry: sets pdf.js's worker side up on a port. */
interface WorkerMessageHandler {
  initializeFromPort(port: InProcessPort): void;
}
let pdfjsModule: Promise<{ pdfjs: Pdfjs; workerHandler: WorkerMessageHandler }> | undefined;
let dataDirectory: string | undefined;

function loadPdfjs(): Promise<{ pdfjs: Pdfjs; workerHandler: WorkerMessageHandler }> {
  pdfjsModule ??= (async () => {
    const { createRequire } = await import("node:module");
    const { dirname } = await import("node:path");
    dataDirectory = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
    const natives = PATCHED_NATIVES.map(([owner, key]) => [owner, key, Object.getOwnPropertyDescriptor(owner, key)] as const);
    try {
      // The worker's code, run in this thread on the ports pdfToText makes.
      // @ts-expect-error pdfjs-dist ships no types for its worker module
      const worker = (await import("pdfjs-dist/legacy/build/pdf.worker.mjs")) as { WorkerMessageHandler: WorkerMessageHandler };
      const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
      return { pdfjs, workerHandler: worker.WorkerMessageHandler };
    } finally {
      for (const [owner, key, descriptor] of natives) if (descriptor) Object.defineProperty(owner, key, descriptor);
      // pdf.js inflates every FlateDecode stream through DecompressionStream where there is
      // one: in Node, zlib on the thread pool behind web streams, dozens of promise turns and a
      // thread-pool round trip per stream — and a PDF printed by Chromium draws its CJK glyphs
      // as Type3 fonts, hundreds of small streams that pdf.js inflates before any text is read.
      // Without it pdf.js inflates in JS, in this thread: the text of such a PDF in half the
      // time. Nothing else in the convert worker (the only process that loads pdf.js) uses it.
      delete (globalThis as { DecompressionStream?: unknown }).DecompressionStream;
    }
  })();
  pdfjsModule.catch(() => {
    pdfjsModule = undefined;
  });
  return pdfjsModule;
}

/**
 * The channel between pdf.js's two sides in this thread, as pdf.js's own fake worker
 * (LoopbackPort) has it — both sides listen on the one port, each message goes to every
 * listener in a microtask, each side picks its own by name — but each message copied by
 * copyMessage instead of structuredClone: Node 20's structuredClone sends the value through a
 * MessageChannel and V8's serializer, four times slower on what pdf.js sends most (operator
 * lists of glyphs, text chunks, fonts), some 800 messages for a short report.
 */
class InProcessPort {
  readonly #listeners = new Map<(event: { data: unknown }) => void, (() => void) | null>();

  postMessage(message: unknown, transfer?: readonly unknown[] | null): void {
    const event = { data: copyMessage(message, transfer) };
    void Promise.resolve().then(() => {
      for (const [listener] of this.#listeners) listener.call(this, event);
    });
  }

  /** pdf.js's message handlers listen until their `signal` aborts (when they are destroyed). */
  addEventListener(type: string, listener: (event: { data: unknown }) => void, options?: { signal?: AbortSignal }): void {
    const signal = options?.signal;
    if (!signal) {
      this.#listeners.set(listener, null);
      return;
    }
    if (signal.aborted) return;
    const stop = () => this.removeEventListener(type, listener);
    signal.addEventListener("abort", stop, { once: true });
    this.#listeners.set(listener, () => signal.removeEventListener("abort", stop));
  }

  removeEventListener(_type: string, listener: (event: { data: unknown }) => void): void {
    this.#listeners.get(listener)?.();
    this.#listeners.delete(listener);
  }

  terminate(): void {
    for (const [, unlisten] of this.#listeners) unlisten?.();
    this.#listeners.clear();
  }
}

/**
 * A structured clone of what pdf.js sends between its sides: arrays, plain and class objects
 * (as plain objects: own enumerable properties), typed arrays with their buffers, ArrayBuffers,
 * Maps and Sets copied here, shared and circular references kept; buffers in `transfer` are
 * handed over, not copied (the sender never touches them again); any other kind of object
 * (Date, Error, …) goes to structuredClone, which also refuses functions as it would.
 */
export function copyMessage(message: unknown, transfer?: readonly unknown[] | null): unknown {
  const copies = new Map<object, unknown>();
  for (const buffer of transfer ?? []) if (buffer instanceof ArrayBuffer) copies.set(buffer, buffer);
  return copyValue(message, copies);
}

type TypedArrayKind = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;
const TYPED_ARRAYS = new Map<object, TypedArrayKind>(
  [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array].map(
    (kind) => [kind.prototype, kind as unknown as TypedArrayKind],
  ),
);

function copyValue(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null) return typeof value === "function" || typeof value === "symbol" ? structuredClone(value) : value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    copies.set(value, out);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = copyValue(value[i], copies);
    return out;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return copyObject(value, copies);
  // As structuredClone: the view's whole buffer, the view at its offset, of its intrinsic kind (a Buffer arrives as a Uint8Array).
  const kind = TYPED_ARRAYS.get(prototype as object) ?? (ArrayBuffer.isView(value) ? intrinsicView(value) : undefined);
  if (kind) {
    const view = value as ArrayBufferView & { length?: number };
    const buffer = copyValue(view.buffer, copies) as ArrayBuffer;
    const out = kind === (DataView as unknown) ? new DataView(buffer, view.byteOffset, view.byteLength) : new kind(buffer, view.byteOffset, view.length!);
    copies.set(value, out);
    return out;
  }
  if (value instanceof ArrayBuffer) {
    const out = value.slice(0);
    copies.set(value, out);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    copies.set(value, out);
    for (const [k, v] of value) out.set(copyValue(k, copies), copyValue(v, copies));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    copies.set(value, out);
    for (const v of value) out.add(copyValue(v, copies));
    return out;
  }
  if (Object.prototype.toString.call(value) === "[object Object]") return copyObject(value, copies);
  const out: unknown = structuredClone(value);
  copies.set(value, out);
  return out;
}

function copyObject(value: object, copies: Map<object, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  copies.set(value, out);
  for (const key of Object.keys(value)) out[key] = copyValue((value as Record<string, unknown>)[key], copies);
  return out;
}

/** A typed array or DataView of a subclass (Node's Buffer): the built-in kind it is. */
function intrinsicView(view: ArrayBufferView): TypedArrayKind | undefined {
  const name = Object.prototype.toString.call(view).slice(8, -1);
  if (name === "DataView") return DataView as unknown as TypedArrayKind;
  return TYPED_ARRAYS.get((globalThis as unknown as Record<string, { prototype: object } | undefined>)[name]?.prototype ?? {});
}

/**
 * Built-ins that pdf.js's legacy build replaces with core-js's JavaScript versions on Node 20
 * (V8 11: push for a non-writable length's error, JSON for JSON.rawJSON), for the whole
 * process: push in JS slows every array pdf.js (and everything after it) builds, and
 * JSON.stringify becomes ~20 times slower. pdf.js needs neither edge case; the natives are
 * put back once it has loaded. (What it adds, such as Promise.withResolvers, stays.)
 */
const PATCHED_NATIVES: ReadonlyArray<readonly [object, PropertyKey]> = [
  [Array.prototype, "push"],
  [JSON, "stringify"],
  [JSON, "parse"],
  [Function.prototype, "toString"],
];

/**
 * pdf.js's data files (CMaps for fonts that are not embedded, e.g. SimSun with GBK-EUC-H, and
 * the standard fonts), read from the installed pdfjs-dist only: the names come from the PDF,
 * so anything but a plain file name is refused.
 */
class PdfjsDataFiles {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const folder = kind === "cMapUrl" ? "cmaps" : kind === "standardFontDataUrl" ? "standard_fonts" : null;
    if (!folder || !dataDirectory || !/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100}$/.test(filename) || filename.includes("..")) {
      throw new Error(`not available: ${kind} ${filename}`);
    }
    const key = `${folder}/${filename}`;
    let file = dataFiles.get(key);
    if (!file) {
      file = readDataFile(dataDirectory, folder, filename);
      dataFiles.set(key, file);
      file.catch(() => dataFiles.delete(key));
    }
    return await file;
  }
}

/**
 * The data files read so far, kept for the next documents: pdf.js's own files (2.5 MB all
 * together), a few per document that has fonts without embedded glyphs. pdf.js gets them by
 * copy (its messages are cloned, nothing transferred), so one read serves every document.
 */
const dataFiles = new Map<string, Promise<Uint8Array>>();

async function readDataFile(directory: string, folder: string, filename: string): Promise<Uint8Array> {
  const { readFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  return new Uint8Array(await readFile(join(directory, folder, filename)));
}

// ---------------------------------------------------------------------------------------------
// Text runs and drawn rules of a page, in viewport coordinates (points, y downwards).

interface Run {
  text: string;
  x0: number;
  x1: number;
  /** Baseline. */
  y: number;
  /** Font size (the glyph box's height). */
  size: number;
}

async function readRuns(page: PDFPageProxy, budget: { items: number; chars: number }): Promise<Run[]> {
  const viewport = page.getViewport({ scale: 1 });
  const runs: Run[] = [];
  const reader = (page.streamTextContent() as ReadableStream<{ items: Array<TextItem | { type: string }> }>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const item of value.items) {
        if (!("str" in item)) continue; // marked content
        if (++budget.items > MAX_PDF_TEXT_ITEMS) throw new PdfRefused(TOO_MANY_ITEMS);
        budget.chars += item.str.length;
        if (budget.chars > MAX_PDF_TEXT_CHARS) throw new PdfRefused(TOO_MUCH_TEXT);
        const run = toRun(item, viewport.transform);
        if (run) runs.push(run);
      }
    }
  } finally {
    // Stops pdf.js reading the rest of the page when a limit was reached.
    await reader.cancel(new Error("stopped")).catch(() => undefined);
  }
  return runs;
}

type Matrix = [number, number, number, number, number, number];

function multiply(m: readonly number[], n: readonly number[]): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

function apply(m: readonly number[], x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** A horizontal, left-to-right run; anything else (rotated watermarks, vertical text) is dropped. */
function toRun(item: TextItem, viewport: readonly number[]): Run | null {
  const text = normalizeGlyphs(item.str).replace(/\s+/g, " ");
  if (text.trim() === "") return null; // layout is rebuilt from positions, not from space runs
  const t = multiply(viewport, item.transform);
  const size = Math.hypot(t[2], t[3]);
  if (!(size > 0.5) || !(t[0] > 0) || Math.abs(t[1]) > 0.05 * t[0] || !Number.isFinite(t[4] + t[5])) return null;
  const width = item.width * Math.hypot(viewport[0], viewport[1]);
  return { text, x0: t[4], x1: t[4] + Math.max(width, 0), y: t[5], size };
}

/**
 * Glyphs that fonts share between an ideograph and a look-alike code point, which PDF writers
 * (Chromium, some WPS versions) put in the text layer: Kangxi radicals ⼀ ⼯ ⾏, CJK
 * compatibility ideographs and Latin ligatures go through NFKC, CJK radical supplement forms
 * (⻚ ⻔ ⻓, without a compatibility mapping) through Unicode's EquivalentUnifiedIdeograph
 * table; U+2015 back to the em dash Chinese text uses. Not NFKC on everything: it would turn
 * the full-width punctuation the parser reads (（一）, ：) into ASCII.
 */
export function normalizeGlyphs(text: string): string {
  return text
    .replace(/[\u2f00-\u2fdf\uf900-\ufaff\ufb00-\ufb06]/g, (ch) => ch.normalize("NFKC"))
    .replace(/[\u2e80-\u2eff]/g, (ch) => radicalEquivalents().get(ch) ?? ch)
    .replace(/\u2015/g, "\u2014"); // ― (horizontal bar) is the em dash's glyph in CJK fonts: 1—12月, ——
}

// EquivalentUnifiedIdeograph.txt (Unicode 15), the CJK Radicals Supplement entries mapping into the BMP.
const RADICAL_PAIRS =
  "⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺈刀⺉刂⺊卜⺋㔾⺌小⺍小⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺖忄⺗心⺘扌⺙攵⺛旡⺜日⺝月⺞歺⺟母⺠民⺡氵⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩王⺫目⺬示⺭礻⺯糹⺰纟⺱罓⺲罒⺳㓁⺴冗⺶羊⺹耂⺺肀⺻聿⺼肉⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻈讠⻉贝⻋车⻌辶⻍辶⻎辶⻏邑⻐钅⻑長⻒镸⻓长⻔门⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻟飠⻠饣⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟";
let radicals: Map<string, string> | undefined;
function radicalEquivalents(): Map<string, string> {
  if (!radicals) {
    radicals = new Map();
    for (let i = 0; i + 1 < RADICAL_PAIRS.length; i += 2) radicals.set(RADICAL_PAIRS[i], RADICAL_PAIRS[i + 1]);
  }
  return radicals;
}

/** A horizontal rule at y from x0 to x1, or a vertical one at x from y0 to y1. */
interface Rule {
  at: number;
  from: number;
  to: number;
}

interface Rules {
  horizontal: Rule[];
  vertical: Rule[];
}

/** Thicker than this is a filled area, not a border. */
const RULE_THICKNESS = 3;
/** Borders closer than this are one (double lines, a border drawn by both neighbouring cells). */
const SNAP = 3;

/**
 * The page's straight lines and thin filled rectangles, as table borders: pdf.js's operator
 * list, followed with its transformation matrices. Images are not decoded (maxImageSize).
 * Null when the page draws more than MAX_PDF_RULES_PER_PAGE of them: its text is then read
 * without ruled tables.
 */
async function readRules(page: PDFPageProxy, OPS: Pdfjs["OPS"]): Promise<Rules | null> {
  const list = await page.getOperatorList();
  const viewport = page.getViewport({ scale: 1 }).transform;
  const rules: Rules = { horizontal: [], vertical: [] };
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let lineWidth = 1;
  const stack: Array<[Matrix, number]> = [];
  const add = (x0: number, y0: number, x1: number, y1: number, thickness: number): boolean => {
    // A segment or a thin box, user space → viewport.
    const [ax, ay] = apply(viewport, ...apply(ctm, x0, y0));
    const [bx, by] = apply(viewport, ...apply(ctm, x1, y1));
    const width = Math.abs(bx - ax);
    const height = Math.abs(by - ay);
    const scale = Math.hypot(ctm[0], ctm[1]) || 1;
    const thick = Math.min(width, height) + thickness * scale;
    if (thick > RULE_THICKNESS || Math.max(width, height) < 1) return true;
    const list = width >= height ? rules.horizontal : rules.vertical;
    if (width >= height) list.push({ at: (ay + by) / 2, from: Math.min(ax, bx), to: Math.max(ax, bx) });
    else list.push({ at: (ax + bx) / 2, from: Math.min(ay, by), to: Math.max(ay, by) });
    return list.length <= MAX_PDF_RULES_PER_PAGE;
  };
  const { fnArray, argsArray } = list;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push([ctm, lineWidth]);
    else if (fn === OPS.restore) [ctm, lineWidth] = stack.pop() ?? [ctm, lineWidth];
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as number[]);
    else if (fn === OPS.setLineWidth && args) lineWidth = Number(args[0]) || 0;
    else if (fn === OPS.paintFormXObjectBegin && args) {
      stack.push([ctm, lineWidth]);
      if (Array.isArray(args[0]) || ArrayBuffer.isView(args[0])) ctm = multiply(ctm, Array.from(args[0] as ArrayLike<number>));
    } else if (fn === OPS.paintFormXObjectEnd) [ctm, lineWidth] = stack.pop() ?? [ctm, lineWidth];
    else if (fn === OPS.constructPath && args) {
      const [paint, [path], minMax] = args as [number, [Float32Array | null], Float32Array | number[] | null];
      if (!path || !minMax) continue;
      const stroked = paint === OPS.stroke || paint === OPS.closeStroke || paint === OPS.fillStroke || paint === OPS.eoFillStroke || paint === OPS.closeFillStroke || paint === OPS.closeEOFillStroke;
      const filled = paint === OPS.fill || paint === OPS.eoFill || paint === OPS.fillStroke || paint === OPS.eoFillStroke || paint === OPS.closeFillStroke || paint === OPS.closeEOFillStroke;
      let fine = true;
      if (filled) fine = add(minMax[0], minMax[1], minMax[2], minMax[3], 0) && fine;
      if (stroked) fine = strokeSegments(path, (x0, y0, x1, y1) => add(x0, y0, x1, y1, lineWidth)) && fine;
      if (!fine) return null;
    }
  }
  return rules;
}

/** Calls `segment` for each straight piece of a path (pdf.js's DrawOPS: 0 moveTo, 1 lineTo, 2 curveTo, 3 quadraticCurveTo, 4 closePath). */
function strokeSegments(path: Float32Array, segment: (x0: number, y0: number, x1: number, y1: number) => boolean): boolean {
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  for (let k = 0; k < path.length; ) {
    switch (path[k++]) {
      case 0:
        x = startX = path[k++];
        y = startY = path[k++];
        break;
      case 1: {
        const nx = path[k++];
        const ny = path[k++];
        if (!segment(x, y, nx, ny)) return false;
        x = nx;
        y = ny;
        break;
      }
      case 2:
        k += 4;
        x = path[k++];
        y = path[k++];
        break;
      case 3:
        k += 2;
        x = path[k++];
        y = path[k++];
        break;
      case 4:
        if (!segment(x, y, startX, startY)) return false;
        x = startX;
        y = startY;
        break;
      default:
        return true; // unknown drawing op: stop reading this path
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// One page: ruled tables, then lines of the remaining runs.

interface Line {
  /** Segments split at wide gaps, left to right. */
  segments: Segment[];
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  size: number;
}

interface Segment {
  text: string;
  x0: number;
  x1: number;
}

interface TableBlock {
  kind: "table";
  rows: string[][];
  top: number;
  x0: number;
  x1: number;
}

type PageBlock = { kind: "line"; line: Line } | TableBlock;

interface PageLayout {
  blocks: PageBlock[];
  width: number;
  height: number;
}

/** A gap this wide (in font sizes) separates cells or columns; narrower ones are word spaces. */
const COLUMN_GAP = 1.5;
/** A gap this wide (in font sizes) between two runs is a space. */
const SPACE_GAP = 0.2;

function layoutPage(runs: Run[], rules: Rules | null, width: number, height: number): PageLayout {
  const grids = rules ? findGrids(rules) : [];
  const inGrid = new Map<Grid, Run[]>();
  const free: Run[] = [];
  for (const run of runs) {
    const cx = (run.x0 + run.x1) / 2;
    const cy = run.y - run.size * 0.35;
    const grid = grids.find((g) => cx >= g.xs[0] - SNAP && cx <= g.xs[g.xs.length - 1] + SNAP && cy >= g.ys[0] - SNAP && cy <= g.ys[g.ys.length - 1] + SNAP);
    if (grid) {
      const list = inGrid.get(grid) ?? [];
      list.push(run);
      inGrid.set(grid, list);
    } else free.push(run);
  }
  const blocks: PageBlock[] = [];
  for (const grid of grids) {
    const table = gridTable(grid, inGrid.get(grid) ?? []);
    if (table) blocks.push(table);
  }
  for (const line of groupLines(free)) blocks.push({ kind: "line", line });
  blocks.sort((a, b) => topOf(a) - topOf(b));
  return { blocks, width, height };
}

const topOf = (block: PageBlock) => (block.kind === "line" ? block.line.top : block.top);

/** Runs → lines: same baseline (within 0.4 of a font size), ordered by x; duplicates of fake bold dropped. */
function groupLines(runs: Run[]): Line[] {
  const sorted = [...runs].sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const groups: Run[][] = [];
  for (const run of sorted) {
    const last = groups[groups.length - 1];
    const ref = last?.[0];
    if (ref && Math.abs(run.y - ref.y) <= 0.4 * Math.max(ref.size, run.size)) last.push(run);
    else groups.push([run]);
  }
  return groups.map(toLine);
}

function toLine(runs: Run[]): Line {
  const ordered = [...runs].sort((a, b) => a.x0 - b.x0);
  const kept: Run[] = [];
  for (const run of ordered) {
    // Fake bold / shadow: the same text drawn again a fraction of a point away (looked for
    // among the last few runs only: the line is ordered by x).
    let duplicate = false;
    for (let k = kept.length - 1; k >= Math.max(0, kept.length - 8) && !duplicate; k--) {
      duplicate = kept[k].text === run.text && Math.abs(kept[k].x0 - run.x0) < 0.3 * run.size;
    }
    if (!duplicate) kept.push(run);
  }
  const size = median(kept.map((r) => r.size));
  const segments: Segment[] = [];
  let current: Segment | null = null;
  for (const run of kept) {
    // The gap from the right end of what is already on the line (runs may overlap).
    const gap = current ? run.x0 - current.x1 : 0;
    if (!current || gap >= COLUMN_GAP * size) {
      current = { text: run.text, x0: run.x0, x1: run.x1 };
      segments.push(current);
    } else {
      const space = gap >= SPACE_GAP * size && !/\s$/.test(current.text) && !/^\s/.test(run.text);
      current.text += (space ? " " : "") + run.text;
      current.x1 = Math.max(current.x1, run.x1);
    }
  }
  for (const segment of segments) segment.text = tidy(segment.text);
  const baseline = median(kept.map((r) => r.y));
  return {
    segments: segments.filter((s) => s.text !== ""),
    x0: kept[0].x0,
    x1: kept.reduce((x, r) => Math.max(x, r.x1), -Infinity),
    top: baseline - size * 0.85,
    bottom: baseline + size * 0.15,
    size,
  };
}

const CJK = "\\u2e80-\\u2fdf\\u3000-\\u303f\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef";
const SPACE_IN_CJK = new RegExp(`(?<=[${CJK}]) (?=[${CJK}])`, "g");

/**
 * One space at most; none between two Chinese characters — pdf.js turns the letter spacing
 * of justified or spaced-out Chinese (部 门 名 称) into spaces, which Chinese text never has.
 */
function tidy(text: string): string {
  return text.replace(/\s+/g, " ").replace(SPACE_IN_CJK, "").trim();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
}

const lineText = (line: Line) => line.segments.map((s) => s.text).join("  ");

// ---------------------------------------------------------------------------------------------
// Ruled tables.

interface Grid {
  /** Column edges, left to right. */
  xs: number[];
  /** Row edges, top to bottom. */
  ys: number[];
  /** Slot (row × columns + column) → its merged region's slot. */
  region: Int32Array;
}

/** Clusters sorted values closer than SNAP to their mean. */
function cluster(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  let group: number[] = [];
  for (const v of sorted) {
    if (group.length && v - group[group.length - 1] > SNAP) {
      out.push(group.reduce((s, x) => s + x, 0) / group.length);
      group = [];
    }
    group.push(v);
  }
  if (group.length) out.push(group.reduce((s, x) => s + x, 0) / group.length);
  return out;
}

/** Collinear rules merged: same position (within SNAP), overlapping or touching. */
function mergeRules(rules: Rule[]): Rule[] {
  const sorted = [...rules].sort((a, b) => a.at - b.at || a.from - b.from);
  const lanes: Rule[][] = [];
  for (const rule of sorted) {
    const lane = lanes[lanes.length - 1];
    if (lane && rule.at - lane[0].at <= SNAP) lane.push(rule);
    else lanes.push([rule]);
  }
  const merged: Rule[] = [];
  for (const lane of lanes) {
    const at = lane.reduce((s, r) => s + r.at, 0) / lane.length;
    const pieces = [...lane].sort((a, b) => a.from - b.from);
    let current: Rule | null = null;
    for (const piece of pieces) {
      if (current && piece.from <= current.to + SNAP) current.to = Math.max(current.to, piece.to);
      else {
        current = { at, from: piece.from, to: piece.to };
        merged.push(current);
      }
    }
  }
  return merged;
}

function findParent(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = findParent(parent, a);
  const rb = findParent(parent, b);
  if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
}

/**
 * Tables from the rules: rules that touch form one table; its column edges are its vertical
 * rules' positions (and the ends of its horizontal ones, for tables open at the sides), its
 * row edges likewise. Two slots are one merged cell where the rule between them is missing.
 */
function findGrids(rules: Rules): Grid[] {
  const horizontal = mergeRules(rules.horizontal);
  const vertical = mergeRules(rules.vertical);
  const all = horizontal.length + vertical.length;
  const parent = new Int32Array(all).map((_, i) => i);
  for (let h = 0; h < horizontal.length; h++) {
    const hr = horizontal[h];
    for (let v = 0; v < vertical.length; v++) {
      const vr = vertical[v];
      if (vr.at >= hr.from - SNAP && vr.at <= hr.to + SNAP && hr.at >= vr.from - SNAP && hr.at <= vr.to + SNAP) union(parent, h, horizontal.length + v);
    }
  }
  const components = new Map<number, { h: Rule[]; v: Rule[] }>();
  for (let i = 0; i < all; i++) {
    const root = findParent(parent, i);
    const entry = components.get(root) ?? { h: [], v: [] };
    if (i < horizontal.length) entry.h.push(horizontal[i]);
    else entry.v.push(vertical[i - horizontal.length]);
    components.set(root, entry);
  }
  const grids: Grid[] = [];
  for (const { h, v } of components.values()) {
    if (h.length < 2 || v.length < 1) continue;
    const xs = cluster([...v.map((r) => r.at), Math.min(...h.map((r) => r.from)), Math.max(...h.map((r) => r.to))]);
    const ys = cluster([...h.map((r) => r.at), Math.min(...v.map((r) => r.from)), Math.max(...v.map((r) => r.to))]);
    const columns = xs.length - 1;
    const rows = ys.length - 1;
    // A frame around a paragraph or the page is no table; nor is a grid of thousands of slots.
    if (columns < 1 || rows < 1 || columns * rows < 2 || columns * rows > 20_000) continue;
    const region = new Int32Array(columns * rows).map((_, i) => i);
    const near = (edge: number) => (r: Rule) => Math.abs(r.at - edge) <= SNAP;
    const columnEdges = xs.map((x) => v.filter(near(x)));
    for (let r = 0; r < rows; r++) {
      const mid = (ys[r] + ys[r + 1]) / 2;
      for (let c = 1; c < columns; c++) {
        if (!columnEdges[c].some((rule) => rule.from - SNAP <= mid && mid <= rule.to + SNAP)) union(region, r * columns + c - 1, r * columns + c);
      }
    }
    for (let r = 1; r < rows; r++) {
      const edge = h.filter(near(ys[r]));
      for (let c = 0; c < columns; c++) {
        const mid = (xs[c] + xs[c + 1]) / 2;
        if (!edge.some((rule) => rule.from - SNAP <= mid && mid <= rule.to + SNAP)) union(region, (r - 1) * columns + c, r * columns + c);
      }
    }
    for (let i = 0; i < region.length; i++) region[i] = findParent(region, i);
    // Every row one cell (a page border with a header rule, a framed paragraph): text, no table.
    const split = Array.from({ length: rows }, (_, r) => region.subarray(r * columns, (r + 1) * columns)).some((row) => row.some((root) => root !== row[0]));
    if (split) grids.push({ xs, ys, region });
  }
  return grids;
}

/** The index of the band [edges[i], edges[i+1]] that holds value (clamped). */
function band(edges: number[], value: number): number {
  let i = 0;
  while (i < edges.length - 2 && value > edges[i + 1]) i++;
  return i;
}

/**
 * A grid's rows as flat.ts writes them: each merged region's text in the first row it covers,
 * a "" in each row below; a region spanning columns is one cell. Null for a grid with no text.
 */
function gridTable(grid: Grid, runs: Run[]): TableBlock | null {
  const { xs, ys, region } = grid;
  const columns = xs.length - 1;
  const rows = ys.length - 1;
  const byRegion = new Map<number, Run[]>();
  for (const run of runs) {
    const c = band(xs, (run.x0 + run.x1) / 2);
    const r = band(ys, run.y - run.size * 0.35);
    const root = region[r * columns + c];
    const list = byRegion.get(root) ?? [];
    list.push(run);
    byRegion.set(root, list);
  }
  if (byRegion.size === 0) return null;
  const firstRow = new Map<number, number>();
  for (let i = 0; i < region.length; i++) if (!firstRow.has(region[i])) firstRow.set(region[i], Math.floor(i / columns));
  const out: string[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < columns; c++) {
      const root = region[r * columns + c];
      if (c > 0 && region[r * columns + c - 1] === root) continue; // same merged cell, spanning columns
      if (firstRow.get(root) !== r) {
        row.push("");
        continue;
      }
      const lines = groupLines(byRegion.get(root) ?? []);
      row.push(lines.map((line) => line.segments.map((s) => s.text).join(" ")).join("\n"));
    }
    // A row of a few points between double borders is no row.
    if (ys[r + 1] - ys[r] < 2 * SNAP && row.every((cell) => cell === "")) continue;
    out.push(row);
  }
  return { kind: "table", rows: out, top: ys[0], x0: xs[0], x1: xs[columns] };
}

// ---------------------------------------------------------------------------------------------
// The whole document: page chrome dropped, unruled tables found, paragraphs and tables that
// run over a line or a page joined up.

/** Headers and footers sit in the top and bottom eighth of a page. */
const CHROME_BAND = 0.12;
const PAGE_NUMBER =
  /^(?:第\s*\d+\s*页(?:\s*[,，、/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，、]?\s*第\s*\d+\s*页|[-—–－]\s*\d+\s*[-—–－]|\d+\s*\/\s*\d+|\d{1,4}|page\s*\d+(?:\s*(?:of|\/)\s*\d+)?)$/i;

function assemble(pages: PageLayout[]): FlatBlock[] {
  dropPageChrome(pages);
  const blocks: Array<{ page: number; block: PageBlock }> = [];
  pages.forEach((page, index) => {
    for (const block of findTextTables(page.blocks)) blocks.push({ page: index, block });
  });
  const margins = pages.map(bodyMargins);
  const out: FlatBlock[] = [];
  let last: { page: number; block: PageBlock; text?: string } | null = null;
  for (const entry of blocks) {
    const { page, block } = entry;
    if (block.kind === "table") {
      const previous = out[out.length - 1];
      if (last?.block.kind === "table" && last.page === page - 1 && previous?.kind === "table" && continues(last.block, block)) {
        // The same table continued on the next page: the empty slice of a row cut by the page
        // end goes, and so does a repeated header row.
        while (previous.rows.length > 1 && previous.rows[previous.rows.length - 1].every((cell) => cell === "")) previous.rows.pop();
        const repeated = block.rows.length > 0 && sameRow(block.rows[0], previous.rows[0]);
        previous.rows.push(...(repeated ? block.rows.slice(1) : block.rows));
      } else out.push({ kind: "table", rows: block.rows });
      last = entry;
      continue;
    }
    const text = lineText(block.line);
    const previous = out[out.length - 1];
    if (last?.block.kind === "line" && previous?.kind === "line" && wraps(last.block.line, block.line, margins[last.page], last.page !== page)) {
      previous.text = joinWrapped(previous.text, text);
    } else out.push({ kind: "line", text });
    last = { page, block };
  }
  return out;
}

/**
 * Drops page numbers at the top or bottom of any page, and lines repeated in those bands, at
 * the same height, on at least half the pages (running headers and footers; digits may
 * differ, as in 第3页). The same text elsewhere (the title under a header that repeats it) stays.
 */
function dropPageChrome(pages: PageLayout[]): void {
  const candidates = pages.map((page) => {
    const lines = page.blocks.filter((b): b is { kind: "line"; line: Line } => b.kind === "line");
    const firstOther = page.blocks.find((b) => b.kind === "table");
    const top = lines.filter((b) => b.line.bottom <= page.height * CHROME_BAND && (!firstOther || b.line.bottom <= topOf(firstOther)));
    const bottom = lines.filter((b) => b.line.top >= page.height * (1 - CHROME_BAND));
    return [...top.slice(0, 2), ...bottom.slice(-2)];
  });
  const key = (line: Line) => lineText(line).replace(/\d+/g, "#").replace(/\s+/g, "");
  const heights = new Map<string, number[]>();
  for (const list of candidates) for (const b of list) heights.set(key(b.line), [...(heights.get(key(b.line)) ?? []), b.line.top]);
  const repeated = (line: Line) => {
    const tops = heights.get(key(line)) ?? [];
    const usual = median(tops);
    const near = (top: number) => Math.abs(top - usual) <= SNAP;
    return pages.length >= 2 && near(line.top) && tops.filter(near).length >= Math.max(2, Math.ceil(pages.length / 2));
  };
  pages.forEach((page, index) => {
    const drop = new Set(candidates[index].filter((b) => PAGE_NUMBER.test(lineText(b.line).replace(/\s+/g, " ").trim()) || repeated(b.line)));
    page.blocks = page.blocks.filter((b) => !drop.has(b as { kind: "line"; line: Line }));
  });
}

interface Margins {
  left: number;
  right: number;
}

/**
 * Where the page's text starts and ends. The right edge is where its longest lines end when
 * two or more end there (a paragraph's wrapped lines do); a page of short lines shows no
 * right edge, which is then taken to mirror the left one.
 */
function bodyMargins(page: PageLayout): Margins | null {
  const lines = page.blocks.flatMap((b) => (b.kind === "line" ? [b.line] : []));
  if (lines.length === 0) return null;
  const left = lines.reduce((x, l) => Math.min(x, l.x0), Infinity);
  const right = lines.reduce((x, l) => Math.max(x, l.x1), -Infinity);
  const atRight = lines.filter((l) => l.x1 >= right - 2 * l.size).length;
  return { left, right: atRight >= 2 ? right : Math.max(right, page.width - left) };
}

/** A line that starts a list item or a numbered heading never continues the line above. */
const NEW_ITEM = /^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十\d]{1,3}[章节条部分]|[•●◆■▪\-－—]\s|附[表件])/;

/**
 * Whether `next` is the wrapped continuation of `line` (same paragraph): `line` runs to the
 * right margin (the next line's first word would not have fitted after it), `next` starts at
 * the margin or back from an indented first line, in the same font size, one line below —
 * or at the top of the next page.
 */
function wraps(line: Line, next: Line, margins: Margins | null, newPage: boolean): boolean {
  if (!margins || line.segments.length !== 1 || next.segments.length !== 1) return false;
  const size = line.size;
  if (Math.abs(next.size - size) > 0.15 * size) return false;
  if (!newPage && (next.top - line.bottom > 1.2 * size || next.top < line.top)) return false;
  const firstWord = /^[A-Za-z0-9.%,，、。：；:;)）]+/.exec(next.segments[0].text)?.[0] ?? "";
  const firstWidth = Math.max(1, firstWord.length * 0.55) * next.size;
  if (line.x1 + firstWidth + 1.2 * size < margins.right) return false;
  if (NEW_ITEM.test(next.segments[0].text)) return false;
  const outdented = next.x0 < line.x0 - 0.5 * size;
  const aligned = Math.abs(next.x0 - line.x0) <= 0.5 * size && line.x0 <= margins.left + 0.5 * size;
  return outdented || aligned;
}

/** Wrapped lines join as Word would have them: Chinese without a space, two Latin words or numbers with one. */
function joinWrapped(head: string, tail: string): string {
  return /[A-Za-z0-9]$/.test(head) && /^[A-Za-z0-9]/.test(tail) ? `${head} ${tail}` : head + tail;
}

/**
 * A table at the top of a page continues the one that ended the page before when it has the
 * same left and right edges (not always the same columns: each page's part of a table has
 * only its own rows' column edges).
 */
function continues(a: TableBlock, b: TableBlock): boolean {
  return Math.abs(a.x0 - b.x0) <= SNAP && Math.abs(a.x1 - b.x1) <= SNAP;
}

function sameRow(a: string[] | undefined, b: string[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((cell, i) => cell === b[i]) && a.some((cell) => cell !== "");
}

/**
 * Unruled tables among a page's lines: two or more consecutive lines of two or more segments
 * whose segments keep to the same columns (each segment within one column's x-range), with the
 * single-segment lines between them that fit one column (a cell's wrapped text). Other lines
 * stay lines, their segments joined by two spaces.
 */
function findTextTables(blocks: PageBlock[]): PageBlock[] {
  const out: PageBlock[] = [];
  let i = 0;
  while (i < blocks.length) {
    const found = textTableAt(blocks, i);
    if (found) {
      out.push(found.table);
      i = found.end;
    } else {
      out.push(blocks[i]);
      i++;
    }
  }
  return out;
}

interface Column {
  x0: number;
  x1: number;
}

/** More segments than this on a line is no table row (a 自评表 has a dozen columns). */
const MAX_TEXT_COLUMNS = 40;

function textTableAt(blocks: PageBlock[], start: number): { table: TableBlock; end: number } | null {
  const first = blocks[start];
  if (first.kind !== "line" || first.line.segments.length < 2 || first.line.segments.length > MAX_TEXT_COLUMNS) return null;
  const columns: Column[] = first.line.segments.map((s) => ({ x0: s.x0, x1: s.x1 }));
  const rows: Array<Map<Column, string>> = [];
  const addRow = (line: Line, placed: Column[]) => {
    const row = new Map<Column, string>();
    line.segments.forEach((s, k) => row.set(placed[k], s.text));
    rows.push(row);
  };
  addRow(first.line, columns);
  let multi = 1;
  let end = start + 1;
  let previous = first.line;
  for (let i = start + 1; i < blocks.length; i++) {
    const block = blocks[i];
    if (block.kind !== "line") break;
    const line = block.line;
    if (line.top - previous.bottom > 1.5 * previous.size) break;
    const placed = place(line.segments, columns, line.size);
    if (!placed) break;
    if (line.segments.length === 1) {
      // A wrapped cell: continues the row above in its column, or the line is no table's.
      const column = placed[0];
      const row = rows[rows.length - 1];
      if (!row.has(column)) break;
      row.set(column, `${row.get(column)}\n${line.segments[0].text}`);
    } else {
      addRow(line, placed);
      multi++;
    }
    for (let k = 0; k < placed.length; k++) {
      placed[k].x0 = Math.min(placed[k].x0, line.segments[k].x0);
      placed[k].x1 = Math.max(placed[k].x1, line.segments[k].x1);
    }
    previous = line;
    end = i + 1;
  }
  if (multi < 2) return null;
  // Trailing wrapped lines after the last multi-segment line are fine; columns in x order.
  const ordered = [...columns].sort((a, b) => a.x0 - b.x0);
  if (ordered.length < 2) return null;
  const table: TableBlock = {
    kind: "table",
    rows: rows.map((row) => ordered.map((column) => row.get(column) ?? "")),
    top: first.line.top,
    x0: ordered[0].x0,
    x1: Math.max(...ordered.map((c) => c.x1)),
  };
  return { table, end };
}

/**
 * Each segment's column: the one column its x-range overlaps, or a new column (added to
 * `columns`) where it overlaps none; null, and `columns` unchanged, when a segment straddles
 * two columns, two segments share one or the columns would be too many.
 */
function place(segments: Segment[], columns: Column[], size: number): Column[] | null {
  const placed: Column[] = [];
  const added: Column[] = [];
  for (const segment of segments) {
    const overlapping = [...columns, ...added].filter((c) => segment.x0 < c.x1 + 0.5 * size && segment.x1 > c.x0 - 0.5 * size);
    if (overlapping.length > 1) return null;
    if (overlapping.length === 1) {
      if (placed.includes(overlapping[0])) return null;
      placed.push(overlapping[0]);
    } else {
      if (segments.length === 1 || columns.length + added.length >= MAX_TEXT_COLUMNS) return null;
      const column = { x0: segment.x0, x1: segment.x1 };
      added.push(column);
      placed.push(column);
    }
  }
  columns.push(...added);
  return placed;
}
