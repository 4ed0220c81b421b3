import { describe, expect, it } from "vitest";
import { diffDocuments, excerptOfChange, fieldLabel } from "~/domain/diff";

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

  it("names each narrative section that changed, was added or removed", () => {
    const before = { selfScore: "93.4", narrative: { "一、基本情况": "甲", "五、存在问题": "乙", "1.概述": "丙" } };
    const after = { selfScore: "93.4", narrative: { "一、基本情况": "甲", "五、存在问题": "乙（已修改）", "六、改进建议": "丁" } };
    const changes = diffDocuments(before, after);
    expect(changes).toEqual([
      { path: "narrative.五、存在问题", before: "乙", after: "乙（已修改）" },
      { path: "narrative.1.概述", before: "丙", after: null },
      { path: "narrative.六、改进建议", before: null, after: "丁" },
    ]);
    expect(changes.map((c) => fieldLabel(c.path))).toEqual(["文字说明·五、存在问题", "文字说明·1.概述", "文字说明·六、改进建议"]);
    // A report that gains its narrative: every section is new.
    expect(diffDocuments({ selfScore: "1" }, { selfScore: "1", narrative: { 甲: "一" } })).toEqual([{ path: "narrative.甲", before: null, after: "一" }]);
  });

  it("excerpts the changed part of a long text", () => {
    const head = "前".repeat(100);
    const tail = "后".repeat(100);
    const x = excerptOfChange(`${head}原句。${tail}`, `${head}新句子。${tail}`, 5);
    // The 。 is common to both: it is context, not change.
    expect(x).toEqual({ before: "…前前前前前原句。后后后后…", after: "…前前前前前新句子。后后后后…" });
    expect(excerptOfChange("ab", "ab")).toEqual({ before: "ab", after: "ab" });
    expect(excerptOfChange("短", "短句")).toEqual({ before: "短", after: "短句" });
    // A section rewritten from scratch is cut too; emoji are never split.
    const rewritten = excerptOfChange("旧".repeat(1000), "😀".repeat(1000), 30, 10);
    expect(rewritten).toEqual({ before: `${"旧".repeat(10)}…`, after: `${"😀".repeat(10)}…` });
  });

  it.each([
    ["narrative.三、部门预算绩效分析", "文字说明·三、部门预算绩效分析"],
    ["targets.indicators[4].score", "绩效指标第5行·得分"],
    ["expenditure.lines[0].final", "支出明细第1行·决算数"],
    ["staffing.actual.admin", "实有人数·行政"],
    ["income.initialBudget", "年初预算"],
    ["unknown.path", "unknown.path"],
  ])("labels %s as %s", (path, label) => expect(fieldLabel(path)).toBe(label));
});
