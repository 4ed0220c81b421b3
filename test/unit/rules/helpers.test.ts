import { describe, expect, it } from "vitest";
import { canonical } from "~/domain/money";
import {
  DEFAULT_RULE_SETTINGS, FUNCTION_CLASSES, RULE_IDS, RULES, checkReport, formulaScore, functionClassOf, gradeOf,
  indicatorNumber, normalizeNature, robustZ, ruleContext, ruleSettingsSchema, summarizeFlags,
} from "~/domain/rules";
import { MIN_COUNTY_PEERS } from "~/domain/rules/crossReport";
import type { Flag, Indicator } from "~/domain/report";
import { consistentReport } from "./factory";

describe("normalizeNature", () => {
  it.each([
    ["≥", "≥"], [">=", "≥"], ["＞＝", "≥"], ["＞=", "≥"], ["大于等于", "≥"], ["不低于", "≥"], ["≧", "≥"], [" ≥ ", "≥"],
    ["≤", "≤"], ["<=", "≤"], ["＜＝", "≤"], ["小于等于", "≤"], ["不高于", "≤"], ["不超过", "≤"],
    ["=", "="], ["＝", "="], ["==", "="], ["等于", "="],
    ["定性", "定性"], ["定 性", "定性"],
    ["满意率", null], ["", null], [">", null], ["≥≤", null],
  ])("%j → %j", (input, expected) => expect(normalizeNature(input)).toBe(expected));
});

describe("gradeOf", () => {
  it.each([
    ["优", "优"], ["优秀", "优"], ["良好", "良"], ["等级为良", "良"], ["评价：优秀", "优"], ["中等", "中"], ["低", "低"], ["较差", "差"],
    ["优良中低差", null], ["基本完成", null], ["", null], [null, null],
  ])("%j → %j", (input, expected) => expect(gradeOf(input)).toBe(expected));
});

describe("indicatorNumber", () => {
  it.each([
    ["160", null, "160"], ["2,964", null, "2964"], ["≥98", null, "98"], ["98%", "%", "98"], ["９８％", "%", "98"],
    ["160万元", "万元", "160"], ["160万元", null, null], ["1,2", null, null], ["优", null, null], ["基本完成", null, null],
  ])("%j (%s) → %j", (text, unit, expected) => {
    const n = indicatorNumber(text, unit);
    expect(n ? canonical(n) : null).toBe(expected);
  });
});

describe("formulaScore", () => {
  const ind = (nature: string, target: string, actual: string, weightPct: string | null = "10"): Indicator =>
    ({ level1: "", level2: "", name: "", nature, target, unit: null, weightPct, actual, score: null });
  it.each([
    ["≥", "100", "120", "10"], ["≥", "100", "100", "10"], ["≥", "100", "80", "8"], ["≥", "3", "1", "3.333333"],
    ["=", "100", "80", "8"], ["=", "100", "120", "10"],
    ["≤", "100", "90", "10"], ["≤", "100", "100", "10"], ["≤", "100", "150", "5"], ["≤", "100", "199", "0.1"],
    ["≤", "100", "200", "0"], ["≤", "100", "300", "0"], ["≤", "0", "5", "0"], ["≥", "0", "5", "10"],
    ["大于等于", "160", "317.71", "10"],
  ])("%s target %s actual %s → %s", (nature, target, actual, expected) => {
    expect(canonical(formulaScore(ind(nature, target, actual))!.toDecimalPlaces(6))).toBe(expected);
  });
  it.each([
    ["定性", "优良中低差", "优"], ["满意率", "95", "98"], ["≥", "100", "基本完成"], ["≥", "0", "-1"],
  ])("%s %s %s → null", (nature, target, actual) => expect(formulaScore(ind(nature, target, actual))).toBeNull());
  it("needs a weight", () => expect(formulaScore(ind("≥", "1", "1", null))).toBeNull());
});

describe("functionClassOf", () => {
  it.each([
    ["2012901", { code: "201", name: "一般公共服务" }], ["2210201", { code: "221", name: "住房保障" }],
    ["2240101", { code: "224", name: "灾害防治及应急管理" }], ["2180101", null], ["201290", null], ["20129011", null], ["abcdefg", null], [null, null],
  ])("%j → %j", (code, expected) => expect(functionClassOf(code)).toEqual(expected));
  it("knows the 27 classes of docs/domain.md", () => expect(Object.keys(FUNCTION_CLASSES)).toHaveLength(27));
});

describe("robustZ", () => {
  it("uses median and MAD·1.4826", () => {
    // Sorted 80 82 83 84 84 85 86 88: median 84; absolute deviations' median (1 + 2) / 2.
    const r = robustZ(96, [80, 85, 82, 88, 84, 84, 83, 86])!;
    expect(r.median).toBe(84);
    expect(r.z).toBeCloseTo(12 / (1.5 * 1.4826), 10);
  });
  it("is null below MIN_COUNTY_PEERS values and for samples without spread, never Infinity", () => {
    const sample = Array.from({ length: MIN_COUNTY_PEERS }, (_, i) => i + 1);
    expect(MIN_COUNTY_PEERS).toBe(8);
    expect(robustZ(1, sample)).not.toBeNull();
    expect(robustZ(1, sample.slice(1))).toBeNull();
    expect(robustZ(1, [...sample.slice(1), NaN])).toBeNull();
    expect(robustZ(50, Array(MIN_COUNTY_PEERS).fill(100))).toBeNull();
    expect(robustZ(NaN, sample)).toBeNull();
  });
});

describe("settings", () => {
  it("defaults", () => {
    expect(DEFAULT_RULE_SETTINGS).toEqual({
      deviationPct: 10, executionPct: 90, gradeBands: { 优: 90, 良: 80, 中: 60 }, overAchievedPct: 130, scoreJump: 15, outlierZ: 3, formulaSlack: 0.5,
    });
    expect(ruleSettingsSchema.parse(DEFAULT_RULE_SETTINGS)).toEqual(DEFAULT_RULE_SETTINGS);
  });
  it("parses form strings", () => {
    const form = { deviationPct: "15", executionPct: " 85 ", gradeBands: { 优: "90", 良: "75", 中: "60" }, overAchievedPct: "150", scoreJump: "20", outlierZ: "3.5", formulaSlack: "0" };
    expect(ruleSettingsSchema.parse(form)).toEqual({ deviationPct: 15, executionPct: 85, gradeBands: { 优: 90, 良: 75, 中: 60 }, overAchievedPct: 150, scoreJump: 20, outlierZ: 3.5, formulaSlack: 0 });
  });
  it.each([
    [{ deviationPct: "" }, ["deviationPct"], "请填写偏离度阈值"],
    [{ deviationPct: "abc" }, ["deviationPct"], "偏离度阈值请输入数字"],
    [{ executionPct: "120" }, ["executionPct"], "预算执行率阈值不能大于100"],
    [{ overAchievedPct: "90" }, ["overAchievedPct"], "超额完成阈值不能小于100"],
    [{ gradeBands: { 优: "80", 良: "80", 中: "60" } }, ["gradeBands", "优"], "“优”的分数线应高于“良”"],
  ])("rejects %j with a Chinese message", (patch, path, message) => {
    const result = ruleSettingsSchema.safeParse({ ...DEFAULT_RULE_SETTINGS, ...patch });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
    expect(issue?.message).toBe(message);
  });
  it("thresholds change the outcome", () => {
    const doc = consistentReport((d) => { d.income.initialBudget = "480.00"; d.budgetManagement.adjustments[0].amount = "30.00"; d.budgetManagement.statedDeviationPct = "6.25"; });
    expect(checkReport(doc).map((f) => f.rule)).toEqual([]);
    const strict = ruleContext({ settings: { ...DEFAULT_RULE_SETTINGS, deviationPct: 5 } });
    expect(checkReport(doc, strict).map((f) => f.rule)).toEqual(["DEVIATION_OVER"]);
  });
  it("merges a partial settings object over the defaults", () => {
    const ctx = ruleContext({ settings: { deviationPct: 5 } as never });
    expect(ctx.settings).toEqual({ ...DEFAULT_RULE_SETTINGS, deviationPct: 5 });
  });
});

describe("catalogue", () => {
  it("has the 26 rules of docs/domain.md, unique, in table order", () => {
    expect(RULE_IDS).toHaveLength(26);
    expect(new Set(RULE_IDS).size).toBe(26);
    expect(RULE_IDS[0]).toBe("EXP_LINES_SUM");
    expect(RULE_IDS.at(-1)).toBe("COUNTY_OUTLIER");
    for (const r of RULES) expect(r.title).toMatch(/[\u4e00-\u9fff]/);
  });
  it("summarizeFlags counts by severity", () => {
    const f = (severity: Flag["severity"]): Flag => ({ rule: "X", severity, path: "", message: "", values: {} });
    expect(summarizeFlags([])).toEqual({ error: 0, warning: 0, info: 0, total: 0 });
    expect(summarizeFlags([f("error"), f("info"), f("error"), f("warning")])).toEqual({ error: 2, warning: 1, info: 1, total: 4 });
  });
  it("returns flags in catalogue order", () => {
    const doc = consistentReport((d) => { d.selfScore = "50"; d.carryover = "99.00"; d.staffing.actual.admin = 9; d.staffing.actual.total = 18; });
    const order = checkReport(doc).map((f) => RULE_IDS.indexOf(f.rule as never));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
