/**
 * `npm run bench [-- --sizes 1000,100000 --db sqlite|mysql|both --seed 1 --duration 10]`
 *
 * Builds the app, generates (or, for SQLite, reuses from .tmp/bench/) a synthetic province of
 * each size, starts the production server in a child process (NODE_ENV=production,
 * INSECURE_COOKIES=1) and measures over loopback and in process:
 *
 *   - server time: route loaders and the save action called in a child process on the same
 *     database (lib/bench/inproc.ts), and the model functions under them;
 *   - end-to-end HTTP latency, one request at a time: county dashboard, city view, triage
 *     queue first and tenth page (following the 下一页 links), a report's review page,
 *     save + check of a 50-line / 30-indicator report, submit, login;
 *   - throughput with autocannon, 50 connections: a logged-in reviewer's queue page and the
 *     dashboard page with its server-rendered charts; errors, p50/p95/p99;
 *   - the server's peak RSS; check-report on N copies of the reference text report;
 *   - import throughput: N files of each format (text, .docx, .xlsx, web page, PDF) through
 *     the convert pool (lib/bench/imports.ts). `--only imports` runs just this part.
 *
 * MySQL is a private throwaway MariaDB with a 1 GB buffer pool. Prints a Markdown table with
 * each target met or missed, writes .tmp/bench/results-<timestamp>.json. Never part of npm test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { createDb } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { toFormDocument } from "~/domain/formDocument";
import { bundleServerEntry, ensureBuild, PRODUCTION_NODE_OPTIONS } from "./lib/build";
import { benchCheckReport, type CheckReportResult } from "./lib/bench/checkreport";
import { benchImports, type ImportBench } from "./lib/bench/imports";
import { bigReport } from "./lib/bench/dataset";
import { BENCH_DIR, prepareDataset, shapeOf, type Dataset } from "./lib/bench/datasets";
import { Client, nextPageHref } from "./lib/bench/http";
import type { InprocInput } from "./lib/bench/inproc";
import { cpuBusySeconds, machineInfo, processCpuSeconds, processMemory, type MachineInfo } from "./lib/bench/machine";
import { startBenchMariaDb } from "./lib/bench/mysql";
import { renderImports, renderReport, type RunResult } from "./lib/bench/report";
import { summarize, type Summary } from "./lib/bench/stats";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,100000" },
    db: { type: "string", default: "both" },
    seed: { type: "string", default: "1" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    iterations: { type: "string", default: "200" },
    "max-seconds": { type: "string", default: "6" },
    "check-report-files": { type: "string", default: "1000" },
    "import-files": { type: "string", default: "100" },
    only: { type: "string" },
    "server-node-options": { type: "string", default: "" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("用法：npm run bench -- [--sizes 1000,100000] [--db sqlite|mysql|both] [--seed 1] [--duration 10] [--connections 50] [--iterations 200] [--server-node-options=--max-old-space-size=192]");
  process.exit(0);
}
const sizes = values.sizes!.split(",").map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
const dbs: Array<"sqlite" | "mysql"> | null = values.db === "both" ? ["sqlite", "mysql"] : values.db === "sqlite" || values.db === "mysql" ? [values.db] : null;
if (!sizes.length || !dbs) {
  console.error("--sizes 应为逗号分隔的正整数；--db 应为 sqlite、mysql 或 both");
  process.exit(2);
}
const seed = Number(values.seed);
const duration = Number(values.duration);
const connections = Number(values.connections);
const iterations = Number(values.iterations);
const maxSeconds = Number(values["max-seconds"]);
const password = process.env.GENERATE_PASSWORD || "bench-password-2023";
// Extra flags for the server process only (e.g. "--max-old-space-size=192"), to try a deployment setting.
const serverNodeOptions = values["server-node-options"] ? values["server-node-options"].split(" ").filter(Boolean) : PRODUCTION_NODE_OPTIONS;
const log = (line: string) => console.error(line);

const benchStarted = Date.now();
if (values.only === "imports") {
  ensureBuild();
  log("=== 导入吞吐量 ===");
  const imports = await benchImports(Number(values["import-files"]), join(BENCH_DIR, "imports"), log);
  console.log(renderImports(imports));
  process.exit(imports.every((r) => r.target === null || r.filesPerSecond >= r.target) ? 0 : 1);
}
ensureBuild();
// The server runs as in production: plain node on a bundle, not under tsx.
const SERVER_BUNDLE = join(BENCH_DIR, "serve-child.js");
bundleServerEntry("scripts/lib/bench/serve-child.ts", SERVER_BUNDLE);
const machine: MachineInfo = machineInfo();
log(`机器：${machine.cpuModel}，${machine.cores} 核，内存 ${machine.memoryGiB} GiB，${machine.os}，Node ${machine.node}，${machine.sqlite}；当前负载 ${machine.loadAverageAtStart.join(" / ")}`);

const runs: RunResult[] = [];
for (const dialect of dbs) {
  const maria = dialect === "mysql" ? await startBenchMariaDb(log) : null;
  if (maria) machine.mariadb = `MariaDB ${maria.version}（私有临时实例，innodb_buffer_pool_size = ${Math.round(maria.bufferPoolBytes / 1024 ** 2)} MB）`;
  try {
    for (const size of sizes) {
      log(`\n=== ${dialect} · ${shapeOf(size).reports.toLocaleString("en")} 份报告 ===`);
      const dataset = await prepareDataset(dialect, size, seed, maria?.url);
      log(dataset.reused ? `复用已生成的数据（生成时 ${Math.round(dataset.generation.reportsPerSecond)} 份/秒）` : `已生成：${Math.round(dataset.generation.reportsPerSecond)} 份/秒`);
      runs.push(await benchOne(dataset, maria ? mariaPid(maria.dir) : null));
    }
  } finally {
    await maria?.stop();
  }
}
log("\n=== check-report ===");
const checkReport: CheckReportResult = benchCheckReport(Number(values["check-report-files"]));
log(`check-report：${checkReport.files} 份用时 ${checkReport.seconds} 秒（${checkReport.reportsPerSecond} 份/秒；扣除启动 ${checkReport.startupSeconds} 秒后 ${checkReport.marginalReportsPerSecond} 份/秒）`);

log("\n=== 导入吞吐量 ===");
const imports: ImportBench[] = await benchImports(Number(values["import-files"]), join(BENCH_DIR, "imports"), log);

const totalSeconds = (Date.now() - benchStarted) / 1000;
const markdown = renderReport({ machine, runs, checkReport, totalSeconds, options: { duration, connections, seed, serverNodeOptions: serverNodeOptions.join(" ") } }) + renderImports(imports);
console.log(markdown);
mkdirSync(BENCH_DIR, { recursive: true });
const file = join(BENCH_DIR, `results-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ machine, options: { sizes, dbs, seed, duration, connections, iterations, maxSeconds }, totalSeconds, runs, checkReport, imports, markdown }, null, 2));
console.log(`\n结果已写入 ${file}（总用时 ${(totalSeconds / 60).toFixed(1)} 分钟）`);

// ——— one database, one size ————————————————————————————————————————————————————————

async function benchOne(dataset: Dataset, databasePid: number | null): Promise<RunResult> {
  // A working copy may predate a new migration (indexes): bring it up to date first.
  const db = createDb(dataset.url);
  await migrateToLatest(db);
  const prefix = dataset.generation.prefix;
  const lastYear = dataset.generation.years.at(-1)!;
  const pad = (n: number) => String(n).padStart(3, "0");
  const countyCount = Math.min(dataset.counties, 20);
  const countyUsers = (role: string) => Array.from({ length: countyCount }, (_, i) => `${prefix}_c${pad(i + 1)}_${role}`);

  // Reports to act on: county 1's submitted report with the most revisions (the review page),
  // and editable (draft or returned) reports of the last year for save and submit.
  const county1 = await db.selectFrom("counties").select("id").where("code", "=", `S${seed}-001`).executeTakeFirstOrThrow();
  const review = await db.selectFrom("reports").select("id").where("county_id", "=", county1.id).where("year", "=", lastYear).where("status", "=", "submitted")
    .orderBy("current_revision", "desc").orderBy("id").limit(1).executeTakeFirstOrThrow();
  const editable = await db.selectFrom("reports").innerJoin("memberships", (j) => j.onRef("memberships.unit_id", "=", "reports.unit_id").on("memberships.role", "=", "staff"))
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["reports.id", "reports.version", "users.username", "users.id as user_id"])
    .where("reports.year", "=", lastYear).where("reports.status", "in", ["draft", "returned"]).orderBy("reports.id").limit(21).execute();
  if (editable.length < 2) throw new Error("no editable reports to save and submit");
  const [saveTarget, ...submitTargets] = editable;
  const userIds = Object.fromEntries(
    (await db.selectFrom("users").select(["id", "username"]).where("username", "in", [`${prefix}_city_leader`, `${prefix}_city_reviewer`, `${prefix}_c001_leader`, `${prefix}_c001_reviewer`]).execute())
      .map((u) => [u.username, u.id]),
  );
  const unitName = (await db.selectFrom("reports").innerJoin("units", "units.id", "reports.unit_id").select("units.name").where("reports.id", "=", saveTarget.id).executeTakeFirstOrThrow()).name;
  const bigForm = toFormDocument(bigReport(unitName, lastYear, seed, 50, 30));

  const server = await startServer(dataset.url);
  const client = new Client(server.origin);
  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(processMemory(server.pid).rssMiB), 250);
  const http: Record<string, Summary & { what: string; status?: Record<string, number> }> = {};
  try {
    // ——— logins (each one timed: argon2id verify + session + audit)
    log("登录…");
    const loginTimes: number[] = [];
    const login = async (username: string) => {
      const r = await client.login(username, password);
      loginTimes.push(r.ms);
      return r.cookie;
    };
    const reviewerCookies: string[] = [];
    for (const u of countyUsers("reviewer")) reviewerCookies.push(await login(u));
    const leaderCookies: string[] = [];
    for (const u of countyUsers("leader")) leaderCookies.push(await login(u));
    const cityLeader = await login(`${prefix}_city_leader`);
    const cityReviewer = await login(`${prefix}_city_reviewer`);
    const staffCookie = await login(saveTarget.username);
    const submitCookies: string[] = [];
    for (const t of submitTargets) submitCookies.push(await login(t.username));
    http.login = { ...summarize(loginTimes), what: "登录 POST /login（argon2id）" };

    // ——— the queue's pages, by following 下一页
    const pages: string[] = ["/review"];
    for (let i = 1; i < 10; i++) {
      const res = await client.get(pages.at(-1)!, cityReviewer);
      const next = nextPageHref(res.body);
      if (!next) break;
      pages.push(next);
    }
    const tenth = pages.at(-1)!;
    const tenthPage = pages.length;

    // ——— one request at a time
    const sequential = async (key: string, what: string, fn: () => Promise<{ status: number; ms: number }>, n = iterations) => {
      for (let i = 0; i < 3; i++) await fn();
      const times: number[] = [];
      const status: Record<string, number> = {};
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        const r = await fn();
        times.push(r.ms);
        status[r.status] = (status[r.status] ?? 0) + 1;
        if (i >= 20 && performance.now() - started > maxSeconds * 1000) break;
      }
      http[key] = { ...summarize(times), what, status };
      log(`  [HTTP] ${what}：p50 ${http[key].p50} ms，p95 ${http[key].p95} ms（n=${times.length}，状态 ${JSON.stringify(status)}）`);
    };
    log("逐个请求（HTTP）…");
    await sequential("dashboardCounty", "县级概览 GET /dashboard", () => client.get("/dashboard", leaderCookies[0]));
    await sequential("dashboardCity", `市级概览 GET /dashboard（${dataset.counties} 个县区）`, () => client.get("/dashboard", cityLeader), Math.min(iterations, 60));
    await sequential("queueCountyFirst", "审核队列第1页（县）GET /review", () => client.get("/review", reviewerCookies[0]));
    await sequential("queueCityFirst", "审核队列第1页（市级审核）", () => client.get("/review", cityReviewer));
    await sequential("queueCityTenth", `审核队列第${tenthPage}页（市级审核，沿“下一页”）`, () => client.get(tenth, cityReviewer));
    await sequential("reviewPage", "报告审核页 GET /reports/:id", () => client.get(`/reports/${review.id}`, reviewerCookies[0]));
    // Save + check, as the form's fetcher posts it (single fetch: /reports/:id.data?index).
    let version = Number(saveTarget.version);
    const documentJson = JSON.stringify(bigForm);
    await sequential("save", "保存并检查（50行/30指标）POST", async () => {
      const r = await client.post(`/reports/${saveTarget.id}.data?index`, { intent: "save", version: String(version), document: documentJson, explanations: "{}" }, staffCookie);
      if (r.status === 200) version++;
      return r;
    }, Math.min(iterations, 100));
    // Submit: each editable report once (save + submit + cross-report refresh of the county-year).
    const submitTimes: number[] = [];
    const submitStatus: Record<string, number> = {};
    for (let i = 0; i < submitTargets.length; i++) {
      const t = submitTargets[i];
      const r = await client.post(`/reports/${t.id}.data?index`, { intent: "submit", version: String(t.version), document: documentJson, explanations: "{}" }, submitCookies[i]);
      submitTimes.push(r.ms);
      submitStatus[r.status] = (submitStatus[r.status] ?? 0) + 1;
    }
    const submitted = await db.selectFrom("reports").select((eb) => eb.fn.countAll().as("n")).where("id", "in", submitTargets.map((t) => t.id)).where("status", "=", "submitted").executeTakeFirst();
    http.submit = { ...summarize(submitTimes), what: `提交（保存+提交+跨报告标记刷新）POST，${submitTargets.length} 份`, status: { ...submitStatus, submittedInDb: Number(submitted?.n ?? 0) } };
    log(`  [HTTP] 提交：p50 ${http.submit.p50} ms，p95 ${http.submit.p95} ms（${JSON.stringify(http.submit.status)}）`);

    // ——— throughput
    log(`吞吐量（autocannon，${connections} 个连接，${duration} 秒）…`);
    const throughput = {
      queue: await cannon(server, "/review", reviewerCookies, "审核人员审核队列页", databasePid),
      dashboard: await cannon(server, "/dashboard", leaderCookies, "概览页（服务端渲染图表）", databasePid),
    };

    // ——— server time, in process (the server idles meanwhile)
    log("进程内计时…");
    const inproc = await runInproc(dataset.url, {
      cookies: { countyLeader: leaderCookies[0], cityLeader, countyReviewer: reviewerCookies[0], cityReviewer, staff: staffCookie },
      userIds: {
        countyLeader: userIds[`${prefix}_c001_leader`], cityLeader: userIds[`${prefix}_city_leader`], countyReviewer: userIds[`${prefix}_c001_reviewer`],
        cityReviewer: userIds[`${prefix}_city_reviewer`], staff: saveTarget.user_id,
      },
      reviewReportId: review.id, saveReportId: saveTarget.id, modelSaveReportId: saveTarget.id,
      queue: { countyFirst: "", cityFirst: "", cityTenth: tenth.replace(/^\/review/, ""), cityTenthPage: tenthPage },
      bigForm, iterations, maxSeconds,
    });
    const memory = processMemory(server.pid);
    return {
      dialect: dataset.dialect, size: dataset.size, counties: dataset.counties, reused: dataset.reused, generation: dataset.generation,
      http, throughput, inproc, queueTenthPage: tenthPage,
      memory: { peakRssMiB: memory.peakMiB, maxSampledRssMiB: Math.max(0, ...rssSamples), endRssMiB: memory.rssMiB },
    };
  } finally {
    clearInterval(sampler);
    client.close();
    await server.stop();
    await db.destroy();
  }
}

interface ServerHandle {
  origin: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

function startServer(url: string): Promise<ServerHandle> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...serverNodeOptions, SERVER_BUNDLE], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production", INSECURE_COOKIES: "1", PORT: "0", HOST: "127.0.0.1" },
    });
    let buffer = "";
    const timer = setTimeout(() => reject(new Error("server did not start within 60 s")), 60_000);
    child.on("exit", (code) => reject(new Error(`server exited (${code})`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const m = /LISTENING (\d+)/.exec(buffer);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners("data");
      child.stdout!.resume();
      resolvePromise({
        origin: `http://127.0.0.1:${m[1]}`, pid: child.pid!, child,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.removeAllListeners("exit");
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
      });
    });
  });
}

/** autocannon against one path, rotating over the logged-in users' cookies; exact percentiles from every response. */
async function cannon(server: ServerHandle, path: string, cookies: string[], what: string, databasePid: number | null) {
  const run = (seconds: number, record: boolean) =>
    new Promise<{ result: autocannon.Result; latencies: number[] }>((resolvePromise, reject) => {
      let i = 0;
      const latencies: number[] = [];
      const instance = autocannon({
        url: server.origin + path, connections, duration: seconds, timeout: 10,
        requests: [{ method: "GET", setupRequest: (req: any) => ({ ...req, headers: { ...req.headers, cookie: cookies[i++ % cookies.length] } }) }],
      }, (err, result) => (err ? reject(err) : resolvePromise({ result, latencies })));
      if (record) instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
    });
  await run(2, false); // warm-up (chart cache, JIT, connection pool)
  const cpuBefore = cpuBusySeconds(), serverCpuBefore = processCpuSeconds(server.pid), selfCpuBefore = process.cpuUsage();
  const dbCpuBefore = databasePid ? processCpuSeconds(databasePid) : 0;
  const load = loadavg()[0];
  const { result, latencies } = await run(duration, true);
  const machineCpu = cpuBusySeconds() - cpuBefore;
  const serverCpu = processCpuSeconds(server.pid) - serverCpuBefore;
  const dbCpu = databasePid ? processCpuSeconds(databasePid) - dbCpuBefore : 0;
  const self = process.cpuUsage(selfCpuBefore);
  const clientCpu = (self.user + self.system) / 1e6;
  const s = summarize(latencies);
  const out = {
    what, path, connections, seconds: duration, requests: result.requests.total, requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max,
    bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
    // Noise-robust: CPU the server (and the database) spent per request, whatever else ran on the machine.
    serverCpuMsPerRequest: result.requests.total ? round((serverCpu * 1000) / result.requests.total) : 0,
    databaseCpuMsPerRequest: result.requests.total ? round((dbCpu * 1000) / result.requests.total) : 0,
    cpu: {
      serverSeconds: round(serverCpu), databaseSeconds: round(dbCpu), clientSeconds: round(clientCpu),
      otherSeconds: round(Math.max(0, machineCpu - serverCpu - dbCpu - clientCpu)), loadAverageBefore: round(load),
    },
  };
  log(`  ${what}：${out.requestsPerSecond} 请求/秒，p50 ${out.p50} ms，p95 ${out.p95} ms，p99 ${out.p99} ms，错误 ${out.errors}，非2xx ${out.non2xx}；CPU 秒：服务器 ${out.cpu.serverSeconds}，数据库 ${out.cpu.databaseSeconds}，压测端 ${out.cpu.clientSeconds}，其他进程 ${out.cpu.otherSeconds}`);
  return out;
}

function runInproc(url: string, input: InprocInput): Promise<RunResult["inproc"]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/lib/bench/inproc.ts"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production", INSECURE_COOKIES: "1", BENCH_INPROC: JSON.stringify(input) },
    });
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`in-process timing exited ${code}`));
      resolvePromise(JSON.parse(out.trim().split("\n").at(-1)!));
    });
  });
}

function mariaPid(dir: string): number | null {
  try {
    return Number(readFileSync(join(dir, "mysqld.pid"), "utf8").trim()) || null;
  } catch {
    return null;
  }
}

function round(x: number) {
  return Math.round(x * 100) / 100;
}
