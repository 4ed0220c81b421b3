import { describe, expect, it } from "vitest";
import { barListHeight, COLORS, escapeHtml, type ChartOption } from "~/charts/base";
import { expenditureByClass } from "~/charts/families/classes";
import { deviationScatter } from "~/charts/families/deviation";
import { executionBinOf, executionRateBars, executionRateHistogram } from "~/charts/families/execution";
import { flagsByRule, SEVERITY_COLORS } from "~/charts/families/flags";
import { submissionProgress } from "~/charts/families/progress";
import { GRADE_COLORS, scoreDistribution, scoreVsFormula } from "~/charts/families/scores";
import { statusPie } from "~/charts/families/status";
import { yearTrend } from "~/charts/families/trends";
import { emptyCharts, one, sampleCharts, seriesOf, titleOf, type Loose } from "./fixtures";

const xAxisOf = (o: ChartOption) => one((o as Loose).xAxis);
const yAxisOf = (o: ChartOption) => one((o as Loose).yAxis);
const markLineValues = (s: Loose, key: "xAxis" | "yAxis") => (s.markLine?.data ?? []).map((d: Loose) => d[key]).filter((v: unknown) => v != null);

/** Every `key` value anywhere in the option (functions skipped). */
function collect(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
  return out;
}

describe("escapeHtml", () => {
  it.each([
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"],
    [`a & "b" 'c'`, "a &amp; &quot;b&quot; &#39;c&#39;"],
    ["泸县总工会", "泸县总工会"],
    [null, ""],
    [42, "42"],
  ])("%s → %s", (input, expected) => expect(escapeHtml(input)).toBe(expected));
});

describe("every chart", () => {
  const all = [...sampleCharts(), ...emptyCharts().map(([n, o]) => [`${n} (empty)`, o] as [string, ChartOption])];

  it.each(all)("%s: text at least 14 px, fonts with single quotes only", (_name, option) => {
    const sizes = collect(option, "fontSize");
    expect(sizes.length).toBeGreaterThan(0);
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(14);
    for (const family of collect(option, "fontFamily")) expect(String(family)).not.toContain('"');
  });

  it.each(sampleCharts())("%s: a title, a formatter-function tooltip and axis labels kept inside", (_name, option) => {
    expect(titleOf(option).text).toBeTruthy();
    expect(typeof one((option as Loose).tooltip).formatter).toBe("function");
    if ((option as Loose).xAxis) expect(one((option as Loose).grid)).toMatchObject({ outerBoundsMode: "same", outerBoundsContain: "all" });
  });

  it.each(emptyCharts())("%s with no rows: a title saying what is missing, nothing to plot", (_name, option) => {
    expect(titleOf(option).text).toMatch(/^暂无/);
    expect(seriesOf(option)).toEqual([]);
    expect((option as Loose).xAxis).toBeUndefined();
  });
});

describe("executionRateBars", () => {
  const rows = [
    { unitId: "u1", unitName: "泸县总工会", executionRatePct: 100 },
    { unitId: "u2", unitName: "泸县教育局", executionRatePct: 85.5 },
    { unitId: "u3", unitName: "福集镇人民政府", executionRatePct: 97.2 },
    { unitId: "u4", unitName: "泸县财政局", executionRatePct: null },
    { unitId: "u5", unitName: "玄滩镇人民政府", executionRatePct: 112 },
  ];
  const option = executionRateBars(rows);
  const [bars] = seriesOf(option);

  it("draws sorted horizontal bars, lowest first at the top", () => {
    expect(bars.type).toBe("bar");
    expect(yAxisOf(option)).toMatchObject({ type: "category", inverse: true });
    expect(xAxisOf(option).type).toBe("value");
    expect(yAxisOf(option).data).toEqual(["泸县教育局", "福集镇人民政府", "泸县总工会", "玄滩镇人民政府"]);
    expect(bars.data.map((d: Loose) => d.value)).toEqual([85.5, 97.2, 100, 112]);
  });

  it("carries unitId on every item for drill-down", () => {
    expect(bars.data.map((d: Loose) => d.unitId)).toEqual(["u2", "u3", "u1", "u5"]);
  });

  it("marks 90 % and 100 %, and paints bars below 90 % in the warning colour", () => {
    expect(markLineValues(bars, "xAxis")).toEqual([90, 100]);
    expect(bars.data.map((d: Loose) => d.itemStyle.color)).toEqual([COLORS.warning, COLORS.primary, COLORS.primary, COLORS.primary]);
    expect(xAxisOf(option).max).toBe(120);
  });

  it("leaves units without a rate out and counts them in the subtitle", () => {
    expect(yAxisOf(option).data).not.toContain("泸县财政局");
    expect(titleOf(option).subtext).toContain("另有 1 个单位");
    expect(titleOf(option).subtext).toContain("“—”");
    expect(titleOf(option).subtext).toContain("低于90%：1 个");
  });

  it("takes the county's threshold", () => {
    const custom = executionRateBars(rows, 86);
    expect(markLineValues(seriesOf(custom)[0], "xAxis")).toEqual([86, 100]);
    expect(seriesOf(custom)[0].data[0].itemStyle.color).toBe(COLORS.warning);
  });

  it("orders equal rates by name (pinyin)", () => {
    const tied = executionRateBars([
      { unitId: "b", unitName: "泸县总工会", executionRatePct: 95 },
      { unitId: "a", unitName: "安监局", executionRatePct: 95 },
    ]);
    expect(yAxisOf(tied).data).toEqual(["安监局", "泸县总工会"]);
  });

  it("says so when no rate can be computed", () => {
    const none = executionRateBars([{ unitId: "u4", unitName: "泸县财政局", executionRatePct: null }]);
    expect(titleOf(none).text).toBe("暂无可计算的预算执行率");
    expect(titleOf(none).subtext).toContain("1 个单位");
    expect(seriesOf(none)).toEqual([]);
    expect(titleOf(executionRateBars([])).text).toBe("暂无已提交的报告");
  });

  it("suggests a height that grows with the number of units", () => {
    expect(barListHeight(0)).toBe(320);
    expect(barListHeight(80)).toBe(140 + 80 * 32);
  });
});

describe("executionRateHistogram", () => {
  it.each([
    [0, 0],
    [59.99, 0],
    [60, 1],
    [89.99, 3],
    [89.99999999997, 4], // float noise of 90
    [90, 4],
    [95, 5],
    [99.999, 5],
    [100, 6],
    [105, 6],
    [105.01, 7],
    [300, 7],
  ])("%s %% falls in bin %i", (rate, bin) => expect(executionBinOf(rate)).toBe(bin));

  const option = executionRateHistogram([
    { unitId: "u1", unitName: "甲", executionRatePct: 100 },
    { unitId: "u2", unitName: "乙", executionRatePct: 55 },
    { unitId: "u3", unitName: "丙", executionRatePct: 92 },
    { unitId: "u4", unitName: "丁", executionRatePct: 93 },
    { unitId: "u5", unitName: "戊", executionRatePct: null },
  ]);
  const [bars] = seriesOf(option);

  it("counts units per bin in the eight fixed bins", () => {
    expect(bars.type).toBe("bar");
    expect(xAxisOf(option).data).toEqual(["<60%", "60–70%", "70–80%", "80–90%", "90–95%", "95–100%", "100–105%", ">105%"]);
    expect(bars.data.map((d: Loose) => d.value)).toEqual([1, 0, 0, 0, 2, 0, 1, 0]);
  });

  it("carries the units' ids per bin and warns below 90 %", () => {
    expect(bars.data[4].unitIds).toEqual(["u3", "u4"]);
    expect(bars.data.slice(0, 4).every((d: Loose) => d.itemStyle.color === COLORS.warning)).toBe(true);
    expect(bars.data.slice(4).every((d: Loose) => d.itemStyle.color === COLORS.primary)).toBe(true);
    expect(titleOf(option).subtext).toContain("另有 1 个单位");
  });
});

describe("deviationScatter", () => {
  const rows = [
    { unitId: "u1", unitName: "泸县总工会", deviationPct: 26.33, initialBudgetWan: 455.67 },
    { unitId: "u2", unitName: "泸县教育局", deviationPct: -3.2, initialBudgetWan: 52_000 },
    { unitId: "u3", unitName: "福集镇人民政府", deviationPct: -10, initialBudgetWan: 120 },
    { unitId: "u4", unitName: "泸县财政局", deviationPct: null, initialBudgetWan: 0 },
    { unitId: "u5", unitName: "玄滩镇人民政府", deviationPct: -12, initialBudgetWan: 300 },
  ];
  const option = deviationScatter(rows);
  const [inside, outside] = seriesOf(option);

  it("plots budget (x) against deviation (y), outside the ±10 % band in the warning colour", () => {
    expect([inside.type, outside.type]).toEqual(["scatter", "scatter"]);
    expect(outside.itemStyle.color).toBe(COLORS.warning);
    expect(inside.data.map((d: Loose) => d.unitId)).toEqual(["u2", "u3"]); // exactly −10 is not over
    expect(outside.data.map((d: Loose) => d.unitId)).toEqual(["u1", "u5"]);
    expect(outside.data[0].value).toEqual([455.67, 26.33]);
  });

  it("shades the ±threshold band and draws its edges", () => {
    expect(inside.markArea.data).toEqual([[{ yAxis: -10 }, { yAxis: 10 }]]);
    expect(markLineValues(inside, "yAxis")).toEqual([10, -10]);
    const wide = seriesOf(deviationScatter(rows, 20));
    expect(wide[0].markArea.data).toEqual([[{ yAxis: -20 }, { yAxis: 20 }]]);
    expect(wide[1].data.map((d: Loose) => d.unitId)).toEqual(["u1"]);
  });

  it("uses a log axis when budgets span two orders of magnitude, a linear one otherwise", () => {
    expect(xAxisOf(option).type).toBe("log");
    const narrow = deviationScatter(rows.filter((r) => r.unitId !== "u2"));
    expect(xAxisOf(narrow).type).toBe("value");
  });

  it("counts units without a deviation in the subtitle", () => {
    expect(titleOf(option).subtext).toContain("另有 1 个单位偏离度为“—”");
    expect(titleOf(option).subtext).toContain("偏离度超过±10%：2 个");
    expect(titleOf(deviationScatter([rows[3]])).text).toBe("暂无可计算的偏离度");
  });
});

describe("scoreDistribution", () => {
  const option = scoreDistribution([
    { grade: "差", count: 1 },
    { grade: "优", count: 12 },
    { grade: "良", count: 5 },
    { grade: "优", count: 1 },
  ]);
  const [bars] = seriesOf(option);

  it("shows the four bands in order, with their colours and zero for a missing band", () => {
    expect(bars.type).toBe("bar");
    expect(xAxisOf(option).data).toEqual(["优（≥90）", "良（80–90）", "中（60–80）", "差（<60）"]);
    expect(bars.data.map((d: Loose) => [d.grade, d.value])).toEqual([["优", 13], ["良", 5], ["中", 0], ["差", 1]]);
    expect(bars.data.map((d: Loose) => d.itemStyle.color)).toEqual([GRADE_COLORS.优, GRADE_COLORS.良, GRADE_COLORS.中, GRADE_COLORS.差]);
  });

  it("is empty when every count is zero", () => {
    expect(titleOf(scoreDistribution([{ grade: "优", count: 0 }])).text).toBe("暂无自评得分");
  });
});

describe("scoreVsFormula", () => {
  const option = scoreVsFormula([
    { unitId: "u1", unitName: "泸县总工会", selfScore: 93.4, formulaScore: 88.1 },
    { unitId: "u2", unitName: "泸县教育局", selfScore: 85.4, formulaScore: 85 },
    { unitId: "u3", unitName: "福集镇", selfScore: 70, formulaScore: 75 },
    { unitId: "u4", unitName: "泸县财政局", selfScore: null, formulaScore: 80 },
  ]);
  const [fair, inflated] = seriesOf(option);

  it("puts units scoring themselves above the formula (beyond 0.5) in their own series", () => {
    expect([fair.type, inflated.type]).toEqual(["scatter", "scatter"]);
    expect(inflated.data.map((d: Loose) => d.unitId)).toEqual(["u1"]);
    expect(inflated.data[0].value).toEqual([88.1, 93.4]);
    expect(fair.data.map((d: Loose) => d.unitId)).toEqual(["u2", "u3"]);
    expect(inflated.itemStyle.color).toBe(COLORS.warning);
  });

  it("draws the y = x diagonal over equal axes", () => {
    const [[from, to]] = fair.markLine.data;
    expect(from.coord[0]).toBe(from.coord[1]);
    expect(to.coord[0]).toBe(to.coord[1]);
    expect([from.coord[0], to.coord[0]]).toEqual([60, 100]);
    expect([xAxisOf(option).min, xAxisOf(option).max]).toEqual([yAxisOf(option).min, yAxisOf(option).max]);
    expect(titleOf(option).subtext).toContain("另有 1 个单位无法比较");
  });
});

describe("flagsByRule", () => {
  const option = flagsByRule([
    { rule: "DEVIATION_OVER", title: "偏离度过大", severity: "warning", count: 7 },
    { rule: "TOTAL_SCORE", title: "自评总分", severity: "error", count: 3 },
    { rule: "OVER_ACHIEVED", title: "大幅超额完成", severity: "info", count: 11 },
    { rule: "DEVIATION_OVER", title: "偏离度过大", severity: "error", count: 2 },
    { rule: "CUSTOM", title: "自评总分", severity: "info", count: 1 },
    { rule: "ZERO", title: "零", severity: "info", count: 0 },
  ]);
  const series = seriesOf(option);

  it("stacks one bar series per severity, in the severity colours", () => {
    expect(series.map((s) => [s.type, s.stack])).toEqual([["bar", "flags"], ["bar", "flags"], ["bar", "flags"]]);
    expect(series.map((s) => s.itemStyle.color)).toEqual([SEVERITY_COLORS.error, SEVERITY_COLORS.warning, SEVERITY_COLORS.info]);
  });

  it("sorts rules by total, most frequent on top, and keeps shared titles apart", () => {
    expect(yAxisOf(option)).toMatchObject({ type: "category", inverse: true });
    expect(yAxisOf(option).data).toEqual(["大幅超额完成", "偏离度过大", "自评总分", "自评总分（CUSTOM）"]);
    expect(series.map((s) => s.data.map((d: Loose) => d.value))).toEqual([
      [0, 2, 3, 0],
      [0, 7, 0, 0],
      [11, 0, 0, 1],
    ]);
  });

  it("carries the rule and severity on every item", () => {
    expect(series[1].data[1]).toMatchObject({ rule: "DEVIATION_OVER", severity: "warning" });
    expect(series[0].data.map((d: Loose) => d.rule)).toEqual(["OVER_ACHIEVED", "DEVIATION_OVER", "TOTAL_SCORE", "CUSTOM"]);
  });
});

describe("expenditureByClass", () => {
  const option = expenditureByClass([
    { classCode: "201", className: "一般公共服务", amountWan: 575.65 },
    { classCode: "205", className: "教育", amountWan: 12_345.6 },
    { classCode: "208", className: "社会保障和就业", amountWan: 88 },
    { classCode: "201", className: "一般公共服务", amountWan: 24.35 },
    { classCode: "229", className: "其他", amountWan: 0 },
  ]);
  const [bars] = seriesOf(option);

  it("draws bars sorted by amount, largest on top, with the class code on each item", () => {
    expect(bars.type).toBe("bar");
    expect(yAxisOf(option)).toMatchObject({ type: "category", inverse: true, data: ["教育", "一般公共服务", "社会保障和就业"] });
    expect(bars.data.map((d: Loose) => d.classCode)).toEqual(["205", "201", "208"]);
    expect(bars.data[1].value).toBeCloseTo(600, 9);
    expect(titleOf(option).subtext).toContain("共 3 类");
  });
});

describe("submissionProgress", () => {
  const option = submissionProgress(
    [
      { date: "2024-03-29", submitted: 20 },
      { date: "2024-03-04", submitted: 3 },
      { date: "2024-03-11", submitted: 6 },
      { date: "2024-03-11", submitted: 4 },
      { date: "03/12/2024", submitted: 9 },
    ],
    "2024-03-31",
    40,
  );
  const [line] = seriesOf(option);

  it("accumulates daily submissions in date order on a time axis", () => {
    expect(line.type).toBe("line");
    expect(xAxisOf(option).type).toBe("time");
    expect(line.data.map((d: Loose) => d.value)).toEqual([
      ["2024-03-04", 3],
      ["2024-03-11", 13],
      ["2024-03-29", 33],
    ]);
    expect(line.data.map((d: Loose) => d.date)).toEqual(["2024-03-04", "2024-03-11", "2024-03-29"]);
  });

  it("marks the deadline and the number of units to report, and reaches the deadline", () => {
    expect(markLineValues(line, "xAxis")).toEqual(["2024-03-31"]);
    expect(markLineValues(line, "yAxis")).toEqual([40]);
    expect(xAxisOf(option).max).toBe("2024-03-31");
    expect(yAxisOf(option).max).toBeGreaterThanOrEqual(40);
    expect(titleOf(option).subtext).toContain("已提交 33 / 40 个单位");
  });

  it("works without a deadline", () => {
    const [l] = seriesOf(submissionProgress([{ date: "2024-03-04", submitted: 3 }], null, 40));
    expect(markLineValues(l, "xAxis")).toEqual([]);
    expect(markLineValues(l, "yAxis")).toEqual([40]);
  });

  it("says nothing was submitted yet, with the deadline", () => {
    const none = submissionProgress([{ date: "2024-03-04", submitted: 0 }], "2024-03-31", 40);
    expect(titleOf(none).text).toBe("暂无已提交的报告");
    expect(titleOf(none).subtext).toContain("2024-03-31");
  });
});

describe("yearTrend", () => {
  const option = yearTrend([
    { year: 2024, executionRatePct: null, avgSelfScore: 93, deviatingUnits: 3 },
    { year: 2022, executionRatePct: 91.2, avgSelfScore: 90.1, deviatingUnits: 6 },
    { year: 2023, executionRatePct: 94.8, avgSelfScore: 92.3, deviatingUnits: 4 },
  ]);
  const series = seriesOf(option);

  it("draws three lines over sorted years, deviating units on the right axis", () => {
    expect(series.map((s) => s.type)).toEqual(["line", "line", "line"]);
    expect(series.map((s) => s.yAxisIndex)).toEqual([0, 0, 1]);
    expect(xAxisOf(option).data).toEqual(["2022年", "2023年", "2024年"]);
    expect((option as Loose).yAxis).toHaveLength(2);
  });

  it("leaves a gap for a missing value and carries the year", () => {
    expect(series[0].data.map((d: Loose) => d.value)).toEqual([91.2, 94.8, "-"]);
    expect(series[2].data.map((d: Loose) => d.year)).toEqual([2022, 2023, 2024]);
  });

  it("is empty when no year has a value", () => {
    expect(titleOf(yearTrend([{ year: 2024, executionRatePct: null, avgSelfScore: null, deviatingUnits: null }])).text).toBe("暂无历年数据");
  });
});

describe("statusPie", () => {
  const option = statusPie([
    { status: "已通过", key: "approved", count: 20 },
    { status: "已提交", key: "submitted", count: 10 },
    { status: "草稿", count: 0 },
    { status: "未填报", key: "not_started", count: 4 },
  ]);
  const [pie] = seriesOf(option);

  it("shows the non-zero statuses with their keys and fixed colours", () => {
    expect(pie.type).toBe("pie");
    expect(pie.data.map((d: Loose) => [d.name, d.value, d.status])).toEqual([
      ["已通过", 20, "approved"],
      ["已提交", 10, "submitted"],
      ["未填报", 4, "not_started"],
    ]);
    expect(pie.data[0].itemStyle.color).toBe("#2b8a3e");
    expect(titleOf(option).subtext).toBe("共 34 个单位");
  });

  it("labels slices with count and share as plain text", () => {
    expect(pie.label.formatter({ dataIndex: 1 })).toBe("已提交\n10 个（29.4%）");
  });
});
