import { describe, expect, it } from "vitest";
import { fieldId, formatPath, getAt, parsePath, setAt } from "~/domain/paths";
import { emptyReport } from "~/domain/report";

const doc = {
  income: { total: "575.65", other: null as string | null },
  expenditure: { lines: [{ final: "1" }, { final: "2" }, { final: "3" }, { final: "4" }] },
  targets: { indicators: [{ score: "20" }, { score: "10" }, { score: "10" }, { score: "20" }, { score: "110" }] },
  matrix: [[1, 2], [3, 4]],
};

describe("parsePath / formatPath", () => {
  it.each([
    ["income.total", ["income", "total"]],
    ["expenditure.lines[3].final", ["expenditure", "lines", 3, "final"]],
    ["targets.indicators[4].score", ["targets", "indicators", 4, "score"]],
    ["targets.indicators", ["targets", "indicators"]],
    ["targets.indicators[4]", ["targets", "indicators", 4]],
    ["matrix[1][0]", ["matrix", 1, 0]],
    ["selfScore", ["selfScore"]],
    ["narrative.一、基本情况", ["narrative", "一、基本情况"]],
  ])("%s", (path, segments) => {
    expect(parsePath(path)).toEqual(segments);
    expect(formatPath(segments)).toBe(path);
  });

  it.each([[""], ["a..b"], [".a"], ["a."], ["a[x]"], ["a[1"], ["[0]"], ["a]"], ["a[-1]"], ["a[1]b"], ["__proto__.x"], ["a.constructor"]])(
    "rejects %j",
    (path) => expect(() => parsePath(path)).toThrow(SyntaxError),
  );
});

describe("getAt", () => {
  it.each([
    ["income.total", "575.65"],
    ["income.other", null],
    ["income.missing", undefined],
    ["expenditure.lines[3].final", "4"],
    ["expenditure.lines[9].final", undefined],
    ["targets.indicators[4].score", "110"],
    ["targets.indicators[4]", { score: "110" }],
    ["matrix[1][0]", 3],
    ["income.total.length", undefined], // not walking into strings
    ["income[0]", undefined], // an index into an object
    ["expenditure.lines.final", undefined], // a key into an array
    ["income.toString", undefined], // inherited properties are not fields
  ])("%s → %j", (path, expected) => {
    expect(getAt(doc, path)).toEqual(expected);
  });

  it("reads a report document", () => {
    expect(getAt(emptyReport("泸县总工会", 2023), "unit.name")).toBe("泸县总工会");
    expect(getAt(emptyReport(), "staffing.actual.admin")).toBeNull();
  });
});

describe("setAt", () => {
  it("copies only along the path and never mutates", () => {
    const frozen = structuredClone(doc);
    const next = setAt(doc, "expenditure.lines[3].final", "40");
    expect(getAt(next, "expenditure.lines[3].final")).toBe("40");
    expect(doc).toEqual(frozen);
    expect(next).not.toBe(doc);
    expect(next.expenditure).not.toBe(doc.expenditure);
    expect(next.expenditure.lines).not.toBe(doc.expenditure.lines);
    expect(next.expenditure.lines[3]).not.toBe(doc.expenditure.lines[3]);
    // Untouched branches are shared.
    expect(next.expenditure.lines[2]).toBe(doc.expenditure.lines[2]);
    expect(next.income).toBe(doc.income);
    expect(next.targets).toBe(doc.targets);
  });

  it.each([
    ["income.total", "1"],
    ["income.other", "0.52"],
    ["targets.indicators[4].score", "10"],
    ["targets.indicators[0]", { score: "0" }],
    ["matrix[0][1]", 9],
  ])("sets %s", (path, value) => {
    expect(getAt(setAt(doc, path, value), path)).toEqual(value);
  });

  it("returns the same object when the value is already there", () => {
    expect(setAt(doc, "income.total", "575.65")).toBe(doc);
    expect(setAt(doc, "targets.indicators[4].score", "110")).toBe(doc);
  });

  it("creates missing steps: objects before keys, arrays before indices, no holes", () => {
    const next = setAt({} as Record<string, unknown>, "a.b[2].c", "x");
    expect(next).toEqual({ a: { b: [null, null, { c: "x" }] } });
    expect(setAt({ list: ["a"] }, "list[1]", "b")).toEqual({ list: ["a", "b"] });
  });

  it("works on a report document", () => {
    const report = emptyReport();
    const next = setAt(report, "income.total", "575.65");
    expect(next.income.total).toBe("575.65");
    expect(report.income.total).toBeNull();
  });

  it("rejects prototype keys", () => {
    expect(() => setAt({}, "__proto__.polluted", true)).toThrow(SyntaxError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("fieldId", () => {
  it("is field- plus the path, brackets and dots included", () => {
    expect(fieldId("expenditure.lines[3].final")).toBe("field-expenditure.lines[3].final");
  });
});
