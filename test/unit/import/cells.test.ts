import { describe, expect, it } from "vitest";
import { tokenize } from "~/domain/import/cells";

const texts = (input: string) => tokenize(input.split("\n")).tables.map((t) => t.rows.map((r) => r.cells.map((c) => c.text)));

describe("table tokenizer", () => {
  it("reads one cell per TAB line, a blank line ending the row", () => {
    expect(texts("\t资金总额\n\t财政拨款\n\n\t575.65\n\t0\n")).toEqual([
      [
        ["资金总额", "财政拨款"],
        ["575.65", "0"],
      ],
    ]);
  });

  it("keeps a lone TAB as an empty (merged) cell", () => {
    expect(texts("\t\n\t产出指标\n\t\n\t20%\n")).toEqual([[["", "产出指标", "", "20%"]]]);
  });

  it("appends a line without a TAB to the cell above, without a space between Chinese", () => {
    expect(texts("\t年度总体\n目标\n\t内容\n")).toEqual([[["年度总体目标", "内容"]]]);
    expect(texts("\tTotal\nfunds\n")).toEqual([[["Total funds"]]]);
  });

  it("splits a line holding several TABs into several cells", () => {
    expect(texts("\t一级指标\t二级指标\n")).toEqual([[["一级指标", "二级指标"]]]);
  });

  it("ends the table at text that follows a closed row, which stays outside", () => {
    const result = tokenize(["正文", "\t表头", "", "", "注：说明", "\t第二张表"]);
    expect(result.tables.map((t) => [t.startLine, t.endLine])).toEqual([
      [2, 2],
      [6, 6],
    ]);
    expect(result.outside).toEqual([
      { line: 1, text: "正文" },
      { line: 5, text: "注：说明" },
    ]);
  });

  it("ends the table at a second blank line", () => {
    expect(texts("\t甲\n\n\t乙\n\n\n\t丙\n")).toEqual([[["甲"], ["乙"]], [["丙"]]]);
  });

  it("records the 1-based line of each cell and row", () => {
    const [table] = tokenize(["标题", "\t部门名称", "\t总工会", "", "\t第二行"]).tables;
    expect(table.rows.map((r) => [r.line, r.cells.map((c) => c.line)])).toEqual([
      [2, [2, 3]],
      [5, [5]],
    ]);
  });

  it.each([[""], ["\n\n\n"], ["没有表格的一段话"]])("finds no table in %j", (input) => {
    expect(tokenize(input.split("\n")).tables).toEqual([]);
  });
});
