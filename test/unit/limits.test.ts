/**
 * The limits on a report's numbers (money.ts), defined once and applied by the document
 * schema: the boundary ± 1 分, decimals, digits, signs, non-numbers, and every way in — the
 * form, the importer, the JSON import, the metrics and the data generator.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORM_MESSAGES as M, fromFormDocument, NUMBER_FIELDS, parseDecimalField, toFormDocument } from "~/domain/formDocument";
import { parseInterchangeJson } from "~/domain/import/json";
import { dropOutOfRangeNumbers, normalizeNumerals, toWan } from "~/domain/import/numbers";
import { parseReportText } from "~/domain/import/text";
import { computeMetrics } from "~/domain/metrics";
import {
  decimalProblem, decimalProblemMessage, LIMIT_MESSAGES as L, MAX_AMOUNT, MAX_AMOUNT_FEN, wanToFen, type DecimalKind, type DecimalProblem,
} from "~/domain/money";
import { setAt } from "~/domain/paths";
import { DECIMAL_FIELDS, decimalKindOf, emptyReport, reportDocumentSchema, validateReport, type ReportDocument } from "~/domain/report";
import { checkReport } from "~/domain/rules";
import { campaignFor, planCountyYear, planProvince } from "../../scripts/lib/bench/dataset";
import { prepareReportBatch } from "../../scripts/lib/bulk";

const FIXTURE = readFileSync(new URL("../fixtures/luxian-trade-union-2023.txt", import.meta.url), "utf8");

function reference(): ReportDocument {
  const raw = JSON.parse(readFileSync(new URL("../fixtures/luxian-trade-union-2023.expected.json", import.meta.url), "utf8"));
  delete raw.expectedFlags;
  delete raw.mustNotFlag;
  return reportDocumentSchema.parse(raw);
}

const HUGE = "9".repeat(400);

describe("the limits (money.ts)", () => {
  it.each<[string, DecimalKind, DecimalProblem | null]>([
    // the amount bound, ± 1 分
    [MAX_AMOUNT, "amount", null],
    ["9999999.999999", "amount", null],
    ["9999999.9999990", "amount", "decimals"],
    ["10000000", "amount", "tooLarge"],
    ["10000000.000000", "amount", "tooLarge"],
    ["10000000.000001", "amount", "tooLarge"],
    ["0009999999.999999", "amount", null],
    ["0.000001", "amount", null],
    ["0", "amount", null],
    ["-0", "amount", null],
    ["-0.000", "amount", null],
    ["-9999999.999999", "signedAmount", null],
    ["-10000000", "signedAmount", "tooLarge"],
    ["10000000", "signedAmount", "tooLarge"],
    // decimals: 1 分 = 0.000001 万元
    ["0.0000001", "amount", "decimals"],
    ["455.6700001", "amount", "decimals"],
    ["1.1234567", "signedAmount", "decimals"],
    ["26.3306001", "signedPercent", "decimals"],
    ["93.1234567", "score", "decimals"],
    // digits
    [HUGE, "amount", "tooLarge"],
    [`-${HUGE}`, "signedAmount", "tooLarge"],
    [`0.${HUGE}`, "amount", "decimals"],
    // signs
    ["-0.000001", "amount", "negative"],
    ["-1", "amount", "negative"],
    [`-${HUGE}`, "amount", "negative"],
    ["-1", "percent", "negative"],
    ["-1", "score", "negative"],
    ["-26.33", "signedPercent", null],
    // percents and scores
    ["1000", "percent", null],
    ["1000.000001", "percent", "tooLarge"],
    ["-1000", "signedPercent", null],
    ["-1000.000001", "signedPercent", "tooLarge"],
    ["110", "score", null], // a score above its weight is the rules' business (SCORE_RANGE)
    ["1000", "score", null],
    ["1000.000001", "score", "tooLarge"],
    // not numbers at all
    ["Inf", "amount", "notNumber"],
    ["Infinity", "amount", "notNumber"],
    ["-Infinity", "signedAmount", "notNumber"],
    ["NaN", "amount", "notNumber"],
    ["1e5", "amount", "notNumber"],
    ["1E5", "amount", "notNumber"],
    ["1e-7", "amount", "notNumber"],
    ["0x10", "amount", "notNumber"],
    ["１２３", "amount", "notNumber"], // stored values are ASCII: the form and the importer fold first
    ["1,000", "amount", "notNumber"],
    [" 1", "amount", "notNumber"],
    ["", "amount", "notNumber"],
    [".5", "amount", "notNumber"],
    ["+5", "amount", "notNumber"],
  ])("%j as %s → %s", (value, kind, problem) => {
    expect(decimalProblem(value, kind)).toBe(problem);
  });

  it("the largest amount is exact in 分, and sums of it stay exact and in range", () => {
    expect(wanToFen(MAX_AMOUNT)).toBe(MAX_AMOUNT_FEN);
    expect(MAX_AMOUNT_FEN).toBe(10n ** 13n - 1n);
    // SQLite hands a county-year's SUM back as a JS number: exact up to 2^53, i.e. for 900 reports at the bound.
    expect(MAX_AMOUNT_FEN * 900n <= BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    // A city of 200 counties × 100 units at the bound still fits BIGINT (the sums are bigint in JS).
    expect(MAX_AMOUNT_FEN * 20_000n < 2n ** 63n - 1n).toBe(true);
    expect(Number(MAX_AMOUNT_FEN) / 1_000_000).toBe(9999999.999999);
  });

  it("names the limit in Chinese", () => {
    expect(decimalProblemMessage("tooLarge", "amount")).toBe(L.amountTooLarge);
    expect(decimalProblemMessage("decimals", "amount")).toBe(L.amountDecimals);
    expect(decimalProblemMessage("decimals", "score")).toBe(L.decimals);
    expect(decimalProblemMessage("tooLarge", "percent")).toBe(L.percentRange);
    expect(decimalProblemMessage("tooLarge", "score")).toBe(L.scoreRange);
  });
});

describe("the document schema applies them", () => {
  const samplePath = (pattern: string) => pattern.replace(/\[\]/g, "[0]");
  function docWith(path: string, value: string | null): ReportDocument {
    const doc = reference();
    doc.budgetManagement.adjustments = [{ reason: "调整", amount: "1" }];
    return setAt(doc, path, value);
  }

  it.each(Object.entries(DECIMAL_FIELDS))("%s is checked as %s", (pattern, kind) => {
    const path = samplePath(pattern);
    expect(decimalKindOf(path)).toBe(kind);
    const signed = kind === "signedAmount" || kind === "signedPercent";
    const amount = kind === "amount" || kind === "signedAmount";
    const cases: Array<[string, DecimalProblem | null]> = [
      ["-1", signed ? null : "negative"],
      ["1.1234567", "decimals"],
      [amount ? "10000000" : "1000.000001", "tooLarge"],
      [amount ? `-${MAX_AMOUNT}` : "-1000", signed ? null : "negative"],
      ["Inf", "notNumber"],
      ["1e5", "notNumber"],
    ];
    for (const [value, problem] of cases) {
      const checked = validateReport(docWith(path, value));
      if (problem === null) expect(checked.ok, `${path} = ${value}`).toBe(true);
      else expect(checked.ok ? null : checked.errors[path], `${path} = ${value}`).toBe(decimalProblemMessage(problem, kind));
    }
  });

  it("the form's number fields are exactly the schema's decimal fields, counts and the year", () => {
    for (const [path, kind] of Object.entries(DECIMAL_FIELDS)) expect(NUMBER_FIELDS[path]).toBe(kind);
    const rest = Object.entries(NUMBER_FIELDS).filter(([path]) => !(path in DECIMAL_FIELDS));
    expect(new Set(rest.map(([, kind]) => kind))).toEqual(new Set(["count", "year"]));
  });

  it("refuses JSON's non-numbers in counts and the year", () => {
    expect(validateReport({ ...reference(), year: Infinity }).ok).toBe(false);
    expect(validateReport({ ...reference(), year: Number.NaN }).ok).toBe(false);
    expect(validateReport(setAt(reference(), "staffing.retired", JSON.parse("1e400"))).ok).toBe(false);
    expect(validateReport(setAt(reference(), "staffing.retired", 1.5)).ok).toBe(false);
  });

  it("bounds the sum of the expenditure lines (stored per function class) like any amount", () => {
    const doc = reference();
    doc.expenditure.lines = [
      { code: "2012901", name: "a", budget: "5000000", final: "5000000" },
      { code: "2012999", name: "b", budget: "4999999.999999", final: "4999999.999999" },
    ];
    expect(validateReport(doc).ok).toBe(true);
    doc.expenditure.lines.push({ code: "2080505", name: "c", budget: "0.000001", final: "0.000001" });
    const checked = validateReport(doc);
    expect(checked.ok ? null : checked.errors).toEqual({ "expenditure.lines[2].final": L.linesSumTooLarge });
  });

  it("summarises the first problem with the field's label", () => {
    const checked = validateReport(setAt(reference(), "income.total", "-1"));
    expect(checked.ok ? "" : checked.message).toBe("报告内容无效：收入合计：不能为负数");
    const two = validateReport(setAt(setAt(reference(), "income.total", "-1"), "selfScore", "Inf"));
    expect(two.ok ? "" : two.message).toBe("报告内容无效：收入合计：不能为负数（另有1处）");
  });

  it("the reference report and an empty one are within the limits", () => {
    expect(validateReport(reference()).ok).toBe(true);
    expect(validateReport(emptyReport("单位", 2023)).ok).toBe(true);
  });
});

describe("the form", () => {
  const convertWith = (path: string, raw: string) => fromFormDocument(setAt(toFormDocument(reference()), path, raw));

  it.each<[string, string, string | null]>([
    ["income.total", "9999999.999999", null],
    ["income.total", "9,999,999.999999", null],
    ["income.total", "９９９９９９９．９９９９９９", null],
    ["income.total", "10000000", M.amountTooLarge],
    ["income.total", "１０，０００，０００", M.amountTooLarge],
    ["income.total", "10000000.000001", M.amountTooLarge],
    ["income.total", HUGE, M.amountTooLarge],
    ["income.total", "0.0000001", M.amountDecimals],
    ["income.total", "-1", M.negative],
    ["income.total", "Inf", M.notNumber],
    ["income.total", "Infinity", M.notNumber],
    ["income.total", "∞", M.notNumber],
    ["income.total", "NaN", M.notNumber],
    ["income.total", "1e5", M.notNumber],
    ["income.total", "１ｅ５", M.notNumber],
    ["carryover", "-9999999.999999", null],
    ["carryover", "-10000000", M.amountTooLarge],
    ["selfScore", "1000.5", M.scoreRange],
    ["targets.indicators[0].score", "-1", M.negative],
    ["targets.indicators[0].weightPct", "1000.000001", M.percentRange],
  ])("%s = %j → %j", (path, raw, message) => {
    const result = convertWith(path, raw);
    expect(result.errors).toEqual(message ? { [path]: message } : {});
    expect(result.document === null).toBe(message !== null);
  });

  it("agrees with the schema on every value it accepts", () => {
    for (const raw of ["9999999.999999", "0.000001", "-0", "007.5", "1,286.40", "５７５．６５"]) {
      const r = parseDecimalField(raw, "amount");
      expect(r.error).toBeUndefined();
      expect(decimalProblem(r.value!, "amount")).toBeNull();
    }
  });
});

describe("the importer", () => {
  it.each<[string, string, string | null]>([
    ["9999999.999999", "万元", "9999999.999999"],
    ["10000000", "万元", null],
    [HUGE.slice(0, 15), "万元", null],
    ["99999999999.99", "元", "9999999.999999"],
    ["100000000000", "元", null],
    ["999.9999999999", "亿元", "9999999.999999"],
    ["1000", "亿元", null],
    ["-10000000", "万元", null],
    // too many decimals are kept here (with the extractor's warning) and dropped at the end
    ["1.1234567", "万元", "1.1234567"],
  ])("toWan(%j, %s) = %j", (n, unit, wan) => expect(toWan(n, unit)).toBe(wan));

  it("reads full-width digits, then applies the same bound", () => {
    expect(toWan(normalizeNumerals("９９９９９９９．９９９９９９"), "万元")).toBe("9999999.999999");
    expect(toWan(normalizeNumerals("１００００００００"), "万元")).toBeNull();
  });

  it.each<[string, string | null, string | null]>([
    ["年初预算９９９９９９９．９９９９９９万元", "9999999.999999", null],
    ["年初预算99,999,999,999.99元", "9999999.999999", null],
    ["年初预算１０００００００万元", null, "年初预算数值无法识别或过大，已忽略"],
    ["年初预算999.9999999999亿元", "9999999.999999", null],
    ["年初预算1.23456789元", null, "年初预算的数值0.000123456789无法保存（金额最多6位小数），已忽略"],
    ["年初预算455.6700001万元", null, "年初预算的数值455.6700001无法保存（金额最多6位小数），已忽略"],
    [`年初预算${HUGE}万元`, null, "数值无法识别或过大，已忽略"],
  ])("a report stating %s imports initialBudget %j", (stated, value, warning) => {
    const result = parseReportText(FIXTURE.replaceAll("年初预算455.67万元", stated));
    expect(result.ok).toBe(true);
    expect(result.document.income.initialBudget).toBe(value);
    expect(validateReport(result.document).ok).toBe(true);
    if (warning) expect(result.warnings.map((w) => w.message).join("\n")).toContain(warning);
    if (!value) expect(result.sources["income.initialBudget"]).toBeUndefined();
  });

  it("drops every figure beyond the limits, in place, with a warning each", () => {
    const doc = reference();
    doc.income.total = "-5";
    doc.selfScore = "1286.40";
    doc.targets.indicators[1].weightPct = "84810111";
    doc.expenditure.lines[0].final = "0.12345678";
    const dropped = dropOutOfRangeNumbers(doc);
    expect(dropped.map((d) => d.path).sort()).toEqual(["expenditure.lines[0].final", "income.total", "selfScore", "targets.indicators[1].weightPct"]);
    expect(dropped.find((d) => d.path === "selfScore")!.message).toBe("自评得分的数值1286.40无法保存（得分超出合理范围（0至1000）），已忽略");
    expect([doc.income.total, doc.selfScore, doc.targets.indicators[1].weightPct, doc.expenditure.lines[0].final]).toEqual([null, null, null, null]);
    expect(validateReport(doc).ok).toBe(true);
    expect(dropOutOfRangeNumbers(doc)).toEqual([]);
  });

  it("JSON import refuses out-of-range figures, naming the field", () => {
    const json = (doc: unknown) => JSON.stringify(doc);
    const cases: Array<[string, unknown, string]> = [
      ["income.total", "-1", "不能为负数"],
      ["income.total", "0.1234567", "金额最多6位小数"],
      ["income.total", HUGE, L.amountTooLarge],
      ["selfScore", "Inf", "请输入数字"],
      ["expenditure.lines[0].final", "1e5", "请输入数字"],
      ["targets.indicators[0].weightPct", "-3", "不能为负数"],
    ];
    for (const [path, value, message] of cases) {
      const result = parseInterchangeJson(json(setAt(reference(), path, value)));
      expect(result.ok, path).toBe(false);
      expect(result.error).toContain(message);
      expect(result.error).toContain(path);
    }
    // 1e400 in JSON is Infinity: not a count.
    const result = parseInterchangeJson(json(reference()).replace('"retired":6', '"retired":1e400'));
    expect(result.ok).toBe(false);
    expect(parseInterchangeJson(json(reference())).ok).toBe(true);
  });
});

describe("metrics at the bound", () => {
  it("the largest amounts derive exact 分 and finite ratios", () => {
    const doc = reference();
    doc.income = { initialBudget: "0.000001", adjustedBudget: "0.000001", total: MAX_AMOUNT, fiscal: MAX_AMOUNT };
    doc.expenditure = { total: MAX_AMOUNT, lines: [{ code: "2012901", name: "行政运行", budget: MAX_AMOUNT, final: MAX_AMOUNT }] };
    const metrics = computeMetrics(doc, checkReport(doc));
    expect(metrics.expenditureFen).toBe(MAX_AMOUNT_FEN);
    expect(metrics.classAmounts).toEqual({ "201": MAX_AMOUNT_FEN });
    expect(metrics.executionRate).toBe(9_999_999_999_999);
    expect(Number.isFinite(metrics.deviation)).toBe(true);
  });

  it("never stores Infinity, nor an amount it would have to round", () => {
    const doc = reference();
    doc.income.adjustedBudget = "0.000001";
    doc.expenditure.total = HUGE; // not a valid document: metrics are defensive all the same
    doc.income.initialBudget = "0.1234567";
    const metrics = computeMetrics(doc, []);
    expect(metrics.expenditureFen).toBeNull();
    expect(metrics.initialBudgetFen).toBeNull();
    expect(metrics.executionRate).toBeNull();
  });
});

describe("the data generator", () => {
  const plan = planProvince({ counties: 1, units: 4, years: 1, lastYear: 2024, seed: 7 });
  const county = plan.counties[0];
  const ctx = { campaign: () => ({ settings: campaignFor(plan, county, 2024).settings, deadline: null }), previousScores: () => new Map<string, string>() };

  it("writes its generated documents (they are within the limits)", () => {
    const { reports } = planCountyYear(plan, county, 2024);
    expect(prepareReportBatch(reports, [], ctx).reports).toBe(reports.length);
  });

  it("refuses a document beyond the limits", () => {
    const { reports } = planCountyYear(plan, county, 2024);
    reports[1].docs[reports[1].draft].document.income.total = "10000000";
    expect(() => prepareReportBatch(reports, [], ctx)).toThrow(/收入合计：金额超出上限/);
  });
});
