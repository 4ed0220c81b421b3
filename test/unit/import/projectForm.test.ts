/**
 * The real project forms of test/fixtures/real/ (01 Sichuan 510000_0013zp, one cell per line;
 * 07 财预〔2020〕10号 as a one-line dump; 08 the same form in space-separated lines) parse into
 * project evaluations holding the facts of their .facts.md, and raise the rules a reviewer
 * would: the genuine issues listed there, plus — for 07, whose excerpt is cut inside 满意度指标 —
 * what the cut itself leaves (weights short of 100, no 总分).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { looksLikeProjectForm, parseProjectForms } from "~/domain/import/projectForm";
import { fundsTotal, validateProjectEvaluation } from "~/domain/projectEvaluation";
import { checkProjectEvaluation } from "~/domain/rules/project";

const fixture = (name: string) => readFileSync(`test/fixtures/real/${name}.txt`, "utf8").split("\n").slice(1);
const only = (name: string) => {
  const forms = parseProjectForms(fixture(name));
  expect(forms).toHaveLength(1);
  expect(validateProjectEvaluation(forms[0].evaluation).ok).toBe(true);
  return forms[0];
};
const rulesOf = (form: ReturnType<typeof only>) => [...new Set(checkProjectEvaluation(form.evaluation).map((f) => f.rule))].sort();
const row = (form: ReturnType<typeof only>, kind: string) => form.evaluation.funds.rows.find((r) => r.kind === kind);

describe("01 青神县发展和改革局 工资性支出 (Sichuan 510000_0013zp, one cell per line)", () => {
  const form = only("01-qingshen-fagaiju-2023");
  const e = form.evaluation;

  it("reads the header, funds and the indicator table", () => {
    expect(e.project).toEqual({ code: "51000021R000000019951", name: "工资性支出", kind: null });
    expect(e.department).toBe("青神县发展和改革局本级");
    expect(e.unit.name).toBe("青神县发展和改革局");
    expect(e.year).toBe(2023);
    expect(fundsTotal(e)).toMatchObject({ initialBudget: "238.93", adjustedBudget: "251.89", executed: "251.89", statedRatePct: "100.00", weight: "10", score: null, reason: null });
    expect(row(form, "fiscal")).toMatchObject({ initialBudget: "238.93", adjustedBudget: "251.89", executed: "251.89" });
    expect(row(form, "specialAccount")).toMatchObject({ initialBudget: "0.00", adjustedBudget: "0.00", executed: "0.00" });
    expect(row(form, "unitFunds")).toMatchObject({ initialBudget: "0.00" });
    expect(e.indicators.map((i) => [i.level1, i.level2, i.name, i.nature, i.target, i.unit, i.actual, i.weightPct, i.score])).toEqual([
      ["产出指标", "数量指标", "发放(缴纳)覆盖率", "=", "100", "%", "", "60", null],
      ["效益指标", "社会效益指标", "足额保障率(参保率)", "=", "100", "%", "", "30", null],
    ]);
    expect(e.totalScore).toBeNull();
    expect(e.conclusion).toMatch(/^结合自评情况/);
  });

  it("flags the blank self-evaluation, the instructions left in place and the unexplained adjustment — and no arithmetic error", () => {
    expect(rulesOf(form)).toEqual(["NOT_SELF_EVALUATED", "PLACEHOLDER_TEXT", "PROJECT_ADJUSTED"]);
    const placeholders = checkProjectEvaluation(e).filter((f) => f.rule === "PLACEHOLDER_TEXT").map((f) => f.path);
    expect(placeholders).toEqual(["goal.achieved", "conclusion", "problems", "improvements"]);
  });

  it("points every fact at its line", () => {
    const lines = fixture("01-qingshen-fagaiju-2023");
    expect(lines[form.sources["project.name"].line - 1]).toContain("工资性支出");
    expect(lines[form.sources["unit.name"].line - 1]).toContain("青神县发展和改革局");
  });
});

describe("07 棠溪镇 委托业务项目 (财预〔2020〕10号, one-line dump)", () => {
  const form = only("07-guichi-tangxi-2022");
  const e = form.evaluation;

  it("reads the header, the funds block and nine indicators", () => {
    expect(e.project.name).toBe("委托业务项目");
    expect(e.unit).toEqual({ name: "池州市贵池区棠溪镇人民政府", code: "219001" });
    expect(e.department).toBe("219-池州市贵池区棠溪镇人民政府");
    expect(e.year).toBe(2022);
    expect(fundsTotal(e)).toMatchObject({ initialBudget: "0", adjustedBudget: "0", executed: "0", weight: "10", statedRatePct: "0", score: "0" });
    expect(row(form, "fiscal")).toMatchObject({ initialBudget: "90", adjustedBudget: "89.974", executed: "89.974" });
    expect(e.goal.planned).toMatch(/^本项目共申请预算资金90万元/);
    expect(e.goal.achieved).toMatch(/^本项目共完成预算资金89.97万元/);
    expect(e.levelWeights).toEqual({ 产出指标: "50", 效益指标: "30", 满意度指标: "10" });
    expect(e.indicators.map((i) => [i.level2, i.name, i.nature, i.target, i.unit, i.actual, i.weightPct, i.score])).toEqual([
      ["数量指标", "基建工程委托业务项目数量", "≥", "50", "个", "50", "8", "8"],
      ["质量指标", "委托业务报告合格率", "≥", "100", "%", "100", "8", "8"],
      ["质量指标", "经费支出合规性", "定性", "严格执行相关制度规定", null, "达成预期指标", "8", "8"],
      ["时效指标", "提交报告及时性", "定性", "在项目计划完成时间内完成", null, "达成预期指标", "8", "8"],
      ["成本指标", "项目总成本", "≤", "90", "万元", "90", "8", "8"],
      ["成本指标", "单项业务成本", "定性", "符合相关规定", null, "达成预期指标", "10", "10"],
      ["社会效益指标", "对维护基建市场公平的影响程度", "定性", "效果明显", null, "达成预期指标", "10", "10"],
      ["生态效益指标", "对控制基建项目成本影响程度", "定性", "效果明显", null, "达成预期指标", "10", "10"],
      ["可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "定性", "效果明显", null, "达成预期指标", "10", "10"],
    ]);
  });

  it("flags the 0/0/0 total above its 90/89.974/89.974 component, the rate stated on a 0 budget and the unexplained 0.026 reduction", () => {
    const flags = checkProjectEvaluation(e);
    expect(flags.filter((f) => f.rule === "FUNDS_ROWS_SUM").map((f) => f.path)).toEqual(["funds.rows[0].initialBudget", "funds.rows[0].adjustedBudget", "funds.rows[0].executed"]);
    expect(flags.find((f) => f.rule === "PROJECT_ADJUSTED")?.values).toMatchObject({ initialBudget: "90", adjustedBudget: "89.974", change: "-0.026" });
    // The cut leaves 满意度 unread and no 总分: weights 90 and no total are what the excerpt says.
    expect(rulesOf(form)).toEqual(["FUNDS_ROWS_SUM", "NOT_SELF_EVALUATED", "PROJECT_ADJUSTED", "PROJECT_RATE_STATED", "PROJECT_WEIGHTS"]);
  });
});

describe("08 天长市水利局 水旱灾害防御经费 (财预〔2020〕10号, space-separated lines)", () => {
  const form = only("08-tianchang-shuiliju-2022");
  const e = form.evaluation;

  it("reads funds 880/880/880 with the blank rate, nine scored indicators and 总分 100", () => {
    expect(e.project.name).toBe("水旱灾害防御经费");
    expect(e.unit.name).toBe("天长市水利局");
    expect(e.department).toBeNull();
    expect(e.year).toBe(2022);
    expect(fundsTotal(e)).toMatchObject({ initialBudget: "880", adjustedBudget: "880", executed: "880", statedRatePct: null, weight: "10", score: "10" });
    expect(e.indicators).toHaveLength(9);
    expect(e.indicators.map((i) => i.name)).toContain("全市安全度汛");
    expect(e.indicators.at(-1)).toMatchObject({ level1: "满意度指标", level2: "服务对象满意度指标", name: "服务对象满意度", target: "90", unit: "%", actual: "100%", weightPct: "10", score: "10" });
    expect(e.indicators.map((i) => i.weightPct)).toEqual(Array(9).fill("10"));
    expect(e.levelWeights).toEqual({ 产出指标: "50", 效益指标: "30", 满意度指标: "10" });
    expect(e.totalScore).toBe("100");
  });

  it("has no arithmetic error; the six scored indicators without completion values are flagged as not self-evaluated", () => {
    const flags = checkProjectEvaluation(e);
    expect(rulesOf(form)).toEqual(["NOT_SELF_EVALUATED"]);
    // 工程质量合格 … 已建工程良性运行: scored 10 of 10 with no 年度指标值/实际完成值 (the "/" row is not scored).
    expect(flags.map((f) => f.path)).toEqual([2, 3, 4, 5, 6, 7].map((i) => `indicators[${i}].actual`));
  });
});

describe("several forms in one file", () => {
  it("splits a text holding three forms into three evaluations, each with its own name and funds", () => {
    const base = fixture("01-qingshen-fagaiju-2023");
    const three = ["工资性支出", "办公经费", "信息化建设"].flatMap((name, i) =>
      base.map((line) => line.replace("51000021R000000019951-工资性支出", `5100002100000000000${i}-${name}`).replace("238.93", String(100 + i))),
    );
    const forms = parseProjectForms(three);
    expect(forms.map((f) => f.evaluation.project.name)).toEqual(["工资性支出", "办公经费", "信息化建设"]);
    expect(forms.map((f) => fundsTotal(f.evaluation)?.initialBudget)).toEqual(["100", "101", "102"]);
    expect(forms.every((f) => f.evaluation.indicators.length === 2)).toBe(true);
  });

  it("reads the same form in the TAB layout (a Word table) as in the one-cell-per-line layout", () => {
    const cells = fixture("01-qingshen-fagaiju-2023").map((line) => `\t${line.replace(/\s*\|\s*$/, "")}`);
    const [tabbed] = parseProjectForms(cells);
    expect(tabbed.evaluation).toEqual(only("01-qingshen-fagaiju-2023").evaluation);
  });

  it("recognises a project form, and not the department report", () => {
    expect(looksLikeProjectForm(fixture("07-guichi-tangxi-2022").join("\n"))).toBe(true);
    expect(looksLikeProjectForm(readFileSync("test/fixtures/luxian-trade-union-2023.txt", "utf8"))).toBe(false);
    expect(parseProjectForms(["部门名称：泸县总工会", "年初预算575.65万元"])).toEqual([]);
  });
});
