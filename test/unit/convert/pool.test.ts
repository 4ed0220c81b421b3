/**
 * The convert pool (app/server/convertPool.server.ts): real worker processes, real files. The
 * files that would kill a parser are only ever opened by a worker; this process checks that it
 * got a Chinese `{ ok: false }`, that its own heap did not grow, and that the next file converts.
 */
import { strToU8, zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { convertUpload } from "~/domain/import/file";
import {
  BUSY_MESSAGE,
  CONVERT_LIMITS,
  CRASH_MESSAGE,
  ConvertPool,
  memoryLimitMessage,
  timeLimitMessage,
  type ConvertPoolOptions,
} from "~/server/convertPool.server";
import { fixtureBytes, referenceText } from "./helpers";
import { largeWorkbook, mergeBombXlsx, paragraphBombDocx } from "./hostile";

const pools: ConvertPool[] = [];
const poolWith = (options: ConvertPoolOptions = {}) => {
  const pool = new ConvertPool(options);
  pools.push(pool);
  return pool;
};
afterAll(() => Promise.all(pools.map((p) => p.close())));

const MB = 1024 * 1024;
const heapUsed = () => process.memoryUsage().heapUsed;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The reference report again, through the pool: the pool has recovered. */
async function expectRecovered(pool: ConvertPool) {
  expect(await pool.convert("报告.txt", strToU8(referenceText()))).toEqual({ ok: true, text: referenceText() });
}

/**
 * A hostile file was stopped: `{ ok: false }`, never the crash message. Today the parsers
 * accept these files and the worker reaches a limit, so the message must name that limit. Once
 * the parsers' own guards (zip.ts, docx.ts, xlsx.ts) refuse such a file first, their refusal is
 * the answer, and no worker was stopped.
 */
function expectStopped(result: { ok: boolean; error?: string }, pool: ConvertPool, before: ConvertPool["counts"], limitMessages: string[]) {
  expect(result.ok).toBe(false);
  expect(result.error).toMatch(/[\u4e00-\u9fff]/);
  expect(result.error).not.toBe(CRASH_MESSAGE);
  const stopped = pool.counts.timedOut + pool.counts.outOfMemory - before.timedOut - before.outOfMemory;
  if (stopped > 0) expect(limitMessages).toContain(result.error);
  else expect(limitMessages).not.toContain(result.error);
}

describe("convert pool: ordinary files", () => {
  it("converts .docx, .xlsx and .txt exactly as convertUpload does in process", async () => {
    const pool = poolWith();
    const files: Array<[string, Uint8Array]> = [
      ["泸县总工会2023年自评报告.docx", fixtureBytes("luxian-trade-union-2023.docx")],
      ["自评表.xlsx", fixtureBytes("luxian-trade-union-2023-targets.xlsx")],
      ["报告.txt", strToU8(referenceText())],
      ["not-a-docx.docx", fixtureBytes("not-a-docx.docx")],
      ["bomb.docx", fixtureBytes("bomb.docx")],
    ];
    const viaPool = await Promise.all(files.map(([name, bytes]) => pool.convert(name, bytes)));
    for (const [i, [name, bytes]] of files.entries()) expect(viaPool[i]).toEqual(await convertUpload(name, bytes));
    expect(viaPool[0].ok && viaPool[1].ok && viaPool[2].ok).toBe(true);
    expect(pool.state().pids.length).toBeLessThanOrEqual(CONVERT_LIMITS.maxWorkers);
  }, 60_000);

  it("expands a .zip of report files in a worker, bombs refused", async () => {
    const pool = poolWith();
    const zip = zipSync({ "reports/a.txt": strToU8("hello"), "notes.md": strToU8("x"), "__MACOSX/._a.txt": strToU8("junk") });
    const expanded = await pool.expandZip(zip);
    expect(expanded.ok && expanded.files.map((f) => [f.name, new TextDecoder().decode(f.bytes)])).toEqual([["a.txt", "hello"]]);
    expect(await pool.expandZip(fixtureBytes("bomb.docx"))).toEqual({ ok: false, error: "压缩包解压后过大，疑似压缩炸弹，已拒绝" });
    expect(await pool.expandZip(strToU8("no zip"))).toEqual({ ok: false, error: "不是有效的 .zip 压缩包" });
  }, 30_000);
});

describe("convert pool: files that would take the server down", () => {
  const limitMessages = (pool: ConvertPool) => [memoryLimitMessage(pool.limits.memoryLimitMb), memoryLimitMessage(pool.limits.rssLimitMb), timeLimitMessage(pool.limits.timeLimitMs)];

  it("a .docx with 12 MB of empty paragraphs: stopped, this process untouched, the next file converts", async () => {
    const pool = poolWith();
    const bomb = paragraphBombDocx();
    expect(bomb.length).toBeLessThan(700 * 1024);
    const before = { ...pool.counts };
    const heapBefore = heapUsed();
    const result = await pool.convert("自评报告.docx", bomb);
    expectStopped(result, pool, before, limitMessages(pool));
    expect(heapUsed() - heapBefore).toBeLessThan(64 * MB);
    await expectRecovered(pool);
  }, 90_000);

  it.each([
    ["a merge over the whole sheet, in a part named sheet1.xml~", mergeBombXlsx("A1:XFD1048576", "sheet1.xml~")],
    ["a 2M-cell merge, in a part named sheet1.xml~", mergeBombXlsx("A1:B1000000", "sheet1.xml~")],
  ])("an .xlsx with %s: stopped, this process untouched, the next file converts", async (_name, bytes) => {
    const pool = poolWith();
    const before = { ...pool.counts };
    const heapBefore = heapUsed();
    const result = await pool.convert("自评表.xlsx", bytes);
    expectStopped(result, pool, before, limitMessages(pool));
    expect(heapUsed() - heapBefore).toBeLessThan(64 * MB);
    await expectRecovered(pool);
  }, 90_000);

  it("a worker kept busy by a whole-sheet merge is killed at the time limit (2 s, heap cap raised)", async () => {
    // With 2 GB of heap the merge runs for far longer than 2 s before running out of memory.
    const pool = poolWith({ timeLimitMs: 2000, memoryLimitMb: 2048 });
    const before = { ...pool.counts };
    const result = await pool.convert("自评表.xlsx", mergeBombXlsx());
    expectStopped(result, pool, before, [timeLimitMessage(2000)]);
    if (pool.counts.timedOut > before.timedOut) expect(result).toEqual({ ok: false, error: "文件解析超过 2 秒的时间上限，已停止" });
    await expectRecovered(pool);
  }, 60_000);
});

describe("convert pool: each limit, with an ordinary file too big for a small pool", () => {
  // 400k cells: a few seconds and about 300 MB of heap (420 MB resident) to convert.
  const workbook = largeWorkbook();

  it("the heap cap: V8 stops the worker, the answer names the cap", async () => {
    const pool = poolWith({ memoryLimitMb: 48, rssLimitMb: 4096 });
    expect(await pool.convert("大表.xlsx", workbook)).toEqual({ ok: false, error: "文件解析所需内存超过 48 MB 的上限，已停止" });
    expect(pool.counts).toMatchObject({ outOfMemory: 1, crashed: 0 });
    await expectRecovered(pool);
  }, 60_000);

  it("the resident-memory cap: the pool kills the worker, the answer names the cap", async () => {
    const pool = poolWith({ rssLimitMb: 200 });
    expect(await pool.convert("大表.xlsx", workbook)).toEqual({ ok: false, error: memoryLimitMessage(200) });
    expect(pool.counts).toMatchObject({ outOfMemory: 1, crashed: 0 });
    await expectRecovered(pool);
  }, 60_000);

  it("the time limit: SIGKILL, the answer names the limit", async () => {
    const pool = poolWith({ timeLimitMs: 300 });
    const result = await pool.convert("大表.xlsx", workbook);
    expect(result).toEqual({ ok: false, error: "文件解析超过 0.3 秒的时间上限，已停止" });
    expect(pool.counts).toMatchObject({ timedOut: 1, crashed: 0 });
    await expectRecovered(pool);
  }, 60_000);

  it("a worker killed from outside while it reads: the caller gets an answer, the pool a new worker", async () => {
    const pool = poolWith();
    const pending = pool.convert("大表.xlsx", workbook);
    while (pool.state().running === 0) await sleep(20);
    const [pid] = pool.state().pids;
    process.kill(pid, "SIGKILL");
    expect(await pending).toEqual({ ok: false, error: CRASH_MESSAGE });
    await expectRecovered(pool);
    expect(pool.state().pids).not.toContain(pid);
  }, 60_000);
});

describe("convert pool: bounds", () => {
  it("refuses files beyond the workers and the queue as busy, at once", async () => {
    const pool = poolWith({ maxWorkers: 1, maxQueued: 1 });
    const text = strToU8(referenceText());
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => pool.convert(`${i}.txt`, text)));
    expect(results.slice(0, 2)).toEqual([{ ok: true, text: referenceText() }, { ok: true, text: referenceText() }]);
    expect(results.slice(2)).toEqual([1, 2, 3].map(() => ({ ok: false, error: BUSY_MESSAGE })));
    expect(BUSY_MESSAGE).toBe("服务器繁忙，请稍后再试");
    expect(pool.counts.started).toBe(1);
  }, 30_000);

  it("never runs more than maxWorkers processes, and replaces a worker after filesPerWorker files", async () => {
    const pool = poolWith({ filesPerWorker: 2 });
    const text = strToU8("部门名称\t泸县总工会");
    const seen = new Set<number>();
    for (let i = 0; i < 6; i++) {
      expect(await pool.convert("a.txt", text)).toEqual({ ok: true, text: "部门名称\t泸县总工会" });
      for (const pid of pool.state().pids) seen.add(pid);
      expect(pool.state().pids.length).toBeLessThanOrEqual(CONVERT_LIMITS.maxWorkers);
    }
    expect(pool.counts.started).toBe(3);
    await pool.close();
    expect([...seen].filter(alive)).toEqual([]);
    expect(await pool.convert("a.txt", text)).toMatchObject({ ok: false });
  }, 30_000);

  it("has the production limits as named constants", () => {
    expect(CONVERT_LIMITS).toMatchObject({ timeLimitMs: 20_000, memoryLimitMb: 384, maxWorkers: 2 });
    expect(timeLimitMessage(CONVERT_LIMITS.timeLimitMs)).toBe("文件解析超过 20 秒的时间上限，已停止");
    expect(memoryLimitMessage(CONVERT_LIMITS.memoryLimitMb)).toBe("文件解析所需内存超过 384 MB 的上限，已停止");
  });
});
