/**
 * In-process "server time": a child process that imports the production build and calls the
 * route loaders and the save action directly (a Request with the session cookie, as Remix
 * would), and the model functions underneath them (dashboardPage, queuePage, saveDraft,
 * checkReport), timing many calls of each. No HTTP, no React rendering: what the handler
 * costs on the server. Input: BENCH_INPROC (JSON) in the environment; output: one JSON line.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createDb } from "#db/client";
import { fromFormDocument, type FormDocument } from "~/domain/formDocument";
import { scopeOf } from "~/domain/permissions";
import { checkReport } from "~/domain/rules";
import { dashboardPage } from "~/models/dashboard.server";
import { decodeCursor, queuePage } from "~/models/queue.server";
import { latestReportedYear } from "~/models/reportingYear.server";
import { findVisibleReport } from "~/models/reports.server";
import { loadRuleContext } from "~/models/reportContext.server";
import { saveDraft } from "~/models/reportWrites.server";
import { loadViewer } from "~/models/users.server";
import { timeCalls, type Summary } from "./stats";

export interface InprocInput {
  cookies: Record<"countyLeader" | "cityLeader" | "countyReviewer" | "cityReviewer" | "staff", string>;
  userIds: Record<"countyLeader" | "cityLeader" | "countyReviewer" | "cityReviewer" | "staff", string>;
  reviewReportId: string;
  saveReportId: string;
  modelSaveReportId: string;
  /** Search strings of the queue pages, e.g. "" and "?after=…". */
  queue: { countyFirst: string; cityFirst: string; cityTenth: string; cityTenthPage: number };
  bigForm: FormDocument;
  iterations: number;
  maxSeconds: number;
}

const input = JSON.parse(process.env.BENCH_INPROC ?? "{}") as InprocInput;
const build = (await import(pathToFileURL(resolve("build/index.js")).href)) as ServerBuild;
const db = createDb();
const context = { address: "127.0.0.1", cspNonce: "bench" };
const ORIGIN = "http://127.0.0.1";
const out: Record<string, Summary & { what: string }> = {};
const opts = { iterations: input.iterations, maxSeconds: input.maxSeconds };

function routeModule(id: string) {
  const route = build.routes[id];
  if (!route) throw new Error(`route ${id} not in the build`);
  return route.module as { loader?: (args: any) => Promise<unknown>; action?: (args: any) => Promise<unknown> };
}

async function callLoader(id: string, path: string, cookie: string, params: Record<string, string> = {}) {
  const result = await routeModule(id).loader!({ request: new Request(ORIGIN + path, { headers: { cookie } }), params, context });
  if (result instanceof Response) throw new Error(`${id} ${path}: HTTP ${result.status}`);
  return result;
}

async function measure(key: string, what: string, fn: () => Promise<unknown>, o: Parameters<typeof timeCalls>[1] = opts) {
  process.stderr.write(`  [进程内] ${what}…`);
  const s = await timeCalls(fn, o);
  process.stderr.write(` p50 ${s.p50} ms, p95 ${s.p95} ms (n=${s.n})\n`);
  out[key] = { ...s, what };
}

try {
  const viewer = async (who: keyof InprocInput["userIds"]) => (await loadViewer(db, input.userIds[who]))!;
  const [countyLeader, cityLeader, countyReviewer, cityReviewer, staff] = await Promise.all(
    (["countyLeader", "cityLeader", "countyReviewer", "cityReviewer", "staff"] as const).map(viewer),
  );

  await measure("authRoot", "root 加载器（会话校验 + 用户）", () => callLoader("root", "/review", input.cookies.countyReviewer));

  await measure("dashboardCountyLoader", "县级概览 加载器（含图表 SVG，缓存后）", () => callLoader("routes/dashboard._index", "/dashboard", input.cookies.countyLeader));
  await measure("dashboardCountyModel", "县级概览 dashboardPage()", () => dashboardPage(db, countyLeader, new URLSearchParams()));
  await measure("dashboardCityLoader", "市级概览 加载器（全部县区）", () => callLoader("routes/dashboard._index", "/dashboard", input.cookies.cityLeader), { ...opts, iterations: Math.min(opts.iterations, 100) });
  await measure("dashboardCityModel", "市级概览 dashboardPage()", () => dashboardPage(db, cityLeader, new URLSearchParams()), { ...opts, iterations: Math.min(opts.iterations, 100) });

  await measure("queueCountyFirstLoader", "审核队列 第1页（县）加载器", () => callLoader("routes/review._index", `/review${input.queue.countyFirst}`, input.cookies.countyReviewer));
  await measure("queueCityFirstLoader", "审核队列 第1页（市级审核，全部县区）加载器", () => callLoader("routes/review._index", `/review${input.queue.cityFirst}`, input.cookies.cityReviewer));
  await measure("queueCityTenthLoader", `审核队列 第${input.queue.cityTenthPage}页（市级审核）加载器`, () => callLoader("routes/review._index", `/review${input.queue.cityTenth}`, input.cookies.cityReviewer));
  {
    const countyIds = scopeOf(countyReviewer).reviewerCountyIds;
    const year = (await latestReportedYear(db, countyIds))!;
    await measure("queueCountyFirstModel", "审核队列 第1页（县）queuePage()", () => queuePage(db, countyIds, { year, status: "submitted" }, null));
    const cityIds = scopeOf(cityReviewer).reviewerCountyIds;
    const after = decodeCursor(new URLSearchParams(input.queue.cityTenth.replace(/^\?/, "")).get("after"));
    await measure("queueCityTenthModel", `审核队列 第${input.queue.cityTenthPage}页（市级）queuePage()`, () => queuePage(db, cityIds, { year, status: "submitted" }, after));
  }

  await measure("reviewPageLoader", "报告审核页 加载器", () => callLoader("routes/reports.$reportId._index", `/reports/${input.reviewReportId}`, input.cookies.countyReviewer, { reportId: input.reviewReportId }));

  // Save + check: the route action with a 50-line / 30-indicator report, as the form posts it.
  {
    const action = routeModule("routes/reports.$reportId._index").action!;
    let version = Number((await db.selectFrom("reports").select("version").where("id", "=", input.saveReportId).executeTakeFirstOrThrow()).version);
    const documentJson = JSON.stringify(input.bigForm);
    await measure("saveAction", "保存并检查（50行/30指标）action", async () => {
      const body = new URLSearchParams({ intent: "save", version: String(version), document: documentJson, explanations: "{}" });
      const request = new Request(`${ORIGIN}/reports/${input.saveReportId}?index`, {
        method: "POST", body, headers: { cookie: input.cookies.staff, "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
      });
      const raw = (await action({ request, params: { reportId: input.saveReportId }, context })) as any;
      const result = raw && typeof raw === "object" && "data" in raw && raw.type === "DataWithResponseInit" ? raw.data : raw;
      if (!result?.ok) throw new Error(`save failed: ${JSON.stringify(result).slice(0, 300)}`);
      version = result.version;
    }, { ...opts, iterations: Math.min(opts.iterations, 100) });
  }
  {
    const scope = scopeOf(staff);
    const report = (await findVisibleReport(db, scope, input.modelSaveReportId))!;
    const { document } = fromFormDocument(input.bigForm);
    let version = report.version;
    const doc = { ...document!, unit: { ...document!.unit, name: report.unitName }, year: report.year };
    await measure("saveModel", "保存并检查 saveDraft()", async () => {
      const saved = await saveDraft(db, { ...report, version }, { expectedVersion: version, document: doc, explanations: {} }, { userId: staff.userId, name: staff.displayName, address: "127.0.0.1" });
      if (!saved.ok) throw new Error("saveDraft failed");
      version = saved.version;
    }, { ...opts, iterations: Math.min(opts.iterations, 100) });
    const ctx = await loadRuleContext(db, report);
    await measure("ruleContext", "规则上下文 loadRuleContext()", () => loadRuleContext(db, report));
    await measure("checkReport", "checkReport()（50行/30指标，纯计算）", async () => checkReport(doc, ctx), { iterations: 2000, maxSeconds: 3, warmup: 200 });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await db.destroy();
}
process.exit(0);
