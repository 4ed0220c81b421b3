/**
 * One table per rule: documents that raise it (with the paths expected) and near misses that
 * must not. Each case mutates the consistent factory report.
 */
import { describe, expect, it } from "vitest";
import type { ReportDocument } from "~/domain/report";
import { checkReport, RULE_IDS, RULES, type RuleContext, type RuleId } from "~/domain/rules";
import { consistentReport } from "./factory";

type Case = [name: string, mutate: (d: ReportDocument) => void, paths: string[] | null, ctx?: Partial<RuleContext>];

const ind = (d: ReportDocument, i: number) => d.targets.indicators[i];
const line = (d: ReportDocument, i: number) => d.expenditure.lines[i];
const referenceLines = (d: ReportDocument) => {
  const finals = ["186.84", "283.79", "46.19", "6.12", "0.78", "4.28", "9.30", "3.72", "34.64"]; // Σ 575.66
  d.expenditure.lines = finals.map((final, i) => ({ ...d.expenditure.lines[i], budget: final, final }));
  d.expenditure.lines.forEach((l) => delete l.statedRatePct);
};
const allFull = (d: ReportDocument) => {
  for (const i of d.targets.indicators) i.score = i.weightPct;
  d.targets.indicators[2].actual = "100";
  d.targets.indicators[3].actual = "优";
  d.selfScore = "100";
};

const CASES: Record<RuleId, Case[]> = {
  EXP_LINES_SUM: [
    ["reference lines 575.66 vs 575.65: rounding", (d) => { referenceLines(d); d.expenditure.total = "575.65"; }, null],
    ["reference lines 575.66 vs 575.56: beyond 10 × 0.005", (d) => { referenceLines(d); d.expenditure.total = "575.56"; }, ["expenditure.total"]],
    ["575.75 vs 575.65", (d) => { referenceLines(d); line(d, 0).final = "186.93"; d.expenditure.total = "575.65"; }, ["expenditure.total"]],
    ["off by exactly the tolerance 0.05", (d) => { line(d, 0).final = "196.05"; }, null],
    ["off by 0.06", (d) => { line(d, 0).final = "196.06"; }, ["expenditure.total"]],
    ["coarse total 510 covers 0.4", (d) => { d.expenditure.total = "510"; line(d, 0).final = "196.40"; }, null],
    ["a line without final: skipped", (d) => { line(d, 0).final = null; }, null],
  ],
  EXP_LINE_RATE: [
    ["98 stated, 196/200 = 98%", () => {}, null],
    ["97.4 stated", (d) => { line(d, 0).statedRatePct = "97.4"; }, ["expenditure.lines[0].statedRatePct"]],
    ["66.67 for 200/300", (d) => { Object.assign(line(d, 1), { budget: "300.00", final: "200.00", statedRatePct: "66.67" }); }, null],
    ["66.7 for 200/300 (coarser, ±0.05)", (d) => { Object.assign(line(d, 1), { budget: "300.00", final: "200.00", statedRatePct: "66.7" }); }, null],
    ["66.66 for 200/300", (d) => { Object.assign(line(d, 1), { budget: "300.00", final: "200.00", statedRatePct: "66.66" }); }, ["expenditure.lines[1].statedRatePct"]],
    ["budget 0: undefined, skipped", (d) => { Object.assign(line(d, 1), { budget: "0", statedRatePct: "100" }); }, null],
  ],
  INCOME_EXP_CARRYOVER: [
    ["carryover 10.01 (tolerance 0.015)", (d) => { d.carryover = "10.01"; }, null],
    ["carryover 10.02", (d) => { d.carryover = "10.02"; }, ["carryover"]],
    ["carryover 0", (d) => { d.carryover = "0"; }, ["carryover"]],
    ["carryover absent: skipped", (d) => { d.carryover = null; }, null],
  ],
  STAFF_SUM: [
    ["6 + 10 = 16", (d) => { d.staffing.authorized = { admin: 6, institution: 10, total: 16 }; }, null],
    ["authorized 5 + 10 ≠ 16", (d) => { d.staffing.authorized.total = 16; d.staffing.actual.total = 14; }, ["staffing.authorized.total"]],
    ["actual 5 + 9 ≠ 15", (d) => { d.staffing.actual.total = 15; }, ["staffing.actual.total"]],
    ["institution absent: skipped", (d) => { d.staffing.actual.institution = null; d.staffing.actual.total = 99; }, null],
  ],
  FUNDS_SPLIT: [
    ["other 20.01 (tolerance 0.015)", (d) => { d.targets.other = "20.01"; }, null],
    ["other 20.02", (d) => { d.targets.other = "20.02"; }, ["targets.totalFunds"]],
    ["other absent: skipped", (d) => { d.targets.other = null; }, null],
  ],
  TABLE_VS_REPORT: [
    ["520.01 vs 520.00 (tolerance 0.01)", (d) => { d.targets.totalFunds = "520.01"; d.targets.fiscal = "500.01"; }, null],
    ["521.00 vs 520.00", (d) => { d.targets.totalFunds = "521.00"; d.targets.fiscal = "501.00"; }, ["targets.totalFunds"]],
  ],
  WEIGHTS_SUM: [
    ["29.5 + 20.5 + …: exactly 100", (d) => { ind(d, 0).weightPct = "29.5"; ind(d, 1).weightPct = "20.5"; ind(d, 1).score = "20.5"; d.selfScore = "96.5"; ind(d, 0).score = "29.5"; }, null],
    ["101", (d) => { ind(d, 4).weightPct = "11"; }, ["targets.indicators"]],
    ["100.01: weights are exact", (d) => { ind(d, 4).weightPct = "10.01"; }, ["targets.indicators"]],
  ],
  SCORE_RANGE: [
    ["score = weight", (d) => { ind(d, 3).score = "20"; d.selfScore = "99"; }, null],
    ["score 0", (d) => { ind(d, 4).score = "0"; d.selfScore = "86"; }, null],
    ["30.5 > 30", (d) => { ind(d, 0).score = "30.5"; }, ["targets.indicators[0].score"]],
    ["negative", (d) => { ind(d, 4).score = "-1"; }, ["targets.indicators[4].score"]],
    ["score absent: skipped", (d) => { ind(d, 4).score = null; }, null],
  ],
  TOTAL_SCORE: [
    ["Σ 96.04 vs 96.0 (±0.05)", (d) => { ind(d, 3).score = "17.04"; d.selfScore = "96.0"; }, null],
    ["Σ 96.06 vs 96.0", (d) => { ind(d, 3).score = "17.06"; d.selfScore = "96.0"; }, ["selfScore"]],
    ["Σ 96 vs 96.4", (d) => { d.selfScore = "96.4"; }, ["selfScore"]],
    ["Σ 96.5 vs 96 (±0.5)", (d) => { ind(d, 3).score = "17.5"; }, null],
  ],
  DEVIATION_STATED: [
    ["2.01 vs 2 (±0.01)", (d) => { d.budgetManagement.statedDeviationPct = "2.01"; }, null],
    ["2.02 vs 2", (d) => { d.budgetManagement.statedDeviationPct = "2.02"; }, ["budgetManagement.statedDeviationPct"]],
    ["-2 (sign)", (d) => { d.budgetManagement.statedDeviationPct = "-2"; }, ["budgetManagement.statedDeviationPct"]],
    ["initial budget 0: undefined, skipped", (d) => { d.income.initialBudget = "0"; }, null],
  ],
  DEVIATION_OVER: [
    ["9.9991% (initial 463.64)", (d) => { d.income.initialBudget = "463.64"; }, null],
    ["10.0015% (initial 463.63)", (d) => { d.income.initialBudget = "463.63"; }, ["budgetManagement.statedDeviationPct"]],
    ["exactly 10% is not over", (d) => { d.income.initialBudget = "500.00"; d.expenditure.total = "550.00"; }, null],
    ["−15%", (d) => { d.income.initialBudget = "600.00"; }, ["budgetManagement.statedDeviationPct"]],
    ["initial budget 0: skipped", (d) => { d.income.initialBudget = "0"; }, null],
  ],
  DEVIATION_UNEXPLAINED: [
    ["adjustments 10.01 (tolerance 0.015)", (d) => { d.budgetManagement.adjustments[0].amount = "10.01"; }, null],
    ["adjustments 10.03", (d) => { d.budgetManagement.adjustments[0].amount = "10.03"; }, ["budgetManagement.adjustments"]],
    ["two adjustments summing right", (d) => { d.budgetManagement.adjustments = [{ reason: "a", amount: "12.50" }, { reason: "b", amount: "-2.50" }]; }, null],
    ["none listed, deviation 2%", (d) => { d.budgetManagement.adjustments = []; }, null],
    ["none listed, deviation 27.5%", (d) => { d.budgetManagement.adjustments = []; d.income.initialBudget = "400.00"; }, ["budgetManagement.adjustments"]],
  ],
  EXECUTION_LOW: [
    ["90.0011% (adjusted 566.66)", (d) => { d.income.adjustedBudget = "566.66"; }, null],
    ["89.9994% (adjusted 566.67)", (d) => { d.income.adjustedBudget = "566.67"; }, ["expenditure.total"]],
    ["adjusted budget 0: skipped", (d) => { d.income.adjustedBudget = "0"; }, null],
  ],
  NATURE_INVALID: [
    ...[">=", "＞＝", "大于等于", "不低于", "<=", "＜＝", "小于等于", "不高于", "＝", "==", " ≥ ", "定性"].map(
      (nature): Case => [`“${nature}” is accepted`, (d) => { ind(d, 0).nature = nature; }, null]),
    ["满意率", (d) => { ind(d, 4).nature = "满意率"; }, ["targets.indicators[4].nature"]],
    ["empty", (d) => { ind(d, 1).nature = ""; }, ["targets.indicators[1].nature"]],
  ],
  SCORE_ABOVE_FORMULA: [
    ["≤: 105 vs 100 → 19; 19.5 is within 0.5", (d) => { ind(d, 2).score = "19.5"; }, null],
    ["≤: 19.6", (d) => { ind(d, 2).score = "19.6"; }, ["targets.indicators[2].score"]],
    ["≤: a ≥ 2t → 0; 0.5", (d) => { ind(d, 2).actual = "200"; ind(d, 2).score = "0.5"; }, null],
    ["≤: a ≥ 2t → 0; 0.6", (d) => { ind(d, 2).actual = "200"; ind(d, 2).score = "0.6"; }, ["targets.indicators[2].score"]],
    ["≥: 90/100·30 = 27; 27.5", (d) => { ind(d, 0).actual = "90"; ind(d, 0).score = "27.5"; }, null],
    ["≥: 27.51", (d) => { ind(d, 0).actual = "90"; ind(d, 0).score = "27.51"; }, ["targets.indicators[0].score"]],
    ["=: like ≥", (d) => { ind(d, 1).nature = "="; ind(d, 1).actual = "76"; }, ["targets.indicators[1].score"]],
    ["定性 is not quantitative", (d) => { ind(d, 3).actual = "差"; }, null],
    ["textual actual: skipped", (d) => { ind(d, 0).actual = "基本完成"; }, null],
  ],
  OVER_ACHIEVED: [
    ["129.99%", (d) => { ind(d, 0).actual = "129.99"; }, null],
    ["130%", (d) => { ind(d, 0).actual = "130"; }, ["targets.indicators[0].actual"]],
    ["≤ indicators are not over-achieved", (d) => { ind(d, 2).actual = "300"; ind(d, 2).score = "0"; }, null],
    ["target 0: undefined, skipped", (d) => { ind(d, 0).target = "0"; }, null],
  ],
  GRADE_BAND: [
    ["良 at 80%", (d) => { ind(d, 3).score = "16"; }, null],
    ["良 at 90% is 优's band", (d) => { ind(d, 3).score = "18"; }, ["targets.indicators[3].score"]],
    ["优 at 85%", (d) => { ind(d, 3).actual = "优"; }, ["targets.indicators[3].score"]],
    ["优秀 at 90%", (d) => { ind(d, 3).actual = "优秀"; ind(d, 3).score = "18"; }, null],
    ["差 at 50%", (d) => { ind(d, 3).actual = "差"; ind(d, 3).score = "10"; }, null],
    ["中 at 60%", (d) => { ind(d, 3).actual = "中"; ind(d, 3).score = "12"; }, null],
    ["中 at 55%", (d) => { ind(d, 3).actual = "中"; ind(d, 3).score = "11"; }, ["targets.indicators[3].score"]],
    ["score above weight: SCORE_RANGE's business", (d) => { ind(d, 3).score = "22"; }, null],
  ],
  SELF_GRADE_MISMATCH: [
    ["优 with 96", () => {}, null],
    ["良 with 96", (d) => { d.selfGrade = "良"; }, ["selfGrade"]],
    ["等级为良 with 85", (d) => { d.selfGrade = "等级为良"; d.selfScore = "85"; }, null],
    ["优 with 89.9", (d) => { d.selfScore = "89.9"; }, ["selfGrade"]],
    ["no grade stated", (d) => { d.selfGrade = null; }, null],
  ],
  FUNCTION_CODE_INVALID: [
    ["2240101 (灾害防治及应急管理)", (d) => { line(d, 0).code = "2240101"; }, null],
    ["blanks around", (d) => { line(d, 0).code = " 2012901 "; }, null],
    ["5 digits", (d) => { line(d, 2).code = "20129"; }, ["expenditure.lines[2].code"]],
    ["unknown 类 999", (d) => { line(d, 2).code = "9990101"; }, ["expenditure.lines[2].code"]],
    ["类 218 does not exist", (d) => { line(d, 2).code = "2180101"; }, ["expenditure.lines[2].code"]],
  ],
  STAFF_OVER_QUOTA: [
    ["actual = authorized", (d) => { d.staffing.actual = { admin: 5, institution: 10, total: 15 }; }, null],
    ["one 事业 too many", (d) => { d.staffing.actual = { admin: 5, institution: 11, total: 16 }; }, ["staffing.actual.institution", "staffing.actual.total"]],
  ],
  PROJECTS_OVER_TOTAL: [
    ["520.01 vs 520.00 (tolerance 0.015)", (d) => { d.projects.oneOff.amount = "120.01"; }, null],
    ["520.02 vs 520.00", (d) => { d.projects.oneOff.amount = "120.02"; }, ["projects.recurring.amount"]],
    ["one-off absent, recurring alone over", (d) => { d.projects.oneOff.amount = null; d.projects.recurring.amount = "530.00"; }, ["projects.recurring.amount"]],
    ["adjusted budget absent: skipped", (d) => { d.income.adjustedBudget = null; d.projects.oneOff.amount = "900.00"; }, null],
  ],
  OVER_BALANCE_PROJECTS: [
    ["none", () => {}, null],
    ["absent", (d) => { d.projects.oneOff.overBalanceCount = null; }, null],
    ["two recurring", (d) => { d.projects.recurring.overBalanceCount = 2; }, ["projects.recurring.overBalanceCount"]],
  ],
  MISSING_REQUIRED: [
    ["all there", () => {}, null],
    ["unit name blank", (d) => { d.unit.name = "  "; }, ["unit.name"]],
    ["year", (d) => { d.year = null; }, ["year"]],
    ["budgets and totals", (d) => {
      d.income.initialBudget = null; d.income.adjustedBudget = null; d.income.total = null; d.expenditure.total = null;
    }, ["income.initialBudget", "income.adjustedBudget", "income.total", "expenditure.total"]],
    ["no lines", (d) => { d.expenditure.lines = []; }, ["expenditure.lines"]],
    ["selfScore", (d) => { d.selfScore = null; }, ["selfScore"]],
    ["no indicator with weight and score", (d) => { for (const i of d.targets.indicators) i.score = null; }, ["targets.indicators"]],
    ["one indicator with weight and score is enough", (d) => { for (const i of d.targets.indicators.slice(1)) i.score = null; }, null],
  ],
  SCORE_JUMP: [
    ["no last year", () => {}, null],
    ["81 → 96: 15 is not more than 15", () => {}, null, { previousSelfScore: "81" }],
    ["80 → 96", () => {}, ["selfScore"], { previousSelfScore: "80" }],
    ["96 → 70", (d) => { d.selfScore = "70"; }, ["selfScore"], { previousSelfScore: "96" }],
  ],
  FULL_MARKS_DESPITE: [
    ["full marks, deviation 2%, execution 98%", allFull, null],
    ["not all full, deviation 27.5%", (d) => { d.income.initialBudget = "400.00"; }, null],
    ["full marks, deviation 27.5%", (d) => { allFull(d); d.income.initialBudget = "400.00"; }, ["targets.indicators"]],
    ["full marks, execution 85%", (d) => { allFull(d); d.income.adjustedBudget = "600.00"; }, ["targets.indicators"]],
  ],
  COUNTY_OUTLIER: [
    ["no county data", () => {}, null],
    ["typical unit", () => {}, null, { county: { executionRates: [98, 99, 100, 97, 98.5, 99.5, 98, 99], selfScores: [90, 95, 92, 98, 94, 93, 91, 96] } }],
    ["too few county values (one below MIN_COUNTY_PEERS)", (d) => { d.income.adjustedBudget = "850.00"; }, null, { county: { executionRates: [99, 100, 98, 97, 98.5, 99.5, 98], selfScores: [] } }],
    ["execution 60% among ~98%", (d) => { d.income.adjustedBudget = "850.00"; }, ["expenditure.total"], { county: { executionRates: [98, 99, 100, 97, 98.5, 99.5, 98, 99], selfScores: [] } }],
    ["score 96 among ~84", () => {}, ["selfScore"], { county: { executionRates: [], selfScores: [80, 85, 82, 88, 84, 83, 86, 81] } }],
    ["MAD 0 (most at 100%): mean-deviation fallback", () => {}, ["expenditure.total"], { county: { executionRates: [100, 100, 100, 100, 99, 100, 100, 100], selfScores: [] } }],
    ["all identical: no spread, skipped", () => {}, null, { county: { executionRates: [100, 100, 100, 100, 100, 100, 100, 100], selfScores: [] } }],
  ],
};

describe("the factory report", () => {
  it("is consistent: no flag at all", () => {
    expect(checkReport(consistentReport())).toEqual([]);
  });

  it("has cases for every rule, each with a raise and a near miss", () => {
    expect(Object.keys(CASES).sort()).toEqual([...RULE_IDS].sort());
    for (const cases of Object.values(CASES)) {
      expect(cases.some(([, , paths]) => paths !== null)).toBe(true);
      expect(cases.some(([, , paths]) => paths === null)).toBe(true);
    }
  });
});

describe.each(RULES.map((r) => [r.id, r] as const))("%s", (id, rule) => {
  it.each(CASES[id])("%s", (_name, mutate, paths, ctx) => {
    const flags = checkReport(consistentReport(mutate), ctx).filter((f) => f.rule === id);
    if (paths === null) {
      expect(flags).toEqual([]);
      return;
    }
    expect(flags.map((f) => f.path)).toEqual(paths);
    for (const f of flags) {
      expect(f.severity).toBe(rule.severity);
      expect(f.message).toMatch(/[\u4e00-\u9fff]/);
      expect(f.message).not.toMatch(/Infinity|NaN|undefined|null/);
      expect(Object.keys(f.values).length).toBeGreaterThan(0);
    }
  });
});
