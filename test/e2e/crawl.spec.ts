import { expect, test, type APIRequestContext } from "@playwright/test";
import { FigureRecorder } from "../../scripts/lib/reliability/figures";
import { login } from "./support";

// Every page a demo user can reach by following links must be clean UTF-8: no NUL byte and no
// U+FFFD. React 18's Node streaming encoder once put NUL bytes into pages with much Chinese text
// (see app/server/renderHtml.server.tsx). The crawl fetches the raw bytes, so nothing the
// browser would paper over is missed.

const ROLES = ["zonggonghui", "jiaotiju", "luxian_reviewer", "luxian_leader", "luxian_admin", "hejiang_staff", "hejiang_reviewer", "city_leader"];
const MAX_PAGES_PER_ROLE = 60;
// Binary downloads are not text; CSV, JSON and SVG downloads are, and are checked.
const BINARY_URL = /\.(xlsx|xls|docx|doc|zip|pdf|png|jpe?g|gif|ico|woff2?)(\?|$)|[?&]format=xlsx\b/i;
const TEXT_TYPE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/i;

const figures = new FigureRecorder("crawl", "sqlite");
const offenders: string[] = [];
const crawled: Record<string, number> = {};
const types: Record<string, number> = {};
const scriptsWithoutNonce: string[] = [];
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** What is wrong with a text response's bytes, or null. */
function byteProblem(bytes: Buffer): string | null {
  const problems: string[] = [];
  const nuls = bytes.reduce((n, b) => n + (b === 0 ? 1 : 0), 0);
  if (nuls) problems.push(`${nuls} NUL byte(s), first at ${bytes.indexOf(0)}`);
  try {
    const text = strictUtf8.decode(bytes);
    const replacements = text.split("\uFFFD").length - 1;
    if (replacements) problems.push(`${replacements} U+FFFD`);
  } catch {
    problems.push("not valid UTF-8");
  }
  return problems.length ? problems.join(", ") : null;
}

const decodeEntities = (href: string) =>
  href.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/** Same-origin GET targets of the page's links, without fragments. */
function links(html: string, base: URL): URL[] {
  const out: URL[] = [];
  for (const match of html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/gi)) {
    let url: URL;
    try {
      url = new URL(decodeEntities(match[1]), base);
    } catch {
      continue;
    }
    if (url.origin !== base.origin) continue;
    url.hash = "";
    out.push(url);
  }
  return out;
}

async function crawl(request: APIRequestContext, start: URL, role: string): Promise<number> {
  const seen = new Set<string>();
  const seenShapes = new Set<string>();
  // Pages of a route not yet visited go first, so the page budget is not spent on one list's filters.
  const fresh: URL[] = [start];
  const more: URL[] = [];
  let fetched = 0;
  const enqueue = (url: URL) => {
    const key = url.pathname + url.search;
    if (seen.has(key) || url.pathname === "/logout" || BINARY_URL.test(key)) return;
    seen.add(key);
    const shape = url.pathname.replace(/[0-9a-f-]{8,}|\d+/gi, ":id");
    if (seenShapes.has(shape)) more.push(url);
    else {
      seenShapes.add(shape);
      fresh.push(url);
    }
  };
  seen.add(start.pathname + start.search);
  while (fetched < MAX_PAGES_PER_ROLE && (fresh.length || more.length)) {
    const url = (fresh.shift() ?? more.shift())!;
    const response = await request.get(url.href, { maxRedirects: 0, failOnStatusCode: false });
    const type = response.headers()["content-type"] ?? "";
    if (response.status() >= 300 && response.status() < 400) {
      const location = response.headers()["location"];
      if (location) enqueue(new URL(location, url));
      continue;
    }
    if (!TEXT_TYPE.test(type)) continue;
    fetched++;
    const mime = type.split(";")[0].trim();
    types[mime] = (types[mime] ?? 0) + 1;
    const bytes = await response.body();
    const problem = byteProblem(bytes);
    if (problem) offenders.push(`${role} ${url.pathname}${url.search} (${response.status()}): ${problem}`);
    if (/text\/html/i.test(type)) {
      const html = bytes.toString("utf8");
      // The CSP allows only scripts with the request's nonce: one without it would not run.
      const bare = (html.match(/<script\b[^>]*>/gi) ?? []).filter((tag) => !/\snonce="[^"]+"/.test(tag));
      if (bare.length) scriptsWithoutNonce.push(`${role} ${url.pathname}${url.search}: ${bare.length}`);
      for (const link of links(html, url)) enqueue(link);
    }
  }
  return fetched;
}

// One test for all roles: a failed test restarts Playwright's worker, which would lose the
// figures gathered so far. Each role crawls in a fresh browser context, as its own step.
test("every page reachable by every demo role is clean UTF-8 (no NUL byte, no U+FFFD)", async ({ browser }) => {
  test.setTimeout(600_000);
  for (const role of ROLES) {
    await test.step(role, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await login(page, role);
      crawled[role] = await crawl(page.request, new URL(page.url()), role);
      await context.close();
    });
  }
  const total = Object.values(crawled).reduce((a, b) => a + b, 0);
  figures.add("pages crawled for every role", total, { atLeast: ROLES.length * 2 });
  figures.add("pages with NUL / U+FFFD", offenders.length, { equals: 0 });
  figures.note(`pages per role (at most ${MAX_PAGES_PER_ROLE}): ${ROLES.map((r) => `${r} ${crawled[r]}`).join(", ")}`);
  figures.note(`content types: ${Object.entries(types).map(([t, n]) => `${t} ${n}`).join(", ")}`);
  for (const offender of offenders.slice(0, 20)) figures.note(`offender: ${offender}`);
  figures.write();

  for (const role of ROLES) expect(crawled[role], `${role}: pages crawled`).toBeGreaterThan(1);
  expect(scriptsWithoutNonce, "pages with a <script> lacking the CSP nonce").toEqual([]);
  expect(offenders, `${offenders.length} of ${total} pages carry NUL / U+FFFD:\n${offenders.join("\n")}`).toEqual([]);
});
