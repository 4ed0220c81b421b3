/**
 * The read model (report_metrics, flags, class amounts) equals a recompute from the documents
 * after every kind of write, not only after a crash: submit → return → the unit saves → submit.
 * `checkMetrics` is the project's own verifier (`npm run metrics:verify`).
 */
import { afterAll, describe, expect, it } from "vitest";
import { explanationKey } from "~/domain/metrics";
import { scopeOf, type Viewer } from "~/domain/permissions";
import { checkReport } from "~/domain/rules";
import { checkMetrics } from "~/models/metricsCheck.server";
import { findVisibleReport } from "~/models/reports.server";
import { applyTransition, saveDraft } from "~/models/reportWrites.server";
import { loadViewer } from "~/models/users.server";
import { referenceDocument, seedDemo } from "../../../scripts/lib/seed";
import { FigureRecorder } from "../../../scripts/lib/reliability/figures";
import { TEST_DIALECT, useTestDatabase } from "../support/db";

const t = useTestDatabase();
const figures = new FigureRecorder("readmodel", TEST_DIALECT);

afterAll(() => {
  figures.write();
});

describe(`read model after every kind of write (${TEST_DIALECT})`, () => {
  it("stays equal to a recompute through submit, return, a save of the returned report, and resubmit", async () => {
    const seed = await seedDemo(t.db);
    const viewerOf = async (username: string) => (await loadViewer(t.db, (await t.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id))!;
    const staff: Viewer = await viewerOf("zonggonghui");
    const reviewer: Viewer = await viewerOf("luxian_reviewer");
    const actor = (v: Viewer) => ({ userId: v.userId, name: v.displayName });
    const id = (await t.db.selectFrom("reports").select("id").where("unit_id", "=", seed.unitIds["泸县总工会"]).where("year", "=", 2023).executeTakeFirstOrThrow()).id;
    const doc = referenceDocument();
    doc.targets.indicators[4].score = "10";
    doc.selfScore = "98";
    const explanations = Object.fromEntries(checkReport(doc).filter((f) => f.severity === "warning").map((f) => [explanationKey(f), "已核实"]));
    const steps: Array<[string, number]> = [];
    const check = async (step: string) => steps.push([step, (await checkMetrics(t.db)).mismatches.filter((m) => m.reportId === id).length]);
    let report = (await findVisibleReport(t.db, scopeOf(staff), id))!;
    await saveDraft(t.db, report, { expectedVersion: report.version, document: doc, explanations }, actor(staff));
    await check("save draft");
    report = (await findVisibleReport(t.db, scopeOf(staff), id))!;
    expect((await applyTransition(t.db, report, { transition: "submit", expectedVersion: report.version, role: "staff" }, actor(staff))).ok).toBe(true);
    await check("submit");
    report = (await findVisibleReport(t.db, scopeOf(reviewer), id))!;
    expect((await applyTransition(t.db, report, { transition: "return", expectedVersion: report.version, reason: "请补充", role: "reviewer" }, actor(reviewer))).ok).toBe(true);
    await check("return");
    report = (await findVisibleReport(t.db, scopeOf(staff), id))!;
    await saveDraft(t.db, report, { expectedVersion: report.version, document: { ...doc, carryover: "0" }, explanations }, actor(staff));
    await check("save of the returned report");
    report = (await findVisibleReport(t.db, scopeOf(staff), id))!;
    expect((await applyTransition(t.db, report, { transition: "submit", expectedVersion: report.version, role: "staff" }, actor(staff))).ok).toBe(true);
    await check("resubmit");
    const off = steps.filter(([, n]) => n > 0);
    figures.add("write steps checked against a recompute", steps.length);
    figures.add("steps leaving the read model off", off.length, { equals: 0 });
    for (const [step, n] of off) figures.note(`${step}: ${n} field(s) differ (submitted_at/late written as never submitted)`);
    expect(Object.fromEntries(steps)).toEqual(Object.fromEntries(steps.map(([s]) => [s, 0])));
  }, 60_000);
});
