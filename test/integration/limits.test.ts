/**
 * The limits on a report's numbers on every path that writes a document — the form, import
 * "accept", the JSON import, the model's saveDraft and insertReport, bulk intake — on both
 * databases: each refuses (or, for an imported file, leaves out) a value beyond them, and the
 * stored data does not change. The largest allowed amount round-trips exactly through the
 * database, the read model and the dashboard. And a report can only be started for a year
 * the county has opened.
 */
import { readFileSync } from "node:fs";
import { strToU8 } from "fflate";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { toBigInt } from "#db/codecs";
import { isMysql } from "#db/dialect";
import { toFormDocument } from "~/domain/formDocument";
import { plottedWan } from "~/domain/figures";
import { MAX_AMOUNT, MAX_AMOUNT_FEN, wanToFen } from "~/domain/money";
import { setAt } from "~/domain/paths";
import { scopeOf, type Viewer } from "~/domain/permissions";
import { validateReport, type ReportDocument } from "~/domain/report";
import { dashboardPage } from "~/models/dashboard.server";
import { intakeFile } from "~/models/intake.server";
import { checkMetrics } from "~/models/metricsCheck.server";
import { findVisibleReport } from "~/models/reports.server";
import { ensureStaffReport, InvalidReportError, insertReport, saveDraft } from "~/models/reportWrites.server";
import { loadViewer } from "~/models/users.server";
import * as importRoute from "~/routes/reports.$reportId.import";
import * as reportRoute from "~/routes/reports.$reportId._index";
import * as unitRoute from "~/routes/unit._index";
import { DEMO_PASSWORD, referenceDocument, seedDemo, type DemoSeed } from "../../scripts/lib/seed";
import { useTestDatabase, TEST_DIALECT } from "./support/db";
import { loginCookie, post, run, statusOf } from "./support/requests";

const t = useTestDatabase();
const FIXTURE = readFileSync(new URL("../fixtures/luxian-trade-union-2023.txt", import.meta.url), "utf8");
const HUGE = "9".repeat(400);

let seed: DemoSeed;
let cookie: string;
let staff: Viewer;
let reportId: string;

async function viewerOf(username: string): Promise<Viewer> {
  const user = await t.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return (await loadViewer(t.db, user.id))!;
}
const actorOf = (v: Viewer) => ({ userId: v.userId, name: v.displayName, address: "127.0.0.1" });
const dataOf = (r: unknown): any => (r && typeof r === "object" && "init" in r ? (r as unknown as { data: unknown }).data : r);

/** Everything a write of the report would change, as text. */
async function snapshot(id: string): Promise<string> {
  const [report, metrics, flags, classes, audit, revisions] = await Promise.all([
    t.db.selectFrom("reports").select(["draft", "explanations", "version", "status", "updated_at", "source"]).where("id", "=", id).executeTakeFirstOrThrow(),
    t.db.selectFrom("report_metrics").selectAll().where("report_id", "=", id).execute(),
    t.db.selectFrom("report_flags").select(["rule", "path", "message"]).where("report_id", "=", id).orderBy("rule").orderBy("path").execute(),
    t.db.selectFrom("report_class_amounts").select(["class_code", sql<string>`CAST(final_fen AS CHAR)`.as("fen")]).where("report_id", "=", id).orderBy("class_code").execute(),
    t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow(),
    t.db.selectFrom("report_revisions").select((eb) => eb.fn.countAll().as("n")).where("report_id", "=", id).executeTakeFirstOrThrow(),
  ]);
  return JSON.stringify({ report, metrics, flags, classes, audit: String(audit.n), revisions: String(revisions.n) });
}

/** Values no report may hold, as the interchange format carries them (path, value, the Chinese message). */
const BAD: Array<[string, string, string]> = [
  ["income.initialBudget", "-455.67", "不能为负数"],
  ["income.total", "575.6500001", "金额最多6位小数"],
  ["expenditure.total", HUGE, "金额超出上限"],
  ["income.adjustedBudget", "Inf", "请输入数字"],
  ["selfScore", "1e5", "请输入数字"],
  ["expenditure.lines[0].final", "10000000", "金额超出上限"], // the bound + 1 分
  ["targets.indicators[0].weightPct", "1000.000001", "百分比超出合理范围"],
];

describe(`limits on every write path (${TEST_DIALECT})`, () => {
  beforeAll(async () => {
    seed = await seedDemo(t.db);
    cookie = await loginCookie("zonggonghui", DEMO_PASSWORD);
    staff = await viewerOf("zonggonghui");
    const row = await t.db.selectFrom("reports").select("id").where("unit_id", "=", seed.unitIds["泸县总工会"]).where("year", "=", 2023).executeTakeFirstOrThrow();
    reportId = row.id;
  });

  it.each(BAD)("the form refuses %s = %s beside the field", async (path, value, message) => {
    const before = await snapshot(reportId);
    const report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const form = setAt(toFormDocument(report.draft), path, value);
    const result = await run(reportRoute.action, post(`/reports/${reportId}?index`, { intent: "save", version: String(report.version), document: JSON.stringify(form), explanations: "{}" }, cookie, { reportId }));
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).errors[path]).toContain(message);
    expect(await snapshot(reportId)).toBe(before);
  });

  it("the form takes full-width digits and refuses them past the bound", async () => {
    const report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const before = await snapshot(reportId);
    const form = setAt(toFormDocument(report.draft), "income.total", "１０，０００，０００");
    const result = await run(reportRoute.action, post(`/reports/${reportId}?index`, { intent: "save", version: String(report.version), document: JSON.stringify(form), explanations: "{}" }, cookie, { reportId }));
    expect(dataOf(result).errors["income.total"]).toContain("金额超出上限");
    expect(await snapshot(reportId)).toBe(before);
  });

  it.each(BAD)("import \"accept\" refuses %s = %s", async (path, value, message) => {
    const before = await snapshot(reportId);
    const report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const imported = setAt(referenceDocument(), path, value);
    const result = await run(importRoute.action, post(`/reports/${reportId}/import`, {
      intent: "accept", version: String(report.version), document: JSON.stringify(imported), sections: "income,expenditure,selfScore,targets",
    }, cookie, { reportId }));
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).errors._form).toContain(message);
    expect(await snapshot(reportId)).toBe(before);
  });

  it("import \"accept\" refuses `Inf` in a count (JSON's 1e400) too", async () => {
    const before = await snapshot(reportId);
    const report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const json = JSON.stringify(referenceDocument()).replace('"retired":6', '"retired":1e400');
    const result = await run(importRoute.action, post(`/reports/${reportId}/import`, { intent: "accept", version: String(report.version), document: json, sections: "staffing" }, cookie, { reportId }));
    expect(statusOf(result)).toBe(400);
    expect(await snapshot(reportId)).toBe(before);
  });

  it.each(BAD)("the JSON import refuses %s = %s in its preview", async (path, value, message) => {
    const before = await snapshot(reportId);
    const json = JSON.stringify(setAt(referenceDocument(), path, value));
    const result = await run(importRoute.action, post(`/reports/${reportId}/import`, { intent: "preview", text: json }, cookie, { reportId }));
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).errors.text).toContain(message);
    expect(await snapshot(reportId)).toBe(before);
  });

  it.each(BAD)("saveDraft refuses %s = %s even when a route forgot to validate", async (path, value, message) => {
    const before = await snapshot(reportId);
    const report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const saved = await saveDraft(t.db, report, { expectedVersion: report.version, document: setAt(report.draft, path, value), explanations: {} }, actorOf(staff));
    expect(saved.ok).toBe(false);
    expect(!saved.ok && "invalid" in saved && saved.invalid).toContain(message);
    expect(await snapshot(reportId)).toBe(before);
  });

  it.each(BAD)("insertReport (intake, demo, generator) refuses %s = %s and stores nothing", async (path, value) => {
    const unit = { id: seed.unitIds["合江县总工会"], name: "合江县总工会", kind: "group" };
    const count = async () => JSON.stringify(await Promise.all([
      t.db.selectFrom("reports").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow(),
      t.db.selectFrom("report_metrics").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow(),
      t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow(),
    ]));
    const before = await count();
    await expect(t.db.transaction().execute((trx) => insertReport(trx, {
      countyId: seed.hejiangId, unit, year: 2023, document: setAt({ ...referenceDocument(), unit: { name: unit.name } }, path, value), status: "submitted", source: "intake",
    }, { userId: null, name: "审核员" }))).rejects.toBeInstanceOf(InvalidReportError);
    expect(await count()).toBe(before);
  });

  it("bulk intake leaves a figure beyond the limits out of the received report", async () => {
    const text = FIXTURE.replaceAll("泸县总工会", "合江县总工会").replaceAll("年初预算455.67万元", "年初预算１０００００００万元").replace("当年财政拨款收入575.65万元", "当年财政拨款收入575.6500001万元");
    const outcome = await intakeFile(t.db, { countyId: seed.hejiangId, year: 2023, fileName: "合江总工会.txt", bytes: strToU8(text) }, { userId: null, name: "审核员", address: "127.0.0.1" });
    expect(outcome).toMatchObject({ status: "imported", unitName: "合江县总工会" });
    const row = await t.db.selectFrom("reports").select("draft").where("id", "=", outcome.reportId!).executeTakeFirstOrThrow();
    const draft = JSON.parse(row.draft) as ReportDocument;
    expect(validateReport(draft).ok).toBe(true);
    expect(draft.income.initialBudget).toBeNull();
    expect(draft.income.fiscal).toBeNull();
    expect(draft.income.total).toBe("575.65");
    const metrics = await t.db.selectFrom("report_metrics").select(["initial_budget_fen", "expenditure_fen"]).where("report_id", "=", outcome.reportId!).executeTakeFirstOrThrow();
    expect(metrics.initial_budget_fen).toBeNull();
    expect(toBigInt(metrics.expenditure_fen)).toBe(575_650_000n);
  });

  it("the largest allowed amount round-trips exactly and shows exactly in the figures", async () => {
    const unit = { id: seed.unitIds["泸县教育和体育局"], name: "泸县教育和体育局", kind: "department" };
    const doc = referenceDocument();
    doc.unit = { name: unit.name };
    doc.income = { initialBudget: MAX_AMOUNT, adjustedBudget: MAX_AMOUNT, total: MAX_AMOUNT, fiscal: MAX_AMOUNT };
    doc.expenditure = { total: MAX_AMOUNT, lines: [{ code: "2050101", name: "行政运行", budget: MAX_AMOUNT, final: MAX_AMOUNT }] };
    doc.carryover = "0";
    doc.budgetManagement = { statedDeviationPct: "0", adjustments: [] };
    doc.projects = { recurring: { count: 1, amount: MAX_AMOUNT, executionPct: "100", overBalanceCount: 0 }, oneOff: { count: 0, amount: "0", executionPct: null, overBalanceCount: 0 } };
    doc.targets = { ...doc.targets, totalFunds: MAX_AMOUNT, fiscal: MAX_AMOUNT, other: "0" };
    const id = (await t.db.transaction().execute((trx) => insertReport(trx, { countyId: seed.luxianId, unit, year: 2023, document: doc, status: "submitted", source: "intake" }, { userId: null, name: "审核员" })))!;
    const row = await t.db.selectFrom("reports").select("draft").where("id", "=", id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.draft).income.total).toBe(MAX_AMOUNT);
    const metrics = await t.db.selectFrom("report_metrics").select(["initial_budget_fen", "adjusted_budget_fen", "expenditure_fen", "execution_rate", "deviation"]).where("report_id", "=", id).executeTakeFirstOrThrow();
    for (const v of [metrics.initial_budget_fen, metrics.adjusted_budget_fen, metrics.expenditure_fen]) expect(toBigInt(v)).toBe(MAX_AMOUNT_FEN);
    expect(metrics.execution_rate).toBe(1);
    expect(metrics.deviation).toBe(0);
    const classes = await t.db.selectFrom("report_class_amounts").select(["class_code", "final_fen"]).where("report_id", "=", id).execute();
    expect(classes.map((c) => [c.class_code, toBigInt(c.final_fen)])).toEqual([["205", MAX_AMOUNT_FEN]]);
    if (!isMysql(t.db)) {
      // Stored as an INTEGER, never as a REAL (which is what an amount past BIGINT became).
      const types = await sql<{ t: string }>`SELECT typeof(expenditure_fen) AS t FROM report_metrics WHERE report_id = ${id}`.execute(t.db);
      expect(types.rows[0].t).toBe("integer");
    }
    // The county's headline and class figures: exactly the sum of the counted documents, in 分.
    const counted = await t.db.selectFrom("reports").select("draft").where("county_id", "=", seed.luxianId).where("year", "=", 2023).where("status", "in", ["submitted", "approved"]).execute();
    const docs = counted.map((r) => JSON.parse(r.draft) as ReportDocument);
    const total = docs.reduce((s, d) => s + (d.expenditure.total ? wanToFen(d.expenditure.total) : 0n), 0n);
    const education = docs.flatMap((d) => d.expenditure.lines).filter((l) => l.code.startsWith("205") && l.final).reduce((s, l) => s + wanToFen(l.final!), 0n);
    const page = await dashboardPage(t.db, await viewerOf("luxian_leader"), new URLSearchParams({ year: "2023" }));
    expect(total > MAX_AMOUNT_FEN).toBe(true);
    expect(page.headline.expenditureWan).toBe(plottedWan(total));
    expect(page.data.classes.find((c) => c.classCode === "205")?.amountWan).toBe(plottedWan(education));
    // And a recompute of the read model from the documents agrees with what was stored.
    const { mismatches } = await checkMetrics(t.db);
    expect(mismatches.filter((m) => m.reportId === id)).toEqual([]);
  });
});

describe(`starting a report (${TEST_DIALECT})`, () => {
  let jiaotiju: string;
  beforeAll(async () => {
    jiaotiju = await loginCookie("jiaotiju", DEMO_PASSWORD);
  });
  const reportsOf = () => t.db.selectFrom("reports").select(["year"]).where("unit_id", "=", seed.unitIds["泸县教育和体育局"]).execute();

  it.each([2099, 2030, 2021])("refuses a year the county has not opened (%i)", async (year) => {
    const before = await reportsOf();
    const result = await run(unitRoute.action, post("/unit?index", { intent: "start", unitId: seed.unitIds["泸县教育和体育局"], year: String(year) }, jiaotiju));
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).error).toBe(`泸县尚未开放${year}年度的填报，不能开始填报该年度报告`);
    expect(await reportsOf()).toEqual(before);
    // The model refuses it too, for any caller that did not ask first.
    const viewer = await viewerOf("jiaotiju");
    expect(await ensureStaffReport(t.db, viewer, seed.unitIds["泸县教育和体育局"], year, actorOf(viewer))).toBeNull();
    expect(await reportsOf()).toEqual(before);
  });

  it("starts a year with a campaign", async () => {
    const result = await run(unitRoute.action, post("/unit?index", { intent: "start", unitId: seed.unitIds["泸县教育和体育局"], year: "2024" }, jiaotiju));
    expect(statusOf(result)).toBe(302);
    expect((await reportsOf()).map((r) => Number(r.year))).toContain(2024);
  });

  it("still hides another unit behind a 404", async () => {
    const result = await run(unitRoute.action, post("/unit?index", { intent: "start", unitId: seed.unitIds["泸县总工会"], year: "2024" }, jiaotiju));
    expect(statusOf(result)).toBe(404);
  });
});
