import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { reportDocumentSchema } from "~/domain/report";
import { checkCrossReport, checkReport, RULE_IDS, summarizeFlags } from "~/domain/rules";

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../fixtures/luxian-trade-union-2023.expected.json", import.meta.url)), "utf8"),
) as { expectedFlags: string[]; mustNotFlag: string[] } & Record<string, unknown>;
const { expectedFlags, mustNotFlag, ...raw } = fixture;
const doc = reportDocumentSchema.parse(raw);
const flags = checkReport(doc);
const pathsOf = (rule: string) => flags.filter((f) => f.rule === rule).map((f) => f.path);

describe("the reference report (泸县总工会 2023)", () => {
  it("raises exactly the expected rules", () => {
    expect(new Set(flags.map((f) => f.rule))).toEqual(new Set(expectedFlags));
  });

  it("raises none of the must-not rules", () => {
    const raised = flags.map((f) => f.rule);
    for (const rule of mustNotFlag) expect(raised).not.toContain(rule);
  });

  it("only uses known rule ids", () => {
    for (const rule of [...expectedFlags, ...mustNotFlag]) expect(RULE_IDS).toContain(rule);
  });

  it.each([
    ["SCORE_RANGE", ["targets.indicators[4].score"]],
    ["TOTAL_SCORE", ["selfScore"]],
    ["NATURE_INVALID", ["targets.indicators[6].nature"]],
    ["OVER_ACHIEVED", ["targets.indicators[0].actual", "targets.indicators[1].actual", "targets.indicators[3].actual"]],
    ["STAFF_OVER_QUOTA", ["staffing.actual.admin", "staffing.actual.total"]],
    ["DEVIATION_OVER", ["budgetManagement.statedDeviationPct"]],
    ["DEVIATION_UNEXPLAINED", ["budgetManagement.adjustments"]],
    ["PROJECTS_OVER_TOTAL", ["projects.recurring.amount"]],
  ])("%s at %j", (rule, paths) => {
    expect(pathsOf(rule)).toEqual(paths);
  });

  it("shows the numbers involved", () => {
    const message = (rule: string) => flags.find((f) => f.rule === rule)!.message;
    expect(message("SCORE_RANGE")).toContain("指标得分110超过权重10");
    expect(message("TOTAL_SCORE")).toContain("指标得分合计198与自评得分93.4不符");
    expect(message("DEVIATION_OVER")).toContain("26.33%");
    expect(message("DEVIATION_UNEXPLAINED")).toContain("119.71");
    expect(message("DEVIATION_UNEXPLAINED")).toContain("119.98");
    expect(message("PROJECTS_OVER_TOTAL")).toContain("576.17");
    const score = flags.find((f) => f.rule === "SCORE_RANGE")!;
    expect(score.values).toMatchObject({ score: "110", weight: "10", threshold: "10" });
    expect(flags.find((f) => f.rule === "DEVIATION_OVER")!.values).toMatchObject({ threshold: 10 });
  });

  it("has the severities of the catalogue and counts them", () => {
    expect(flags.find((f) => f.rule === "SCORE_RANGE")!.severity).toBe("error");
    expect(flags.find((f) => f.rule === "OVER_ACHIEVED")!.severity).toBe("info");
    expect(summarizeFlags(flags)).toEqual({ error: 2, warning: 6, info: 3, total: 11 });
  });

  it("is deterministic and leaves the document untouched", () => {
    const before = JSON.stringify(doc);
    expect(checkReport(doc)).toEqual(flags);
    expect(JSON.stringify(doc)).toBe(before);
  });
});

describe("checkCrossReport", () => {
  it("gives exactly the cross-report flags that checkReport gives", () => {
    const { expectedFlags: _e, mustNotFlag: _m, ...doc } = JSON.parse(readFileSync("test/fixtures/luxian-trade-union-2023.expected.json", "utf8"));
    const ctx = { previousSelfScore: "70", county: { executionRates: [50, 60, 61, 62, 63, 64, 65, 66, 67], selfScores: [60, 61, 62, 63, 64, 65, 66, 67, 68] } };
    const expected = checkReport(doc, ctx).filter((f) => f.rule === "SCORE_JUMP" || f.rule === "COUNTY_OUTLIER");
    expect(expected.length).toBeGreaterThan(1);
    expect(checkCrossReport(doc, ctx)).toEqual(expected);
  });
});
