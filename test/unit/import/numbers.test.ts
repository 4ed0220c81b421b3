import { describe, expect, it } from "vitest";
import {
  cellNumber,
  cleanDecimal,
  normalizeNature,
  normalizeNumerals,
  splitLeadingComparator,
  toCount,
  toWan,
} from "~/domain/import/numbers";

describe("numerals", () => {
  it.each([
    ["收入1,286.40万元", "收入1286.40万元"],
    ["12,864,500元", "12864500元"],
    ["１２３．４５万元，完成预算１００％", "123.45万元，完成预算100%"],
    ["１，２８６．４０万元", "1286.40万元"],
    ["135，220元", "135220元"],
    // A full-width comma between counts is a list, not a thousands separator.
    ["共3，200人", "共3，200人"],
    ["偏离度为－4.06%", "偏离度为-4.06%"],
    ["1—12月", "1—12月"],
    ["行政编制6名，事业编制18名。", "行政编制6名，事业编制18名。"],
  ])("%s → %s", (input, output) => expect(normalizeNumerals(input)).toBe(output));
});

describe("decimals and amounts", () => {
  it.each([
    ["9.30", "9.30"],
    ["007", "7"],
    ["-0.00", "0.00"],
    ["-4.06", "-4.06"],
    ["1e5", null],
    ["1234567890123456", null],
    ["", null],
  ])("cleanDecimal(%j) = %j", (input, output) => expect(cleanDecimal(input)).toBe(output));

  it.each([
    ["575.65", "万元", "575.65"],
    ["135220", "元", "13.522"],
    ["0", "元", "0"],
    ["1.5", "亿元", "15000"],
    ["abc", "万元", null],
  ])("%s %s → %s 万元", (n, unit, wan) => expect(toWan(n, unit)).toBe(wan));

  it.each([
    ["24", 24],
    ["0", 0],
    ["10000001", null],
    ["99999999999999999999", null],
  ])("count %s → %j", (input, output) => expect(toCount(input)).toBe(output));

  it.each([
    ["20%", "20"],
    [" １０％ ", "10"],
    ["93.4分", "93.4"],
    ["1,286.40", "1286.40"],
    ["优", null],
    ["10%~20%", null],
    ["", null],
  ])("cell %j → %j", (input, output) => expect(cellNumber(input)).toBe(output));
});

describe("indicator nature", () => {
  it.each([
    ["≥", "≥"],
    [">=", "≥"],
    ["＞＝", "≥"],
    ["> =", "≥"],
    ["大于等于", "≥"],
    ["不低于", "≥"],
    ["不少于", "≥"],
    ["≤", "≤"],
    ["<=", "≤"],
    ["＜＝", "≤"],
    ["小于等于", "≤"],
    ["不高于", "≤"],
    ["不超过", "≤"],
    ["＝", "="],
    ["定性", "定性"],
    [" 定性 ", "定性"],
    // Unknown natures stay as written so the rules engine can flag them.
    ["满意率", "满意率"],
    [">", ">"],
    ["大于", "大于"],
  ])("%j → %j", (input, output) => expect(normalizeNature(input)).toBe(output));

  it.each([
    ["≥98%", ["≥", "98%"]],
    ["不低于 95", ["≥", "95"]],
    ["<=100", ["≤", "100"]],
    ["98", null],
  ])("splits a comparator written before the target: %j", (input, output) => expect(splitLeadingComparator(input)).toEqual(output));
});
