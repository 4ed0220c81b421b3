/**
 * Paths into a report document, written exactly like flag paths: `income.total`,
 * `expenditure.lines[3].final`, `targets.indicators[4].score`. Keys are separated by dots and
 * array indices written in brackets, so a key cannot itself contain `.`, `[` or `]`.
 * Pure; used by the form (field ids, errors keyed by path) and by anything that maps flags
 * to fields.
 */

export type PathSegment = string | number;

// Never walk into or create these: a path may come from a request.
const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"]);

/** `a.b[2].c` → ["a", "b", 2, "c"]; throws on a malformed path ("a..b", "a[x]", "[0]"). */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  const fail = (why: string): never => {
    throw new SyntaxError(`invalid path "${path}": ${why}`);
  };
  if (n === 0) fail("empty");
  while (i < n) {
    // A key (at the start or after a dot).
    let j = i;
    while (j < n && path[j] !== "." && path[j] !== "[" && path[j] !== "]") j++;
    if (j === i) fail(`expected a key at ${i}`);
    const key = path.slice(i, j);
    if (FORBIDDEN_KEYS.has(key)) fail(`forbidden key "${key}"`);
    segments.push(key);
    i = j;
    // Any number of [n] after the key.
    while (i < n && path[i] === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) fail("unclosed [");
      const digits = path.slice(i + 1, close);
      if (!/^\d{1,9}$/.test(digits)) fail(`bad index "${digits}"`);
      segments.push(Number(digits));
      i = close + 1;
    }
    if (i < n) {
      if (path[i] !== ".") fail(`unexpected "${path[i]}" at ${i}`);
      i++;
      if (i === n) fail("trailing dot");
    }
  }
  return segments;
}

/** ["a", "b", 2, "c"] → `a.b[2].c`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The value at `path`, or undefined when any step is missing or of the wrong kind. */
export function getAt(obj: unknown, path: string): unknown {
  let node: unknown = obj;
  for (const seg of parsePath(path)) {
    if (typeof seg === "number") {
      if (!Array.isArray(node)) return undefined;
      node = node[seg];
    } else {
      if (!isRecord(node) || !Object.prototype.hasOwnProperty.call(node, seg)) return undefined;
      node = node[seg];
    }
  }
  return node;
}

function setIn(node: unknown, segments: readonly PathSegment[], i: number, value: unknown): unknown {
  if (i === segments.length) return value;
  const seg = segments[i];
  if (typeof seg === "number") {
    const arr: unknown[] = Array.isArray(node) ? node : [];
    const next = setIn(arr[seg], segments, i + 1, value);
    if (Array.isArray(node) && seg < node.length && Object.is(node[seg], next)) return node;
    const copy = arr.slice();
    // Never leave holes: pad with null up to the index.
    while (copy.length < seg) copy.push(null);
    copy[seg] = next;
    return copy;
  }
  const rec: Record<string, unknown> = isRecord(node) ? node : {};
  const current = Object.prototype.hasOwnProperty.call(rec, seg) ? rec[seg] : undefined;
  const next = setIn(current, segments, i + 1, value);
  if (isRecord(node) && Object.prototype.hasOwnProperty.call(node, seg) && Object.is(current, next)) return node;
  return { ...rec, [seg]: next };
}

/**
 * A copy of `obj` with `value` at `path` (copy-on-write: only the objects and arrays along
 * the path are copied, everything else is shared; the input is never mutated). Missing
 * steps are created (an array before an index, an object before a key). Setting the value
 * already there returns `obj` itself, so React sees no change.
 */
export function setAt<T>(obj: T, path: string, value: unknown): T {
  return setIn(obj, parsePath(path), 0, value) as T;
}

/** The DOM id of the field editing `path` (`field-income.total`); the browser tests rely on it. */
export const fieldId = (path: string) => `field-${path}`;
