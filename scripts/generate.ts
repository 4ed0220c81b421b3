/**
 * `npm run generate -- --counties N --units N --years N [--seed S]`
 *
 * Loads a synthetic province into the configured database (DATABASE_URL; SQLite default
 * data/app.db): counties, their units, campaigns with deadlines, a reviewer, leader and admin
 * account per county, a staff account per unit, a city-level leader and reviewer over all
 * counties (password: GENERATE_PASSWORD, default "bench-password-2023"), and every unit's
 * report for every year with its history — statuses, revisions, comments, audit rows — via
 * the bulk path (scripts/lib/bulk.ts) that keeps the read model and the audit chain exactly
 * as the model functions would. Same seed, same data. Afterwards `npm run metrics:verify`
 * and `npm run audit:verify` pass.
 *
 * Options: --last-year Y (default 2024), --batch N reports per transaction (default 500,
 * rounded to whole county-years), --reset (empty the database first: deletes the SQLite file,
 * or drops and recreates the MySQL database named in the URL), --summary FILE (JSON summary),
 * --workers 0|1 (derive rows in a worker thread; default 1 on two or more cores).
 */
import { existsSync, rmSync, statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createDb, dialectOf, sqliteFile, DEFAULT_DATABASE_URL } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { hashPassword, passwordProblem } from "~/auth/password.server";
import { toNumber } from "#db/codecs";
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { campaignFor, mix, planProvince, type ProvincePlan } from "./lib/bench/dataset";
import { produceBatches, type ProducedBatch } from "./lib/bench/producer";
import { progressBar } from "./lib/bench/progress";
import { tableCounts, writeCampaigns, writePreparedBatch, writeTenancy } from "./lib/bulk";

const { values } = parseArgs({
  options: {
    counties: { type: "string", default: "2" },
    units: { type: "string", default: "100" },
    years: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    "last-year": { type: "string", default: "2024" },
    batch: { type: "string", default: "500" },
    reset: { type: "boolean", default: false },
    summary: { type: "string" },
    workers: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("用法：npm run generate -- --counties N --units N --years N [--seed S] [--last-year 2024] [--batch 500] [--reset] [--summary out.json] [--workers 0|1]");
  process.exit(0);
}
const int = (name: keyof typeof values, min: number) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} 应为不小于 ${min} 的整数`);
    process.exit(2);
  }
  return n;
};
const options = { counties: int("counties", 1), units: int("units", 1), years: int("years", 1), seed: int("seed", 0), lastYear: int("last-year", 2001) };
const batchReports = int("batch", 1);
// Deriving rows in a worker thread overlaps with inserting them: worth it from two cores.
if (values.workers === undefined) values.workers = availableParallelism() > 1 ? "1" : "0";
const workers = int("workers", 0) > 0;
const password = process.env.GENERATE_PASSWORD || "bench-password-2023";
const problem = passwordProblem(password);
if (problem) {
  console.error(`GENERATE_PASSWORD 不符合密码要求：${problem}`);
  process.exit(2);
}

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const dialect = dialectOf(url);
const shownUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");

if (values.reset) await resetDatabase(url);
if (dialect === "mysql") await ensureMysqlDatabase(url);

const db = createDb(url);
const started = performance.now();
try {
  await migrateToLatest(db);
  const plan = planProvince(options);
  const taken = await db.selectFrom("counties").select("code").where("code", "like", `S${options.seed}-%`).limit(1).executeTakeFirst();
  if (taken) {
    console.error(`数据库中已有种子 ${options.seed} 生成的数据（县区编码 ${taken.code}）。换一个 --seed，或加 --reset 清空数据库后重新生成。`);
    process.exit(1);
  }
  const totalReports = options.counties * options.units * options.years;
  console.error(
    `生成：${options.counties} 个县区 × ${options.units} 个单位 × ${options.years} 个年度（${plan.years[0]}–${plan.years.at(-1)}）= ${totalReports.toLocaleString("en")} 份报告，种子 ${options.seed}，数据库 ${shownUrl}`,
  );

  // One argon2 hash for every generated account (hashing 20,000 would take minutes).
  const passwordHash = await hashPassword(password);
  const tenancyStarted = performance.now();
  const tenancyBar = progressBar("单位与账号", options.counties, "县区");
  await writeTenancy(db, plan, passwordHash, Math.max(1, Math.floor(5000 / (options.units * 2 + 3))), (n) => tenancyBar.update(n));
  tenancyBar.finish();
  const tenancySeconds = (performance.now() - tenancyStarted) / 1000;

  const reportsStarted = performance.now();
  const bar = progressBar("报告", totalReports, "份");
  const rows: Record<string, number> = {};
  let done = 0;
  let year = 0;
  const countiesPerBatch = Math.max(1, Math.floor(batchReports / options.units));
  for await (const produced of batches(plan, countiesPerBatch, workers)) {
    if (produced.year !== year) {
      // The year's campaigns (and their audit rows) before its reports.
      year = produced.year;
      await writeCampaigns(db, plan.counties.map((c) => campaignFor(plan, c, year)), [options.seed, 8, year]);
    }
    await writePreparedBatch(db, produced.batch, [options.seed, 9, produced.index]);
    for (const [table, n] of Object.entries(produced.batch.rows)) rows[table] = (rows[table] ?? 0) + n;
    done += produced.batch.reports;
    bar.update(done);
  }
  bar.finish();
  const reportSeconds = (performance.now() - reportsStarted) / 1000;
  const totalSeconds = (performance.now() - started) / 1000;
  const counts = await tableCounts(db);
  const bytes = await databaseBytes(url);

  const rate = totalReports / reportSeconds;
  console.log(`\n完成：${totalReports.toLocaleString("en")} 份报告用时 ${reportSeconds.toFixed(1)} 秒（${Math.round(rate).toLocaleString("en")} 份/秒），单位与账号 ${tenancySeconds.toFixed(1)} 秒，合计 ${totalSeconds.toFixed(1)} 秒`);
  console.log(`支出明细 ${rows.expenditure_lines.toLocaleString("en")} 行，绩效指标 ${rows.indicators.toLocaleString("en")} 个（在报告文档中）`);
  console.log(`数据库（全部数据）：${Object.entries(counts).map(([t, n]) => `${t} ${n.toLocaleString("en")}`).join("，")}`);
  if (bytes != null) console.log(`数据库大小：${(bytes / 1024 / 1024).toFixed(0)} MB`);
  console.log(`账号（密码 ${process.env.GENERATE_PASSWORD ? "见 GENERATE_PASSWORD" : password}）：${plan.prefix}_city_leader（市级领导，全部县区）、${plan.prefix}_city_reviewer（市级审核）、` +
    `${plan.prefix}_c001_reviewer / _leader / _admin（每县）、${plan.prefix}_c001_u001 …（每个单位的填报人员）`);
  if (values.summary) {
    writeFileSync(values.summary, JSON.stringify({
      options, dialect, url: shownUrl, reports: totalReports, reportSeconds, tenancySeconds, totalSeconds, reportsPerSecond: rate,
      generated: rows, counts, bytes, prefix: plan.prefix, years: plan.years,
    }, null, 2));
  }
} finally {
  await db.destroy();
}

/** Prepared batches in write order: from a worker thread (at most two ahead), or inline. */
async function* batches(plan: ProvincePlan, countiesPerBatch: number, useWorker: boolean): AsyncGenerator<ProducedBatch> {
  if (!useWorker) {
    yield* produceBatches(plan, countiesPerBatch);
    return;
  }
  const worker = new Worker(new URL("./lib/bench/worker-boot.mjs", import.meta.url), {
    workerData: { entry: new URL("./lib/bench/generate-worker.ts", import.meta.url).href, options: plan.options, countiesPerBatch },
  });
  const queue: Array<ProducedBatch | null> = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on("message", (m: ProducedBatch | null) => {
    queue.push(m);
    wake?.();
  });
  worker.on("error", (e) => {
    failure = e;
    wake?.();
  });
  try {
    for (;;) {
      while (!queue.length && !failure) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      const next = queue.shift()!;
      if (next === null) return;
      yield next;
      worker.postMessage("ack");
    }
  } finally {
    await worker.terminate();
  }
}

async function resetDatabase(url: string) {
  if (dialectOf(url) === "sqlite") {
    const file = sqliteFile(url);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    console.error(`已删除 ${file}`);
    return;
  }
  const { name, server } = mysqlParts(url);
  const { createConnection } = await import("mysql2/promise");
  const conn = await createConnection({ uri: server });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    console.error(`已删除数据库 ${name}`);
  } finally {
    await conn.end();
  }
}

async function ensureMysqlDatabase(url: string) {
  const { name, server } = mysqlParts(url);
  const { createConnection } = await import("mysql2/promise");
  const conn = await createConnection({ uri: server });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

function mysqlParts(url: string) {
  const u = new URL(url.replace(/^mariadb:/, "mysql:"));
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL 中的数据库名无效：${name || "（缺失）"}`);
  u.pathname = "/";
  return { name, server: u.toString() };
}

async function databaseBytes(url: string): Promise<number | null> {
  if (dialectOf(url) === "sqlite") {
    const file = sqliteFile(url);
    return existsSync(file) ? statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0) : null;
  }
  const probe = createDb(url);
  try {
    // InnoDB's table statistics are estimates refreshed lazily: refresh them first.
    const tables = await sql<{ t: string }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()`.execute(probe);
    for (const { t } of tables.rows) await sql`ANALYZE TABLE ${sql.id(t)}`.execute(probe);
    const row = await sql<{ n: number | string }>`SELECT SUM(data_length + index_length) AS n FROM information_schema.tables WHERE table_schema = DATABASE()`.execute(probe);
    return toNumber(row.rows[0]?.n);
  } finally {
    await probe.destroy();
  }
}
