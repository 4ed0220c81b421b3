/**
 * The backup drill: `npm run backup` of the demo database (taken while reports are being
 * saved), `npm run restore` into a scratch database, and every table compared — row counts and
 * SHA-256 of the rows — plus the restored database's own checks (integrity, audit chain, read
 * model against a recompute). A truncated, altered or misdirected restore must be refused and
 * leave nothing behind. Runs the real scripts as child processes on both dialects.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createConnection } from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type DB } from "#db/client";
import { scopeOf } from "~/domain/permissions";
import { verifyAuditChain } from "~/models/audit.server";
import { intakeFile } from "~/models/intake.server";
import { checkMetrics } from "~/models/metricsCheck.server";
import { findVisibleReport } from "~/models/reports.server";
import { saveDraft } from "~/models/reportWrites.server";
import { loadViewer } from "~/models/users.server";
import { referenceDocument, seedDemo } from "../../../scripts/lib/seed";
import { backupDatabase, restoreDatabase } from "~/server/backup.server";
import { FigureRecorder, ROOT } from "../../../scripts/lib/reliability/figures";
import { changedTables, databaseChecksums, integrityProblems, listTables } from "../../../scripts/lib/reliability/tables";
import { TEST_DIALECT, useTestDatabase } from "../support/db";

const run = promisify(execFile);
const t = useTestDatabase();
const figures = new FigureRecorder("backup", TEST_DIALECT);
const dir = mkdtempSync(join(tmpdir(), "jx-backup-"));
const scratch: Array<{ url: string; drop: () => Promise<void> }> = [];

async function cli(script: "backup" | "restore", args: string[], databaseUrl: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(ROOT, "scripts", `${script}.ts`), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

/** The same as the CLI, in this process (the CLI itself is exercised by the drill above). */
async function restoreInProcess(file: string, url: string) {
  try {
    const result = await restoreDatabase(file, url);
    return { code: 0, out: `恢复完成 ${result.rows}` };
  } catch (e) {
    return { code: 1, out: `恢复失败：${(e as Error).message}` };
  }
}

/** An empty scratch database of the run's dialect (a new SQLite path, or a new MySQL database). */
async function scratchDatabase(name: string): Promise<string> {
  if (TEST_DIALECT === "mysql") {
    const server = process.env.TEST_MYSQL_URL!.replace(/\/+$/, "");
    const db = `r_${process.pid}_${name}_${Date.now().toString(36)}`;
    const admin = await createConnection({ uri: server });
    await admin.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = `${server}/${db}`;
    scratch.push({ url, drop: async () => { const c = await createConnection({ uri: server }); await c.query(`DROP DATABASE IF EXISTS \`${db}\``); await c.end(); } });
    return url;
  }
  return `file:${join(dir, `${name}.db`)}`;
}

async function withDb<T>(url: string, fn: (db: DB) => Promise<T>): Promise<T> {
  const db = createDb(url);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

afterAll(async () => {
  for (const s of scratch) await s.drop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  figures.write();
});

describe(`backup and restore drill (${TEST_DIALECT})`, () => {
  const backupFile = join(dir, TEST_DIALECT === "mysql" ? "backup.jsonl" : "backup.db");
  let restoredUrl = "";

  it("seeds the demo, with binary files received, as the database to protect", async () => {
    await seedDemo(t.db);
    const docx = readFileSync(new URL("../../fixtures/luxian-trade-union-2023.docx", import.meta.url));
    const county = (await t.db.selectFrom("counties").select("id").where("name", "=", "泸县").executeTakeFirstOrThrow()).id;
    await intakeFile(t.db, { countyId: county, year: 2024, fileName: "泸县总工会.docx", bytes: new Uint8Array(docx) }, { userId: null, name: "备份演练" });
  }, 60_000);

  it("takes a backup while a unit keeps saving, and restores it exactly into a scratch database", async () => {
    const user = await t.db.selectFrom("users").select("id").where("username", "=", "zonggonghui").executeTakeFirstOrThrow();
    const viewer = (await loadViewer(t.db, user.id))!;
    const reportId = (await t.db.selectFrom("reports").select("id").where("unit_id", "=", viewer.grants[0].unitId!).where("year", "=", 2023).executeTakeFirstOrThrow()).id;
    // Writes keep landing during the backup: it must capture one consistent moment.
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        const report = (await findVisibleReport(t.db, scopeOf(viewer), reportId))!;
        const doc = referenceDocument();
        doc.targets.overallGoal = `备份期间的保存 ${writes}`;
        await saveDraft(t.db, report, { expectedVersion: report.version, document: doc, explanations: {} }, { userId: viewer.userId, name: viewer.displayName });
        writes++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const t0 = Date.now();
    const backup = await cli("backup", [backupFile], t.url);
    const backupMs = Date.now() - t0;
    writing = false;
    await writer;
    expect(backup.code, backup.out).toBe(0);
    expect(backup.out).toContain("备份完成");

    restoredUrl = await scratchDatabase("restored");
    const t1 = Date.now();
    const restore = await cli("restore", [backupFile], restoredUrl);
    const restoreMs = Date.now() - t1;
    expect(restore.code, restore.out).toBe(0);
    expect(restore.out).toContain("恢复完成");

    // The restored database is a consistent moment of the source: checked on its own…
    const restored = await withDb(restoredUrl, async (db) => ({
      sums: await databaseChecksums(db),
      integrity: await integrityProblems(db),
      chain: await verifyAuditChain(db),
      metrics: await checkMetrics(db),
      tables: await listTables(db),
      version: Number((await db.selectFrom("reports").select("version").where("id", "=", reportId).executeTakeFirstOrThrow()).version),
    }));
    // …and equal, table by table, to the source as it was when the backup's snapshot was taken:
    // the manifest the backup wrote (checked against the source's own checksums below for every
    // table the writer did not touch).
    const manifest = TEST_DIALECT === "mysql"
      ? JSON.parse(readFileSync(backupFile, "utf8").trimEnd().split("\n").at(-1)!).manifest
      : JSON.parse(readFileSync(`${backupFile}.manifest.json`, "utf8"));
    const source = await databaseChecksums(t.db);
    // counties: every save raises the county's data_version (the dashboard cache key).
    const touched = ["counties", "reports", "report_flags", "report_metrics", "report_class_amounts", "audit_log", "audit_head"];
    const mismatched = changedTables(manifest.tables, restored.sums);
    const untouchedDiffer = changedTables(
      Object.fromEntries(Object.entries(source).filter(([k]) => !touched.includes(k))),
      Object.fromEntries(Object.entries(restored.sums).filter(([k]) => !touched.includes(k))),
    );
    const rows = Object.values(restored.sums).reduce((a, s) => a + s.rows, 0);
    figures.add("tables backed up and compared", Object.keys(restored.sums).length);
    figures.add("rows restored", rows);
    figures.add("saves landing during the backup", writes);
    figures.add("backup time (s)", (backupMs / 1000).toFixed(1));
    figures.add("restore time (s)", (restoreMs / 1000).toFixed(1));
    figures.add("tables differing from the backup (count or checksum)", mismatched.length, { equals: 0 });
    figures.add("untouched tables differing from the source", untouchedDiffer.length, { equals: 0 });
    figures.add("restored DB: integrity problems", restored.integrity.length, { equals: 0 });
    figures.add("restored DB: audit chain", restored.chain.ok ? "verifies" : "broken", { text: "verifies" });
    figures.add("restored DB: read-model mismatches", restored.metrics.mismatches.length, { equals: 0 });
    expect(mismatched).toEqual([]);
    expect(untouchedDiffer).toEqual([]);
    expect(restored.integrity).toEqual([]);
    expect(restored.chain.ok).toBe(true);
    expect(restored.metrics.mismatches).toEqual([]);
    // The audit chain ends exactly where the restored report's version says it should.
    const saves = await withDb(restoredUrl, async (db) => Number((await db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("entity_id", "=", reportId).where("action", "=", "report.save").executeTakeFirstOrThrow()).n));
    expect(restored.version).toBe(1 + saves);
    expect(writes).toBeGreaterThan(0);
  }, 180_000);

  it("restores into the other format too (JSON lines), with identical tables", async () => {
    const jsonl = join(dir, "again.jsonl");
    await backupDatabase(restoredUrl, jsonl, { format: "jsonl" });
    const second = await scratchDatabase("second");
    const restore = await restoreInProcess(jsonl, second);
    expect(restore.code, restore.out).toBe(0);
    const [a, b] = [await withDb(restoredUrl, (db) => databaseChecksums(db)), await withDb(second, (db) => databaseChecksums(db))];
    expect(changedTables(a, b)).toEqual([]);
  }, 120_000);

  it("refuses a truncated or altered backup, and a target that already holds data, leaving it untouched", async () => {
    const refusals: string[] = [];
    const accepted: string[] = [];
    const jsonl = join(dir, "source.jsonl");
    await backupDatabase(t.url, jsonl, { format: "jsonl" });
    const lines = readFileSync(jsonl, "utf8").trimEnd().split("\n");
    const truncated = join(dir, "truncated.jsonl");
    writeFileSync(truncated, lines.slice(0, Math.floor(lines.length * 0.7)).join("\n") + "\n");
    const altered = join(dir, "altered.jsonl");
    const row = lines.findIndex((l) => l.includes("泸县教育和体育局") && l.startsWith("["));
    writeFileSync(altered, lines.map((l, i) => (i === row ? l.replace("泸县教育和体育局", "泸县教育和体育局（篡改）") : l)).join("\n") + "\n");
    const cases: Array<[string, string, string, string[]]> = [
      ["truncated dump", truncated, await scratchDatabase("truncated"), []],
      ["altered row", altered, await scratchDatabase("altered"), []],
      ["target already holds data", jsonl, restoredUrl, []],
    ];
    if (TEST_DIALECT === "sqlite") {
      const corrupt = join(dir, "corrupt.db");
      const bytes = readFileSync(backupFile);
      bytes.fill(0x55, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 8192);
      writeFileSync(corrupt, bytes);
      writeFileSync(`${corrupt}.manifest.json`, readFileSync(`${backupFile}.manifest.json`));
      cases.push(["corrupted SQLite backup", corrupt, await scratchDatabase("corrupt"), []]);
    }
    for (const [what, file, target] of cases) {
      const before = await withDb(target, (db) => databaseChecksums(db)).catch(() => ({}));
      const result = await restoreInProcess(file, target);
      const after = await withDb(target, (db) => databaseChecksums(db)).catch(() => ({}));
      const untouched = changedTables(before, after).filter((t) => (before as Record<string, { rows: number }>)[t]?.rows || (after as Record<string, { rows: number }>)[t]?.rows > (t === "audit_head" ? 1 : 0)).length === 0;
      if (result.code !== 0 && result.out.includes("恢复失败") && untouched) refusals.push(what);
      else accepted.push(`${what}: exit ${result.code}, target ${untouched ? "untouched" : "changed"} — ${result.out.slice(0, 200)}`);
    }
    figures.add("bad backups / occupied targets refused, target untouched", `${refusals.length}/${cases.length}`, { text: "all", ok: refusals.length === cases.length });
    expect(accepted).toEqual([]);
  }, 180_000);
});
