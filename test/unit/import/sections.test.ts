import { describe, expect, it } from "vitest";
import { findSection, parseHeading, sectionText, splitSections } from "~/domain/import/sections";

describe("heading parser", () => {
  it.each([
    ["一、部门（单位）基本情况", 1, "一", "部门（单位）基本情况", ""],
    ["十二、其他", 1, "十二", "其他", ""],
    ["（一）收入情况。泸县总工会全年收入…", 2, "一", "收入情况", "泸县总工会全年收入…"],
    ["(三)人员概况：核定编制24名", 2, "三", "人员概况", "核定编制24名"],
    ["1.履职效能。开展专题法律讲堂5场次", 3, "1", "履职效能", "开展专题法律讲堂5场次"],
    ["2、预算管理", 3, "2", "预算管理", ""],
    ["（1）项目决策。根据年初预算…", 3, "1", "项目决策", "根据年初预算…"],
    [
      "1.一般公共服务（类）群众团体事务（款）行政运行（项）2012901：支出决算为186.84万元，完成预算100%。",
      3,
      "1",
      "",
      "一般公共服务（类）群众团体事务（款）行政运行（项）2012901：支出决算为186.84万元，完成预算100%。",
    ],
  ])("%s", (text, level, marker, title, body) => {
    expect(parseHeading(text)).toEqual({ level, marker, title, body });
  });

  it.each([["1.5万元用于采购"], ["2023年度泸县总工会"], ["附表：自评表"], ["常年项目绩效分析。该类项目总数9个"]])(
    "%s is not a heading",
    (text) => {
      expect(parseHeading(text)).toBeNull();
    }
  );
});

describe("section splitter", () => {
  const lines = [
    "2023年部门预算绩效评价报告",
    "一、基本情况",
    "（一）机构组成。泸县总工会是一级预算单位。",
    "正文一",
    "二、收支情况",
    "（一）收入情况。",
    "1.小项",
    "正文二",
    "（二）支出情况。",
    "附表：自评表",
    "注：说明",
  ].map((text, i) => ({ line: i + 1, text }));
  const outline = splitSections(lines);

  it("nests 一、 / （一） / 1. and keeps the title lines apart", () => {
    expect(outline.preamble.map((p) => p.text)).toEqual(["2023年部门预算绩效评价报告"]);
    expect(
      outline.sections.map((s) => [s.heading.title, s.children.map((c) => [c.heading.title, c.children.map((g) => g.heading.title)])])
    ).toEqual([
      ["基本情况", [["机构组成", []]]],
      [
        "收支情况",
        [
          ["收入情况", ["小项"]],
          ["支出情况", []],
        ],
      ],
    ]);
    expect(outline.sections[1].children[0].children[0].paragraphs.map((p) => p.text)).toEqual(["正文二"]);
  });

  it("stops the narrative at 附表", () => {
    expect(outline.appendix.map((p) => p.line)).toEqual([10, 11]);
  });

  it("gives a section's text as written, sub-sections included", () => {
    const text = (line: number) => lines[line - 1].text;
    expect(sectionText(outline.sections[0], text)).toBe("（一）机构组成。泸县总工会是一级预算单位。\n正文一");
    expect(sectionText(outline.sections[0].children[0], text)).toBe("泸县总工会是一级预算单位。\n正文一");
  });

  it("finds a section anywhere in the tree", () => {
    expect(findSection(outline.sections, (h) => h.title === "小项")?.line).toBe(7);
    expect(findSection(outline.sections, (h) => h.title === "无")).toBeNull();
  });
});
