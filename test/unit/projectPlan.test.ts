/**
 * The project form's planner (app/domain/projectPlan.ts): pure plans for create, save, the
 * workflow's transitions (decided by workflow.ts, worded for a project form), delete and the
 * import of several forms matched by project code.
 */
import { describe, expect, it } from "vitest";
import { explanationKey } from "~/domain/metrics";
import { emptyProjectEvaluation, type ProjectEvaluation } from "~/domain/projectEvaluation";
import {
  deriveProject, ownedDocument, planIncomingProject, planNewProject, planProjectDelete, planProjectImport, planProjectSave, planProjectTransition,
  totalsByKind, type ProjectSubject, type StoredProject,
} from "~/domain/projectPlan";
import { DEFAULT_RULE_SETTINGS } from "~/domain/rules";
import { checkProjectEvaluation } from "~/domain/rules/project";

const settings = DEFAULT_RULE_SETTINGS;
let n = 0;
const env = () => ({ newId: () => `id${++n}`, now: 1_700_000_000_000 });
const staff = { userId: "u-staff", name: "张填报", address: "127.0.0.1" };
const reviewer = { userId: "u-rev", name: "李审核", address: null };
const subject: ProjectSubject = { id: "p1", countyId: "c1", unitId: "unit1", unitName: "泸县总工会", year: 2023 };

/** A complete form that passes every rule: funds 10/10, two indicators 60 + 30, total 100. */
function cleanForm(name = "工资性支出", code: string | null = "51000021R000000019951"): ProjectEvaluation {
  return {
    ...emptyProjectEvaluation(),
    project: { code, name, kind: "recurring" },
    unit: { name: "写错的单位名", code: null },
    year: 2022,
    funds: {
      rows: [
        { kind: "total", label: "总额", initialBudget: "100", adjustedBudget: "100", executed: "98.5", statedRatePct: "98.5", weight: "10", score: "9.85", reason: null },
        { kind: "fiscal", label: "其中：财政资金", initialBudget: "100", adjustedBudget: "100", executed: "98.5", statedRatePct: "98.5", weight: null, score: null, reason: null },
      ],
    },
    goal: { planned: "保障工资足额发放", achieved: "工资按月足额发放" },
    indicators: [
      { level1: "产出指标", level2: "数量指标", name: "发放覆盖率", nature: "=", target: "100", unit: "%", weightPct: "60", actual: "100", score: "60", reason: null },
      { level1: "效益指标", level2: "社会效益指标", name: "足额保障率", nature: "=", target: "100", unit: "%", weightPct: "30", actual: "100", score: "30", reason: null },
    ],
    totalScore: "99.85",
    conclusion: "项目按计划完成。",
    problems: "无",
    improvements: "继续加强预算管理。",
  };
}

function stored(overrides: Partial<StoredProject> = {}): StoredProject {
  return {
    ...subject, status: "draft", version: 3, document: ownedDocument(cleanForm(), subject), explanations: {}, currentRevision: 0,
    source: "form", sourceFileName: null, submittedAt: null, ...overrides,
  };
}

describe("planNewProject", () => {
  it("plans a draft owned by the record's unit and year, with its flags, figures and audit event", () => {
    expect(checkProjectEvaluation(cleanForm())).toEqual([]);
    const planned = planNewProject(subject, { document: cleanForm(), source: "import", sourceFileName: "项目.docx" }, { settings, siblings: [] }, staff, env());
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    const { plan } = planned;
    expect(plan.write.kind).toBe("insert");
    if (plan.write.kind !== "insert") return;
    expect(plan.write.row).toMatchObject({ status: "draft", version: 1, currentRevision: 0, source: "import", sourceFileName: "项目.docx", createdBy: "u-staff" });
    expect(plan.write.row.document.unit.name).toBe("泸县总工会");
    expect(plan.write.row.document.year).toBe(2023);
    expect(plan.derived).toMatchObject({
      projectCode: "51000021R000000019951", projectName: "工资性支出", kind: "recurring", errors: 0, warnings: 0,
      totalScore: 99.85, adjustedBudgetFen: 100_000_000n, executedFen: 98_500_000n,
    });
    expect(plan.audit).toEqual([expect.objectContaining({ action: "project.create", entityType: "project", entityId: "p1", countyId: "c1", toState: "draft" })]);
    expect(plan.audit[0].detail).toMatchObject({ unitId: "unit1", year: 2023, source: "import", file: "项目.docx" });
  });

  it("refuses a form without a name, and a code another form of the unit-year already has", () => {
    const unnamed = planNewProject(subject, { document: cleanForm("  "), source: "form" }, { settings, siblings: [] }, staff, env());
    expect(unnamed).toMatchObject({ ok: false, errors: { "project.name": "请填写项目名称" } });
    const taken = planNewProject(subject, { document: cleanForm("办公经费", "X-1"), source: "form" }, { settings, siblings: [{ id: "other", code: "X-1" }] }, staff, env());
    expect(taken).toMatchObject({ ok: false, errors: { "project.code": "本单位该年度已有项目编码为“X-1”的自评表" } });
    // Its own code is no conflict.
    expect(planNewProject(subject, { document: cleanForm("办公经费", "X-1"), source: "form" }, { settings, siblings: [{ id: "p1", code: "X-1" }] }, staff, env()).ok).toBe(true);
  });

  it("refuses a document outside the schema's limits with the path of the field", () => {
    const form = cleanForm();
    form.funds.rows[0].adjustedBudget = "1.1234567";
    const planned = planNewProject(subject, { document: form, source: "form" }, { settings, siblings: [] }, staff, env());
    expect(planned).toMatchObject({ ok: false, errors: { "funds.rows[0].adjustedBudget": "金额最多6位小数" } });
  });
});

describe("planProjectSave", () => {
  it("saves over the current version of an editable form, raising the version", () => {
    const form = cleanForm();
    form.totalScore = "90";
    const planned = planProjectSave(stored(), { expectedVersion: 3, document: form, explanations: {} }, { settings, siblings: [] }, staff, env());
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(planned.plan.write).toMatchObject({ kind: "update", expectedVersion: 3, expectedStatuses: ["draft", "returned"], set: { version: 4 } });
    expect(planned.plan.derived?.flags.map((f) => f.rule)).toEqual(["PROJECT_TOTAL"]);
    expect(planned.plan.audit[0]).toMatchObject({ action: "project.save", fromState: "draft", toState: "draft" });
  });

  it("answers a stale version or a submitted form with its current state, planning nothing", () => {
    expect(planProjectSave(stored(), { expectedVersion: 2, document: cleanForm(), explanations: {} }, { settings, siblings: [] }, staff, env()))
      .toEqual({ ok: false, conflict: { status: "draft", version: 3 } });
    expect(planProjectSave(stored({ status: "submitted" }), { expectedVersion: 3, document: cleanForm(), explanations: {} }, { settings, siblings: [] }, staff, env()))
      .toEqual({ ok: false, conflict: { status: "submitted", version: 3 } });
  });
});

describe("planProjectTransition", () => {
  const errorForm = () => ({ ...cleanForm(), totalScore: null });
  const warningForm = () => {
    const form = cleanForm();
    form.funds.rows[0].initialBudget = "80";
    form.funds.rows[1].initialBudget = "80";
    return form;
  };

  it("blocks a submit over errors and over unexplained warnings, in the words of a project form", () => {
    const blocked = planProjectTransition(stored({ document: errorForm() }), { transition: "submit", expectedVersion: 3, role: "staff" }, { settings }, staff, env());
    expect(blocked).toEqual({ ok: false, message: "项目自评表还有1个强制性错误，修正后才能提交" });
    const unexplained = planProjectTransition(stored({ document: warningForm() }), { transition: "submit", expectedVersion: 3, role: "staff" }, { settings }, staff, env());
    expect(unexplained).toEqual({ ok: false, message: "还有1个提示性问题未填写情况说明" });
    const [warning] = checkProjectEvaluation(warningForm());
    expect(warning.rule).toBe("PROJECT_ADJUSTED");
    const explained = planProjectTransition(stored({ document: warningForm(), explanations: { [explanationKey(warning)]: "年中追加预算20万元，已报批。" } }),
      { transition: "submit", expectedVersion: 3, role: "staff" }, { settings }, staff, env());
    expect(explained.ok).toBe(true);
  });

  it("freezes a submit as a revision with its flags and explanations", () => {
    const planned = planProjectTransition(stored({ currentRevision: 1, status: "returned", submittedAt: 1 }), { transition: "submit", expectedVersion: 3, role: "staff" }, { settings }, staff, env());
    expect(planned).toMatchObject({ ok: true, status: "submitted", version: 4, revision: 2 });
    if (!planned.ok) return;
    expect(planned.plan.write).toMatchObject({ kind: "update", expectedStatuses: ["returned"], set: { status: "submitted", currentRevision: 2, submittedAt: 1_700_000_000_000 } });
    expect(planned.plan.revisions).toEqual([expect.objectContaining({ number: 2, flags: [], submittedBy: "u-staff", submittedByName: "张填报" })]);
    expect(planned.plan.reviews).toEqual([]);
    expect(planned.plan.audit[0]).toMatchObject({ action: "project.submit", fromState: "returned", toState: "submitted" });
  });

  it("needs a reason to return and to reopen, and one to approve over errors; keeps the decision", () => {
    const submitted = stored({ status: "submitted", currentRevision: 1 });
    expect(planProjectTransition(submitted, { transition: "return", expectedVersion: 3, role: "reviewer", reason: "  " }, { settings }, reviewer, env()))
      .toEqual({ ok: false, message: "退回时必须填写原因" });
    const returned = planProjectTransition(submitted, { transition: "return", expectedVersion: 3, role: "reviewer", reason: "执行率与附表不符" }, { settings }, reviewer, env());
    expect(returned).toMatchObject({ ok: true, status: "returned", revision: 1 });
    if (returned.ok) {
      expect(returned.plan.reviews).toEqual([expect.objectContaining({ action: "return", reason: "执行率与附表不符", revision: 1, authorName: "李审核" })]);
      expect(returned.plan.revisions).toEqual([]);
      expect(returned.plan.audit[0].detail).toMatchObject({ reason: "执行率与附表不符" });
    }
    const withErrors = stored({ status: "submitted", currentRevision: 1, document: errorForm() });
    expect(planProjectTransition(withErrors, { transition: "approve", expectedVersion: 3, role: "reviewer" }, { settings }, reviewer, env()))
      .toEqual({ ok: false, message: "该项目自评表仍有1个强制性错误，通过前须填写审核意见说明理由" });
    expect(planProjectTransition(withErrors, { transition: "approve", expectedVersion: 3, role: "reviewer", reason: "总分已电话核实" }, { settings }, reviewer, env()).ok).toBe(true);
    const approved = stored({ status: "approved", currentRevision: 1 });
    expect(planProjectTransition(approved, { transition: "reopen", expectedVersion: 3, role: "reviewer" }, { settings }, reviewer, env()))
      .toEqual({ ok: false, message: "重新打开时必须填写原因" });
    expect(planProjectTransition(approved, { transition: "reopen", expectedVersion: 3, role: "reviewer", reason: "复核" }, { settings }, reviewer, env()))
      .toMatchObject({ ok: true, status: "submitted" });
  });

  it("refuses what the workflow does not allow, and a stale version", () => {
    expect(planProjectTransition(stored(), { transition: "approve", expectedVersion: 3, role: "reviewer" }, { settings }, reviewer, env()))
      .toEqual({ ok: false, message: "当前状态为“草稿”，不能执行“通过”操作" });
    expect(planProjectTransition(stored({ status: "submitted" }), { transition: "approve", expectedVersion: 3, role: "staff" }, { settings }, staff, env()).ok).toBe(false);
    expect(planProjectTransition(stored(), { transition: "submit", expectedVersion: 2, role: "staff" }, { settings }, staff, env()))
      .toMatchObject({ ok: false, conflict: { status: "draft", version: 3 } });
  });
});

describe("planProjectDelete", () => {
  it("removes a draft never submitted, and nothing else", () => {
    expect(planProjectDelete(stored(), { expectedVersion: 3 }, staff)).toMatchObject({ ok: true, plan: { write: { kind: "delete" }, audit: [{ action: "project.delete" }] } });
    expect(planProjectDelete(stored({ status: "returned", currentRevision: 1 }), { expectedVersion: 3 }, staff)).toEqual({ ok: false, message: "已提交过的项目自评表不能删除" });
    expect(planProjectDelete(stored({ currentRevision: 1 }), { expectedVersion: 3 }, staff).ok).toBe(false);
  });
});

describe("planProjectImport", () => {
  it("updates the editable form with the same code, creates the rest, skips a submitted one and a repeated code", () => {
    const existing = [
      stored({ id: "a", document: ownedDocument(cleanForm("工资性支出", "A"), subject) }),
      stored({ id: "b", status: "submitted", currentRevision: 1, document: ownedDocument(cleanForm("办公经费", "B"), subject) }),
      stored({ id: "c", document: ownedDocument(cleanForm("无编码项目", null), subject) }),
    ];
    let k = 0;
    const outcomes = planProjectImport(existing, [
      { ...cleanForm("工资性支出（更正）", "A"), totalScore: "99.85" },
      cleanForm("办公经费", "B"),
      cleanForm("信息化建设", "C"),
      cleanForm("信息化建设（重复）", "A"),
      cleanForm("无编码项目", null),
      { not: "a form" },
    ], { sourceFileName: "三份.docx", settings, newSubject: () => ({ ...subject, id: `new${++k}` }) }, staff, env());
    expect(outcomes.map((o) => [o.outcome, o.projectId])).toEqual([
      ["updated", "a"], ["skipped", "b"], ["created", "new1"], ["skipped", "a"], ["updated", "c"], ["skipped", null],
    ]);
    const [a, b, c, repeated] = outcomes;
    expect(b).toMatchObject({ message: "“办公经费”已提交，不能用导入的内容覆盖" });
    expect(repeated).toMatchObject({ message: "文件中项目编码“A”出现了不止一次，只导入了第一份" });
    if (a.outcome === "updated") {
      expect(a.plan.write).toMatchObject({ kind: "update", expectedVersion: 3, set: { source: "import", sourceFileName: "三份.docx" } });
      expect(a.plan.audit[0]).toMatchObject({ action: "project.save", detail: { source: "import", file: "三份.docx" } });
    }
    if (c.outcome === "created") expect(c.plan.write).toMatchObject({ kind: "insert", row: { source: "import", status: "draft" } });
  });

  it("does not create two forms with one code from one file", () => {
    let k = 0;
    const outcomes = planProjectImport([], [cleanForm("一", "Z"), cleanForm("二", "Z")], { sourceFileName: null, settings, newSubject: () => ({ ...subject, id: `n${++k}` }) }, staff, env());
    expect(outcomes.map((o) => o.outcome)).toEqual(["created", "skipped"]);
  });
});

describe("deriveProject", () => {
  it("counts unexplained warnings and leaves absent figures null", () => {
    const form = cleanForm();
    form.funds.rows = [];
    form.totalScore = null;
    const derived = deriveProject(form, {}, settings);
    expect(derived).toMatchObject({ adjustedBudgetFen: null, executedFen: null, totalScore: null });
    expect(derived.errors).toBeGreaterThan(0);
  });
});

describe("planIncomingProject", () => {
  it("enters a received form as submitted with revision 1 and its errors, audited as received", () => {
    const form = { ...cleanForm(), totalScore: null };
    const planned = planIncomingProject(subject, { document: form, sourceFileName: "收到的.docx" }, { settings, siblings: [] }, reviewer, env());
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(planned.plan.write).toMatchObject({ kind: "insert", row: { status: "submitted", currentRevision: 1, source: "intake", submittedAt: 1_700_000_000_000 } });
    expect(planned.plan.revisions).toEqual([expect.objectContaining({ number: 1, submittedByName: "李审核", flags: [expect.objectContaining({ rule: "NOT_SELF_EVALUATED" })] })]);
    expect(planned.plan.audit[0]).toMatchObject({ action: "project.intake", toState: "submitted", detail: { errors: 1, file: "收到的.docx" } });
    expect(planIncomingProject(subject, { document: cleanForm(), sourceFileName: null }, { settings, siblings: [{ id: "x", code: "51000021R000000019951" }] }, reviewer, env()).ok).toBe(false);
  });
});

describe("totalsByKind", () => {
  it("adds up the forms per kind as the report's 项目情况 states them", () => {
    const totals = totalsByKind([
      { kind: "recurring", adjustedBudget: "100", executed: "98.5" },
      { kind: "recurring", adjustedBudget: "20.5", executed: "10" },
      { kind: "oneOff", adjustedBudget: "0", executed: "0" },
      { kind: null, adjustedBudget: null, executed: "1" },
    ]);
    expect(totals.recurring).toEqual({ count: 2, adjustedBudget: "120.5", executed: "108.5", executionPct: "90.04", overBalanceCount: 1 });
    expect(totals.oneOff).toEqual({ count: 1, adjustedBudget: "0", executed: "0", executionPct: null, overBalanceCount: 0 });
    expect(totals.unknown).toEqual({ count: 1, adjustedBudget: null, executed: "1", executionPct: null, overBalanceCount: null });
  });
});
