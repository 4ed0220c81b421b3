import { describe, expect, it } from "vitest";
import { explanationKey } from "~/domain/metrics";
import { scopeOf, type Viewer } from "~/domain/permissions";
import type { ReportDocument } from "~/domain/report";
import { checkReport } from "~/domain/rules";
import { verifyAuditChain } from "~/models/audit.server";
import { findVisibleReport, listRevisions } from "~/models/reports.server";
import { applyTransition, ensureStaffReport, saveDraft } from "~/models/reportWrites.server";
import { loadViewer } from "~/models/users.server";
import { referenceDocument, seedDemo } from "../../scripts/lib/seed";
import { useTestDatabase, TEST_DIALECT } from "./support/db";

const t = useTestDatabase();

async function viewerOf(username: string): Promise<Viewer> {
  const user = await t.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return (await loadViewer(t.db, user.id))!;
}
const actorOf = (v: Viewer) => ({ userId: v.userId, name: v.displayName, address: "127.0.0.1" });

/** The reference report with its two errors fixed (indicator 5's score, the total score). */
function fixedReference(): ReportDocument {
  const doc = referenceDocument();
  doc.targets.indicators[4].score = "10";
  doc.selfScore = "98";
  return doc;
}

describe(`report workflow (${TEST_DIALECT})`, () => {
  let reportId: string;
  let staff: Viewer;
  let reviewer: Viewer;

  it("creates the unit's draft once, even when asked twice at once", async () => {
    await seedDemo(t.db);
    staff = await viewerOf("jiaotiju");
    reviewer = await viewerOf("luxian_reviewer");
    const unitId = scopeOf(staff).staffUnitIds[0];
    const [a, b] = await Promise.all([
      ensureStaffReport(t.db, staff, unitId, 2023, actorOf(staff)),
      ensureStaffReport(t.db, staff, unitId, 2023, actorOf(staff)),
    ]);
    expect(a).toBe(b);
    reportId = a!;
    expect(await ensureStaffReport(t.db, reviewer, unitId, 2023, actorOf(reviewer))).toBeNull();
  });

  it("hides a draft from reviewers and from other units", async () => {
    expect(await findVisibleReport(t.db, scopeOf(reviewer), reportId)).toBeNull();
    expect(await findVisibleReport(t.db, scopeOf(await viewerOf("zonggonghui")), reportId)).toBeNull();
    expect(await findVisibleReport(t.db, scopeOf(await viewerOf("hejiang_reviewer")), reportId)).toBeNull();
  });

  it("saves over the current version only; a stale version is a conflict that writes nothing", async () => {
    const report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const saved = await saveDraft(t.db, report, { expectedVersion: report.version, document: referenceDocument(), explanations: {} }, actorOf(staff));
    expect(saved.ok).toBe(true);
    const stale = await saveDraft(t.db, report, { expectedVersion: report.version, document: fixedReference(), explanations: {} }, actorOf(staff));
    expect(stale).toMatchObject({ ok: false, conflict: { status: "draft", version: report.version + 1 } });
    const after = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    expect(after.draft.selfScore).toBe("93.4");
  });

  it("keeps the flags and metrics of the saved draft in the read model", async () => {
    const flags = await t.db.selectFrom("report_flags").select(["rule", "severity"]).where("report_id", "=", reportId).execute();
    // The document's own flags, plus cross-report ones (last year's score exists for this unit).
    expect(flags.map((f) => f.rule)).toEqual(expect.arrayContaining(checkReport(referenceDocument()).map((f) => f.rule)));
    const metrics = await t.db.selectFrom("report_metrics").selectAll().where("report_id", "=", reportId).executeTakeFirstOrThrow();
    expect(Number(metrics.errors)).toBe(2);
    expect(Number(metrics.expenditure_fen)).toBe(575_650_000);
    expect(metrics.deviation).toBeCloseTo(0.2633, 4);
  });

  it("refuses to submit while errors remain, then while warnings are unexplained", async () => {
    let report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const blocked = await applyTransition(t.db, report, { transition: "submit", expectedVersion: report.version, role: "staff" }, actorOf(staff));
    expect(blocked).toMatchObject({ ok: false });
    expect(!blocked.ok && blocked.message).toContain("强制性错误");
    await saveDraft(t.db, report, { expectedVersion: report.version, document: fixedReference(), explanations: {} }, actorOf(staff));
    report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const unexplained = await applyTransition(t.db, report, { transition: "submit", expectedVersion: report.version, role: "staff" }, actorOf(staff));
    expect(!unexplained.ok && unexplained.message).toContain("情况说明");
    const explanations = Object.fromEntries(checkReport(fixedReference()).filter((f) => f.severity === "warning").map((f) => [explanationKey(f), "年中追加项目预算，已报批。"]));
    await saveDraft(t.db, report, { expectedVersion: report.version, document: fixedReference(), explanations }, actorOf(staff));
    report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const submitted = await applyTransition(t.db, report, { transition: "submit", expectedVersion: report.version, role: "staff" }, actorOf(staff));
    expect(submitted).toMatchObject({ ok: true, status: "submitted", revision: 1 });
  });

  it("lets the reviewer see it now, and freezes what was submitted", async () => {
    const seen = await findVisibleReport(t.db, scopeOf(reviewer), reportId);
    expect(seen?.status).toBe("submitted");
    const stillEditable = await saveDraft(t.db, seen!, { expectedVersion: seen!.version, document: referenceDocument(), explanations: {} }, actorOf(staff));
    expect(stillEditable).toMatchObject({ ok: false, conflict: { status: "submitted" } });
    const [revision] = await listRevisions(t.db, reportId);
    expect(revision.document.selfScore).toBe("98");
  });

  it("lets exactly one of 50 concurrent approve/return requests through", async () => {
    const report = (await findVisibleReport(t.db, scopeOf(reviewer), reportId))!;
    const auditBefore = await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("entity_id", "=", reportId).executeTakeFirstOrThrow();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        applyTransition(t.db, report, { transition: i % 2 ? "approve" : "return", expectedVersion: report.version, reason: "请补充说明", role: "reviewer" }, actorOf(reviewer)),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const o of outcomes.filter((o) => !o.ok)) expect(o).toMatchObject({ ok: false, conflict: { version: report.version + 1 } });
    const auditAfter = await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("entity_id", "=", reportId).executeTakeFirstOrThrow();
    expect(Number(auditAfter.n) - Number(auditBefore.n)).toBe(1);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it("requires a reason to return, and keeps the revision history on resubmit", async () => {
    let report = (await findVisibleReport(t.db, scopeOf(reviewer), reportId))!;
    if (report.status === "approved") {
      const noReason = await applyTransition(t.db, report, { transition: "reopen", expectedVersion: report.version, role: "reviewer" }, actorOf(reviewer));
      expect(!noReason.ok && noReason.message).toContain("必须填写原因");
      await applyTransition(t.db, report, { transition: "reopen", expectedVersion: report.version, reason: "复核", role: "reviewer" }, actorOf(reviewer));
      report = (await findVisibleReport(t.db, scopeOf(reviewer), reportId))!;
      await applyTransition(t.db, report, { transition: "return", expectedVersion: report.version, reason: "请补充说明", role: "reviewer" }, actorOf(reviewer));
    }
    report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    expect(report.status).toBe("returned");
    const doc = fixedReference();
    doc.carryover = "0";
    doc.narrative = { 说明: "已补充" };
    await saveDraft(t.db, report, { expectedVersion: report.version, document: doc, explanations: report.explanations }, actorOf(staff));
    report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    expect(await applyTransition(t.db, report, { transition: "submit", expectedVersion: report.version, role: "staff" }, actorOf(staff))).toMatchObject({ ok: true, revision: 2 });
    const revisions = await listRevisions(t.db, reportId);
    expect(revisions.map((r) => r.number)).toEqual([1, 2]);
    expect(revisions[0].document.narrative).toBeUndefined();
  });
});
