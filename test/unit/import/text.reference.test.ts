import { describe, expect, it } from "vitest";
import { parseReportText } from "~/domain/import/text";
import { reportDocumentSchema } from "~/domain/report";
import { fixture, leafPaths, valueAt } from "./helpers";

const text = fixture("luxian-trade-union-2023.txt");
const inputLines = text.split("\n");
const { expectedFlags: _flags, mustNotFlag: _mustNot, ...expected } = JSON.parse(fixture("luxian-trade-union-2023.expected.json"));
const result = parseReportText(text);
const paths = leafPaths(expected);

describe("the reference report (泸县总工会 2023)", () => {
  it("is recognised as a complete report", () => {
    expect(result.ok).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.missing).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(reportDocumentSchema.safeParse(result.document).success).toBe(true);
  });

  it.each(paths)("extracts %s", (path) => {
    expect(valueAt(result.document, path)).toStrictEqual(valueAt(expected, path));
  });

  it("deep-equals the expected document, with no extra keys", () => {
    expect(result.document).toStrictEqual(expected);
  });

  it.each(paths.filter((p) => p !== "format" && valueAt(expected, p) !== null))("records where %s came from", (path) => {
    const ref = result.sources[path];
    expect(ref).toBeDefined();
    const line = inputLines[ref.line - 1].trim();
    // The text is the line itself, or the whole cell when a cell wraps over several lines.
    expect(ref.text.startsWith(line) || line.startsWith(ref.text)).toBe(true);
    expect(ref.text).toContain(String(valueAt(expected, path)));
  });

  it("records no source for a value the report does not state", () => {
    expect(result.sources["targets.indicators[4].unit"]).toBeUndefined();
    expect(Object.keys(result.sources).every((p) => valueAt(result.document, p) !== undefined)).toBe(true);
  });

  it("marks the budgets implied by 完成预算100% as uncertain, and only those", () => {
    expect(result.uncertain).toEqual(expected.expenditure.lines.map((_: unknown, i: number) => `expenditure.lines[${i}].budget`));
  });

  it("points a merged 一级指标 at the row that states it", () => {
    expect(result.sources["targets.indicators[1].level1"]).toEqual(result.sources["targets.indicators[0].level1"]);
    expect(result.sources["targets.indicators[0].level1"]).toEqual({ line: 98, text: "产出指标" });
    expect(result.sources["targets.indicators[6].level1"]).toEqual({ line: 164, text: "满意度指标" });
  });

  it("takes the unit's name from the first sentence of 基本情况", () => {
    expect(result.sources["unit.name"].line).toBe(3);
    expect(result.sources.year.line).toBe(1);
  });

  it("returns the narrative by section, outside the document", () => {
    expect(Object.keys(result.narrative)).toEqual(["部门（单位）基本情况", "部门资金收支情况", "部门预算绩效分析", "评价结论及建议"]);
    expect(result.narrative["评价结论及建议"]).toContain("自评综合得分93.4分");
    expect(result.narrative["评价结论及建议"]).not.toContain("附表");
    expect("narrative" in result.document).toBe(false);
  });

  it("gives the same result for Windows line endings and a BOM", () => {
    expect(parseReportText(`\uFEFF${text.replace(/\n/g, "\r\n")}`).document).toStrictEqual(expected);
  });
});
