import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { targetTableToXlsx } from "~/domain/export/target-table";
import { parseInterchangeJson } from "~/domain/import/json";
import { foundSections, mergeImport } from "~/domain/import/merge";
import { parseReportText } from "~/domain/import/text";
import { xlsxToText } from "~/domain/import/xlsx";
import { emptyReport, type ReportDocument } from "~/domain/report";

const { expectedFlags: _e, mustNotFlag: _m, ...reference } = JSON.parse(readFileSync("test/fixtures/luxian-trade-union-2023.expected.json", "utf8"));
const doc = reference as ReportDocument;

describe("export → import round trips", () => {
  it("JSON (the whole report) comes back identical, narrative included", () => {
    const withNarrative = { ...doc, narrative: { "一、部门（单位）基本情况": "泸县总工会是一级预算单位。" } };
    const result = parseInterchangeJson(JSON.stringify(withNarrative, null, 2));
    expect(result.ok).toBe(true);
    expect(result.document).toEqual(withNarrative);
    expect(result.missing).toEqual([]);
  });

  it("a check-report --json line imports as its document", () => {
    expect(parseInterchangeJson(JSON.stringify({ file: "x.txt", document: doc, flags: [] })).document).toEqual(doc);
  });

  it("refuses JSON that is not a valid report, with the field named", () => {
    const bad = parseInterchangeJson(JSON.stringify({ ...doc, selfScore: "abc" }));
    expect(bad.ok).toBe(false);
    expect(bad.error).toContain("selfScore");
    expect(parseInterchangeJson("{not json").error).toBe("JSON 格式错误，无法读取");
  });

  it("the 自评表 .xlsx carries the targets: export, import, merge gives the targets back", async () => {
    const text = await xlsxToText(await targetTableToXlsx(doc));
    if (!text.ok) throw new Error(text.error);
    const parsed = parseReportText(text.text);
    const merged = mergeImport({ ...emptyReport("泸县总工会", 2023), income: doc.income }, parsed.document, foundSections(Object.keys(parsed.sources)).filter((s) => s === "targets"));
    expect(merged.targets).toEqual(doc.targets);
    expect(merged.income).toEqual(doc.income);
  });
});
