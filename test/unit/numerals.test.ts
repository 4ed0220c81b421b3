/**
 * numerals.ts is the one reader of written numbers: the report form, the import's cells and
 * captured figures, indicator targets and the rule thresholds all go through it. The cases
 * below are mostly ones only one of the former parsers (formDocument.ts's, import/numbers.ts's,
 * indicatorMath's, settings' Number()) read; now every caller reads them alike.
 */
import { describe, expect, it } from "vitest";
import { parseDecimalField, parseIntegerField } from "~/domain/formDocument";
import { cellNumber, cleanDecimal, normalizeNumerals, toCount } from "~/domain/import/numbers";
import { canonical } from "~/domain/money";
import { foldNumeral, readCount, readDecimal } from "~/domain/numerals";
import { DEFAULT_RULE_SETTINGS, indicatorNumber, ruleSettingsSchema } from "~/domain/rules";

describe("readDecimal", () => {
  it.each<[string, string | null]>([
    ["575.65", "575.65"], ["  5 7 5 . 6 5 ", "575.65"], ["１２３．４５", "123.45"], ["\u3000１２３\u3000", "123"],
    // thousands separators, ASCII or full-width, when every group is well formed
    ["1,286.40", "1286.40"], ["1，286．40", "1286.40"], ["１，２８６．４０", "1286.40"], ["12,864,500", "12864500"], ["-1,234.5", "-1234.5"],
    // decimals as written; the dot, zeros and a plus sign tidied
    ["9.30", "9.30"], ["007.5", "7.5"], ["5.", "5"], [".5", "0.5"], ["+5", "5"], ["＋５", "5"], ["-0", "0"], ["-0.00", "0.00"],
    // minus signs
    ["－５０．０３", "-50.03"], ["\u221250.03", "-50.03"], ["\u201250.03", "-50.03"], ["\u201350.03", "-50.03"], ["\uFE6350.03", "-50.03"],
    // not one number
    ["", null], ["-", null], [".", null], ["-.", null], ["1,28", null], ["1,2345", null], ["12.3.4", null],
    ["1e5", null], ["Infinity", null], ["0x10", null], ["NaN", null], ["优", null], ["10%~20%", null], ["1—12", null],
    // a unit only where the caller allows it
    ["98%", null], ["575.65万元", null],
  ])("%j → %j", (raw, expected) => expect(readDecimal(raw)).toBe(expected));

  it.each<[string, string[], string | null]>([
    ["98%", ["%"], "98"], ["９８％", ["%"], "98"], ["-3.5％", ["%"], "-3.5"], ["93.4分", ["%", "分"], "93.4"],
    ["1,286.40万元", ["万元", "元"], "1286.40"], ["135220元", ["万元", "元"], "135220"],
    ["2023年度", ["年度", "年"], "2023"], ["2023年", ["年度", "年"], "2023"],
    ["%", ["%"], null], ["98%%", ["%"], null], ["98分", ["%"], null], // one allowed unit, once
  ])("%j with units %j → %j", (raw, units, expected) => expect(readDecimal(raw, units)).toBe(expected));

  it("folds without judging", () => {
    expect(foldNumeral("１，２８６．４０")).toBe("1286.40");
    expect(foldNumeral("1,28")).toBe("1,28");
    expect(foldNumeral(" + 98 % ", ["%"])).toBe("98");
    expect(foldNumeral("98万元", ["元", "万元"])).toBe("98"); // the longest unit that fits
  });

  it("reads a huge numeral without backtracking", () => {
    expect(readDecimal(`${"1".repeat(200_000)}x`)).toBeNull();
    expect(readDecimal(`${"1,111".repeat(50_000)}`)).toBeNull();
    expect(readDecimal("0".repeat(200_000))).toBe("0");
  });
});

describe("readCount", () => {
  it.each<[string, number | string]>([
    ["24", 24], ["０７", 7], [" 1,200 ", 1200], ["１，２００", 1200], ["+3", 3], ["5.", 5], ["-0", 0], ["10000000", 10_000_000],
    ["10000001", "tooLarge"], ["99999999999999999999", "tooLarge"], ["5.0", "notInteger"], ["-5", "negative"], ["abc", "notNumber"], ["", "notNumber"],
  ])("%j → %j", (raw, expected) => expect(readCount(raw)).toBe(expected));
});

describe("the import reads what only the form read before", () => {
  it.each<[string, string | null]>([
    ["+5", "5"], ["5.", "5"], [".5", "0.5"], ["．５", "0.5"],
    ["3，200", "3200"], // one cell holds one number: the full-width comma groups it
    ["1，286.40元", "1286.40"], ["\u20134.06%", "-4.06"], ["\u2212 4.06 %", "-4.06"], ["1,28", null],
    ["1234567890123456", null], ["1.12345678901", null], // the import's digit caps stay
  ])("cell %j → %j", (cell, expected) => expect(cellNumber(cell)).toBe(expected));

  it.each<[string, string | null]>([
    ["1,234", "1234"], ["+5", "5"], ["１２", "12"], ["1234567890123456", null], ["1.12345678901", null],
  ])("cleanDecimal(%j) = %j", (raw, expected) => expect(cleanDecimal(raw)).toBe(expected));

  it("reads the form's minus signs in running text too", () => {
    expect(normalizeNumerals("偏离度为\u20134.06%，\u20125万元")).toBe("偏离度为-4.06%，-5万元");
    expect(normalizeNumerals("1\u201312月")).toBe("1-12月"); // a range stays two numbers: NUMBER's lookbehind
  });

  it.each<[string, number | null]>([["1,200", 1200], ["０７", 7], ["-3", null], ["2.5", null]])("count %j → %j", (raw, expected) => expect(toCount(raw)).toBe(expected));
});

describe("the form", () => {
  it("reads the small minus (﹣) the import named, and a year written with a leading zero", () => {
    expect(parseDecimalField("\uFE6350.03", "signedAmount")).toEqual({ value: "-50.03" });
    expect(parseIntegerField("02023", "year")).toEqual({ value: 2023 });
  });
  it("still takes no unit a field cannot state", () => {
    expect(parseDecimalField("93.4分", "score").error).toBeDefined();
    expect(parseDecimalField("135220元", "amount").error).toBeDefined();
    expect(parseDecimalField("98%", "amount").error).toBeDefined();
  });
});

describe("indicator targets and actuals read as every other number", () => {
  it.each<[string, string | null, string | null]>([
    ["5.", null, "5"], [".5", null, "0.5"], ["+5", null, "5"], ["≥+5", null, "5"], ["\u22125", null, "-5"],
    ["１，２００", null, "1200"], ["≥ 98 ％", "%", "98"], ["98%", "个", "98"], ["1e5", null, null],
  ])("%j (%s) → %j", (text, unit, expected) => {
    const n = indicatorNumber(text, unit);
    expect(n ? canonical(n) : null).toBe(expected);
  });
});

describe("rule thresholds read as every other number", () => {
  it("accepts full-width digits and blanks", () => {
    const parsed = ruleSettingsSchema.parse({ ...DEFAULT_RULE_SETTINGS, deviationPct: "１５", executionPct: " 8 5 " });
    expect(parsed.deviationPct).toBe(15);
    expect(parsed.executionPct).toBe(85);
  });
  it.each(["1e1", "0x10", "Infinity"])("rejects %j as not a number", (raw) => {
    const result = ruleSettingsSchema.safeParse({ ...DEFAULT_RULE_SETTINGS, deviationPct: raw });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("偏离度阈值请输入数字");
  });
});
