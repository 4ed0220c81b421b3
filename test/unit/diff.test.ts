import { describe, expect, it } from "vitest";
import { diffDocuments, fieldLabel } from "~/domain/diff";

describe("diffDocuments", () => {
  it("lists changed, added and removed leaves with flag-style paths", () => {
    const before = { selfScore: "93.4", targets: { indicators: [{ score: "110" }, { score: "8" }] }, carryover: null };
    const after = { selfScore: "93.4", targets: { indicators: [{ score: "10" }] }, carryover: "0" };
    expect(diffDocuments(before, after)).toEqual([
      { path: "targets.indicators[0].score", before: "110", after: "10" },
      { path: "targets.indicators[1].score", before: "8", after: null },
      { path: "carryover", before: null, after: "0" },
    ]);
  });

  it("finds nothing between equal documents", () => {
    const doc = { a: [1, 2, { b: "x" }], c: null };
    expect(diffDocuments(doc, structuredClone(doc))).toEqual([]);
  });

  it.each([
    ["targets.indicators[4].score", "绩效指标第5行·得分"],
    ["expenditure.lines[0].final", "支出明细第1行·决算数"],
    ["staffing.actual.admin", "实有人数·行政"],
    ["income.initialBudget", "年初预算"],
    ["unknown.path", "unknown.path"],
  ])("labels %s as %s", (path, label) => expect(fieldLabel(path)).toBe(label));
});
