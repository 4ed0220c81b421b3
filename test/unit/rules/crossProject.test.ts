/**
 * Cross-checks X1–X4: the department report's statements about its projects against the
 * unit's own project forms, on both sides of each comparison, and shown on both sides.
 */
import { describe, expect, it } from "vitest";
import { emptyProjectEvaluation, type ProjectEvaluation, type ProjectKind } from "~/domain/projectEvaluation";
import { emptyReport, type ReportDocument } from "~/domain/report";
import { crossCheckProjects, type UnitProjectForm } from "~/domain/rules/crossProject";

function form(kind: ProjectKind | null, adjusted: string, executed: string, status = "submitted"): UnitProjectForm {
  const evaluation: ProjectEvaluation = {
    ...emptyProjectEvaluation(),
    project: { code: null, name: "项目", kind },
    funds: { rows: [{ kind: "total", label: "总额", initialBudget: adjusted, adjustedBudget: adjusted, executed, statedRatePct: null, weight: "10", score: null, reason: null }] },
  };
  return { evaluation, status };
}

/** Nine recurring forms of 10 万元 (one left 20% unspent), one one-off of 50 spent in full. */
function forms(): UnitProjectForm[] {
  return [...Array.from({ length: 8 }, () => form("recurring", "10.00", "10.00")), form("recurring", "10.00", "8.00"), form("oneOff", "50.00", "50.00")];
}

function report(change: (doc: ReportDocument) => void = () => {}): ReportDocument {
  const doc = emptyReport("测试单位", 2023);
  doc.expenditure.total = "500";
  doc.projects.recurring = { count: 9, amount: "90", executionPct: "97.78", overBalanceCount: 1 };
  doc.projects.oneOff = { count: 1, amount: "50", executionPct: "100", overBalanceCount: 0 };
  change(doc);
  return doc;
}

const rules = (r: ReturnType<typeof crossCheckProjects>) => r.report.map((f) => `${f.rule} ${f.path}`);

describe("cross-checks X1–X4", () => {
  it("a report that states its forms' figures raises nothing", () => {
    expect(crossCheckProjects(report(), forms())).toEqual({ report: [], forms: forms().map(() => []) });
  });

  it.each([
    ["X1 claims 9 常年项目 when 8 forms exist", (d: ReportDocument) => d, (f: UnitProjectForm[]) => f.filter((_, i) => i !== 0), ["PROJECT_COUNT projects.recurring.count", "PROJECT_AMOUNT projects.recurring.amount", "PROJECT_EXECUTION projects.recurring.executionPct"]],
    ["X1 claims 2 一次性项目", (d: ReportDocument) => { d.projects.oneOff.count = 2; }, (f: UnitProjectForm[]) => f, ["PROJECT_COUNT projects.oneOff.count"]],
    ["X2 amount 90.01 against 90.00 (half a cent of tolerance each)", (d: ReportDocument) => { d.projects.recurring.amount = "90.01"; }, (f: UnitProjectForm[]) => f, []],
    ["X2 amount 95 against 90", (d: ReportDocument) => { d.projects.recurring.amount = "95"; }, (f: UnitProjectForm[]) => f, ["PROJECT_AMOUNT projects.recurring.amount"]],
    ["X3 says 0 left >10% unspent, one did (20%)", (d: ReportDocument) => { d.projects.recurring.overBalanceCount = 0; }, (f: UnitProjectForm[]) => f, ["PROJECT_OVER_BALANCE projects.recurring.overBalanceCount"]],
    ["X3 exactly 10% unspent is not more than 10%", (d: ReportDocument) => { d.projects.recurring.overBalanceCount = 0; d.projects.recurring.executionPct = "98.89"; }, (f: UnitProjectForm[]) => f.map((x, i) => (i === 8 ? form("recurring", "10.00", "9.00") : x)), []],
    ["X4 rate 97.7 stated for 97.78", (d: ReportDocument) => { d.projects.recurring.executionPct = "97.7"; }, (f: UnitProjectForm[]) => f, ["PROJECT_EXECUTION projects.recurring.executionPct"]],
    ["X4 rate 97.8 (half a unit of its last digit)", (d: ReportDocument) => { d.projects.recurring.executionPct = "97.8"; }, (f: UnitProjectForm[]) => f, []],
    ["X4 projects spent 138 of an expenditure of 137", (d: ReportDocument) => { d.expenditure.total = "137"; }, (f: UnitProjectForm[]) => f, ["PROJECT_EXECUTION expenditure.total"]],
    ["X4 projects spent 138 of an expenditure of 138", (d: ReportDocument) => { d.expenditure.total = "138"; }, (f: UnitProjectForm[]) => f, []],
  ])("%s", (_, changeReport, changeForms, expected) => {
    expect(rules(crossCheckProjects(report(changeReport), changeForms(forms())))).toEqual(expected);
  });

  it("shows each flag on the forms it concerns too", () => {
    const result = crossCheckProjects(report((d) => { d.projects.recurring.overBalanceCount = 0; }), forms());
    expect(result.forms.map((f) => f.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(result.forms[8][0].message).toMatch(/^部门报告：/);
  });

  it("waits (info) while a form is still a draft", () => {
    const result = crossCheckProjects(report((d) => { d.projects.recurring.count = 12; }), [...forms().slice(1), form("recurring", "10.00", "10.00", "draft")]);
    expect(result.report.map((f) => [f.rule, f.severity])).toEqual([["PROJECT_COUNT", "info"]]);
  });

  it("compares the total count when the forms do not say their kind", () => {
    const unknown = forms().map((f) => ({ ...f, evaluation: { ...f.evaluation, project: { ...f.evaluation.project, kind: null } } }));
    expect(rules(crossCheckProjects(report(), unknown))).toEqual([]);
    expect(rules(crossCheckProjects(report(), unknown.slice(1)))).toEqual(["PROJECT_COUNT projects.recurring.count"]);
  });

  it("says nothing when the report states nothing about projects", () => {
    expect(crossCheckProjects(emptyReport("x", 2023), forms()).report).toEqual([]);
  });
});
