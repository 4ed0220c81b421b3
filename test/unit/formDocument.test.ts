import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  blankIndicator, blankLine, blankNarrativeSection, FORM_MESSAGES as M, foldNumeral, fromFormDocument, NARRATIVE_LIMITS, numberKindOf,
  parseDecimalField, parseIntegerField, readExplanations, readFormDocument, toFormDocument, toFormPath, type FormDocument, type NumberKind,
} from "~/domain/formDocument";
import { getAt, setAt } from "~/domain/paths";
import { emptyReport, reportDocumentSchema, type ReportDocument } from "~/domain/report";
import { checkReport } from "~/domain/rules";

function reference(): ReportDocument {
  const raw = JSON.parse(readFileSync(new URL("../fixtures/luxian-trade-union-2023.expected.json", import.meta.url), "utf8"));
  delete raw.expectedFlags;
  delete raw.mustNotFlag;
  return reportDocumentSchema.parse(raw);
}

/** The reference form with one field changed, converted. */
function convertWith(path: string, value: string) {
  return fromFormDocument(setAt(toFormDocument(reference()), path, value));
}

describe("round trip", () => {
  it("fromFormDocument(toFormDocument(reference)) is the reference, exactly", () => {
    const doc = reference();
    const result = fromFormDocument(toFormDocument(doc));
    expect(result.errors).toEqual({});
    expect(result.document).toStrictEqual(doc);
  });

  it("an empty report round-trips", () => {
    const doc = emptyReport("泸县总工会", 2023);
    const result = fromFormDocument(toFormDocument(doc));
    expect(result.errors).toEqual({});
    expect(reportDocumentSchema.parse(result.document)).toEqual(doc);
    expect(result.document).toEqual({ ...doc, targets: { ...doc.targets, overallGoal: null } });
  });

  it("keeps optional fields that are present", () => {
    const doc = reference();
    doc.unit.code = "101001";
    doc.unit.county = "泸县";
    doc.income.other = "0";
    doc.expenditure.lines[0].statedRatePct = "100.00";
    doc.selfGrade = "优";
    doc.narrative = { "一、基本情况": "正文" };
    expect(fromFormDocument(toFormDocument(doc)).document).toStrictEqual(doc);
  });

  it("holds every number as a string in the form", () => {
    const form = toFormDocument(reference());
    expect(form.year).toBe("2023");
    expect(form.staffing.actual.admin).toBe("7");
    expect(form.income.other).toBe("");
    expect(form.targets.indicators[4].unit).toBe("");
    expect(form.expenditure.lines[6].budget).toBe("9.3");
  });
});

describe("normalising what people type", () => {
  it.each<[string, NumberKind, string | null]>([
    ["575.65", "amount", "575.65"],
    ["  575.65  ", "amount", "575.65"],
    ["１２３．４５", "amount", "123.45"],
    ["\u3000１２３\u3000", "amount", "123"],
    ["1,286.40", "amount", "1286.40"],
    ["1，286．40", "amount", "1286.40"],
    ["1,234,567", "amount", "1234567"],
    ["9.30", "amount", "9.30"], // decimals kept as typed: they carry the rounding tolerance
    ["007.5", "amount", "7.5"],
    ["5.", "amount", "5"],
    [".5", "amount", "0.5"],
    ["+5", "amount", "5"],
    ["0.000001", "amount", "0.000001"],
    ["-0", "amount", "0"],
    ["-0.00", "signedAmount", "0.00"],
    ["-50.03", "signedAmount", "-50.03"],
    ["－５０．０３", "signedAmount", "-50.03"],
    ["\u221250.03", "signedAmount", "-50.03"],
    ["26.33%", "signedPercent", "26.33"],
    ["-3.5％", "signedPercent", "-3.5"],
    ["100%", "percent", "100"],
    ["１００％", "percent", "100"],
    ["1000", "percent", "1000"],
    ["93.4", "score", "93.4"],
    ["", "amount", null],
    ["   ", "percent", null],
  ])("%j as %s → %j", (raw, kind, expected) => {
    expect(parseDecimalField(raw, kind as Exclude<NumberKind, "count" | "year">)).toEqual({ value: expected });
  });

  it.each<[string, "count" | "year", number | null]>([
    ["24", "count", 24],
    ["０７", "count", 7],
    [" 1,200 ", "count", 1200],
    ["0", "count", 0],
    ["10000000", "count", 10_000_000],
    ["", "count", null],
    ["2023", "year", 2023],
    ["２０２３", "year", 2023],
    ["2023年", "year", 2023],
    ["2000", "year", 2000],
    ["2100", "year", 2100],
    ["", "year", null],
  ])("%j as %s → %j", (raw, kind, expected) => {
    expect(parseIntegerField(raw, kind)).toEqual({ value: expected });
  });

  it("folds numerals without judging them", () => {
    expect(foldNumeral("１，２８６．４０")).toBe("1286.40");
    expect(foldNumeral("1,28")).toBe("1,28");
    expect(foldNumeral("98%")).toBe("98%");
    expect(foldNumeral("98%", true)).toBe("98");
  });
});

describe("field errors", () => {
  it.each<[string, string, string]>([
    // non-numeric amounts
    ["income.total", "abc", M.notNumber],
    ["income.total", "1,28", M.notNumber],
    ["income.total", "12.3.4", M.notNumber],
    ["income.total", "-", M.notNumber],
    ["income.total", "575.65万元", M.notNumber],
    ["income.total", "50%", M.notNumber], // % only for percent fields
    ["expenditure.lines[2].final", "四十六", M.notNumber],
    ["budgetManagement.adjustments[0].amount", "x", M.notNumber],
    ["targets.indicators[0].weightPct", "20分", M.notNumber],
    // too many decimals
    ["income.initialBudget", "455.6700001", M.amountDecimals],
    ["expenditure.lines[0].budget", "1.1234567", M.amountDecimals],
    ["budgetManagement.adjustments[1].amount", "-1.1234567", M.amountDecimals],
    ["targets.totalFunds", "0.0000001", M.amountDecimals],
    ["selfScore", "93.1234567", M.decimals],
    // negative where it cannot be
    ["income.initialBudget", "-455.67", M.negative],
    ["income.adjustedBudget", "-1", M.negative],
    ["income.fiscal", "-1", M.negative],
    ["expenditure.total", "-575.65", M.negative],
    ["expenditure.lines[0].budget", "-1", M.negative],
    ["expenditure.lines[0].final", "-1", M.negative],
    ["projects.recurring.amount", "-1", M.negative],
    ["targets.fiscal", "-1", M.negative],
    ["staffing.actual.admin", "-7", M.negative],
    ["projects.oneOff.count", "-1", M.negative],
    ["staffing.retired", "－６", M.negative],
    // counts must be integers
    ["staffing.authorized.admin", "6.5", M.notInteger],
    ["staffing.actual.total", "二十五", M.notInteger],
    ["projects.recurring.overBalanceCount", "1.0", M.notInteger],
    ["staffing.retired", "10000001", M.tooLarge],
    // percents
    ["budgetManagement.statedDeviationPct", "1000.01", M.percentRange],
    ["budgetManagement.statedDeviationPct", "-1200%", M.percentRange],
    ["targets.indicators[2].weightPct", "1200", M.percentRange],
    ["projects.recurring.executionPct", "-5", M.negative],
    // year
    ["year", "1999", M.year],
    ["year", "2101", M.year],
    ["year", "23", M.year],
    ["year", "2023.5", M.year],
    ["year", "二〇二三", M.year],
    // function code with letters (a wrong length is the rule's business)
    ["expenditure.lines[0].code", "20129O1", M.functionCode],
    ["expenditure.lines[0].code", "201-2901", M.functionCode],
    // magnitudes
    ["income.total", "1234567890123456", M.amountTooLarge],
    // text over the schema's limits
    ["unit.name", "工".repeat(201), "不能超过200个字"],
    ["expenditure.lines[0].code", "1".repeat(21), "不能超过20个字"],
    ["expenditure.lines[0].name", "名".repeat(201), "不能超过200个字"],
    ["budgetManagement.adjustments[0].reason", "因".repeat(501), "不能超过500个字"],
    ["targets.overallGoal", "目".repeat(5001), "不能超过5000个字"],
    ["targets.tasks[1].content", "内".repeat(2001), "不能超过2000个字"],
    ["targets.indicators[3].nature", "性".repeat(51), "不能超过50个字"],
    ["targets.indicators[3].unit", "单".repeat(51), "不能超过50个字"],
    ["selfGrade", "优".repeat(11), "不能超过10个字"],
  ])("%s = %j → %s", (path, raw, message) => {
    const result = convertWith(path, raw);
    expect(result.errors).toEqual({ [path]: message });
    expect(result.document).toBeNull();
  });

  it.each<[string, string, string]>([
    // allowed: adjustments and carryover may be negative, a deviation too
    ["budgetManagement.adjustments[0].amount", "-50.03", "-50.03"],
    ["carryover", "-1.5", "-1.5"],
    ["budgetManagement.statedDeviationPct", "-26.33%", "-26.33"],
    ["budgetManagement.statedDeviationPct", "1000", "1000"],
    // a wrong length is left to FUNCTION_CODE_INVALID
    ["expenditure.lines[0].code", "201290", "201290"],
    ["expenditure.lines[0].code", " ２０１２９０１ ", "2012901"],
    ["expenditure.lines[0].code", "", ""],
    ["income.total", " 1,286.40 ", "1286.40"],
    ["selfScore", "９３．４", "93.4"],
    ["targets.indicators[0].weightPct", "20%", "20"],
    ["unit.name", "  泸县总工会 ", "泸县总工会"],
  ])("%s = %j is accepted as %j", (path, raw, value) => {
    const result = convertWith(path, raw);
    expect(result.errors).toEqual({});
    expect(getAt(result.document, path)).toBe(value);
    expect(reportDocumentSchema.safeParse(result.document).success).toBe(true);
  });

  it.each<[string, unknown]>([
    ["income.total", null],
    ["staffing.retired", null],
    ["year", null],
    ["selfScore", null],
    ["targets.indicators[4].unit", null],
    ["targets.overallGoal", null],
    ["income.other", undefined],
    ["selfGrade", undefined],
    ["expenditure.lines[0].statedRatePct", undefined],
  ])("blank %s → %j", (path, expected) => {
    const result = convertWith(path, "  ");
    expect(result.errors).toEqual({});
    expect(getAt(result.document, path)).toBe(expected);
  });

  it("collects every error at once, keyed by path", () => {
    let form = toFormDocument(reference());
    form = setAt(form, "income.total", "abc");
    form = setAt(form, "staffing.actual.admin", "7.5");
    form = setAt(form, "targets.indicators[4].score", "-1");
    const result = fromFormDocument(form);
    expect(result.document).toBeNull();
    expect(result.errors).toEqual({
      "income.total": M.notNumber,
      "staffing.actual.admin": M.notInteger,
      "targets.indicators[4].score": M.negative,
    });
  });

  it("every document it returns passes the schema", () => {
    const result = fromFormDocument(toFormDocument(reference()));
    expect(reportDocumentSchema.safeParse(result.document).success).toBe(true);
  });
});

describe("blank rows", () => {
  it("are dropped, and error and flag paths keep the form's row numbers", () => {
    const form: FormDocument = toFormDocument(reference());
    form.expenditure.lines.splice(1, 0, blankLine(), { ...blankLine(), code: "  " });
    form.targets.indicators.unshift(blankIndicator());
    form.budgetManagement.adjustments.push({ reason: "", amount: "" });
    form.targets.tasks.push({ name: " ", content: "" });

    const ok = fromFormDocument(form);
    expect(ok.errors).toEqual({});
    expect(ok.document).toStrictEqual(reference());
    expect(ok.rowIndex["expenditure.lines"]).toEqual([0, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ok.rowIndex["targets.indicators"]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Indicator 5 of the document (SCORE_RANGE at targets.indicators[4].score) is form row 5.
    const scoreRange = checkReport(ok.document!).find((f) => f.rule === "SCORE_RANGE")!;
    expect(scoreRange.path).toBe("targets.indicators[4].score");
    expect(toFormPath(scoreRange.path, ok.rowIndex)).toBe("targets.indicators[5].score");
    expect(toFormPath("expenditure.lines[1].final", ok.rowIndex)).toBe("expenditure.lines[3].final");
    expect(toFormPath("targets.indicators", ok.rowIndex)).toBe("targets.indicators");
    expect(toFormPath("income.total", ok.rowIndex)).toBe("income.total");

    const bad = fromFormDocument(setAt(form, "expenditure.lines[3].final", "x"));
    expect(bad.errors).toEqual({ "expenditure.lines[3].final": M.notNumber });
    // Schema messages (text length) are mapped back to form rows too.
    const long = fromFormDocument(setAt(form, "expenditure.lines[3].name", "名".repeat(201)));
    expect(long.errors).toEqual({ "expenditure.lines[3].name": "不能超过200个字" });
  });

  it("a row with only one field filled is kept and validated", () => {
    const form = toFormDocument(emptyReport("单位", 2024));
    form.expenditure.lines.push({ ...blankLine(), final: "12" });
    const result = fromFormDocument(form);
    expect(result.document?.expenditure.lines).toEqual([{ code: "", name: "", budget: null, final: "12" }]);
  });
});

describe("the narrative", () => {
  const NARRATIVE = {
    "一、部门（单位）基本情况": "　　泸县总工会是一级预算单位。\n　　内设机构5个。\n",
    "二、部门资金收支情况": "收入合计575.65万元。",
    "四、评价结论及建议": "",
  };
  const withNarrative = (): ReportDocument => ({ ...reference(), narrative: { ...NARRATIVE } });

  it("is a list of sections in the form, in the document's order, and comes back exactly", () => {
    const form = toFormDocument(withNarrative());
    expect(form.narrative).toEqual([
      { title: "一、部门（单位）基本情况", text: NARRATIVE["一、部门（单位）基本情况"] },
      { title: "二、部门资金收支情况", text: "收入合计575.65万元。" },
      { title: "四、评价结论及建议", text: "" },
    ]);
    const back = fromFormDocument(form);
    expect(back.errors).toEqual({});
    expect(back.document).toStrictEqual(withNarrative());
    // Order is the record's key order: the print view and the export follow it.
    expect(Object.keys(back.document!.narrative!)).toEqual(Object.keys(NARRATIVE));
  });

  it("a report without narrative has an empty list and stays without", () => {
    expect(toFormDocument(reference()).narrative).toEqual([]);
    expect("narrative" in fromFormDocument(toFormDocument(reference())).document!).toBe(false);
  });

  it("takes edits, added and removed sections; keeps the text as typed, trims titles", () => {
    const form = toFormDocument(withNarrative());
    form.narrative[1].text = "收入合计575.65万元，\n\n  支出合计575.65万元。  ";
    form.narrative.splice(0, 1);
    form.narrative.push({ title: "  五、存在问题  ", text: "预算编制不够精准。" }, blankNarrativeSection());
    const { document, errors } = fromFormDocument(form);
    expect(errors).toEqual({});
    expect(document!.narrative).toStrictEqual({
      "二、部门资金收支情况": "收入合计575.65万元，\n\n  支出合计575.65万元。  ",
      "四、评价结论及建议": "",
      "五、存在问题": "预算编制不够精准。",
    });
    expect(Object.keys(document!.narrative!)).toEqual(["二、部门资金收支情况", "四、评价结论及建议", "五、存在问题"]);
  });

  it("removing every section leaves the document without narrative", () => {
    const form = toFormDocument(withNarrative());
    form.narrative = [blankNarrativeSection(), { title: " ", text: "\n " }];
    const { document, errors } = fromFormDocument(form);
    expect(errors).toEqual({});
    expect(document).toStrictEqual(reference());
  });

  it("has the document's limits, read from report.ts", () => {
    expect(NARRATIVE_LIMITS).toEqual({ title: 200, text: 50_000 });
  });

  it.each<[string, FormDocument["narrative"], Record<string, string>]>([
    ["text over 50,000 characters", [{ title: "一、基本情况", text: "字".repeat(50_001) }], { "narrative[0].text": "正文不能超过50000个字（现有50001字）" }],
    ["a title over 200 characters", [{ title: "题".repeat(201), text: "正文" }], { "narrative[0].title": "标题不能超过200个字（现有201字）" }],
    ["text without a title", [{ title: "一、基本情况", text: "甲" }, { title: "  ", text: "乙" }], { "narrative[1].title": M.narrativeTitleMissing }],
    ["the same title twice", [{ title: "存在问题", text: "甲" }, blankNarrativeSection(), { title: " 存在问题", text: "乙" }], { "narrative[2].title": "与第1节标题重复" }],
    ["a title the record cannot hold", [{ title: "__proto__", text: "甲" }], { "narrative[0].title": M.narrativeTitleReserved }],
  ])("%s → a Chinese error beside the field", (_what, sections, expected) => {
    const form = toFormDocument(reference());
    form.narrative = sections;
    const result = fromFormDocument(form);
    expect(result.errors).toEqual(expected);
    expect(result.document).toBeNull();
    // Nothing typed is lost: the form itself is not touched.
    expect(form.narrative).toEqual(sections);
  });

  it("accepts exactly the limits", () => {
    const form = toFormDocument(reference());
    form.narrative = [{ title: "题".repeat(200), text: "字".repeat(50_000) }];
    const result = fromFormDocument(form);
    expect(result.errors).toEqual({});
    expect(reportDocumentSchema.safeParse(result.document).success).toBe(true);
  });
});

describe("number kinds", () => {
  it.each([
    ["income.total", "amount"],
    ["expenditure.lines[12].final", "amount"],
    ["expenditure.lines[0].statedRatePct", "percent"],
    ["budgetManagement.adjustments[3].amount", "signedAmount"],
    ["targets.indicators[4].score", "score"],
    ["staffing.actual.admin", "count"],
    ["year", "year"],
    ["targets.indicators[4].target", undefined],
    ["unit.name", undefined],
  ])("%s is %s", (path, kind) => expect(numberKindOf(path)).toBe(kind));
});

describe("reading a posted form", () => {
  it("accepts the JSON of a FormDocument", () => {
    const form = toFormDocument(reference());
    expect(readFormDocument(JSON.stringify(form))).toEqual(form);
  });

  it("reads the narrative as sections; a post without it has none, one with the document's record is converted", () => {
    const form = toFormDocument({ ...reference(), narrative: { 甲: "一", 乙: "二" } });
    expect(readFormDocument(JSON.stringify(form))!.narrative).toEqual([{ title: "甲", text: "一" }, { title: "乙", text: "二" }]);
    const { narrative: _gone, ...without } = form;
    expect(readFormDocument(JSON.stringify(without))!.narrative).toEqual([]);
    expect(readFormDocument(JSON.stringify({ ...form, narrative: { 甲: "一", 乙: "二" } }))!.narrative).toEqual(form.narrative);
    expect(readFormDocument(JSON.stringify({ ...form, narrative: [{ title: "甲" }] }))).toBeNull();
  });

  it.each([
    ["not JSON", "{"],
    ["not a string", 42],
    ["wrong shape", JSON.stringify({ format: "self-evaluation/v1" })],
    ["numbers instead of strings", JSON.stringify(setAt(toFormDocument(reference()), "income.total", 575.65))],
    ["another format", JSON.stringify({ ...toFormDocument(reference()), format: "v2" })],
  ])("rejects %s", (_what, value) => {
    expect(readFormDocument(value)).toBeNull();
  });

  it("reads explanations", () => {
    expect(readExplanations(JSON.stringify({ "DEVIATION_OVER@budgetManagement.statedDeviationPct": "年中追加" }))).toEqual({
      "DEVIATION_OVER@budgetManagement.statedDeviationPct": "年中追加",
    });
    expect(readExplanations("[1]")).toBeNull();
    expect(readExplanations("{")).toBeNull();
  });
});
