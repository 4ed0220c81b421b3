import { readFileSync } from "node:fs";
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
