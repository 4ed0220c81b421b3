import { describe, expect, it } from "vitest";
import { canonical, dec, fenToWan, formatAmount, halfUnit, ratio, sum, toPercent, wanToFen, yuanToWan } from "~/domain/money";

describe("money", () => {
  it.each([
    ["575.65", "0.005"],
    ["93.4", "0.05"],
    ["26", "0.5"],
    ["0.000001", "0.0000005"],
  ])("half unit of %s is %s", (value, expected) => {
    expect(canonical(halfUnit(value))).toBe(expected);
  });

  it("sums exactly where floats do not", () => {
    expect(canonical(sum(["0.1", "0.2"]))).toBe("0.3");
    expect(canonical(sum(["186.84", "283.79", "46.19", "6.12", "0.78", "4.28", "9.3", "3.72", "34.64"]))).toBe("575.66");
  });

  it.each([
    ["135220", "13.522"],
    ["0", "0"],
    ["1", "0.0001"],
  ])("converts %s 元 to %s 万元", (yuan, wan) => expect(yuanToWan(yuan)).toBe(wan));

  it("stores 万元 as integer 分 and back", () => {
    expect(wanToFen("575.65")).toBe(575_650_000n);
    expect(wanToFen("0.000001")).toBe(1n);
    expect(fenToWan(575_650_000n)).toBe("575.65");
    expect(() => wanToFen("0.0000001")).toThrow(RangeError);
    expect(() => wanToFen("abc")).toThrow(RangeError);
  });

  it("treats a zero or absent denominator as undefined, never Infinity", () => {
    expect(ratio(dec("1"), dec("0"))).toBeNull();
    expect(ratio(dec("1"), null)).toBeNull();
    expect(toPercent(ratio(dec("119.98"), dec("455.67")))).toBe("26.33");
  });

  it("rounds half-up for display", () => {
    expect(formatAmount("2.675")).toBe("2.68");
    expect(formatAmount("1286.4")).toBe("1,286.40");
    expect(formatAmount("-1234567.891")).toBe("-1,234,567.89");
    expect(formatAmount(null)).toBe("—");
  });

  it("rejects malformed decimals", () => {
    expect(dec("1e5")).toBeNull();
    expect(dec("NaN")).toBeNull();
    expect(dec("")).toBeNull();
  });
});
