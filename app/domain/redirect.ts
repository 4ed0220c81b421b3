/**
 * Where a "return to" parameter (login's redirectTo) may send the browser: a path on this
 * site, never another origin. Browsers forgive a lot in a Location header — they drop TAB, CR
 * and LF anywhere, trim control characters and spaces at the ends and read `\` as `/` — so
 * `/\t/evil.example` arrives as `//evil.example`, a link to another host. The checks run on
 * the target as a browser would see it, then the target is parsed and re-serialized, so what
 * we send is the parser's ASCII-only, percent-encoded form (no newline can reach a header).
 */

/** Every ASCII control character and every whitespace character, Unicode ones included. */
const INVISIBLE = /[\u0000-\u001f\u007f\s\u200b-\u200d\u2060\ufeff]/gu;
const PROBE_ORIGIN = "http://x.invalid";
const MAX_LENGTH = 2048;

/**
 * `target` if it is a same-origin path (re-serialized as pathname + search + hash), else
 * `fallback`. Refused: anything not starting with exactly one `/`, `//` or `/\` once invisible
 * characters are gone, any backslash, and anything the URL parser resolves off the origin or
 * to a path that itself starts with `//` (`/.//evil` normalizes to `//evil`).
 */
export function safeRedirect<F extends string | null>(target: unknown, fallback: F): string | F {
  if (typeof target !== "string" || target.length === 0 || target.length > MAX_LENGTH) return fallback;
  const squeezed = target.replace(INVISIBLE, "");
  if (!squeezed.startsWith("/") || squeezed.startsWith("//") || squeezed.includes("\\")) return fallback;
  let url: URL;
  try {
    url = new URL(target, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  const path = url.pathname + url.search + url.hash;
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return fallback;
  return path;
}
