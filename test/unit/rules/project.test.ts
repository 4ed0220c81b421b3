/**
 * Rules P1–P12 on both sides of every threshold: each case changes one thing in a clean form
 * (which raises nothing) and says whether the rule fires — a case that raises it and a near
 * miss that must not.
 */
import { describe, expect, it } from "vitest";
import { emptyProjectEvaluation, type FundsRow, type ProjectEvaluation, type ProjectIndicator } from "~/domain/projectEvaluation";
import { checkProjectEvaluation, PROJECT_RULES, type ProjectRuleId } from "~/domain/rules/project";

const funds = (kind: FundsRow["kind"], initial: string | null, adjusted: string | null, executed: string | null, extra: Partial<FundsRow> = {}): FundsRow => ({
  kind, label: kind, initialBudget: initial, adjustedBudget: adjusted, executed, statedRatePct: null, weight: null, score: null, reason: null, ...extra,
});
const indicator = (name: string, extra: Partial<ProjectIndicator> = {}): ProjectIndicator => ({
  level1: "产出指标", level2: "数量指标", name, nature: "≥", target: "10", unit: "个", weightPct: "20", actual: "10", score: "20", reason: null, ...extra,
});

/** A clean form: 100 = 10 (funds) + 20×4 + 10, every sum right. */
function clean(): ProjectEvaluation {
  return {
    ...emptyProjectEvaluation(),
    project: { code: "P1", name: "测试项目", kind: "recurring" },
    unit: { name: "测试单位", code: null },
    year: 2023,
    funds: {
      rows: [
        funds("total", "100", "100", "95", { statedRatePct: "95.00", weight: "10", score: "9.5" }),
        funds("fiscal", "80", "80", "76", { statedRatePct: "95.00" }),
        funds("other", "20", "20", "19", { statedRatePct: "95.00" }),
      ],
    },
    goal: { planned: "完成年度任务", achieved: "已完成" },
    indicators: [indicator("a"), indicator("b"), indicator("c"), indicator("d"), indicator("e", { level1: "满意度指标", level2: "服务对象满意度指标", nature: "≥", target: "90", unit: "%", actual: "95%", weightPct: "10", score: "10" })],
    totalScore: "99.5",
    conclusion: "项目实施效果良好。",
  };
}

type Case = [string, (f: ProjectEvaluation) => void, ProjectRuleId, boolean];
const total = (f: ProjectEvaluation) => f.funds.rows[0];

const CASES: Case[] = [
  ["P1 total above its rows by 0.02 (three half-cents of tolerance)", (f) => { total(f).executed = "95.02"; total(f).statedRatePct = "95.02"; f.funds.rows[1].executed = "76.00"; f.funds.rows[2].executed = "19.00"; }, "FUNDS_ROWS_SUM", true],
  ["P1 rows written to 1 decimal, total within their half units", (f) => { f.funds.rows[1].executed = "76.0"; f.funds.rows[2].executed = "19.0"; }, "FUNDS_ROWS_SUM", false],
  ["P1 total 0/0/0 above 90/89.974/89.974", (f) => { f.funds.rows = [funds("total", "0", "0", "0", { weight: "10", score: "0" }), funds("fiscal", "90", "89.974", "89.974")]; }, "FUNDS_ROWS_SUM", true],
  ["P2 rate stated 95.1 for 95/100", (f) => { total(f).statedRatePct = "95.1"; }, "PROJECT_RATE_STATED", true],
  ["P2 rate stated 95 (half a unit of its last digit)", (f) => { total(f).statedRatePct = "95"; }, "PROJECT_RATE_STATED", false],
  ["P2 a rate stated on a 0 total budget", (f) => { f.funds.rows = [funds("total", "0", "0", "0", { statedRatePct: "0", weight: "10", score: "0" })]; }, "PROJECT_RATE_STATED", true],
  ["P2 a 0 budget row left blank", (f) => { f.funds.rows.push(funds("unitFunds", "0", "0", "0")); }, "PROJECT_RATE_STATED", false],
  ["P2 an empty 0 component row stating 0.00%", (f) => { f.funds.rows.push(funds("unitFunds", "0.00", "0.00", "0.00", { statedRatePct: "0.00" })); }, "PROJECT_RATE_STATED", false],
  ["P3 funds score 10 at 95%", (f) => { total(f).score = "10"; f.totalScore = "100"; }, "PROJECT_RATE_SCORE", true],
  ["P3 funds score 9.5 at 95%", () => {}, "PROJECT_RATE_SCORE", false],
  ["P3 over 100% counts as 100%", (f) => { total(f).executed = "105"; total(f).statedRatePct = "105.00"; total(f).score = "10"; f.funds.rows.splice(1); f.totalScore = "100"; }, "PROJECT_RATE_SCORE", false],
  ["P4 rate 89.99% without a reason", (f) => { f.funds.rows = [funds("total", "10000", "10000", "8999", { statedRatePct: "89.99", weight: "10", score: "9" })]; f.totalScore = "99"; }, "PROJECT_RATE_LOW", true],
  ["P4 rate 90.00%", (f) => { f.funds.rows = [funds("total", "10000", "10000", "9000", { statedRatePct: "90.00", weight: "10", score: "9" })]; f.totalScore = "99"; }, "PROJECT_RATE_LOW", false],
  ["P4 rate 80% with a reason", (f) => { f.funds.rows = [funds("total", "100", "100", "80", { statedRatePct: "80", weight: "10", score: "8", reason: "工程款按进度支付" })]; f.totalScore = "98"; }, "PROJECT_RATE_LOW", false],
  ["P5 budget raised 100 → 100.01 without a reason", (f) => { total(f).adjustedBudget = "100.01"; }, "PROJECT_ADJUSTED", true],
  ["P5 budget raised with a reason", (f) => { total(f).adjustedBudget = "100.01"; total(f).reason = "年中追加"; }, "PROJECT_ADJUSTED", false],
  ["P6 weights 99.9 + 10", (f) => { f.indicators[0].weightPct = "19.9"; f.indicators[0].score = "19.9"; f.totalScore = "99.4"; }, "PROJECT_WEIGHTS", true],
  ["P6 weights 100 exactly", () => {}, "PROJECT_WEIGHTS", false],
  ["P7 a score 20.01 over its weight 20", (f) => { f.indicators[0].score = "20.01"; f.totalScore = "99.51"; }, "PROJECT_SCORE_RANGE", true],
  ["P7 a score equal to its weight", () => {}, "PROJECT_SCORE_RANGE", false],
  ["P7 a negative score", (f) => { f.indicators[0].score = "-1"; f.totalScore = "78.5"; }, "PROJECT_SCORE_RANGE", true],
  ["P8 total 99.6 for 99.5", (f) => { f.totalScore = "99.6"; }, "PROJECT_TOTAL", true],
  ["P8 total 100 (whole points: half a unit is 0.5)", (f) => { f.totalScore = "100"; }, "PROJECT_TOTAL", false],
  ["P9 ≥10 done 8, scored 20 of 20 (formula 16)", (f) => { f.indicators[0].actual = "8"; }, "PROJECT_FORMULA", true],
  ["P9 ≥10 done 8, scored 16.5 (within 0.5)", (f) => { f.indicators[0].actual = "8"; f.indicators[0].score = "16.5"; f.totalScore = "96"; }, "PROJECT_FORMULA", false],
  ["P10 a weighted row without a score", (f) => { f.indicators[0].score = null; f.totalScore = "79.5"; }, "NOT_SELF_EVALUATED", true],
  ["P10 a weighted row without a completion value", (f) => { f.indicators[0].actual = ""; }, "NOT_SELF_EVALUATED", true],
  ["P10 no total score", (f) => { f.totalScore = null; }, "NOT_SELF_EVALUATED", true],
  ["P10 an unweighted row without a score", (f) => { f.indicators.push(indicator("x", { weightPct: null, score: null, actual: "" })); }, "NOT_SELF_EVALUATED", false],
  ["P11 a ≥ indicator completed as 达成预期指标", (f) => { f.indicators[0].actual = "达成预期指标"; }, "ACTUAL_NOT_MEASURABLE", true],
  ["P11 a 定性 indicator completed as 达成预期指标", (f) => { Object.assign(f.indicators[0], { nature: "定性", target: "效果明显", unit: null, actual: "达成预期指标" }); }, "ACTUAL_NOT_MEASURABLE", false],
  ["P12 评价结论 still the instruction", (f) => { f.conclusion = "结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)"; }, "PLACEHOLDER_TEXT", true],
  ["P12 改进措施 keeps a (100字以内) tail", (f) => { f.improvements = "加强管理（100字以内）"; }, "PLACEHOLDER_TEXT", true],
  ["P12 ordinary prose that mentions 自评情况", (f) => { f.conclusion = "根据自评情况，项目完成良好。"; }, "PLACEHOLDER_TEXT", false],
];

describe("project rules P1–P12", () => {
  it("a clean form raises nothing", () => {
    expect(checkProjectEvaluation(clean())).toEqual([]);
  });

  it.each(CASES)("%s", (_, change, rule, fires) => {
    const form = clean();
    change(form);
    const raised = checkProjectEvaluation(form).filter((f) => f.rule === rule);
    expect(raised.length > 0).toBe(fires);
    for (const f of raised) {
      expect(f.severity).toBe(PROJECT_RULES.find((r) => r.id === rule)!.severity);
      expect(f.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("every rule has a case on each side", () => {
    for (const { id } of PROJECT_RULES) {
      expect(CASES.some(([, , rule, fires]) => rule === id && fires), id).toBe(true);
      expect(CASES.some(([, , rule, fires]) => rule === id && !fires), id).toBe(true);
    }
  });

  it("says when a first-level split differs from the form's standard (info)", () => {
    const form = clean();
    form.levelWeights = { 产出指标: "60", 效益指标: "20", 满意度指标: "10" };
    expect(checkProjectEvaluation(form).filter((f) => f.rule === "PROJECT_WEIGHTS").map((f) => f.severity)).toEqual(["info", "info"]);
  });
});
