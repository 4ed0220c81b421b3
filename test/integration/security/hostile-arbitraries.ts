/**
 * fast-check generators of hostile form input: malformed numbers, huge and invalid-Unicode
 * strings, markup, wrong JSON types, missing fields, duplicate and excess rows, weights that do
 * not add to 100, scores above their weight, and malformed JSON for the fields that carry JSON.
 */
import fc from "fast-check";
import type { FormDocument } from "~/domain/formDocument";

export const SCRIPT = "<script>alert('jx')</script>";
export const IMG = "<img src=x onerror=alert('jx')>";

export const EVIL_CONSTANTS = [
  "NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e-400", "1e999", "-0", "0x10", "1_000", "１２３．４", "١٢٣", "5.", ".5", "--5", "+-1",
  "1,2,3", "12,34.5", "∞", "99999999999999999999999", "-1", "-0.0000001", "0.0000001", "1.1234567", "1e3", " ", "", "\u0000", "\uD800", "\uDFFF",
  "\uFFFF", "\uFEFF123", "\u202E", "1\u00A02", SCRIPT, IMG, "\"><svg onload=alert(1)>", "javascript:alert(1)", "'; DROP TABLE reports; --",
  "${7*7}", "{{7*7}}", "../../etc/passwd", "%00", "%FF%FE", "\r\n\r\n", "null", "undefined", "true", "[]", "{}", "__proto__", "constructor",
  "𠮷𠮷𠮷", "👨‍👩‍👧‍👦", "Ｚ", "110", "200", "100.0000001",
] as const;

/** One hostile string value (`huge: false` leaves out the 100 000-character ones, for long lists). */
export const evilString = (options: { huge?: boolean } = {}): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...EVIL_CONSTANTS) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.double().map(String) },
    { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String) },
    {
      weight: 1,
      arbitrary: options.huge === false
        ? fc.constantFrom("a".repeat(1001), "中".repeat(300))
        : fc.integer({ min: 1, max: 3 }).map((k) => ["a", "中", "𠮷"][k - 1].repeat(k === 1 ? 100_001 : 60_000)),
    },
    { weight: 1, arbitrary: fc.constantFrom(SCRIPT, IMG).map((s) => `正常文字${s}`) },
  );

/** A value of the wrong JSON type where a string is expected (or a hostile string). */
export const evilJsonValue = (options: { huge?: boolean } = {}): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 5, arbitrary: evilString(options) },
    { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, ["1"], { a: "1" }) },
    { weight: 1, arbitrary: fc.double() },
  );

type Json = Record<string, unknown>;

/** Every path to a leaf of a JSON value (arrays by index). */
export function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.length ? value.flatMap((v, i) => leafPaths(v, [...prefix, i])) : [prefix];
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Json);
    return entries.length ? entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k])) : [prefix];
  }
  return [prefix];
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false) {
  let node = root as Json;
  for (const key of path.slice(0, -1)) {
    if (node == null || typeof node !== "object") return;
    node = (node as Json)[key as string] as Json;
  }
  if (node == null || typeof node !== "object") return;
  const last = path[path.length - 1] as string;
  if (remove) delete node[last];
  else node[last] = value;
}

const clone = <T,>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export type Mutation =
  | { kind: "set"; pick: number; value: unknown }
  | { kind: "delete"; pick: number }
  | { kind: "duplicateRows"; list: number; times: number }
  | { kind: "manyRows"; list: number; count: number }
  | { kind: "weights"; factor: number }
  | { kind: "scoreAboveWeight"; row: number; extra: number }
  | { kind: "scriptEverywhere" }
  | { kind: "unknownKeys" }
  | { kind: "prototype" };

export const mutation = (): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: evilJsonValue() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicateRows" as const), list: fc.nat(3), times: fc.integer({ min: 1, max: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("manyRows" as const), list: fc.nat(3), count: fc.constantFrom(301, 501, 2001) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("weights" as const), factor: fc.constantFrom(0, 0.5, 1.01, 2, -1, 1e6) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("scoreAboveWeight" as const), row: fc.nat(20), extra: fc.constantFrom(0.01, 1, 100, 1e9) }) },
    { weight: 1, arbitrary: fc.constant({ kind: "scriptEverywhere" as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: "unknownKeys" as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: "prototype" as const }) },
  );

const LISTS = ["expenditure.lines", "budgetManagement.adjustments", "targets.tasks", "targets.indicators"] as const;

function listAt(doc: Json, list: string): unknown[] | null {
  let node: unknown = doc;
  for (const key of list.split(".")) node = node && typeof node === "object" ? (node as Json)[key] : undefined;
  return Array.isArray(node) ? node : null;
}

/** Applies mutations to a copy of a valid form document. */
export function mutate(base: FormDocument, mutations: Mutation[]): unknown {
  const doc = clone(base) as unknown as Json;
  for (const m of mutations) {
    const paths = leafPaths(doc).filter((p) => p.length > 0);
    switch (m.kind) {
      case "set":
        if (paths.length) setAt(doc, paths[m.pick % paths.length], m.value);
        break;
      case "delete":
        if (paths.length) setAt(doc, paths[m.pick % paths.length], undefined, true);
        break;
      case "duplicateRows": {
        const rows = listAt(doc, LISTS[m.list % LISTS.length]);
        if (rows?.length) for (let i = 0; i < m.times; i++) rows.push(clone(rows[0]));
        break;
      }
      case "manyRows": {
        const rows = listAt(doc, LISTS[m.list % LISTS.length]);
        if (rows?.length) while (rows.length < m.count) rows.push(clone(rows[rows.length % Math.max(1, rows.length)]));
        break;
      }
      case "weights": {
        const rows = listAt(doc, "targets.indicators") as Array<Json> | null;
        for (const row of rows ?? []) if (typeof row.weightPct === "string" && row.weightPct) row.weightPct = String(Number(row.weightPct) * m.factor);
        break;
      }
      case "scoreAboveWeight": {
        const rows = listAt(doc, "targets.indicators") as Array<Json> | null;
        const row = rows?.[m.row % Math.max(1, rows.length)];
        if (row && typeof row.weightPct === "string") row.score = String(Number(row.weightPct) + m.extra);
        break;
      }
      case "scriptEverywhere":
        for (const p of paths) {
          let node: unknown = doc;
          for (const key of p) node = (node as Json)[key as string];
          if (typeof node === "string" && !/^(-?\d|format)/.test(String(p.at(-1)))) setAt(doc, p, `${node}${SCRIPT}${IMG}`);
        }
        (doc.narrative as Json | undefined) ??= {};
        (doc.narrative as Json)[`${SCRIPT}标题`] = `${IMG}正文`;
        break;
      case "unknownKeys":
        doc.isAdmin = true;
        doc.status = "approved";
        (doc.unit as Json).countyId = "foreign";
        (doc.unit as Json).unitId = "foreign";
        break;
      case "prototype":
        // An own "__proto__" key, as JSON.parse would produce from hostile text.
        Object.defineProperty(doc, "__proto__", { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
        Object.defineProperty(doc.unit as Json, "constructor", { value: { prototype: { polluted: true } }, enumerable: true, configurable: true, writable: true });
        break;
    }
  }
  return doc;
}

/** The document field as it arrives: JSON of a (mutated) form document, or malformed JSON. */
export const documentField = (base: FormDocument): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.array(mutation(), { minLength: 1, maxLength: 4 }).map((ms) => JSON.stringify(mutate(base, ms))) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(base)) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.nat().map((n) => JSON.stringify(base).slice(0, n % JSON.stringify(base).length)),
        fc.constantFrom(
          "", "null", "[]", "{}", "\"string\"", "42", "1e999", "{\"format\":\"self-evaluation/v1\"}", "{bad json", "{\"a\":1}}",
          "[".repeat(200_000), "{\"a\":".repeat(50_000), "\u0000", JSON.stringify(base) + "garbage", "\uFEFF" + JSON.stringify(base),
          "{\"__proto__\":{\"polluted\":true},\"format\":\"self-evaluation/v1\"}", "{\"constructor\":{\"prototype\":{\"polluted\":true}}}",
          JSON.stringify(base).replace(/"(\d+(\.\d+)?)"/g, "$1"),
        ),
        fc.string({ unit: "binary", maxLength: 200 }),
      ),
    },
  );

/** Explanations field: mostly valid JSON records, often hostile. */
export const explanationsField = (valid: Record<string, string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(JSON.stringify(valid)) },
    { weight: 1, arbitrary: fc.dictionary(evilString().map((s) => s.slice(0, 2000)), evilJsonValue(), { maxKeys: 5 }).map((d) => JSON.stringify(d)) },
    { weight: 1, arbitrary: fc.constantFrom("", "{", "[]", "null", "\"x\"", JSON.stringify({ ...valid, k: "x".repeat(6000) }), JSON.stringify({ ["k".repeat(2000)]: "v" })) },
  );

/** The `version` field: numbers nearby, and everything else. */
export const versionField = (current: () => number): fc.Arbitrary<() => string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(() => String(current())) },
    { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }).map((d) => () => String(current() + d)) },
    { weight: 1, arbitrary: evilString().map((s) => () => s) },
    { weight: 1, arbitrary: fc.constantFrom("1.5", "1e3", "9007199254740993", "-1", "0x1", "", "NaN", "Infinity").map((s) => () => s) },
  );

/** An invalid UTF-8 byte sequence (raw, inside a urlencoded body). */
export const invalidUtf8 = (): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.constantFrom(new Uint8Array([0xff, 0xfe]), new Uint8Array([0xc3, 0x28]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0xf4, 0x90, 0x80, 0x80]), new Uint8Array([0xe4, 0xb8])),
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
  );
