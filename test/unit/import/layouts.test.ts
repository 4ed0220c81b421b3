import { describe, expect, it } from "vitest";
import { relayTables, type Relaid } from "~/domain/import/layouts";
import { parseReportText } from "~/domain/import/text";
import { fixture } from "./helpers";

const relay = (text: string) => relayTables(text.split("\n"));
const identity = (text: string): Relaid => ({ lines: text.split("\n"), origin: text.split("\n").map((_, i) => i + 1) });

/** A `.flat.txt` fixture: `<input line>:<output line>` per line. */
function expected(name: string): Relaid {
  const rows = fixture(`layouts/${name}`).replace(/\n$/, "").split("\n");
  const parsed = rows.map((row) => /^(\d+):(.*)$/s.exec(row)!);
  return { lines: parsed.map((m) => m[2]), origin: parsed.map((m) => Number(m[1])) };
}

/** Every non-blank output line says what its input line says (a cell of a row, a line of a cell). */
function expectOriginsAtTheirText(input: string, relaid: Relaid): void {
  const lines = input.split("\n");
  expect(relaid.origin).toHaveLength(relaid.lines.length);
  relaid.lines.forEach((line, i) => {
    const source = lines[relaid.origin[i] - 1];
    expect(source).toBeDefined();
    const text = line.replace(/\t/g, " ").trim();
    const said = source.replace(/\t/g, " ");
    // A cell's text has its escaped pipes (C\|D) unescaped; a paragraph is the line as written.
    if (text !== "") expect(said.includes(text) || said.replace(/\\\|/g, "|").includes(text), `${text} ← ${said}`).toBe(true);
  });
}

const indicatorTable = [
  "| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 |",
  "| 产出指标 | 数量指标 | 培训人次 | ≥ | 500 | 人次 | 520 | 30 | 30 |",
];

describe("pipe rows", () => {
  it("writes each row's cells as cell lines, all pointing at the row's line", () => {
    expect(relay("说明\n产出指标 | 数量指标 | 培训人次 | ≥ | 500 | 人次 | 520 | 10 | 10 |\n| | 质量指标 | 合格率 |")).toEqual({
      lines: ["说明", "\t产出指标", "\t数量指标", "\t培训人次", "\t≥", "\t500", "\t人次", "\t520", "\t10", "\t10", "", "\t", "\t质量指标", "\t合格率", "", ""],
      origin: [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3],
    });
  });

  it("keeps an empty last cell between border pipes, and drops markdown separator lines", () => {
    expect(relay("| a | b | |\n|---|:-:|---|\n| c | | d |").lines).toEqual(["\ta", "\tb", "\t", "", "\tc", "\t", "\td", "", ""]);
  });

  it("reads an escaped pipe as text", () => {
    expect(relay("| C\\|D 类 | 2 | 3 |").lines).toEqual(["\tC|D 类", "\t2", "\t3", "", ""]);
  });

  it("ends the table at its 合计 row: the rows after it are a table of their own", () => {
    const lines = relay([...indicatorTable, "| 合计 | 30 | 30 |", "| 填报人 | 张三 |"].join("\n")).lines;
    expect(lines.slice(-9)).toEqual(["\t合计", "\t30", "\t30", "", "", "\t填报人", "\t张三", "", ""]);
  });

  it("does not end a table at a 合计 right under its header, as 决算 tables put it first", () => {
    const lines = relay("| 科目 | 决算数 |\n| 合计 | 575.65 |\n| 2012901 行政运行 | 186.84 |").lines;
    expect(lines.filter((l) => l === "")).toHaveLength(4); // three row ends, one table end
  });

  it("takes two cells between border pipes for a row", () => {
    expect(relay("| 部门名称 | 泸县总工会 |").lines).toEqual(["\t部门名称", "\t泸县总工会", "", ""]);
  });

  it("leaves lines with one pipe between two words alone (breadcrumbs, titles)", () => {
    expect(relay("首页 | 通知公告\n红河州数据发展中心｜预算绩效管理")).toEqual(identity("首页 | 通知公告\n红河州数据发展中心｜预算绩效管理"));
  });

  it("gives the fixture's flattened lines", () => {
    const input = fixture("layouts/pipe-rows.txt");
    expect(relay(input)).toEqual(expected("pipe-rows.flat.txt"));
    expectOriginsAtTheirText(input, relay(input));
  });
});

describe("one cell per line ending ` |`", () => {
  it("rebuilds rows from the header run's width, a lone | being an empty cell", () => {
    const input = ["一级指标 |", "二级指标 |", "三级指标 |", "权重 |", "得分 |", "产出指标 |", "数量指标 |", "培训人次 |", "10 |", "|"].join("\n");
    expect(relay(input)).toEqual({
      lines: ["\t一级指标", "\t二级指标", "\t三级指标", "\t权重", "\t得分", "", "\t产出指标", "\t数量指标", "\t培训人次", "\t10", "\t", "", ""],
      origin: [1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10, 10, 10],
    });
  });

  it("starts a row at a label, so rows that omit their merged cells keep their own width", () => {
    const header = ["一级指标 |", "二级指标 |", "三级指标 |", "权重 |", "得分 |"];
    const rows = ["产出指标 |", "数量指标 |", "甲 |", "10 |", "10 |", "乙 |", "20 |", "18 |", "质量指标 |", "丙 |", "30 |", "30 |"];
    const cells = relay([...header, ...rows].join("\n")).lines.slice(6);
    expect(cells).toEqual(["\t产出指标", "\t数量指标", "\t甲", "\t10", "\t10", "", "\t乙", "\t20", "\t18", "", "\t质量指标", "\t丙", "\t30", "\t30", "", ""]);
  });

  it("keeps the merged block slots of a full row (年度绩效指标) and takes its caption as their header", () => {
    const input = ["年度绩效指标 |", "一级指标 |", "二级指标 |", "三级指标 |", "得分 |", "|", "产出指标 |", "数量指标 |", "甲 |", "10 |", "|", "|", "质量指标 |", "乙 |", "8 |"];
    expect(relay(input.join("\n")).lines).toEqual([
      ...["\t年度绩效指标", "\t一级指标", "\t二级指标", "\t三级指标", "\t得分", ""],
      ...["\t", "\t产出指标", "\t数量指标", "\t甲", "\t10", ""],
      ...["\t", "\t", "\t质量指标", "\t乙", "\t8", "", ""],
    ]);
  });

  it("writes a cell's earlier lines (without the pipe) as its continuation lines", () => {
    const input = ["一级指标 |", "三级指标 |", "权重 |", "产出指标 |", "参训职工技能", "提升情况 |", "10 |"].join("\n");
    expect(relay(input)).toEqual({
      lines: ["\t一级指标", "\t三级指标", "\t权重", "", "\t产出指标", "\t参训职工技能", "提升情况", "\t10", "", ""],
      origin: [1, 2, 3, 3, 4, 5, 6, 7, 7, 7],
    });
  });

  it("ends the table at its 合计 row, which takes only the figures after it; what follows is paragraphs", () => {
    const input = ["一级指标 |", "三级指标 |", "权重 |", "得分 |", "产出指标 |", "甲 |", "10 |", "9 |", "合计 |", "10 |", "9 |", "评价结论 |", "良好 |", "|"];
    expect(relay(input.join("\n")).lines.slice(10)).toEqual(["\t合计", "\t10", "\t9", "", "", "评价结论", "良好"]);
  });

  it("ends a table without a 合计 at a row holding no figure and no label", () => {
    const input = ["一级指标 |", "三级指标 |", "权重 |", "产出指标 |", "甲 |", "10 |", "项目负责人: |", "财务负责人: |", "王五 |"];
    expect(relay(input.join("\n")).lines.slice(8)).toEqual(["", "项目负责人:", "财务负责人:", "王五"]);
  });

  it("makes the cells outside any table paragraphs, and leaves a lone cell line alone", () => {
    expect(relay("项目名称 |\n职工培训 |\n|\n主管部门 |").lines).toEqual(["项目名称", "职工培训", "主管部门"]);
    expect(relay("正文\n只有一行以竖线结尾 |\n正文")).toEqual(identity("正文\n只有一行以竖线结尾 |\n正文"));
  });

  it("reads the next form on the page as a new table, its caption not the last cell of the row before", () => {
    const input = fixture("layouts/bar-cells.txt");
    const { lines, origin } = relay(input);
    const caption = lines.indexOf("绩效指标(90分)");
    expect(lines.slice(caption - 3, caption + 2)).toEqual(["\t", "", "", "绩效指标(90分)", "\t一级指标"]);
    expect(origin[caption]).toBe(38);
  });

  it("gives the fixtures' flattened lines (synthetic, and the real Sichuan project form)", () => {
    for (const [input, output] of [
      [fixture("layouts/bar-cells.txt"), "bar-cells.flat.txt"],
      [fixture("real/01-qingshen-fagaiju-2023.txt"), "01-qingshen-fagaiju-2023.flat.txt"],
    ]) {
      expect(relay(input)).toEqual(expected(output));
      expectOriginsAtTheirText(input, relay(input));
    }
  });

  it("lets the parser read the real 01 form's indicators as its reviewer does (.facts.md)", () => {
    const text = fixture("real/01-qingshen-fagaiju-2023.txt").replace(/^# source:.*\n/, "");
    const r = parseReportText(text);
    expect(r.document.targets.indicators).toStrictEqual([
      { level1: "产出指标", level2: "数量指标", name: "发放(缴纳)覆盖率", nature: "=", target: "100", unit: "%", weightPct: "60", actual: "", score: null },
      { level1: "效益指标", level2: "社会效益指标", name: "足额保障率(参保率)", nature: "=", target: "100", unit: "%", weightPct: "30", actual: "", score: null },
    ]);
    // Sources point at the lines the user sees: 60 is line 86 of the file, 85 without the source line.
    expect(r.sources["targets.indicators[0].weightPct"]).toEqual({ line: 85, text: "60" });
    expect(r.sources["targets.indicators[1].level1"]).toEqual({ line: 88, text: "效益指标" });
  });
});

describe("aligned columns", () => {
  it("places each cell under its header, merged cells becoming empty slots", () => {
    const input = ["一级指标  三级指标  权重  得分", "产出指标  甲        10    9", "          乙        20    18"].join("\n");
    expect(relay(input)).toEqual({
      lines: [
        ...["\t一级指标", "\t三级指标", "\t权重", "\t得分", ""],
        ...["\t产出指标", "\t甲", "\t10", "\t9", ""],
        ...["\t", "\t乙", "\t20", "\t18", "", ""],
      ],
      origin: [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3],
    });
  });

  it("keeps an empty cell in the middle of a row in its column (定性 without a unit)", () => {
    const input = ["三级指标  度量单位  权重  完成值", "满意度    %         10    98", "技能提升            10    良"].join("\n");
    expect(relay(input).lines.slice(10)).toEqual(["\t技能提升", "\t", "\t10", "\t良", "", ""]);
  });

  it("gives a row label left of the first header a column of its own", () => {
    const input = ["                  年初预算数  全年预算数  全年执行数", "年度资金总额：    880         880         880", "  其中：财政拨款   880         880         870"].join("\n");
    expect(relay(input).lines).toEqual([
      ...["\t", "\t年初预算数", "\t全年预算数", "\t全年执行数", ""],
      ...["\t年度资金总额：", "\t880", "\t880", "\t880", ""],
      ...["\t其中：财政拨款", "\t880", "\t880", "\t870", "", ""],
    ]);
  });

  it("writes a row whose cells collide under one header as written", () => {
    const input = ["一级指标      三级指标      权重", "产出指标 甲 乙  丙  10"].join("\n");
    expect(relay(input).lines.slice(4)).toEqual(["\t产出指标 甲 乙", "\t丙", "\t10", "", ""]);
  });

  it("ends the table at a line that is not a row, and leaves lines without a header line alone", () => {
    const input = "一级指标  三级指标  权重\n产出指标  甲        10\n注：以上为全部指标，共计一项，权重合计十分。\n单位：万元  日期：2024年";
    const { lines } = relay(input);
    expect(lines.slice(-2)).toEqual(["注：以上为全部指标，共计一项，权重合计十分。", "单位：万元  日期：2024年"]);
  });

  it("gives the fixtures' flattened lines, in display width and in characters", () => {
    for (const name of ["aligned", "aligned-chars"]) {
      const input = fixture(`layouts/${name}.txt`);
      expect(relay(input)).toEqual(expected(`${name}.flat.txt`));
      expectOriginsAtTheirText(input, relay(input));
    }
  });
});

describe("TAB rows (a spreadsheet's copy)", () => {
  it("ends each row of two or more TAB-separated lines with a blank line", () => {
    const input = fixture("layouts/tab-rows.txt");
    expect(relay(input)).toEqual(expected("tab-rows.flat.txt"));
    expectOriginsAtTheirText(input, relay(input));
  });

  it("leaves TABs the flattened format puts side by side alone: one row line, or cell lines among them", () => {
    for (const text of ["\t一级指标\t二级指标\n\n", "\t一级指标\t二级指标\n\t三级指标\n\n", "\t甲\n\t乙\t丙\n\t丁\t戊\n\n"]) {
      expect(relay(text)).toEqual(identity(text));
    }
  });
});

describe("what is not another layout passes through unchanged", () => {
  it("is the identity on the reference report (the flattened format itself)", () => {
    const text = fixture("luxian-trade-union-2023.txt");
    expect(relay(text)).toEqual(identity(text));
  });

  it("is the identity on the other text fixtures and the real excerpts without tables in these layouts", () => {
    const names = [
      ...["budget-reduction", "explicit-budget", "fullwidth", "missing-sections", "multi-items", "natures", "stated-grade", "thousands-separators", "title-unit-year", "yuan-amounts"].map((f) => `import-${f}.txt`),
      ...["03-heshan-chengguan-2023", "07-guichi-tangxi-2022", "08-tianchang-shuiliju-2022", "10-honghe-shujuzhongxin-2024"].map((f) => `real/${f}.txt`),
    ];
    for (const name of names) expect(relay(fixture(name)), name).toEqual(identity(fixture(name)));
  });

  it("never re-reads a line continuing a cell of the flattened format", () => {
    const text = "\t说明\n甲 | 乙 | 丙\n一级指标  二级指标  三级指标\n结尾 |\n\t下一格\n\n";
    expect(relay(text)).toEqual(identity(text));
  });

  it("closes a flattened-format table left open before writing a table after it", () => {
    expect(relay("\t甲\n\n| a | b | c |").lines).toEqual(["\t甲", "", "", "\ta", "\tb", "\tc", "", ""]);
  });
});
