/**
 * Abusive files through the production server, as numbers: every kind in abusiveFiles() sent
 * by a unit's staff to the import preview and by a reviewer to bulk intake (批量接收), each
 * followed by a health check. Figures: files sent, server deaths, 5xx, refusals without a
 * Chinese message, event-loop stalls over 200 ms and peak RSS of the web process (its own
 * /healthz?stats: the parsing happens in worker processes, which are not the web process),
 * and whether anything but the refused files' own records changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseChecksums, changedTables } from "#db/tables";
import type { RuntimeStats } from "~/server/runtimeStats.server";
import { DEMO_PASSWORD, seedDemo, type DemoSeed } from "../../../scripts/lib/seed";
import { FigureRecorder } from "../../../scripts/lib/reliability/figures";
import { Browser, ensureBuildOnce, startAppServer, type AppServer } from "../../../scripts/lib/reliability/server";
import { abusiveFiles } from "../../unit/convert/hostile";
import { TEST_DIALECT, useTestDatabase } from "../support/db";

const t = useTestDatabase();
const figures = new FigureRecorder("hostile-files", TEST_DIALECT);
const CJK = /[\u4e00-\u9fff]/;
const MB = 1024 * 1024;
let seed: DemoSeed;
let server: AppServer;
let staff: Browser;
let reviewer: Browser;
let reportId: string;

beforeAll(async () => {
  await ensureBuildOnce();
  seed = await seedDemo(t.db);
  server = await startAppServer({ databaseUrl: t.url, env: { RUNTIME_STATS: "1" } });
  staff = new Browser(server.base);
  reviewer = new Browser(server.base);
  expect(await staff.login("zonggonghui", DEMO_PASSWORD)).toBe(302);
  expect(await reviewer.login("luxian_reviewer", DEMO_PASSWORD)).toBe(302);
  const report = await t.db
    .selectFrom("reports")
    .select("id")
    .where("unit_id", "=", seed.unitIds["泸县总工会"])
    .where("year", "=", 2023)
    .executeTakeFirstOrThrow();
  reportId = report.id;
}, 300_000);

afterAll(async () => {
  await server?.kill("SIGTERM");
  figures.write();
});

async function stats(reset = false): Promise<RuntimeStats> {
  const res = await fetch(`${server.base}/healthz?stats${reset ? "=reset" : ""}`);
  return (await res.json()) as RuntimeStats;
}

async function healthy(): Promise<boolean> {
  try {
    const res = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return res.status === 200 && (await res.text()) === "ok";
  } catch {
    return false;
  }
}

function upload(path: string, fileName: string, bytes: Uint8Array, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new File([bytes as Uint8Array<ArrayBuffer>], fileName));
  return path === "preview" ? staff.request(`/reports/${reportId}/import`, { method: "POST", body: form }) : reviewer.request("/intake/upload", { method: "POST", body: form });
}

describe(`abusive files through the production server (${TEST_DIALECT})`, () => {
  it("refuses every one with a Chinese message; the web process never dies, stalls or grows past 300 MB; nothing but the refusals is stored", async () => {
    const files = abusiveFiles();
    const reportsBefore = await databaseChecksums(t.db, { only: ["reports", "report_revisions", "report_flags", "report_metrics"] });
    const receivedBefore = await t.db.selectFrom("received_files").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    await stats(true);
    let sent = 0;
    let deaths = 0;
    const serverErrors: string[] = [];
    const notChinese: string[] = [];
    const accepted: string[] = [];

    for (const file of files) {
      const bytes = file.bytes();
      for (const path of file.intakeOnly ? ["intake"] : ["preview", "intake"]) {
        sent++;
        const res = await upload(path, file.fileName, bytes, path === "intake" ? { countyId: seed.luxianId, year: "2023" } : {});
        const text = await res.text();
        const where = `${path}: ${file.what} → ${res.status}`;
        if (res.status >= 500) serverErrors.push(`${where} ${text.slice(0, 200)}`);
        if (path === "preview") {
          // A refusal answers 400 with the reason next to the file field.
          if (res.status !== 400) accepted.push(where);
          else if (!CJK.test(text)) notChinese.push(where);
        } else if (res.status >= 500) {
          // counted above
        } else if (res.status === 200) {
          const body = JSON.parse(text) as { outcomes: Array<{ status: string; message: string }> };
          if (body.outcomes.some((o) => o.status !== "refused")) accepted.push(`${where} ${JSON.stringify(body.outcomes.map((o) => o.status))}`);
          if (body.outcomes.some((o) => !CJK.test(o.message))) notChinese.push(where);
        } else {
          const body = JSON.parse(text) as { error: string };
          if (!CJK.test(body.error ?? "")) notChinese.push(where);
        }
        if (process.env.HOSTILE_DEBUG) {
          const now = await stats(true);
          console.log(`${where}: worst ${now.worstDelayMs} ms, peak RSS ${Math.round(now.maxRssBytes / MB)} MiB, rss ${Math.round(now.rssBytes / MB)}`);
        }
        if (!(await healthy()) || server.child.exitCode !== null) {
          deaths++;
          break;
        }
      }
      if (deaths) break;
    }

    const after = await stats();
    const reportsAfter = await databaseChecksums(t.db, { only: ["reports", "report_revisions", "report_flags", "report_metrics"] });
    const received = await t.db.selectFrom("received_files").select(["status"]).execute();

    figures.add("abusive files sent (import preview and bulk intake)", sent, { atLeast: 40 });
    figures.add("server deaths", deaths, { equals: 0 });
    figures.add("5xx answers", serverErrors.length, { equals: 0 });
    figures.add("abusive files accepted", accepted.length, { equals: 0 });
    figures.add("refusals without a Chinese message", notChinese.length, { equals: 0 });
    figures.add(`event-loop stalls over ${after.stallThresholdMs} ms in the web process`, after.stalls, { equals: 0 });
    figures.add("worst event-loop delay in the web process (ms)", after.worstDelayMs);
    figures.add("peak RSS of the web process (MiB)", Math.round(after.maxRssBytes / MB), { atMost: 300 });
    figures.add("reports, revisions, flags or metrics changed", changedTables(reportsBefore, reportsAfter).length, { equals: 0 });

    expect({ deaths, serverErrors, accepted, notChinese }).toEqual({ deaths: 0, serverErrors: [], accepted: [], notChinese: [] });
    expect(after.stalls).toBe(0);
    expect(after.maxRssBytes).toBeLessThan(300 * MB);
    expect(changedTables(reportsBefore, reportsAfter)).toEqual([]);
    // Bulk intake keeps each refused file with its reason, and nothing else.
    expect(received.length).toBeGreaterThan(Number(receivedBefore.n));
    expect(received.every((r) => r.status === "refused")).toBe(true);
    // And afterwards an ordinary import still works.
    const ok = await upload("preview", "报告.txt", new TextEncoder().encode("部门名称：泸县总工会\n一、部门（单位）基本情况\n年初预算575.65万元，调整预算575.65万元，收入合计575.65万元。"), {});
    expect(ok.status).toBe(200);
  }, 600_000);
});
