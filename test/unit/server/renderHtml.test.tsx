/**
 * The page renderer entry.server uses must send exactly the UTF-8 of the markup. React 18's
 * Node streaming encoder (renderToPipeableStream, react#24985) sent the whole 2048-byte view
 * when a string chunk's next character did not fit in its last 1–3 bytes, so stray NUL bytes
 * landed in pages with much Chinese text. These trees put CJK, 2-byte and 4-byte characters,
 * in text and in attributes, at every offset around the view boundaries.
 */
import { Suspense, type ReactElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { renderHtml, withoutViewPadding } from "~/server/renderHtml.server";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const CJK = "预算绩效自评报告定位到该项审核人员填报单位泸县总工会合江县执行率偏差说明";
const cjk = (n: number, from = 0) => Array.from({ length: n }, (_, i) => CJK[(from + i) % CJK.length]).join("");

async function render(tree: ReactNode, options: Partial<Parameters<typeof renderHtml>[1]> = {}) {
  const errors: unknown[] = [];
  const { body, failed } = await renderHtml(tree, { nonce: "test-nonce", abortDelayMs: 5_000, onError: (e) => errors.push(e), ...options });
  const bytes = new Uint8Array(await new Response(body).arrayBuffer());
  return { bytes, failed, errors };
}

/** The problems in one rendering, as short strings (empty when the bytes are right). */
function problems(bytes: Uint8Array, expected?: string): string[] {
  const found: string[] = [];
  const nul = bytes.indexOf(0);
  if (nul >= 0) found.push(`NUL byte at ${nul} (${bytes.filter((b) => b === 0).length} in all)`);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return [...found, "not valid UTF-8"];
  }
  if (text.includes("\uFFFD")) found.push(`U+FFFD at ${text.indexOf("\uFFFD")}`);
  if (expected !== undefined && text !== expected) {
    let i = 0;
    while (i < text.length && text[i] === expected[i]) i++;
    found.push(`differs from renderToString at UTF-16 index ${i}`);
  }
  return found;
}

/** Renders each tree and compares it with renderToString; returns every failing case, labelled. */
async function failures(cases: Array<[label: string, tree: ReactElement]>): Promise<string[]> {
  const out: string[] = [];
  for (const [label, tree] of cases) {
    const { bytes, failed } = await render(tree);
    const found = problems(bytes, renderToString(tree));
    if (failed) found.push("reported failed");
    if (found.length) out.push(`${label}: ${found.join("; ")}`);
  }
  return out;
}

/** p ASCII bytes of text, in pieces short enough to go through React's view buffer. */
const padding = (p: number) =>
  Array.from({ length: Math.ceil(p / 500) }, (_, i) => <i key={i}>{"x".repeat(Math.min(500, p - i * 500))}</i>);

/** A seeded PRNG (mulberry32), so every run renders the same random trees. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyz 0123456789.,;", // 1 byte
  CJK + "，。、（）％：", // 3 bytes
  "éüßñçøåΩЖ", // 2 bytes
  "😀🎉📈🀄𠀀𡃁", // 4 bytes (surrogate pairs)
  "&<>\"'", // escaped by React
];

function randomText(next: () => number, maxLength: number): string {
  const length = Math.floor(next() * next() * maxLength); // mostly short, some long
  const alphabet = [...ALPHABETS[Math.floor(next() * ALPHABETS.length)]];
  let text = "";
  while (text.length < length) {
    const pick = next() < 0.15 ? [...ALPHABETS[Math.floor(next() * ALPHABETS.length)]] : alphabet;
    text += pick[Math.floor(next() * pick.length)];
  }
  return text;
}

function randomTree(next: () => number, depth: number, budget: { nodes: number }): ReactElement[] {
  const children: ReactElement[] = [];
  const count = 1 + Math.floor(next() * 8);
  for (let i = 0; i < count && budget.nodes > 0; i++) {
    budget.nodes--;
    const props = { title: randomText(next, 120), "data-note": randomText(next, 900), "aria-label": randomText(next, 40) };
    if (depth > 0 && next() < 0.4) children.push(<div key={i} {...props}>{randomTree(next, depth - 1, budget)}</div>);
    else
      children.push(
        <p key={i} {...props}>
          {randomText(next, 900)}
          {next() < 0.5 ? <b>{randomText(next, 30)}</b> : null}
          {randomText(next, 300)}
        </p>,
      );
  }
  return children;
}

describe("renderHtml: the bytes are the markup's UTF-8", () => {
  it("one run of 1..5000 CJK characters, after 1..4 ASCII bytes", async () => {
    const cases: Array<[string, ReactElement]> = [];
    for (let n = 1; n <= 5000; n++) cases.push([`n=${n}`, <div id={"a".repeat(1 + (n % 4))}>{cjk(n, n)}</div>]);
    expect(await failures(cases)).toEqual([]);
  }, 120_000);

  it("CJK, 2-byte and 4-byte characters starting at every byte offset of the first view", async () => {
    const cases: Array<[string, ReactElement]> = [];
    for (let p = 0; p <= 2100; p++)
      cases.push([
        `offset ${p}`,
        <main>
          {padding(p)}
          <p>{cjk(40, p)}</p>
          <p title={cjk(7, p)}>{"é".repeat(5)}😀{cjk(1)}🎉</p>
          <p>{cjk(300, p)}</p>
        </main>,
      ]);
    expect(await failures(cases)).toEqual([]);
  }, 120_000);

  it("random trees of mixed ASCII, CJK, 2-byte and emoji text nodes and attributes", async () => {
    const cases: Array<[string, ReactElement]> = [];
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      cases.push([`seed ${seed}`, <article lang="zh-CN">{randomTree(next, 4, { nodes: 40 + Math.floor(next() * 200) })}</article>]);
    }
    expect(await failures(cases)).toEqual([]);
  }, 120_000);
});

// A component that suspends until `ms` have passed (forever for Infinity), as Remix's single-fetch <StreamTransfer> does for loader data.
function Later({ ms, children }: { ms: number; children: ReactNode }) {
  const key = `${ms}`;
  const wait = Number.isFinite(ms) ? new Promise<void>((r) => setTimeout(r, ms)) : new Promise<void>(() => {});
  const entry = (Later.cache[key] ??= { done: false, promise: wait.then(() => void (entry.done = true)) });
  if (!entry.done) throw entry.promise;
  return <>{children}</>;
}
Later.cache = {} as Record<string, { done: boolean; promise: Promise<void> }>;

function Boom(): ReactElement {
  throw new Error("boom");
}

describe("renderHtml: waits for suspended content, keeps the nonce, reports failures", () => {
  it("suspended content is waited for and sent inline, as clean UTF-8, with the nonce on every script", async () => {
    Later.cache = {};
    const big = cjk(5000);
    const tree = (
      <html>
        <body>
          {padding(1001)}
          <Suspense fallback={<p>加载中</p>}>
            <Later ms={5}>
              <section>{big}</section>
              {Array.from({ length: 200 }, (_, i) => <span key={i} title={cjk(i % 13, i)}>{cjk(i % 7, i)}😀</span>)}
            </Later>
          </Suspense>
          <script dangerouslySetInnerHTML={{ __html: `window.x = ${JSON.stringify(cjk(600))};` }} nonce="test-nonce" />
        </body>
      </html>
    );
    const { bytes, failed } = await render(tree);
    expect(failed).toBe(false);
    // Now that <Later> has resolved, renderToString gives the same markup (the stream adds the doctype
    // for an <html> root): the boundary was inlined, not streamed.
    expect(problems(bytes, "<!DOCTYPE html>" + renderToString(tree))).toEqual([]);
    const html = strictUtf8.decode(bytes);
    expect(html).toContain(big);
    expect(html).not.toContain("加载中");
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain('nonce="test-nonce"');
  });

  it("an error inside a boundary marks the page failed (entry.server answers 500)", async () => {
    const errors: unknown[] = [];
    const { bytes, failed } = await render(
      <div>
        {cjk(700)}
        <Suspense fallback={<p>备用</p>}>
          <Boom />
        </Suspense>
      </div>,
      { onError: (e) => errors.push(e) },
    );
    expect(failed).toBe(true);
    expect(errors).toHaveLength(1);
    expect(problems(bytes)).toEqual([]);
  });

  it("content still suspended after the abort delay is cut off, and the page is marked failed", async () => {
    Later.cache = {};
    const { bytes, failed } = await render(
      <div>
        <Suspense fallback={<p>备用内容</p>}>
          <Later ms={Infinity}>{cjk(10)}</Later>
        </Suspense>
      </div>,
      { abortDelayMs: 20, onError: () => {} },
    );
    expect(failed).toBe(true);
    expect(strictUtf8.decode(bytes)).toContain("备用内容");
  });

  it("an error in the shell rejects", async () => {
    await expect(renderHtml(<Boom />, { nonce: "n", abortDelayMs: 1_000, onError: () => {} })).rejects.toThrow("boom");
  });
});

describe("withoutViewPadding", () => {
  const view = (fill: (v: Uint8Array) => void) => {
    const v = new Uint8Array(2048).fill(0x41);
    fill(v);
    return v;
  };
  it.each([
    ["a full view", view(() => {}), 2048],
    ["1 byte of padding", view((v) => v.fill(0, 2047)), 2047],
    ["2 bytes", view((v) => v.fill(0, 2046)), 2046],
    ["3 bytes (before a 4-byte character)", view((v) => v.fill(0, 2045)), 2045],
    ["a shorter chunk is left alone", new Uint8Array(100), 100],
    ["a longer chunk is left alone", new Uint8Array(4096), 4096],
  ])("%s", (_label, chunk, length) => {
    expect(withoutViewPadding(chunk).byteLength).toBe(length);
  });
});
