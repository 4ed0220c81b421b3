/**
 * Bulk intake of a file that would kill a parser: refused and kept as refused, with the reason,
 * while the server keeps answering — in process (intakeFile through the convert pool) and
 * through the production server (build/index.js forking build/convert-worker.js).
 */
import { readFileSync } from "node:fs";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intakeFile, type IntakeOutcome } from "~/models/intake.server";
import { readReceivedFileBytes } from "~/models/receivedFileBytes.server";
import { insertUnit } from "~/models/units.server";
import { closeConvertPool, CRASH_MESSAGE } from "~/server/convertPool.server";
import { DEMO_PASSWORD, seedDemo, type DemoSeed } from "../../scripts/lib/seed";
import { Browser, ensureBuildOnce, startAppServer, type AppServer } from "../../scripts/lib/reliability/server";
import { largeWorkbook, paragraphBombDocx } from "../unit/convert/hostile";
import { TEST_DIALECT, useTestDatabase } from "./support/db";

const t = useTestDatabase();
const reference = readFileSync("test/fixtures/luxian-trade-union-2023.txt", "utf8");
const actor = { userId: null, name: "审核员", address: "127.0.0.1" };
const MB = 1024 * 1024;
let seed: DemoSeed;
let server: AppServer | undefined;

beforeAll(async () => {
  await ensureBuildOnce();
  seed = await seedDemo(t.db);
}, 300_000);

afterAll(async () => {
  await server?.kill("SIGTERM");
  await closeConvertPool();
});

/**
 * Refused with a reason, never the crash message. Today the worker reaches its memory limit on
 * this file; once the parsers' own guards refuse it first, their message is the reason.
 */
function expectRefusedAsHostile(outcome: IntakeOutcome) {
  expect(outcome.status).toBe("refused");
  expect(outcome.message).toMatch(/[\u4e00-\u9fff]/);
  expect(outcome.message).not.toBe(CRASH_MESSAGE);
}

const residentMb = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

describe(`bulk intake of a killer file (${TEST_DIALECT})`, () => {
  it("in process: refused and stored as refused with its bytes; this process's heap untouched; the next file is received", async () => {
    const bomb = paragraphBombDocx();
    const heapBefore = process.memoryUsage().heapUsed;
    const outcome = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "泸县教育和体育局.docx", bytes: bomb }, actor);
    expectRefusedAsHostile(outcome);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * MB);
    const row = await t.db.selectFrom("received_files").select(["status", "message", "report_id"]).where("id", "=", outcome.fileId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "refused", message: outcome.message, report_id: null });
    expect(Buffer.from(await readReceivedFileBytes(t.db, outcome.fileId)).equals(Buffer.from(bomb))).toBe(true);
    const next = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "教体局.txt", bytes: strToU8(reference.replaceAll("泸县总工会", "泸县教育和体育局")) }, actor);
    expect(next).toMatchObject({ status: "imported", unitName: "泸县教育和体育局" });
    // Report and source file are written together: the received report has its file.
    const kept = await t.db.selectFrom("received_files").select(["report_id", "status"]).where("id", "=", next.fileId).executeTakeFirstOrThrow();
    expect(kept).toEqual({ report_id: next.reportId, status: "imported" });
  }, 120_000);

  it("through the production server: a .zip with the killer, a good file and a heavy workbook; the server answers throughout, stays small, receives the good one", async () => {
    server = await startAppServer({ databaseUrl: t.url });
    const reviewer = new Browser(server.base);
    expect(await reviewer.login("luxian_reviewer", DEMO_PASSWORD)).toBe(302);
    const pid = server.child.pid!;

    // Every demo unit but 教体局 (received above) has its 2023 report: a new unit for the good file.
    await t.db.transaction().execute((trx) => insertUnit(trx, { countyId: seed.luxianId, parentId: null, code: "190101", name: "泸县收件测试中心", kind: "institution" }, null));
    // And an ordinary but heavy workbook (200k cells): exceljs needs seconds and some 250 MB for
    // it, which in the server process would block every request and break the 300 MB budget.
    const zip = zipSync({
      "收件/泸县民政局.docx": [paragraphBombDocx(), { level: 0 }],
      "收件/收件测试中心.txt": strToU8(reference.replaceAll("泸县总工会", "泸县收件测试中心")),
      "收件/明细表.xlsx": [largeWorkbook(20_000), { level: 0 }],
    });
    const form = new FormData();
    form.set("countyId", seed.luxianId);
    form.set("year", "2023");
    form.set("file", new File([zip], "收件.zip"));
    let done = false;
    const upload = reviewer.request("/intake/upload", { method: "POST", body: form }).finally(() => (done = true));

    // While the worker chews on the file, the server answers health checks and its RSS stays low.
    const health: number[] = [];
    let answeredDuring = 0;
    let peakRss = 0;
    while (!done) {
      const res = await fetch(`${server.base}/healthz`);
      await res.text();
      health.push(res.status);
      if (!done) answeredDuring++;
      peakRss = Math.max(peakRss, residentMb(pid));
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await upload;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { outcomes: IntakeOutcome[]; error: string | null };
    expect(body.error).toBeNull();
    expect(body.outcomes.map((o) => o.fileName)).toEqual(["泸县民政局.docx", "收件测试中心.txt", "明细表.xlsx"]);
    expectRefusedAsHostile(body.outcomes[0]);
    expect(body.outcomes[1]).toMatchObject({ status: "imported", unitName: "泸县收件测试中心" });
    expect(body.outcomes[2].message).not.toBe(CRASH_MESSAGE); // read (then not a report), or stopped at a limit
    expect(health.every((s) => s === 200)).toBe(true);
    expect(answeredDuring).toBeGreaterThan(0);
    expect(peakRss).toBeLessThan(300);

    const stored = await t.db.selectFrom("received_files").select(["status", "message"]).where("id", "=", body.outcomes[0].fileId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: "refused", message: body.outcomes[0].message });
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
    // The same server process throughout; the worker's dying words stay out of its log.
    expect(server.child.exitCode).toBeNull();
    expect(server.log()).not.toMatch(/heap out of memory/i);
  }, 180_000);
});
