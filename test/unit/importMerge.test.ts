import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { foundSections, mergeImport } from "~/domain/import/merge";
import { emptyReport, type ReportDocument } from "~/domain/report";

const { expectedFlags: _e, mustNotFlag: _m, ...reference } = JSON.parse(readFileSync("test/fixtures/luxian-trade-union-2023.expected.json", "utf8"));

describe("mergeImport", () => {
  it("finds top-level sections from source paths", () => {
    expect(foundSections(["targets.indicators[0].score", "targets.totalFunds", "unit.name", "year"])).toEqual(["targets"]);
    expect(foundSections(["income.total", "selfScore", "expenditure.lines[3].final"])).toEqual(["income", "expenditure", "selfScore"]);
  });

  it("replaces only the sections the import found", () => {
    const draft = reference as ReportDocument;
    const targetsOnly = emptyReport("x", 2023);
    targetsOnly.targets.totalFunds = "1";
    const merged = mergeImport(draft, targetsOnly, ["targets"]);
    expect(merged.targets.totalFunds).toBe("1");
    expect(merged.income).toEqual(draft.income);
    expect(merged.expenditure.lines).toHaveLength(9);
  });

  it("replaces everything for a whole report", () => {
    const merged = mergeImport(emptyReport("x", 2023), reference as ReportDocument, foundSections(["income.total", "staffing.retired", "targets.fiscal", "expenditure.total", "budgetManagement.statedDeviationPct", "projects.oneOff.count", "carryover", "selfScore"]));
    expect(merged).toEqual({ ...reference, unit: { name: "x" } });
  });
});
