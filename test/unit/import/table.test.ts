/**
 * The indicator table read by its header, whatever the template: columns found by name in any
 * order, rows that lost merged or empty cells placed under the right columns, weights written in
 * level cells, natures and units written in the target, a table ending at its 合计 row.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Table } from "~/domain/import/cells";
import { columnOf, INDICATOR_COLUMNS } from "~/domain/import/columns";
import { ImportContext } from "~/domain/import/context";
import { writeFlat } from "~/domain/import/flat";
import { splitLeadingComparator, splitTrailingUnit } from "~/domain/import/numbers";
import { extractTable, type TableFacts } from "~/domain/import/table";
import { parseReportText } from "~/domain/import/text";
import type { Indicator } from "~/domain/report";

/** Rows of cell texts → a Table, one input line per row (lines count on from `firstLine`). */
function tableOf(rows: ReadonlyArray<ReadonlyArray<string>>, firstLine = 1): Table {
  return {
    rows: rows.map((cells, r) => ({ line: firstLine + r, cells: cells.map((text) => ({ text, line: firstLine + r })) })),
    startLine: firstLine,
    endLine: firstLine + rows.length - 1,
  };
}

type Read = { indicators: Indicator[]; facts: TableFacts; ctx: ImportContext };

/** One table of these rows, read. */
const read = (...rows: ReadonlyArray<ReadonlyArray<string>>): Read => readTables(rows);

function readTables(...tables: ReadonlyArray<ReadonlyArray<ReadonlyArray<string>>>): Read {
  const ctx = new ImportContext([]);
  let line = 1;
  const facts = extractTable(
    ctx,
    tables.map((rows) => {
      const t = tableOf(rows, line);
      line += rows.length + 1;
      return t;
    })
  );
  return { indicators: ctx.document.targets.indicators, facts, ctx };
}

/** An indicator as a tuple, for compact expectations. */
const row = (i: Indicator) => [i.level1, i.level2, i.name, i.nature, i.target, i.unit, i.weightPct, i.actual, i.score];

const SICHUAN = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "实际完成值", "得分"];
const TRAINING = ["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "10%", "120", "10"];
const TRAINING_READ = ["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "10", "120", "10"];

describe("columns found by their header text", () => {
  it("reads the same indicator whatever the order of the columns (property)", () => {
    const columns = SICHUAN.map((header, k) => [header, TRAINING[k]] as const);
    fc.assert(
      fc.property(fc.shuffledSubarray(columns, { minLength: columns.length, maxLength: columns.length }), (order) => {
        const { indicators } = read(order.map(([h]) => h), order.map(([, c]) => c));
        expect(indicators.map(row)).toEqual([TRAINING_READ]);
      }),
      { numRuns: 100 }
    );
  });

  it.each([
    ["values before names", ["权重", "得分", "实际完成值", "指标值", "三级指标", "一级指标", "二级指标"], ["10", "9", "120", "100", "培训人次", "产出指标", "数量指标"]],
    ["score first, levels last", ["得分", "三级指标", "指标值", "实际完成值", "权重", "二级指标", "一级指标"], ["9", "培训人次", "100", "120", "10", "数量指标", "产出指标"]],
  ])("%s", (_name, header, cells) => {
    expect(read(header, cells).indicators.map(row)).toEqual([["产出指标", "数量指标", "培训人次", "", "100", null, "10", "120", "9"]]);
  });

  it.each([
    ["指标值", "target"],
    ["年度指标值", "target"],
    ["绩效指标值", "target"],
    ["年度指标值（A）", "target"],
    ["完成值", "actual"],
    ["实际完成值", "actual"],
    ["实际完成指标值", "actual"],
    ["实际完成值（B）", "actual"],
    ["权重", "weight"],
    ["权重（%）", "weight"],
    ["分值", "weight"],
    ["得分", "score"],
    ["自评得分", "score"],
    ["偏差原因分析及改进措施", "reason"],
    ["未完成原因分析", "reason"],
    ["原因", "reason"],
    ["指标性质", "nature"],
    ["绩效指标性质", "nature"],
    ["度量单位", "unit"],
    ["绩效度量单位", "unit"],
    ["三级指标", "name"],
    ["指标名称", "name"],
    ["评分标准", null],
    ["年度绩效指标", null],
  ])("header %s → %s", (header, column) => {
    expect(columnOf(INDICATOR_COLUMNS, header)).toBe(column);
  });

  it.each(["性质", "单位", "实际完成数", "自评得分情况", "偏差原因：无", "实际到位资金"])("the exact vocabulary does not take %s for a header", (text) => {
    expect(columnOf(INDICATOR_COLUMNS, text)).toBeNull();
  });

  it("reads looser wordings in a row known to be the header", () => {
    const { indicators } = read(
      ["一级指标", "二级指标", "三级指标", "性质", "指标值（2023年）", "单位", "权重分", "实际完成数", "自评得分情况"],
      ["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "10", "120", "10"]
    );
    expect(indicators.map(row)).toEqual([TRAINING_READ]);
  });

  it.each([
    ["年度指标值 / 实际完成指标值 / 分值 / 自评得分", ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成指标值", "分值", "自评得分"]],
    ["绩效指标值 / 完成值 / 权重 / 得分", ["一级指标", "二级指标", "三级指标", "绩效指标值", "完成值", "权重", "得分"]],
    ["指标值 / 实际完成值 / 权重（%） / 得分", ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "权重（%）", "得分"]],
  ])("synonyms: %s read alike", (_name, header) => {
    const { indicators } = read(header, ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "10", "9"]);
    expect(indicators.map(row)).toEqual([["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "10", "120", "9"]]);
  });

  it("ignores extra columns (序号, 评分标准, 原因, 备注) wherever they are", () => {
    const { indicators, ctx } = read(
      ["序号", "一级指标", "二级指标", "三级指标", "评分标准", "指标值", "实际完成值", "权重", "得分", "偏差原因分析及改进措施", "备注"],
      ["1", "产出指标", "数量指标", "培训人次", "完成得10分", "≥100人次", "96人次", "10", "9.6", "参训人员临时出差", "无"]
    );
    expect(indicators.map(row)).toEqual([["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "10", "96", "9.6"]]);
    expect(ctx.warnings).toEqual([]);
  });

  it("reads a table without nature, unit or level columns", () => {
    const { indicators } = read(["指标名称", "指标值", "完成值", "分值", "得分"], ["培训人次", "100", "120", "10", "10"]);
    expect(indicators.map(row)).toEqual([["", "", "培训人次", "", "100", null, "10", "120", "10"]]);
  });

  it("prefers 三级指标 over a row label 绩效指标（90分） for the indicator's name", () => {
    const { indicators } = read(
      ["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"],
      ["", "产出指标", "数量指标", "发放（缴纳）覆盖率", "=", "100", "%", "100", "60", "60", ""]
    );
    expect(indicators.map(row)).toEqual([["产出指标", "数量指标", "发放（缴纳）覆盖率", "=", "100", "%", "60", "100", "60"]]);
  });
});

describe("two-row headers (指标值 over 指标性质 | 值 | 单位)", () => {
  const data = ["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "120", "10", "10"];
  const expected = [["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "10", "120", "10"]];
  const top = ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"];

  it.each([
    ["as Word writes it: the group cell once, a lone TAB under merged cells", top, ["", "", "", "指标性质", "值", "单位", "", "", ""]],
    ["as a spreadsheet writes it: covered cells empty", ["一级指标", "二级指标", "三级指标", "指标值", "", "", "完成值", "权重", "得分"], ["", "", "", "性质", "值", "单位", "", "", ""]],
    ["the sub-names alone", top, ["指标性质", "值", "度量单位"]],
  ])("%s", (_name, header, sub) => {
    expect(read(header, sub, data).indicators.map(row)).toEqual(expected);
  });

  it("does not take the first data row for a sub-header", () => {
    expect(read(SICHUAN, TRAINING).indicators).toHaveLength(1);
  });
});

describe("rows that lost cells keep their columns", () => {
  const header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"];

  it.each<[string, string[], unknown[]]>([
    ["merged 一级 as a lone TAB", ["", "质量指标", "合格率", "≥98%", "99%", "10", "10", ""], ["产出指标", "质量指标", "合格率", "≥", "98", "%", "10", "99", "10"]],
    ["merged 一级 dropped", ["质量指标", "合格率", "≥98%", "99%", "10", "10", ""], ["产出指标", "质量指标", "合格率", "≥", "98", "%", "10", "99", "10"]],
    // Starts at 二级指标 and lacks the empty 原因 too: not shifted left, 二级 stays 二级.
    ["merged 一级 and the empty 原因 dropped", ["质量指标", "合格率", "≥98%", "99%", "10", "10"], ["产出指标", "质量指标", "合格率", "≥", "98", "%", "10", "99", "10"]],
    ["merged 一级 and 二级 dropped", ["验收合格率", "=100%", "100%", "10", "10"], ["产出指标", "数量指标", "验收合格率", "=", "100", "%", "10", "100", "10"]],
    ["empty 指标值 and 完成值 swallowed too", ["指标1：工程质量合格", "10", "10"], ["产出指标", "数量指标", "指标1：工程质量合格", "", "", null, "10", "", "10"]],
    ["a 成本指标 under 产出指标 is its 二级", ["成本指标", "项目总成本", "≤90万元", "90", "8", "8"], ["产出指标", "成本指标", "项目总成本", "≤", "90", "万元", "8", "90", "8"]],
    ["a new 一级 with its 二级", ["效益指标", "社会效益指标", "群众知晓率", "≥90%", "95%", "10", "10"], ["效益指标", "社会效益指标", "群众知晓率", "≥", "90", "%", "10", "95", "10"]],
    ["text target and actual", ["提交报告及时性", "在计划时间内完成", "达成预期指标", "8", "8"], ["产出指标", "数量指标", "提交报告及时性", "", "在计划时间内完成", null, "8", "达成预期指标", "8"]],
  ])("%s", (_name, short, expected) => {
    const first = ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "10", "10", ""];
    const { indicators } = read(header, first, short);
    expect(indicators.map(row)).toEqual([["产出指标", "数量指标", "培训人次", "≥", "100", "人次", "10", "120", "10"], expected]);
  });

  it("carries a level stated on a row of its own down to the rows below", () => {
    const { indicators } = read(header, ["满意度指标（10分）"], ["服务对象满意度指标", "服务对象满意度", "≥90%", "100%", "10", "10"]);
    expect(indicators.map(row)).toEqual([["满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%", "10", "100", "10"]]);
  });

  it("keeps the right-aligned reading of a row that only dropped its first cell", () => {
    const { indicators } = read(["年度绩效指标", ...SICHUAN], TRAINING);
    expect(indicators.map(row)).toEqual([TRAINING_READ]);
  });

  it("points a carried level at the row that states it", () => {
    const { ctx } = read(header, ["产出指标", "数量指标", "培训人次", "100", "120", "10", "10", ""], ["合格率", "98", "99", "10", "10"]);
    expect(ctx.sources["targets.indicators[1].level1"]).toEqual({ line: 2, text: "产出指标" });
    expect(ctx.sources["targets.indicators[1].name"]).toEqual({ line: 3, text: "合格率" });
  });
});

describe("weights written in level cells", () => {
  it.each([
    ["规划(15)", "规划", "15"],
    ["基础信息（3）", "基础信息", "3"],
    ["产出指标(50分)", "产出指标", "50"],
    ["产出指标（５０分）", "产出指标", "50"],
    ["效益指标 (30 分)", "效益指标", "30"],
    ["满意度指标(7.5分)", "满意度指标", "7.5"],
  ])("%s → level %s, weight %s", (cell, name, weight) => {
    const { indicators, facts } = read(["一级指标", "二级指标", "三级指标", "分值", "得分"], [cell, "数量指标", "培训人次", "10", "10"]);
    expect(indicators[0].level1).toBe(name);
    expect(facts.levelWeights).toEqual([{ level: "level1", name, weight, indicators: [0], line: 2, text: cell }]);
  });

  it("records the weight of a level cell that lost its name, \"(50分)\"", () => {
    const { indicators, facts } = read(["一级指标", "二级指标", "三级指标", "分值", "得分"], ["(50分)", "数量指标", "培训人次", "10", "10"]);
    expect(indicators[0].level1).toBe("");
    expect(facts.levelWeights.map((w) => [w.level, w.name, w.weight, w.indicators])).toEqual([["level1", "", "50", [0]]]);
  });

  it("records both levels' weights and the indicators under each", () => {
    const { indicators, facts } = read(
      ["一级指标", "二级指标", "三级指标", "分值", "得分"],
      ["决策(20分)", "目标设定(10分)", "目标合理性", "5", "5"],
      ["", "", "目标明确性", "5", "4"],
      ["", "资金投入(10分)", "预算编制科学性", "10", "8"]
    );
    expect(indicators.map((i) => [i.level1, i.level2, i.name])).toEqual([
      ["决策", "目标设定", "目标合理性"],
      ["决策", "目标设定", "目标明确性"],
      ["决策", "资金投入", "预算编制科学性"],
    ]);
    expect(facts.levelWeights.map((w) => [w.level, w.name, w.weight, w.indicators])).toEqual([
      ["level1", "决策", "20", [0, 1, 2]],
      ["level2", "目标设定", "10", [0, 1]],
      ["level2", "资金投入", "10", [2]],
    ]);
  });

  it("counts a level repeated on every row once", () => {
    const { facts } = read(["一级指标", "二级指标", "三级指标", "分值", "得分"], ["产出指标(50分)", "数量指标", "a", "25", "25"], ["产出指标(50分)", "质量指标", "b", "25", "25"]);
    expect(facts.levelWeights.map((w) => [w.name, w.indicators])).toEqual([["产出指标", [0, 1]]]);
  });

  it("takes an indicator's weight from its name when no weight column says it (相关性(5分))", () => {
    const { indicators, ctx } = read(
      ["一级指标", "二级指标", "三级指标", "得分"],
      ["部门决策(25分)", "目标任务(15分)", "相关性(5分)", "5"],
      ["明确性(5分)", "4"],
      ["预算编制(10分)", "测算依据(5分)", "2"]
    );
    expect(indicators.map((i) => [i.level1, i.level2, i.name, i.weightPct, i.score])).toEqual([
      ["部门决策", "目标任务", "相关性", "5", "5"],
      ["部门决策", "目标任务", "明确性", "5", "4"],
      ["部门决策", "预算编制", "测算依据", "5", "2"],
    ]);
    expect(ctx.sources["targets.indicators[1].weightPct"]).toEqual({ line: 3, text: "明确性(5分)" });
  });

  it("keeps a bracketed number of an indicator's own name when a weight column exists", () => {
    const { indicators } = read(["三级指标", "分值", "得分"], ["培训人次(2023)", "10", "10"]);
    expect(indicators.map((i) => [i.name, i.weightPct])).toEqual([["培训人次(2023)", "10"]]);
  });
});

describe("natures and units written in the target", () => {
  const withoutColumns = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"];

  it.each<[string, string, [string, string, string | null, string]]>([
    ["≥50个", "50", ["≥", "50", "个", "50"]],
    ["≤90万元", "90万元", ["≤", "90", "万元", "90"]],
    ["=100%", "100%", ["=", "100", "%", "100"]],
    ["≥100百分比", "100", ["≥", "100", "%", "100"]],
    ["≥ 95%", "98%", ["≥", "95", "%", "98"]],
    ["＞＝９５％", "98％", ["≥", "95", "%", "98"]],
    // Strict comparators are kept as written: the rules flag them (NATURE_INVALID).
    [">95%", "98%", [">", "95", "%", "98"]],
    ["<3天", "2天", ["<", "3", "天", "2"]],
    ["≤5元/人次", "4.8", ["≤", "5", "元/人次", "4.8"]],
    ["效果明显", "达成预期指标", ["", "效果明显", null, "达成预期指标"]],
    ["3个工作日内", "2个工作日", ["", "3个工作日内", null, "2个工作日"]],
    ["100", "98", ["", "100", null, "98"]],
  ])("%s (actual %s) → %j", (target, actual, expected) => {
    const { indicators } = read(withoutColumns, ["产出指标", "数量指标", "x", target, actual, "10", "10"]);
    const i = indicators[0];
    expect([i.nature, i.target, i.unit, i.actual]).toEqual(expected);
  });

  it.each<[string, [string, string] | null]>([
    ["50个", ["50", "个"]],
    ["90 万元", ["90", "万元"]],
    ["100百分比", ["100", "%"]],
    ["5元/人次", ["5", "元/人次"]],
    ["98%", ["98", "%"]],
    ["90%以上", null],
    ["3个工作日内", null],
    ["100", null],
    ["效果明显", null],
    ["1.5.2版", null],
  ])("splitTrailingUnit(%j) → %j", (text, expected) => expect(splitTrailingUnit(text)).toEqual(expected));

  it.each<[string, [string, string] | null]>([
    [">95%", [">", "95%"]],
    ["＞95", [">", "95"]],
    ["＜ 3天", ["<", "3天"]],
    [">=95", ["≥", "95"]],
    ["＞＝95", ["≥", "95"]],
  ])("splitLeadingComparator(%j) → %j", (text, expected) => expect(splitLeadingComparator(text)).toEqual(expected));

  it("keeps the nature column's value and the unit column's when the table has them", () => {
    const { indicators } = read(SICHUAN, ["产出指标", "数量指标", "x", "定性", "≥50个", "", "10", "50个", "10"], ["产出指标", "数量指标", "y", "", "≥98%", "", "10", "100%", "10"]);
    expect(indicators.map((i) => [i.nature, i.target, i.unit, i.actual])).toEqual([
      ["定性", "≥50个", null, "50个"],
      ["≥", "98", "%", "100"],
    ]);
  });

  it("sources the nature and unit split from the target at the target cell", () => {
    const { ctx } = read(withoutColumns, ["产出指标", "数量指标", "x", "≥50个", "50", "10", "10"]);
    expect(ctx.sources["targets.indicators[0].nature"]).toEqual({ line: 2, text: "≥50个" });
    expect(ctx.sources["targets.indicators[0].unit"]).toEqual({ line: 2, text: "≥50个" });
  });
});

describe("a table ends at its 合计 row", () => {
  const header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"];
  const first = ["产出指标", "数量指标", "发放覆盖率", "=", "100", "%", "100", "60", "58", ""];
  const second = ["效益指标", "社会效益指标", "足额保障率", "=", "100", "%", "100", "40", "40", ""];

  it("takes the 合计 row's 得分 as the total score, not its weight", () => {
    expect(read(header, first, second, ["合计", "", "", "", "", "", "", "100", "98", ""]).facts.totalScore).toEqual({ value: "98", line: 4, text: "98" });
    // 合计 spans the leading columns; its 得分 is blank: no total score, although 100 is a number.
    expect(read(header, first, second, ["合计", "100", "", ""]).facts.totalScore).toBeNull();
    expect(read(header, first, second, ["总分", "100", "98"]).facts.totalScore?.value).toBe("98");
  });

  it("does not merge the next form's indicators into the first's", () => {
    const { indicators, facts } = read(
      header,
      first,
      ["合计", "", "", "", "", "", "", "60", "58", ""],
      ["项目支出绩效自评表"],
      ["项目名称", "另一个项目"],
      header,
      second,
      ["合计", "", "", "", "", "", "", "40", "40", ""]
    );
    expect(indicators.map((i) => i.name)).toEqual(["发放覆盖率"]);
    expect(facts.totalScore?.value).toBe("58");
  });

  it("prefers the indicator table's total to an earlier table's 合计 amount", () => {
    const { facts } = readTables([["项目", "金额"], ["合计", "575.65"]], [header, first, ["合计", "", "", "", "", "", "", "60", "58", ""]]);
    expect(facts.totalScore?.value).toBe("58");
  });

  it("reads nothing after the 合计 row, even rows that are no header or title", () => {
    const { indicators, ctx } = read(
      header,
      first,
      ["合计", "", "", "", "", "", "", "60", "58", ""],
      ["项目名称", "水旱灾害防御经费"],
      ["年度资金总额", "880", "880", "880", "10", "10"]
    );
    expect(indicators.map((i) => i.name)).toEqual(["发放覆盖率"]);
    expect(ctx.warnings).toEqual([]);
  });

  it("ends a form without a 合计 row at the next form's header", () => {
    const { indicators, facts } = read(header, first, header, second, ["合计", "", "", "", "", "", "", "40", "40", ""]);
    expect(indicators.map((i) => i.name)).toEqual(["发放覆盖率"]);
    // The other form's total is not this one's.
    expect(facts.totalScore).toBeNull();
  });

  it("reads only the first of two indicator tables", () => {
    const { indicators } = readTables([header, first], [header, second]);
    expect(indicators.map((i) => i.name)).toEqual(["发放覆盖率"]);
  });

  it("does not take a title, a note or the signatures for an indicator", () => {
    for (const end of [["部门整体支出绩效目标完成情况自评表（2024年度）"], ["注：权重合计为100"], ["填报人：张三", "", "联系电话：13800000000"], ["评价结论", "项目完成情况良好"]]) {
      expect(read(header, first, end, second).indicators.map((i) => i.name)).toEqual(["发放覆盖率"]);
    }
  });
});

// The Hunan 部门整体支出绩效评价 自评 scoring table: levels carry their points, 分值 and 自评得分 columns.
const HUNAN: string[][] = [
  ["部门整体支出绩效评价自评表"],
  ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "自评得分"],
  ["规划(15)", "基础信息(3)", "基础信息完整性", "3", "基础数据信息和会计信息资料完整准确的，得3分", "3"],
  ["", "目标设定(12)", "绩效目标合理性", "6", "目标依据充分、符合客观实际的，得6分", "5"],
  ["", "", "绩效指标明确性", "6", "指标细化、量化、可衡量的，得6分", "6"],
  ["过程(25)", "预算执行(15)", "预算完成率", "5", "预算完成率=预算完成数/预算数×100%", "5"],
  ["", "", "预算控制率", "5", "控制在10%以内得满分", "4"],
  ["", "", "三公经费变动率", "5", "三公经费较上年减少的得满分", "5"],
  ["", "预算管理(10)", "管理制度健全性", "5", "制度健全的得5分", "5"],
  ["", "", "资金使用合规性", "5", "资金使用合规的得5分", "5"],
  ["产出(30)", "产出(30)", "实际完成率", "10", "按完成比例计分", "10"],
  ["", "", "完成及时率", "10", "按时完成得满分", "9"],
  ["", "", "质量达标率", "10", "质量达标得满分", "10"],
  ["效益(30)", "效益(30)", "经济效益", "10", "效益明显得满分", "9"],
  ["", "", "社会效益", "10", "效益明显得满分", "9"],
  ["", "", "社会公众或服务对象满意度", "10", "满意度90%以上得满分", "10"],
  ["合计", "", "", "100", "", "95"],
];

describe("the Hunan 自评 scoring table", () => {
  const expectIndicators = (indicators: Indicator[]) => {
    expect(indicators.map((i) => [i.level1, i.level2, i.name, i.weightPct, i.score])).toEqual([
      ["规划", "基础信息", "基础信息完整性", "3", "3"],
      ["规划", "目标设定", "绩效目标合理性", "6", "5"],
      ["规划", "目标设定", "绩效指标明确性", "6", "6"],
      ["过程", "预算执行", "预算完成率", "5", "5"],
      ["过程", "预算执行", "预算控制率", "5", "4"],
      ["过程", "预算执行", "三公经费变动率", "5", "5"],
      ["过程", "预算管理", "管理制度健全性", "5", "5"],
      ["过程", "预算管理", "资金使用合规性", "5", "5"],
      ["产出", "产出", "实际完成率", "10", "10"],
      ["产出", "产出", "完成及时率", "10", "9"],
      ["产出", "产出", "质量达标率", "10", "10"],
      ["效益", "效益", "经济效益", "10", "9"],
      ["效益", "效益", "社会效益", "10", "9"],
      ["效益", "效益", "社会公众或服务对象满意度", "10", "10"],
    ]);
    // The 评分标准 column is read into nothing.
    expect(indicators.every((i) => i.target === "" && i.actual === "" && i.nature === "" && i.unit === null)).toBe(true);
  };

  it("reads indicators with weight and score, the levels' weights and the total", () => {
    const { indicators, facts, ctx } = read(...HUNAN);
    expectIndicators(indicators);
    expect(facts.totalScore?.value).toBe("95");
    expect(facts.levelWeights.filter((w) => w.level === "level1").map((w) => [w.name, w.weight, w.indicators.length])).toEqual([
      ["规划", "15", 3],
      ["过程", "25", 5],
      ["产出", "30", 3],
      ["效益", "30", 3],
    ]);
    expect(facts.levelWeights.filter((w) => w.level === "level2").map((w) => [w.name, w.weight])).toEqual([
      ["基础信息", "3"],
      ["目标设定", "12"],
      ["预算执行", "15"],
      ["预算管理", "10"],
      ["产出", "30"],
      ["效益", "30"],
    ]);
    expect(ctx.warnings).toEqual([]);
  });

  it("reads the same when the export drops the merged cells instead of leaving them empty", () => {
    const dropped = HUNAN.map((cells) => {
      const first = cells.findIndex((c) => c !== "");
      return cells.slice(first);
    });
    const { indicators, facts } = read(...dropped);
    expectIndicators(indicators);
    expect(facts.totalScore?.value).toBe("95");
  });

  it("flattened into a report's text, gives the self-score from its 合计 row", () => {
    const text = `益阳市某局2023年部门整体支出绩效评价报告\n四、整体支出绩效情况\n按照部门整体支出绩效评价指标体系自评。\n${writeFlat([{ kind: "table", rows: HUNAN }])}`;
    const r = parseReportText(text);
    expectIndicators(r.document.targets.indicators);
    expect(r.document.selfScore).toBe("95");
    expect(r.missing).not.toContain("targets.indicators");
  });
});

describe("the project form of 财预〔2020〕10号 flattened by a space-separated layout", () => {
  // Cells as a one-line dump splits them: empty cells vanish, merged ones are written once.
  const rows = [
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标(50分)", "数量指标", "基建工程委托业务项目数量", "≥50个", "50", "8", "8"],
    ["质量指标", "委托业务报告合格率", "≥100百分比", "100", "8", "8"],
    ["经费支出合规性", "严格执行相关制度规定", "达成预期指标", "8", "8"],
    ["成本指标", "项目总成本", "≤90万元", "90", "8", "8"],
    ["效益指标(30分)", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", "10", "10"],
    ["总分", "100", "98"],
  ];

  it("puts every cell under its column", () => {
    const { indicators, facts } = read(...rows);
    expect(indicators.map(row)).toEqual([
      ["产出指标", "数量指标", "基建工程委托业务项目数量", "≥", "50", "个", "8", "50", "8"],
      ["产出指标", "质量指标", "委托业务报告合格率", "≥", "100", "%", "8", "100", "8"],
      ["产出指标", "质量指标", "经费支出合规性", "", "严格执行相关制度规定", null, "8", "达成预期指标", "8"],
      ["产出指标", "成本指标", "项目总成本", "≤", "90", "万元", "8", "90", "8"],
      ["效益指标", "社会效益指标", "对维护基建市场公平的影响程度", "", "效果明显", null, "10", "达成预期指标", "10"],
    ]);
    expect(facts.totalScore?.value).toBe("98");
    expect(facts.levelWeights.map((w) => [w.name, w.weight, w.indicators])).toEqual([
      ["产出指标", "50", [0, 1, 2, 3]],
      ["效益指标", "30", [4]],
    ]);
  });
});
