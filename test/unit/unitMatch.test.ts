import { describe, expect, it } from "vitest";
import { matchUnit, normalizeUnitName } from "~/domain/unitMatch";

const units = [
  { id: "1", name: "泸县总工会" },
  { id: "2", name: "泸县教育和体育局" },
  { id: "3", name: "泸县人民医院" },
  { id: "4", name: "泸县中医医院" },
  { id: "5", name: "泸县群团工作中心" },
];

describe("matchUnit", () => {
  it.each([
    [["泸县总工会"], { kind: "matched", how: "exact", unit: units[0] }],
    [["泸县 总工会"], { kind: "matched", how: "exact", unit: units[0] }],
    [["总工会"], { kind: "matched", how: "partial", unit: units[0] }],
    [[null, "泸县教育和体育局2023年度部门整体支出绩效自评报告.docx"], { kind: "matched", how: "exact", unit: units[1] }],
    [["医院"], { kind: "ambiguous", candidates: [units[2], units[3]] }],
    [["合江县交通运输局"], { kind: "none" }],
    [[""], { kind: "none" }],
  ] as const)("%j → %j", (names, expected) => {
    expect(matchUnit([...names], units)).toEqual(expected);
  });

  it("normalises full-width and brackets", () => {
    expect(normalizeUnitName("泸县总工会（本级）")).toBe("泸县总工会");
    expect(normalizeUnitName("泸县总工会 2023年度")).toBe("泸县总工会");
  });
});
