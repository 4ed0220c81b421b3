/**
 * Project self-evaluations end to end on the database: a unit's staff import a file of three
 * forms (read in a convert worker) as three drafts, fix and submit one; the reviewer returns
 * it with a reason, then approves the resubmission; another unit's staff and another county's
 * reviewer get 404 for the form and the unit's list; the cross-checks catch the department
 * report's 9 常年项目 against 8 forms and follow a ninth; forms the bureau received enter as
 * submitted; the audit chain stays whole.
 */
import { readFileSync } from "node:fs";
import { strToU8 } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { fieldsOfDocument } from "~/components/projects/formData";
import { scopeOf, type Viewer } from "~/domain/permissions";
import type { ProjectEvaluation } from "~/domain/projectEvaluation";
import { verifyAuditChain } from "~/models/audit.server";
import {
  createProject, crossChecksFor, findVisibleProject, findVisibleUnit, importProjects, listCountyProjects, listUnitProjects, loadProjectView,
  readProjectBytes, receiveProjectForms, recomputeProjects, saveProject, transitionProject,
} from "~/models/projects.server";
import { findVisibleReport } from "~/models/reports.server";
import { lockCounty, saveDraft } from "~/models/reportWrites.server";
import { loadViewer } from "~/models/users.server";
import { closeConvertPool } from "~/server/convertPool.server";
import { loader as projectLoader, action as projectAction } from "~/routes/projects.$projectId";
import { loader as listLoader } from "~/routes/units.$unitId.projects._index";
import { seedDemo, type DemoSeed } from "../../scripts/lib/seed";
import { useTestDatabase, TEST_DIALECT } from "./support/db";
import { get, loginCookie, post, run, statusOf } from "./support/requests";

const t = useTestDatabase();
afterAll(() => closeConvertPool());

async function viewerOf(username: string): Promise<Viewer> {
  const user = await t.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return (await loadViewer(t.db, user.id))!;
}
const actorOf = (v: Viewer) => ({ userId: v.userId, name: v.displayName, address: "127.0.0.1" });

/** Fixture 01 (Sichuan form, one cell per line) as project `i` of 泸县总工会, budget `budget` 万元. */
function formText(i: number, name: string, budget: string): string[] {
  return readFileSync("test/fixtures/real/01-qingshen-fagaiju-2023.txt", "utf8").split("\n").slice(1).map((line) =>
    line
      .replace("51000021R000000019951-工资性支出", `5105212300000000000${i}-${name}`)
      .replace("青神县发展和改革局本级", "泸县总工会")
      .replace("青神县发展和改革局", "泸县总工会")
      .replace(/^(238\.93|251\.89) \|$/, `${budget} |`),
  );
}

/** What the unit fills in on an imported form: the self-evaluation itself (scores, completion values, conclusions). */
function completed(form: ProjectEvaluation, kind: "recurring" | "oneOff" = "recurring"): ProjectEvaluation {
  const total = form.funds.rows.find((r) => r.kind === "total")!;
  total.score = "10";
  return {
    ...form,
    project: { ...form.project, kind },
    goal: { ...form.goal, achieved: "工资按月足额发放，社保按时缴纳。" },
    indicators: form.indicators.map((ind) => ({ ...ind, actual: "100", score: ind.weightPct })),
    totalScore: "100",
    conclusion: "项目按计划完成，自评100分。",
    problems: "无。",
    improvements: "继续加强预算执行管理。",
  };
}

let seed: DemoSeed;
let staff: Viewer;
let reviewer: Viewer;
let unitId: string;
let ids: string[] = [];

describe(`project self-evaluations (${TEST_DIALECT})`, () => {
  it("imports a file of three forms as three drafts, and matches them by code when imported again", async () => {
    seed = await seedDemo(t.db);
    staff = await viewerOf("zonggonghui");
    reviewer = await viewerOf("luxian_reviewer");
    unitId = seed.unitIds["泸县总工会"];
    const text = [...formText(1, "工资性支出", "100"), ...formText(2, "办公经费", "20"), ...formText(3, "工会活动经费", "30")].join("\n");
    const read = await readProjectBytes("三份项目自评表.txt", strToU8(text));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.forms.map((f) => f.evaluation.project.name)).toEqual(["工资性支出", "办公经费", "工会活动经费"]);
    const unit = (await findVisibleUnit(t.db, staff, unitId))!;
    const imported = await importProjects(t.db, staff, unit, 2023, { forms: read.forms.map((f) => f.evaluation), fileName: "三份项目自评表.txt" }, actorOf(staff));
    expect(imported.ok && imported.outcomes.map((o) => o.outcome)).toEqual(["created", "created", "created"]);
    ids = imported.ok ? imported.outcomes.map((o) => o.projectId!) : [];

    const list = await listUnitProjects(t.db, scopeOf(staff), unitId, 2023);
    expect(list.map((p) => [p.name, p.status, p.adjustedBudget, p.executionPct])).toEqual([
      ["工资性支出", "draft", "100", "100.00"], ["办公经费", "draft", "20", "100.00"], ["工会活动经费", "draft", "30", "100.00"],
    ]);
    // Imported as read: not yet self-evaluated (no scores), so each carries errors.
    expect(list.every((p) => p.errors > 0)).toBe(true);
    const stored = await t.db.selectFrom("project_evaluations").select(["source", "source_file_name", "adjusted_budget_fen"]).where("id", "=", ids[0]).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ source: "import", source_file_name: "三份项目自评表.txt" });
    expect(Number(stored.adjusted_budget_fen)).toBe(100_000_000);

    const again = await importProjects(t.db, staff, unit, 2023, { forms: read.forms.map((f) => f.evaluation), fileName: "再导入.txt" }, actorOf(staff));
    expect(again.ok && again.outcomes.map((o) => [o.outcome, o.projectId])).toEqual(ids.map((id) => ["updated", id]));
    expect(await listUnitProjects(t.db, scopeOf(staff), unitId, 2023)).toHaveLength(3);
    // Reviewers never see drafts.
    expect(await listUnitProjects(t.db, scopeOf(reviewer), unitId, 2023)).toEqual([]);
  });

  it("submits a fixed form, is returned with a reason, fixed and approved", async () => {
    let project = (await findVisibleProject(t.db, scopeOf(staff), ids[0]))!;
    const blocked = await transitionProject(t.db, project, { transition: "submit", expectedVersion: project.version, role: "staff" }, actorOf(staff));
    expect(!blocked.ok && blocked.message).toMatch(/^项目自评表还有\d+个强制性错误/);

    const saved = await saveProject(t.db, project, { expectedVersion: project.version, document: completed(project.document), explanations: {} }, actorOf(staff));
    expect(saved).toMatchObject({ ok: true, flags: [] });
    project = (await findVisibleProject(t.db, scopeOf(staff), ids[0]))!;
    const submitted = await transitionProject(t.db, project, { transition: "submit", expectedVersion: project.version, role: "staff" }, actorOf(staff));
    expect(submitted).toMatchObject({ ok: true, status: "submitted", revision: 1 });

    // The reviewer sees the submitted form, not the drafts.
    expect((await listUnitProjects(t.db, scopeOf(reviewer), unitId, 2023)).map((p) => p.id)).toEqual([ids[0]]);
    expect((await listCountyProjects(t.db, scopeOf(reviewer), seed.luxianId, 2023)).map((p) => p.id)).toEqual([ids[0]]);
    let seen = (await findVisibleProject(t.db, scopeOf(reviewer), ids[0]))!;
    const noReason = await transitionProject(t.db, seen, { transition: "return", expectedVersion: seen.version, role: "reviewer", reason: " " }, actorOf(reviewer));
    expect(noReason).toEqual({ ok: false, message: "退回时必须填写原因" });
    const returned = await transitionProject(t.db, seen, { transition: "return", expectedVersion: seen.version, role: "reviewer", reason: "请补充项目实施过程概述" }, actorOf(reviewer));
    expect(returned).toMatchObject({ ok: true, status: "returned" });

    project = (await findVisibleProject(t.db, scopeOf(staff), ids[0]))!;
    const staffView = await loadProjectView(t.db, staff, project);
    expect(staffView.returnReason).toMatchObject({ reason: "请补充项目实施过程概述", authorName: reviewer.displayName });
    const fixed = { ...project.document, summary: "按月核发工资，按时缴纳社会保险。" };
    expect((await saveProject(t.db, project, { expectedVersion: project.version, document: fixed, explanations: {} }, actorOf(staff))).ok).toBe(true);
    project = (await findVisibleProject(t.db, scopeOf(staff), ids[0]))!;
    expect(await transitionProject(t.db, project, { transition: "submit", expectedVersion: project.version, role: "staff" }, actorOf(staff))).toMatchObject({ ok: true, revision: 2 });

    seen = (await findVisibleProject(t.db, scopeOf(reviewer), ids[0]))!;
    const reviewView = await loadProjectView(t.db, reviewer, seen);
    expect(reviewView.comparedRevisions).toEqual({ from: 1, to: 2 });
    expect(reviewView.changes.map((c) => c.path)).toEqual(["summary"]);
    expect(reviewView.transitions).toEqual(["return", "approve"]);
    expect(await transitionProject(t.db, seen, { transition: "approve", expectedVersion: seen.version, role: "reviewer" }, actorOf(reviewer))).toMatchObject({ ok: true, status: "approved" });
    const reviews = await t.db.selectFrom("project_reviews").select(["action", "reason"]).where("project_id", "=", ids[0]).orderBy("created_at").execute();
    expect(reviews).toEqual([{ action: "return", reason: "请补充项目实施过程概述" }, { action: "approve", reason: null }]);
  });

  it("answers another unit's staff and another county's reviewer 404 for the form and the unit's list", async () => {
    const other = await viewerOf("jiaotiju");
    const hejiang = await viewerOf("hejiang_reviewer");
    for (const viewer of [other, hejiang]) {
      expect(await findVisibleProject(t.db, scopeOf(viewer), ids[0])).toBeNull();
      expect(await findVisibleUnit(t.db, viewer, unitId)).toBeNull();
      expect(await listUnitProjects(t.db, scopeOf(viewer), unitId, 2023)).toEqual([]);
      expect(await crossChecksFor(t.db, viewer, unitId, 2023)).toBeNull();
    }
    // Through the routes, with real sessions: 404 (audited), and the same pages open for the unit's own staff.
    const otherCookie = await loginCookie("jiaotiju", seed.password);
    expect(statusOf(await run(projectLoader, get(`/projects/${ids[0]}`, otherCookie, { projectId: ids[0] })))).toBe(404);
    expect(statusOf(await run(listLoader, get(`/units/${unitId}/projects?year=2023`, otherCookie, { unitId })))).toBe(404);
    expect(statusOf(await run(projectAction, post(`/projects/${ids[1]}`, { intent: "delete", version: "1" }, otherCookie, { projectId: ids[1] })))).toBe(404);
    const reviewerCookie = await loginCookie("luxian_reviewer", seed.password);
    expect(statusOf(await run(projectLoader, get(`/projects/${ids[1]}`, reviewerCookie, { projectId: ids[1] })))).toBe(404); // a draft
    const ownCookie = await loginCookie("zonggonghui", seed.password);
    expect(statusOf(await run(projectLoader, get(`/projects/${ids[1]}`, ownCookie, { projectId: ids[1] })))).toBe(200);
    const denied = await t.db.selectFrom("audit_log").select("detail").where("action", "=", "permission.denied").execute();
    expect(denied.some((d) => d.detail?.includes(`project:${ids[0]}`))).toBe(true);
  });

  it("saves through the page with Chinese errors beside the fields, keeping what was typed", async () => {
    const cookie = await loginCookie("zonggonghui", seed.password);
    const project = (await findVisibleProject(t.db, scopeOf(staff), ids[1]))!;
    const fields = fieldsOfDocument(completed(project.document));
    const body: Record<string, string> = {
      intent: "save", version: String(project.version), "project.name": fields.project.name, "project.code": fields.project.code, "project.kind": "recurring",
      totalScore: "九十", conclusion: fields.conclusion,
    };
    fields.funds.rows.forEach((row, i) => Object.entries(row).forEach(([k, v]) => { body[`funds.rows[${i}].${k}`] = v; }));
    fields.indicators.forEach((row, i) => Object.entries(row).forEach(([k, v]) => { body[`indicators[${i}].${k}`] = v; }));
    body["funds.rows[0].executed"] = "20.1234567";
    const refused = await run(projectAction, post(`/projects/${ids[1]}`, body, cookie, { projectId: ids[1] })) as { data: { errors: Record<string, string>; fields: { totalScore: string } } };
    expect(statusOf(refused)).toBe(400);
    expect(refused.data.errors).toEqual({ "funds.rows[0].executed": "金额最多6位小数", totalScore: "请输入数字" });
    expect(refused.data.fields.totalScore).toBe("九十");
    body["funds.rows[0].executed"] = "20";
    body.totalScore = "100";
    const ok = await run(projectAction, post(`/projects/${ids[1]}`, body, cookie, { projectId: ids[1] }));
    expect(statusOf(ok)).toBe(200);
    const after = (await findVisibleProject(t.db, scopeOf(staff), ids[1]))!;
    expect(after.version).toBe(project.version + 1);
    expect(after.document.totalScore).toBe("100");
    expect(after.document.project.kind).toBe("recurring");
  });

  it("cross-checks the report's 9 常年项目 against 8 forms, and follows a ninth form", async () => {
    // The reference report (泸县总工会 2023, seeded as a draft) states 9 recurring projects; set it through the report's write path.
    const reportId = (await t.db.selectFrom("reports").select("id").where("unit_id", "=", unitId).where("year", "=", 2023).executeTakeFirstOrThrow()).id;
    let report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const doc = { ...report.draft, projects: { ...report.draft.projects, recurring: { ...report.draft.projects.recurring, count: 9 } } };
    expect((await saveDraft(t.db, report, { expectedVersion: report.version, document: doc, explanations: report.explanations }, actorOf(staff))).ok).toBe(true);

    // Forms 2 and 3 completed and submitted; five more added by hand, completed and submitted: 8 recurring forms.
    const unit = (await findVisibleUnit(t.db, staff, unitId))!;
    const template = (await findVisibleProject(t.db, scopeOf(staff), ids[1]))!.document;
    for (let i = 4; i <= 8; i++) {
      const created = await createProject(t.db, staff, unit, 2023, { name: `项目${i}`, code: `X-${i}`, kind: "recurring" }, actorOf(staff));
      expect(created.ok).toBe(true);
      if (created.ok) ids.push(created.id);
    }
    for (const id of ids.slice(1)) {
      let p = (await findVisibleProject(t.db, scopeOf(staff), id))!;
      const document = completed({ ...template, project: p.document.project });
      expect((await saveProject(t.db, p, { expectedVersion: p.version, document, explanations: {} }, actorOf(staff))).ok).toBe(true);
      // While forms are drafts, the check waits (an info for the bureau; staff see no warning).
      p = (await findVisibleProject(t.db, scopeOf(staff), id))!;
      expect(await transitionProject(t.db, p, { transition: "submit", expectedVersion: p.version, role: "staff" }, actorOf(staff))).toMatchObject({ ok: true });
    }
    let cross = (await crossChecksFor(t.db, staff, unitId, 2023))!;
    expect(cross.formCount).toBe(8);
    expect(cross.drafts).toBe(0);
    const count = cross.reportFlags.find((f) => f.rule === "PROJECT_COUNT" && f.path === "projects.recurring.count");
    expect(count?.message).toBe("报告称常年项目9个，但本单位常年项目自评表有8份");
    // Both sides: every recurring form carries it too.
    expect(Object.values(cross.forms).every((flags) => flags.some((f) => f.rule === "PROJECT_COUNT" && f.path === "project.kind"))).toBe(true);
    const view = await loadProjectView(t.db, staff, (await findVisibleProject(t.db, scopeOf(staff), ids[2]))!);
    expect(view.crossFlags.map((f) => f.message)).toContain("部门报告：报告称常年项目9个，但本单位常年项目自评表有8份");

    // A ninth form: first a draft (the check waits), then submitted (the count agrees).
    const ninth = await createProject(t.db, staff, unit, 2023, { name: "项目9", code: "X-9", kind: "recurring" }, actorOf(staff));
    expect(ninth.ok).toBe(true);
    if (!ninth.ok) return;
    cross = (await crossChecksFor(t.db, staff, unitId, 2023))!;
    expect(cross.drafts).toBe(1);
    expect(cross.reportFlags).toEqual([]);
    let p = (await findVisibleProject(t.db, scopeOf(staff), ninth.id))!;
    await saveProject(t.db, p, { expectedVersion: p.version, document: completed({ ...template, project: p.document.project }), explanations: {} }, actorOf(staff));
    p = (await findVisibleProject(t.db, scopeOf(staff), ninth.id))!;
    expect(await transitionProject(t.db, p, { transition: "submit", expectedVersion: p.version, role: "staff" }, actorOf(staff))).toMatchObject({ ok: true });
    cross = (await crossChecksFor(t.db, staff, unitId, 2023))!;
    expect(cross.reportFlags.filter((f) => f.path === "projects.recurring.count")).toEqual([]);
    // The other side moves too: the report now says 10.
    report = (await findVisibleReport(t.db, scopeOf(staff), reportId))!;
    const ten = { ...report.draft, projects: { ...report.draft.projects, recurring: { ...report.draft.projects.recurring, count: 10 } } };
    await saveDraft(t.db, report, { expectedVersion: report.version, document: ten, explanations: report.explanations }, actorOf(staff));
    cross = (await crossChecksFor(t.db, staff, unitId, 2023))!;
    expect(cross.reportFlags.find((f) => f.path === "projects.recurring.count")?.message).toBe("报告称常年项目10个，但本单位常年项目自评表有9份");
    // The reviewer cannot see the unit's draft report: no cross-check is shown to them from it.
    expect((await crossChecksFor(t.db, reviewer, unitId, 2023))!.report).toBeNull();
  });

  it("stores forms the bureau received as submitted forms, refusing a code the unit-year already has", async () => {
    const jiaotiju = seed.unitIds["泸县教育和体育局"];
    const read = await readProjectBytes("教体局项目.txt", strToU8([...formText(1, "营养改善计划", "50"), ...formText(1, "营养改善计划（重复）", "50")].join("\n")));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const outcomes = await t.db.transaction().execute(async (trx) => {
      await lockCounty(trx, seed.luxianId);
      return receiveProjectForms(trx, { countyId: seed.luxianId, unit: { id: jiaotiju, name: "泸县教育和体育局" }, year: 2023, forms: read.forms.map((f) => f.evaluation), fileName: "教体局项目.txt" }, actorOf(reviewer));
    });
    expect(outcomes.map((o) => o.projectId === null)).toEqual([false, true]);
    expect(outcomes[1]).toMatchObject({ message: "本单位该年度已有项目编码为“51052123000000000001”的自评表" });
    const seen = await listUnitProjects(t.db, scopeOf(reviewer), jiaotiju, 2023);
    expect(seen.map((p) => [p.name, p.status, p.currentRevision])).toEqual([["营养改善计划", "submitted", 1]]);
    const audit = await t.db.selectFrom("audit_log").select(["action", "to_state", "actor_name"]).where("entity_id", "=", seen[0].id).execute();
    expect(audit).toEqual([{ action: "project.intake", to_state: "submitted", actor_name: reviewer.displayName }]);
  });

  it("recomputes a county-year's flags and figures from the stored forms (a settings change), writing no audit event", async () => {
    const before = await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    await t.db.updateTable("project_evaluations").set({ errors: 99, flags: "[]", adjusted_budget_fen: null }).where("id", "=", ids[0]).execute();
    const n = await t.db.transaction().execute(async (trx) => {
      await lockCounty(trx, seed.luxianId);
      return recomputeProjects(trx, seed.luxianId, 2023);
    });
    expect(n).toBe(10);
    const row = await t.db.selectFrom("project_evaluations").select(["errors", "adjusted_budget_fen", "version", "status"]).where("id", "=", ids[0]).executeTakeFirstOrThrow();
    expect({ ...row, adjusted_budget_fen: Number(row.adjusted_budget_fen) }).toMatchObject({ errors: 0, adjusted_budget_fen: 100_000_000, status: "approved" });
    const after = await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("keeps the audit chain whole, with every step of a form in it", async () => {
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    const events = await t.db.selectFrom("audit_log").select(["action", "from_state", "to_state", "entity_type"]).where("entity_id", "=", ids[0]).orderBy("seq").execute();
    expect(events.map((e) => e.action)).toEqual([
      "project.create", "project.save", "project.save", "project.submit", "project.return", "project.save", "project.submit", "project.approve",
    ]);
    expect(events.every((e) => e.entity_type === "project")).toBe(true);
    expect(events.at(-1)).toMatchObject({ from_state: "submitted", to_state: "approved" });
  });
});
