/**
 * PDFs for the tests, made on the spot: from HTML by Debian's Chromium (as a real report is
 * printed from Word or a browser: embedded CJK font subsets, text in runs, cell borders drawn
 * as thin rectangles), or written by hand, byte for byte, for what no printer would make
 * (hostile and broken files). Chromium's PDFs are cached under .tmp/pdf/ by a hash of their
 * HTML, so a changed page is printed again and an unchanged one only once.
 *
 * Needs Debian's chromium and fonts-noto-cjk (without the CJK fonts Chromium prints boxes):
 * `ensurePdfPrinter()` installs them as root, as scripts/lib/chromium.ts does for the e2e tests.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deflateSync } from "node:zlib";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumProblem, ensureChromium } from "../../scripts/lib/chromium";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CACHE = join(ROOT, ".tmp", "pdf");

/** Chromium and the CJK fonts, installed when missing (as root); for a beforeAll. */
export async function ensurePdfPrinter(): Promise<void> {
  await ensureChromium();
}

/** The CSS every test page starts with: A4, CJK fonts, Word-like spacing. */
export const PRINT_CSS = `
@page { size: A4; margin: 25mm 20mm; }
body { font-family: "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.6; }
p { margin: 0; text-indent: 2em; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 1.3; }
td, th { border: 0.75pt solid #000; padding: 2pt 4pt; font-weight: normal; }
td p, th p { text-indent: 0; }
`;

export function htmlPage(body: string, css = ""): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>${PRINT_CSS}${css}</style></head><body>${body}</body></html>`;
}

/** The PDF Chromium prints for the HTML (cached). */
export function htmlToPdf(html: string): Uint8Array {
  const key = createHash("sha256").update(html).digest("hex").slice(0, 20);
  const out = join(CACHE, `${key}.pdf`);
  if (!existsSync(out)) {
    const problem = chromiumProblem();
    if (problem) throw new Error(`printing test PDFs needs Chromium: ${problem}`);
    mkdirSync(CACHE, { recursive: true });
    // Its own folder and profile: test files run in parallel.
    const work = mkdtempSync(join(CACHE, "print-"));
    try {
      const page = join(work, "page.html");
      writeFileSync(page, html);
      execFileSync(
        CHROMIUM_PATH,
        [
          "--headless",
          ...CHROMIUM_ARGS,
          `--user-data-dir=${join(work, "profile")}`,
          "--no-pdf-header-footer",
          `--print-to-pdf=${join(work, "page.pdf")}`,
          pathToFileURL(page).href,
        ],
        { stdio: "ignore", timeout: 120_000 },
      );
      renameSync(join(work, "page.pdf"), out); // whole or not at all, for a parallel reader
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return new Uint8Array(readFileSync(out));
}

/** A grey PNG of noise, like a scanned page: an image with no text in it. */
export function scanPng(width = 400, height = 560): Uint8Array {
  const raw = new Uint8Array((width + 1) * height);
  let state = 0x12345678;
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      raw[y * (width + 1) + 1 + x] = 160 + (state >>> 26);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const latin1 = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

/** An object's body: a dictionary or other object as text, or a stream (its dictionary gets /Length). */
export type HandObject = string | { dict: string; stream: Uint8Array };

/**
 * A PDF written by hand: objects numbered from 1 in order, a cross-reference table with their
 * real offsets, a trailer (`/Root 1 0 R` unless given) and %%EOF.
 */
export function handPdf(objects: HandObject[], trailer = "/Root 1 0 R"): Uint8Array {
  const parts: Uint8Array[] = [latin1("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")];
  let offset = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(offset);
    const body =
      typeof object === "string"
        ? [latin1(`${i + 1} 0 obj\n${object}\nendobj\n`)]
        : [latin1(`${i + 1} 0 obj\n<<${object.dict}/Length ${object.stream.length}>>\nstream\n`), object.stream, latin1("\nendstream\nendobj\n")];
    for (const part of body) {
      parts.push(part);
      offset += part.length;
    }
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(latin1(`${xref}trailer\n<</Size ${objects.length + 1} ${trailer}>>\nstartxref\n${offset}\n%%EOF\n`));
  return concat(parts);
}

/** A one-page PDF whose page draws the given content stream (Helvetica as /F1), deflated. */
export function onePagePdf(content: string | Uint8Array, extraObjects: HandObject[] = [], trailer?: string): Uint8Array {
  const bytes = typeof content === "string" ? latin1(content) : content;
  return handPdf(
    [
      "<</Type/Catalog/Pages 2 0 R>>",
      "<</Type/Pages/Count 1/Kids[3 0 R]>>",
      "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
      { dict: "/Filter/FlateDecode", stream: deflateSync(bytes) },
      "<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
      ...extraObjects,
    ],
    trailer,
  );
}
