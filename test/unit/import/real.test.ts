/**
 * Published reports as units really send them (test/fixtures/real/, each with its hand-read
 * .facts.md): whatever the department document can hold is read, the template is recognised,
 * and nothing readable is refused.
 */
import { describe, expect, it } from "vitest";
import { parseReportText, REQUIRED_PATHS, type ImportResult } from "~/domain/import/text";
import { reportDocumentSchema } from "~/domain/report";
import { fixture, valueAt } from "./helpers";

/** A fixture's text without its first `# source:` line, as the README says to import it. */
function real(name: string): { text: string; lines: string[]; result: ImportResult } {
  const text = fixture(`real/${name}`).replace(/^# source:[^\n]*\n/, "");
  return { text, lines: text.split("\n"), result: parseReportText(text) };
}

/** Every recorded source points at an input line that holds the value it gave. */
function expectSourcesHoldValues({ lines, result }: ReturnType<typeof real>): void {
  for (const [path, ref] of Object.entries(result.sources)) {
    const line = lines[ref.line - 1] ?? "";
    expect(line.replace(/\s+/g, "")).toContain(ref.text.replace(/\s+/g, "").replace(/…$/, "").slice(0, 40));
    const value = valueAt(result.document, path);
    if (typeof value === "string" || typeof value === "number") expect(ref.text.replace(/\s+/g, "")).toContain(String(value));
  }
}

function expectAccepted(result: ImportResult): void {
  expect(result.ok).toBe(true);
  expect(result.error).toBeUndefined();
  expect(reportDocumentSchema.safeParse(result.document).success).toBe(true);
  for (const path of result.missing) expect(REQUIRED_PATHS).toContain(path);
}

describe("03 益阳市赫山区城市管理和综合执法局 (Hunan 部门整体支出绩效评价报告, cover and two-line title)", () => {
  const r = real("03-heshan-chengguan-2023.txt");
  const d = r.result.document;

  it("is accepted, recognised as the Hunan department template", () => {
    expectAccepted(r.result);
    expect(r.result.template).toEqual({ id: "hunan-department", name: expect.stringContaining("湖南"), kind: "department" });
  });

  it("takes the full name from the title, not the cover's shorter one", () => {
    expect(d.unit.name).toBe("益阳市赫山区城市管理和综合执法局");
    expect(r.result.sources["unit.name"]).toEqual({ line: 5, text: "益阳市赫山区城市管理和综合执法局" });
    expect(r.result.uncertain).not.toContain("unit.name");
  });

  it("takes the year from the title, not from the date the report was signed (2024年6月20日)", () => {
    expect(d.year).toBe(2023);
    expect(r.result.sources.year.line).toBe(6);
    expect(r.result.uncertain).not.toContain("year");
  });

  it("reads staffing: 在职在编126 as the in-post headcount, 退休8 (174 counts the retired and 协管员)", () => {
    expect(d.staffing).toEqual({
      authorized: { admin: null, institution: null, total: null },
      actual: { admin: null, institution: null, total: 126 },
      retired: 8,
    });
    expect(r.result.sources["staffing.actual.total"].text).toContain("在职在编126人");
  });

  it("lists the money, score and indicators as missing (the excerpt is cut), and invents none", () => {
    expect(r.result.missing).toEqual([
      "income.initialBudget",
      "income.adjustedBudget",
      "income.total",
      "expenditure.total",
      "expenditure.lines",
      "selfScore",
      "targets.indicators",
    ]);
    expect([d.income.total, d.expenditure.total, d.selfScore, d.carryover]).toEqual([null, null, null, null]);
  });

  it("keeps the Hunan sections as narrative", () => {
    expect(Object.keys(r.result.narrative)[0]).toBe("部门、单位基本情况");
    expect(r.result.narrative["部门、单位基本情况"]).toContain("现有人员174人");
  });

  it("records sources on the lines that hold the values", () => expectSourcesHoldValues(r));
});

describe("10 红河州数据发展中心 (Yunnan 项目支出绩效单位自评报告, narrative in page chrome)", () => {
  const r = real("10-honghe-shujuzhongxin-2024.txt");
  const d = r.result.document;

  it("is accepted, recognised as the Yunnan project report", () => {
    expectAccepted(r.result);
    expect(r.result.template?.id).toBe("yunnan-project-report");
    expect(r.result.template?.kind).toBe("project");
  });

  it("takes unit and year from the title, not the metadata block", () => {
    expect([d.unit.name, d.year]).toEqual(["红河州数据发展中心", 2024]);
    expect(r.result.sources["unit.name"].text).toBe("红河州数据发展中心2024年度项目支出绩效单位自评报告");
    expect(r.result.sources.year.line).toBe(r.result.sources["unit.name"].line);
  });

  it("reads the budgets: 年初批复预算 985 (after “8个项目”), 调整预算后 861.46", () => {
    expect(d.income.initialBudget).toBe("985");
    expect(d.income.adjustedBudget).toBe("861.46");
    expect(r.result.sources["income.initialBudget"].text).toContain("年初批复预算8个项目985万元");
  });

  it("takes 实际到位资金 334.67 as the income, marked for confirmation", () => {
    expect(d.income.total).toBe("334.67");
    expect(r.result.uncertain).toContain("income.total");
  });

  it("does not take 年初结转结余项目50万元 for the carryover, nor 共15个 for a kind of project it does not name", () => {
    expect(d.carryover).toBeNull();
    expect(d.projects.recurring).toEqual({ count: null, amount: null, executionPct: null, overBalanceCount: null });
    expect(d.projects.oneOff).toEqual({ count: null, amount: null, executionPct: null, overBalanceCount: null });
  });

  it("records sources on the lines that hold the values", () => expectSourcesHoldValues(r));
});

describe("project forms: template, unit and year (their tables are the project-form parser's)", () => {
  it.each([
    ["01-qingshen-fagaiju-2023.txt", "sichuan-project-form", "青神县发展和改革局", 2023],
    ["07-guichi-tangxi-2022.txt", "mof-2020-10-project-form", "池州市贵池区棠溪镇人民政府", 2022],
    ["08-tianchang-shuiliju-2022.txt", "mof-2020-10-project-form", "天长市水利局", 2022],
  ])("%s → %s, %s, %s", (name, id, unit, year) => {
    const r = real(name);
    expectAccepted(r.result);
    expect(r.result.template?.id).toBe(id);
    expect(r.result.template?.kind).toBe("project");
    expect(r.result.document.unit.name).toBe(unit);
    expect(r.result.document.year).toBe(year);
    expect(r.result.uncertain).not.toContain("unit.name");
    expect(r.result.uncertain).not.toContain("year");
    expectSourcesHoldValues(r);
  });

  it("01: the 实施单位, not the 主管部门 …本级, and the year from the form's caption", () => {
    const r = real("01-qingshen-fagaiju-2023.txt");
    expect(r.lines[r.result.sources["unit.name"].line - 1]).toBe("青神县发展和改革局 |");
    expect(r.lines[r.result.sources.year.line - 1]).toBe("部门预算项目支出绩效自评表(2023年度) |");
  });

  it("01 read the same when its cells arrive as Word cells (TAB lines), as the layouts pass writes them", () => {
    const { text } = real("01-qingshen-fagaiju-2023.txt");
    const cells = text.replace(/^(.*?)\s*\|$/gm, "\t$1");
    const r = parseReportText(cells);
    expect(r.ok).toBe(true);
    expect(r.template?.id).toBe("sichuan-project-form");
    expect([r.document.unit.name, r.document.year]).toEqual(["青神县发展和改革局", 2023]);
  });

  it("07: the unit without its budget code (219001-), the year after the caption inside a one-line dump", () => {
    const r = real("07-guichi-tangxi-2022.txt");
    expect(r.result.sources["unit.name"].text).toBe("实施单位 219001-池州市贵池区棠溪镇人民政府");
    expect(r.result.sources.year.line).toBe(1);
  });

  it("08: the 实施单位 天长市水利局 over the page title's 天长市水利局水旱灾害防御股", () => {
    const r = real("08-tianchang-shuiliju-2022.txt");
    expect(r.result.sources["unit.name"].text).toBe("主管部门 实施单位 天长市水利局");
    expect(r.lines[r.result.sources.year.line - 1].trim()).toBe("(2022年度)");
  });
});

describe("page chrome never names the unit", () => {
  const report = ["一、部门（单位）基本情况", "（一）机构组成。泸县总工会是一级预算单位，属群团组织。", "（二）人员概况。核定总编制24名。"];

  it.each([
    ["a breadcrumb right above a title without the unit", ["您现在的位置：首页 > 政务公开 > 泸县财政局", "2023年部门整体支出绩效评价报告"]],
    ["当前位置 naming another unit", ["当前位置: 首页 » 泸县教育和体育局 » 绩效公开", "2023年部门预算绩效评价报告"]],
    ["a site name and a metadata block", ["泸县财政局门户网站", "索引号：11510521MB1234567X/2024-00012", "【字体：大 中 小】【打印】", "2023年部门预算绩效评价报告"]],
    ["a breadcrumb and a publisher's 来源 line", ["首页 > 信息公开 > 财政资金 > 泸县财政局", "来源：泸县财政局", "2023年部门预算绩效评价报告"]],
  ])("%s", (_label, chrome) => {
    const r = parseReportText([...chrome, ...report].join("\n"));
    expect(r.ok).toBe(true);
    expect(r.document.unit.name).toBe("泸县总工会");
    expect(r.sources["unit.name"].text).toContain("泸县总工会是一级预算单位");
    expect(r.document.year).toBe(2023);
  });

  it("leaves the name empty rather than take it from chrome when the report names no unit", () => {
    const r = parseReportText("您现在的位置：首页 > 泸县财政局 > 通知公告\n泸县财政局门户网站\n2023年部门预算绩效评价报告\n自评综合得分90分。");
    expect(r.ok).toBe(true);
    expect(r.document.unit.name).toBe("");
    expect(r.missing).toContain("unit.name");
  });

  it("does not take the breadcrumb's year either", () => {
    const r = parseReportText("当前位置：首页 > 2021年绩效评价 > 正文\n部门预算绩效评价报告\n自评综合得分90分。");
    expect(r.document.year).toBeNull();
  });
});
