import { describe, expect, it } from "vitest";
import { MAX_INPUT_BYTES, parseReportText, type ImportResult } from "~/domain/import/text";
import { reportDocumentSchema } from "~/domain/report";
import { fixture } from "./helpers";

function parse(name: string): ImportResult {
  const result = parseReportText(fixture(name));
  expect(result.ok).toBe(true);
  expect(reportDocumentSchema.safeParse(result.document).success).toBe(true);
  return result;
}

const indicatorRows = (r: ImportResult) =>
  r.document.targets.indicators.map((i) => [i.name, i.nature, i.target, i.unit, i.weightPct, i.actual, i.score]);

describe("thousands separators (1,286.40)", () => {
  const r = parse("import-thousands-separators.txt");
  const d = r.document;

  it("strips them from amounts, keeping the decimals as written", () => {
    expect(d.income).toStrictEqual({
      initialBudget: "10286.40",
      adjustedBudget: "12864.50",
      total: "12864.50",
      fiscal: "12000.00",
      other: "864.50",
    });
    expect(d.expenditure.total).toBe("12864.50");
    expect(d.expenditure.lines.map((l) => [l.code, l.name, l.final])).toEqual([
      ["2050101", "行政运行", "1286.40"],
      ["2050202", "小学教育", "6578.10"],
      ["2050203", "初中教育", "5000.00"],
    ]);
    expect(d.budgetManagement.adjustments).toEqual([
      { reason: "年中追加教师绩效工资", amount: "1578.10" },
      { reason: "增加校舍维修资金", amount: "1000.00" },
    ]);
    expect(d.projects.recurring).toEqual({ count: 12, amount: "10286.40", executionPct: "100", overBalanceCount: 1 });
  });

  it("reads counts with separators as integers", () => {
    expect(d.staffing).toEqual({
      authorized: { admin: 24, institution: 1000, total: 1024 },
      actual: { admin: 22, institution: 990, total: 1012 },
      retired: 356,
    });
  });

  it("strips them in table cells too", () => {
    expect([d.targets.totalFunds, d.targets.fiscal, d.targets.other]).toEqual(["12864.50", "12000.00", "864.50"]);
    expect(indicatorRows(r)[0]).toEqual(["资助学生人数", "≥", "1000", "人", "40", "1286", "40"]);
  });

  it("emits income.other only because the report states 其他收入", () => {
    expect(r.sources["income.other"].text).toContain("其他收入864.50万元");
    expect("other" in parseReportText(fixture("luxian-trade-union-2023.txt")).document.income).toBe(false);
  });
});

describe("full-width digits and punctuation (１２３．４５，％，：)", () => {
  const r = parse("import-fullwidth.txt");
  const d = r.document;

  it("reads year, staffing, income, lines and deviation", () => {
    expect(d.year).toBe(2023);
    expect(d.staffing.authorized).toEqual({ admin: 6, institution: 18, total: 24 });
    expect(d.income).toStrictEqual({ initialBudget: "455.67", adjustedBudget: "575.65", total: "575.65", fiscal: "575.65" });
    expect(d.expenditure.lines.map((l) => [l.code, l.name, l.budget, l.final])).toEqual([
      ["2012901", "行政运行", "526.55", "526.55"],
      ["2210201", "住房公积金", "49.1", "49.1"],
    ]);
    expect(d.carryover).toBe("0");
    expect(d.budgetManagement.statedDeviationPct).toBe("26.33");
    expect(d.selfScore).toBe("93.4");
  });

  it("reads a full-width thousands separator before a decimal point", () => {
    expect(d.projects.recurring).toEqual({ count: 9, amount: "1286.40", executionPct: "98.5", overBalanceCount: 2 });
  });

  it("normalises table cells: ＞＝ ＜＝, ％ units, full-width numbers", () => {
    expect([d.targets.totalFunds, d.targets.fiscal, d.targets.other]).toEqual(["575.65", "575.65", "0"]);
    expect(indicatorRows(r)).toEqual([
      ["向上争取资金", "≥", "160", "万元", "30", "317.71", "30"],
      ["按时完工率", "≥", "98", "%", "20", "100", "20"],
      ["提高职工思想文化素质", "定性", "优良中低差", null, "20", "优", "20"],
      ["服务对象满意度", "≥", "95", "%", "20", "98", "20"],
      ["机关运行费成本", "≤", "100", "元/人次", "10", "98", "3.4"],
    ]);
  });

  it("keeps the source text as written", () => {
    expect(r.sources["income.total"].text).toContain("５７５．６５万元");
  });
});

describe("indicator natures written every way", () => {
  const r = parse("import-natures.txt");

  it("normalises ≥/≤ synonyms and keeps unknown natures as written", () => {
    expect(r.document.targets.indicators.map((i) => [i.name, i.nature])).toEqual([
      ["向上争取资金", "≥"],
      ["慰问帮扶", "≥"],
      ["培训合格率", "≥"],
      ["资料发放", "≥"],
      ["按时完工率", "≥"],
      ["机关运行费成本", "≤"],
      ["人均培训成本", "≤"],
      ["租车费用", "≤"],
      ["维权案件办结", "="],
      ["促进经济持续稳定发展", "定性"],
      ["服务对象满意度指标", "满意率"],
    ]);
  });

  it("takes a comparator written in the target cell as the nature", () => {
    const i = r.document.targets.indicators[4];
    expect([i.nature, i.target, i.unit, i.actual]).toEqual(["≥", "98", "%", "100"]);
    expect(r.sources["targets.indicators[4].nature"].text).toBe("≥98%");
  });

  it("carries merged 一级/二级 cells down", () => {
    expect(r.document.targets.indicators.slice(0, 5).map((i) => [i.level1, i.level2])).toEqual([
      ["产出指标", "数量指标"],
      ["产出指标", "数量指标"],
      ["产出指标", "质量指标"],
      ["产出指标", "质量指标"],
      ["产出指标", "时效指标"],
    ]);
  });

  it("reports the sections it did not find as missing, and leaves them null", () => {
    expect(r.missing).toEqual(["income.initialBudget", "income.adjustedBudget", "income.total", "expenditure.total", "expenditure.lines"]);
    expect(r.document.income.total).toBeNull();
  });
});

describe("several function items in one sentence", () => {
  const r = parse("import-multi-items.txt");

  it("splits on ，；、 and reads names before the code, in brackets, or after it", () => {
    expect(r.document.expenditure.lines.map((l) => [l.code, l.name, l.final])).toEqual([
      ["2010101", "行政运行", "120.5"],
      ["2010102", "一般行政管理事务", "30"],
      ["2010104", "人大会议", "12.25"],
      ["2010108", "代表工作", "5.5"],
      ["2080505", "机关事业单位基本养老保险缴费支出", "20.1"],
      ["2080506", "机关事业单位职业年金缴费支出", "8.04"],
      ["2210201", "住房公积金", "22.02"],
      ["2101101", "行政单位医疗", "0.0001"],
    ]);
  });

  it("applies a sentence's closing 完成预算100% / 决算数等于预算数 to every item in it", () => {
    for (const line of r.document.expenditure.lines) expect(line.budget).toBe(line.final);
    expect(r.uncertain).toEqual(r.document.expenditure.lines.map((_, i) => `expenditure.lines[${i}].budget`));
  });

  it("does not take a line's 支出决算 for the total", () => {
    expect(r.document.expenditure.total).toBe("218.41");
    expect(r.sources["expenditure.total"].line).toBe(6);
  });
});

describe("a line's budget stated explicitly or implied", () => {
  const r = parse("import-explicit-budget.txt");
  const lines = r.document.expenditure.lines;

  it("takes 预算数… / 预算为… as written and keeps the stated rate for the rules to check", () => {
    expect(lines[0]).toStrictEqual({ code: "2012901", name: "行政运行", budget: "180.00", final: "186.84", statedRatePct: "103.8" });
    expect(lines[1]).toStrictEqual({
      code: "2012999",
      name: "其他群众团体事务支出",
      budget: "300",
      final: "283.79",
      statedRatePct: "94.6",
    });
    expect(lines[3]).toStrictEqual({ code: "2101101", name: "行政单位医疗", budget: "4.28", final: "4.28", statedRatePct: "100" });
  });

  it("implies budget = final from 完成预算100% alone, marked uncertain, without a rate", () => {
    expect(lines[2]).toStrictEqual({ code: "2080505", name: "机关事业单位基本养老保险缴费支出", budget: "46.19", final: "46.19" });
    expect(r.uncertain).toEqual(["expenditure.lines[2].budget"]);
  });

  it("keeps another rate without a budget, and leaves the budget absent with a warning", () => {
    expect(lines[4]).toStrictEqual({ code: "2210201", name: "住房公积金", budget: null, final: "34.64", statedRatePct: "98" });
    expect(lines[5]).toStrictEqual({ code: "2080801", name: "死亡抚恤", budget: null, final: "19.9" });
    expect(r.warnings.map((w) => w.path)).toEqual(["expenditure.lines[4].budget", "expenditure.lines[5].budget"]);
  });
});

describe("adjustments that reduce the budget", () => {
  const r = parse("import-budget-reduction.txt");

  it("makes 调减 / 减少 amounts negative and keeps increases positive", () => {
    expect(r.document.budgetManagement).toEqual({
      statedDeviationPct: "-4.06",
      adjustments: [
        { reason: "年中调减项目预算", amount: "-30.5" },
        { reason: "减少公用经费预算", amount: "-8.6" },
        { reason: "增人增资追加预算资金", amount: "14.75" },
      ],
    });
    expect(r.sources["budgetManagement.adjustments[1].amount"].line).toBe(6);
  });
});

describe("a stated overall grade", () => {
  it("sets selfGrade from 等级为良", () => {
    const r = parse("import-stated-grade.txt");
    expect([r.document.selfScore, r.document.selfGrade]).toEqual(["86.5", "良"]);
    expect(r.sources.selfGrade.line).toBe(5);
  });

  it.each([
    ["自评等级为“优秀”。", "优"],
    ["评价结果为良好。", "良"],
    ["综合等级：中。", "中"],
    ["等级为差。", "差"],
  ])("%s → %s", (sentence, grade) => {
    expect(parseReportText(`自评综合得分70分，${sentence}`).document.selfGrade).toBe(grade);
  });

  it("emits no selfGrade when none is stated", () => {
    expect("selfGrade" in parseReportText("自评综合得分70分。").document).toBe(false);
  });
});

describe("unit name and year", () => {
  it("takes both from a title like 泸县总工会2023年度部门预算绩效评价报告", () => {
    const r = parse("import-title-unit-year.txt");
    expect([r.document.unit, r.document.year]).toEqual([{ name: "泸县总工会" }, 2023]);
    expect(r.sources["unit.name"].line).toBe(1);
    expect(r.document.staffing).toEqual({
      authorized: { admin: null, institution: null, total: 24 },
      actual: { admin: null, institution: null, total: 25 },
      retired: 6,
    });
  });

  it.each([
    ["2023年度泸县总工会部门整体支出绩效自评报告", "泸县总工会", 2023],
    ["关于泸县总工会2022年部门预算绩效评价报告", "泸县总工会", 2022],
    ["2024年部门预算绩效评价报告", "", 2024],
    ["部门预算绩效评价报告", "", null],
    ["泸县总工会1999年度部门预算绩效评价报告", "泸县总工会", null],
  ])("title %s → %j, %j", (title, name, year) => {
    const r = parseReportText(`${title}\n自评综合得分90分。`);
    expect([r.document.unit.name, r.document.year]).toEqual([name, year]);
  });

  it("falls back to the table's 部门名称 and 年度, the short name marked uncertain", () => {
    const r = parseReportText("绩效评价报告\n自评综合得分90分。\n\t部门名称\n\t总工会\n\n\t（2023年度）\n");
    expect([r.document.unit.name, r.document.year]).toEqual(["总工会", 2023]);
    expect(r.uncertain).toEqual(["unit.name"]);
    expect(r.sources.year).toEqual({ line: 6, text: "（2023年度）" });
  });

  it("guesses the year from the narrative only as a last resort", () => {
    const r = parseReportText("绩效评价报告\n2023年全年预算收入总额为10万元。");
    expect(r.document.year).toBe(2023);
    expect(r.uncertain).toContain("year");
  });
});

describe("amounts written in 元", () => {
  const r = parse("import-yuan-amounts.txt");
  const d = r.document;

  it("converts them to 万元 exactly", () => {
    expect(d.income).toStrictEqual({ initialBudget: "455.67", adjustedBudget: "575.65", total: "575.65", fiscal: "575.65" });
    expect(d.expenditure.lines.map((l) => l.final)).toEqual(["13.522", "562.128"]);
    expect(d.carryover).toBe("0.1234");
    expect(d.budgetManagement.adjustments.map((a) => a.amount)).toEqual(["50.03", "69.68"]);
    expect(d.projects.recurring.amount).toBe("575.65");
  });

  it("reads the table in the unit its header states (单位：元)", () => {
    expect([d.targets.totalFunds, d.targets.fiscal, d.targets.other]).toEqual(["575.65", "575.65", "0"]);
  });

  it("does not take 单位：元 for the unit's name", () => {
    expect(parseReportText("\t单位：元\n\n\t资金总额\n\t财政拨款\n\n\t100000\n\t100000\n").document.unit.name).toBe("");
  });
});

describe("missing sections", () => {
  const r = parse("import-missing-sections.txt");
  const d = r.document;

  it("leaves what the report does not state null or empty, never 0", () => {
    expect(d.staffing).toEqual({
      authorized: { admin: null, institution: null, total: null },
      actual: { admin: null, institution: null, total: null },
      retired: null,
    });
    expect([d.carryover, d.selfScore, d.income.adjustedBudget, d.income.fiscal]).toEqual([null, null, null, null]);
    expect(d.projects.recurring).toEqual({ count: null, amount: null, executionPct: null, overBalanceCount: null });
    expect(d.targets).toEqual({ totalFunds: null, fiscal: null, other: null, overallGoal: null, tasks: [], indicators: [] });
  });

  it("lists the missing required fields", () => {
    expect(r.missing).toEqual(["income.adjustedBudget", "expenditure.lines", "selfScore", "targets.indicators"]);
  });
});

describe("input that is not a report", () => {
  it("a title alone is a partial draft, not a refusal: the unit and year found, everything else missing", () => {
    const r = parseReportText("泸县总工会2023年度部门预算绩效评价报告");
    expect(r.ok).toBe(true);
    expect([r.document.unit.name, r.document.year]).toEqual(["泸县总工会", 2023]);
    expect(r.missing).not.toContain("unit.name");
    expect(r.missing).toContain("income.total");
  });

  it.each([[""], ["   \n\n"], ["你好，这是一封普通的邮件。"], ["\t\t\n\t\n"]])(
    "%j → ok=false with a Chinese error",
    (input) => {
      const r = parseReportText(input);
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/未识别/);
      expect(r.document.unit.name).toBe("");
      expect(r.missing).toHaveLength(9);
    }
  );

  it("refuses more than 2 MB without reading it", () => {
    const r = parseReportText("自评综合得分90分。".padEnd(MAX_INPUT_BYTES + 1, "x"));
    expect(r.ok).toBe(false);
    expect(r.error).toContain("2MB");
    // 700k Chinese characters are 2.1 MB of UTF-8.
    expect(parseReportText("收".repeat(700_000)).error).toContain("2MB");
  });

  it("survives a caller passing something other than a string", () => {
    expect(parseReportText(undefined as unknown as string).ok).toBe(false);
  });
});

describe("table blocks", () => {
  const header = ["一级指标", "二级指标", "三级指标", "性质", "指标值", "度量单位", "权重", "实际完成值", "得分"];
  const cells = (row: string[]) => `${row.map((c) => `\t${c}`).join("\n")}\n\n`;

  it("reads rows that drop the merged first column by aligning them from the right", () => {
    const text = cells(["年度绩效指标", ...header]) + cells(["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "100%", "120", "100"]);
    expect(parseReportText(text).document.targets.indicators[0]).toStrictEqual({
      level1: "产出指标",
      level2: "数量指标",
      name: "培训人次",
      nature: "≥",
      target: "100",
      unit: "人次",
      weightPct: "100",
      actual: "120",
      score: "100",
    });
  });

  it("ends the indicators with their table: a table after them is something else", () => {
    const text = `${cells(header)}${cells(["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "100%", "120", "100"])}\n${cells([
      "填报人",
      "张三",
      "",
      "",
      "",
      "",
      "",
      "",
      "13800000000",
    ])}`;
    expect(parseReportText(text).document.targets.indicators.map((i) => i.name)).toEqual(["培训人次"]);
  });

  it("warns about a weight or score that is not a number, and leaves it absent", () => {
    const r = parseReportText(cells(header) + cells(["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "百分之十", "120", "满分"]));
    expect([r.document.targets.indicators[0].weightPct, r.document.targets.indicators[0].score]).toEqual([null, null]);
    expect(r.warnings.map((w) => w.path)).toEqual(["targets.indicators[0].weightPct", "targets.indicators[0].score"]);
    expect(r.missing).toContain("targets.indicators");
  });

  it("takes the self-score from a 合计 row when the narrative states none", () => {
    const r = parseReportText(
      cells(header) +
        cells(["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "100%", "120", "95"]) +
        cells(["合计", "", "", "", "", "", "100%", "", "95"])
    );
    expect(r.document.selfScore).toBe("95");
    expect(r.document.targets.indicators).toHaveLength(1);
  });
});

describe("conflicting figures", () => {
  it("keeps the first and warns", () => {
    const r = parseReportText("年初预算455.67万元。\n年初预算400万元。");
    expect(r.document.income.initialBudget).toBe("455.67");
    expect(r.warnings).toEqual([{ path: "income.initialBudget", message: "年初预算前后不一致：第1行为455.67，第2行为400，已采用第1行" }]);
  });

  it("does not warn when the same figure is written twice", () => {
    expect(parseReportText("年初预算455.67万元。\n年初预算455.670万元。").warnings).toEqual([]);
  });
});
