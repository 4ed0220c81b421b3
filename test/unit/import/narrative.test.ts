/**
 * The narrative's vocabulary as real reports write it (Hunan, Yunnan, project forms), the unit
 * and year from titles, covers and labels, and the rule that whatever can be read is returned.
 */
import { describe, expect, it } from "vitest";
import { isChrome, pieceText, readTitle, unitNameCandidate } from "~/domain/import/narrative";
import { parseHeading } from "~/domain/import/sections";
import { NOTHING_RECOGNISED, parseReportText, REQUIRED_PATHS } from "~/domain/import/text";
import { reportDocumentSchema } from "~/domain/report";

const parse = (...lines: string[]) => {
  const r = parseReportText(lines.join("\n"));
  expect(reportDocumentSchema.safeParse(r.document).success).toBe(true);
  return r;
};
const lines = (...texts: string[]) => texts.map((text, i) => ({ line: i + 1, text }));

describe("self score", () => {
  it.each([
    ["综合评分为97分，评价等级为优。", "97"],
    ["经自评，自评得分：88.5分。", "88.5"],
    ["本单位自评综合得分93.4分。", "93.4"],
    ["自评总分为91分。", "91"],
    ["经综合评价，总分95分，等级为优。", "95"],
    ["总分：86.5分", "86.5"],
  ])("%s → %s", (text, score) => {
    const r = parse(text);
    expect(r.document.selfScore).toBe(score);
    expect(r.sources.selfScore).toEqual({ line: 1, text });
  });

  it.each([["评价满分为100分，总分值100分。"], ["实行百分制，满分100分。"], ["总分 100 100"]])("%s states no self score", (text) => {
    expect(parseReportText(`一、部门（单位）基本情况\n${text}`).document.selfScore).toBeNull();
  });
});

describe("income, budgets and expenditure", () => {
  it.each([
    ["收入:792.22万元，支出:780.10万元。", "income.total", "792.22"],
    ["2023年收入：792.22万元。", "income.total", "792.22"],
    ["全年收入575.65万元。", "income.total", "575.65"],
    ["本年度决算收入1,286.40万元。", "income.total", "1286.40"],
    ["收入合计为300万元。", "income.total", "300"],
    ["年初批复预算985万元。", "income.initialBudget", "985"],
    ["年初批复预算8个项目985万元(含1个年初结转结余项目50万元)。", "income.initialBudget", "985"],
    ["调整预算后项目预算861.46万元。", "income.adjustedBudget", "861.46"],
    ["调整后的全年预算为900万元。", "income.adjustedBudget", "900"],
    ["全年预算数880万元，全年执行数870万元。", "income.adjustedBudget", "880"],
    ["全年预算数880万元，全年执行数870万元。", "expenditure.total", "870"],
    ["收入:792.22万元，支出:780.10万元。", "expenditure.total", "780.10"],
  ])("%s → %s = %s", (text, path, value) => {
    const r = parse(text);
    const [group, field] = path.split(".") as ["income" | "expenditure", string];
    expect((r.document[group] as Record<string, unknown>)[field]).toBe(value);
    expect(r.sources[path].line).toBe(1);
  });

  it("does not take a compound income (财政拨款收入, 其他收入) for the total", () => {
    const d = parse("财政拨款收入500万元，其他收入20万元。").document;
    expect(d.income.total).toBeNull();
    expect([d.income.fiscal, d.income.other]).toEqual(["500", "20"]);
  });

  it("takes 实际到位资金 for the income only when nothing else states it, and marks it uncertain", () => {
    const guessed = parse("实际到位资金334.67万元。");
    expect(guessed.document.income.total).toBe("334.67");
    expect(guessed.uncertain).toEqual(["income.total"]);
    const stated = parse("收入合计为400万元。实际到位资金334.67万元。");
    expect(stated.document.income.total).toBe("400");
    expect(stated.uncertain).toEqual([]);
  });
});

describe("staffing", () => {
  it("现有编制人员205人 is the authorized total", () => {
    const r = parse("本部门现有编制人员205人，实有人数190人。");
    expect(r.document.staffing.authorized.total).toBe(205);
    expect(r.document.staffing.actual.total).toBe(190);
  });

  it("现有人员174人(在职在编126人、退休人员8人、协管员40人): the in-post count, not the total with the retired", () => {
    const r = parse("区城管执法局现有人员174人(在职在编126人、退休人员8人、协管员40人)。");
    expect(r.document.staffing.actual.total).toBe(126);
    expect(r.document.staffing.retired).toBe(8);
    expect(r.document.staffing.authorized.total).toBeNull();
  });

  it("现有人员 alone is the actual total", () => {
    expect(parse("局机关现有人员42人。").document.staffing.actual.total).toBe(42);
  });

  it("reads bare numbers after their label: 人员编制 38 / 实有人数 38 on one line", () => {
    const r = parse("人员编制 38 实有人数 36");
    expect([r.document.staffing.authorized.total, r.document.staffing.actual.total]).toEqual([38, 36]);
  });

  it("reads them from adjacent cells", () => {
    const r = parse("\t人员编制", "\t38", "\t实有人数", "\t36", "", "");
    expect([r.document.staffing.authorized.total, r.document.staffing.actual.total]).toEqual([38, 36]);
    expect(r.sources["staffing.authorized.total"]).toEqual({ line: 2, text: "38" });
  });

  it("takes no number from a heading 人员编制 followed by prose", () => {
    const r = parse("(二)人员编制", "区城管执法局现有人员174人。");
    expect(r.document.staffing.authorized.total).toBeNull();
    expect(r.document.staffing.actual.total).toBe(174);
  });
});

describe("project counts", () => {
  it("常年项目9个, 一次性项目1个", () => {
    const d = parse("本年度实施常年项目9个，金额500万元；一次性项目1个，金额20万元。").document;
    expect(d.projects.recurring.count).toBe(9);
    expect(d.projects.recurring.amount).toBe("500");
    expect(d.projects.oneOff.count).toBe(1);
    expect(d.projects.oneOff.amount).toBe("20");
  });

  it("a total with no kind (实施项目共15个) has no field in the model and is left out", () => {
    const d = parse("实施项目共15个。").document;
    expect([d.projects.recurring.count, d.projects.oneOff.count]).toEqual([null, null]);
  });
});

describe("unit name and year from titles and covers", () => {
  it.each([
    [["益阳市赫山区城市管理和综合执法局", "2023年部门整体支出绩效评价报告"], "益阳市赫山区城市管理和综合执法局", 1, 2023, 2],
    [["2023年度赫山区城市管理和综合执法局", "绩效自评报告"], "赫山区城市管理和综合执法局", 1, 2023, 1],
    [["2023年度赫山区城市管理和综合执法局", "绩效自评报告", "益阳市赫山区城市管理和综合执法局", "2023年部门整体支出绩效评价报告"], "益阳市赫山区城市管理和综合执法局", 3, 2023, 4],
    [["红河州数据发展中心2024年度项目支出绩效单位自评报告"], "红河州数据发展中心", 1, 2024, 1],
    [["项目支出绩效自评表", "(2022年度)"], null, null, 2022, 2],
    [["部门预算项目支出绩效自评表(2023年度)"], null, null, 2023, 1],
  ])("%j → %s (line %s), %s (line %s)", (texts, name, nameLine, year, yearLine) => {
    const title = readTitle(lines(...texts.map(pieceText)));
    expect(title.unitName).toEqual(name === null ? null : { value: name, line: nameLine });
    expect(title.year).toEqual(year === null ? null : { value: year, line: yearLine });
  });

  it("keeps different units apart: a later, unrelated name does not replace the title's", () => {
    const title = readTitle(lines("泸县总工会2023年度部门预算绩效评价报告", "泸县财政局", "2023年部门预算绩效评价报告"));
    expect(title.unitName?.value).toBe("泸县总工会");
  });

  it("does not take a sentence that mentions 绩效评价情况报告 for a title", () => {
    const title = readTitle(lines("泸县总工会", "根据有关文件精神，我局对2023年度整体支出进行了绩效自评，现将具体绩效评价情况报告如下："));
    expect(title).toEqual({ unitName: null, year: null });
  });

  it("does not take a date line or a stray phrase above a title for the unit", () => {
    expect(readTitle(lines("2024年6月20日", "绩效自评报告"))).toEqual({ unitName: null, year: null });
    expect(readTitle(lines("请查收", "绩效自评报告")).unitName).toBeNull();
    expect(readTitle(lines("请查收绩效评价报告")).unitName).toBeNull();
  });

  it("closes up a letter-spaced cover line", () => {
    expect(pieceText("部 门 ( 单 位 ) 名 称 : ( 盖 章 )")).toBe("部门(单位)名称:(盖章)");
    expect(pieceText("主管部门 实施单位 天长市水利局")).toBe("主管部门 实施单位 天长市水利局");
    expect(pieceText("\t青神县发展和改革局本级 |")).toBe("青神县发展和改革局本级");
  });

  it.each([["泸县总工会", true], ["池州市贵池区棠溪镇人民政府", true], ["天长市水利局水旱灾害防御股", true], ["请查收", false], ["首页>泸县财政局", false], ["本局", false], ["2024年6月20日", false]])(
    "%s reads like a unit: %s",
    (name, ok) => {
      expect(unitNameCandidate(name) !== null).toBe(ok);
    }
  );

  it.each([
    ["您现在的位置: 首页 > 信息公开 > 泸县财政局", true],
    ["当前位置：首页 » 绩效公开", true],
    ["- 索引号: zsjfzzx/2025-00002", true],
    ["【字体:打印", true],
    ["发布时间:2023-12-05 15:04", true],
    ["泸县人民政府门户网站", true],
    ["泸县总工会2023年度部门预算绩效评价报告", false],
    ["资金来源：财政拨款", false],
  ])("%s is chrome: %s", (text, chrome) => {
    expect(isChrome(text)).toBe(chrome);
  });
});

describe("unit name from labels", () => {
  it("部门名称 on a cover, with the value on the next line", () => {
    const r = parse("部门名称：", "泸县总工会", "2023年度", "绩效自评报告", "自评综合得分90分。");
    expect(r.document.unit.name).toBe("泸县总工会");
    expect(r.sources["unit.name"].line).toBe(2);
  });

  it("部门（单位）名称 letter-spaced, stamped and blank: nothing, not the date below", () => {
    const r = parse("部 门 ( 单 位 ) 名 称 : ( 盖 章 )", "2024年 6 月 20 日", "自评综合得分90分。");
    expect(r.document.unit.name).toBe("");
  });

  it("a department report's title comes before a 主管部门 cell", () => {
    const r = parse("泸县总工会2023年度部门预算绩效评价报告", "\t主管部门", "\t泸县人民政府", "", "", "自评综合得分90分。");
    expect(r.document.unit.name).toBe("泸县总工会");
  });

  it("a project form's 实施单位 comes before its 主管部门 and its title", () => {
    const r = parse(
      "泸县交通运输局农村公路股项目支出绩效自评",
      "项目支出绩效自评表",
      "(2023年度)",
      "主管部门 510521-泸县交通运输局本级",
      "实施单位 510521001-泸县交通运输局",
      "年初预算数 全年预算数 全年执行数 分值 执行率 得分",
      "年度资金总额: 880 880 880 10 10",
      "其中:本年财政拨款 880 880 880 - -",
      "上年结转资金 - -"
    );
    expect(r.template?.id).toBe("mof-2020-10-project-form");
    expect(r.document.unit.name).toBe("泸县交通运输局");
    expect(r.sources["unit.name"]).toEqual({ line: 5, text: "实施单位 510521001-泸县交通运输局" });
    expect(r.document.year).toBe(2023);
  });

  it("a blank 主管部门 followed by the next label is blank, not that label", () => {
    const r = parse("项目支出绩效自评表(2023年度)", "主管部门 实施单位", "年度资金总额: 0 0 0");
    expect(r.document.unit.name).toBe("");
  });

  it("the page's 发布机构 as a last resort, marked uncertain", () => {
    const r = parse("- 发布机构: 红河州数据发展中心", "- 发布日期: 2025-04-29", "绩效评价报告", "自评综合得分90分。");
    expect(r.document.unit.name).toBe("红河州数据发展中心");
    expect(r.uncertain).toContain("unit.name");
    expect(r.document.year).toBeNull();
  });
});

describe("never refuse what can be read", () => {
  it.each([
    ["a title alone", "泸县总工会2023年度部门预算绩效评价报告", ["unit.name", "year"]],
    ["one headcount", "核定编制24名。", ["staffing.authorized.total"]],
    ["one amount", "年初预算455.67万元。", ["income.initialBudget"]],
  ])("%s → ok with a partial document, the found list and the missing list", (_label, text, found) => {
    const r = parseReportText(text);
    expect(r.ok).toBe(true);
    expect(r.error).toBeUndefined();
    expect(Object.keys(r.sources).sort()).toEqual([...found].sort());
    expect(r.missing.length).toBeGreaterThan(0);
    for (const path of r.missing) expect(REQUIRED_PATHS).toContain(path);
  });

  it("one indicator row of a table → ok, the row found, the required fields missing", () => {
    const r = parseReportText("\t一级指标\n\t三级指标\n\t权重\n\n\t产出指标\n\t培训人次\n\t20\n\n");
    expect(r.ok).toBe(true);
    expect(r.document.targets.indicators).toHaveLength(1);
    expect(Object.keys(r.sources).length).toBeGreaterThan(0);
    expect(Object.keys(r.sources).every((p) => p.startsWith("targets.indicators[0]."))).toBe(true);
    expect(r.missing).toContain("selfScore");
  });

  it("a recognised template with nothing filled in is returned, everything missing", () => {
    const r = parseReportText("报表编号:510000_0013zp\n部门预算项目支出绩效自评表\n预算执行情况(10分)\n绩效指标(90分)");
    expect(r.ok).toBe(true);
    expect(r.template?.id).toBe("sichuan-project-form");
    expect(r.missing).toEqual([...REQUIRED_PATHS]);
  });

  it.each([["你好，这是一封普通的邮件。"], ["会议纪要\n2023年我们去了三次。"], [""]])(
    "%j has nothing a report holds: refused, saying what a report contains",
    (text) => {
      const r = parseReportText(text);
      expect(r.ok).toBe(false);
      expect(r.error).toBe(NOTHING_RECOGNISED);
      expect(r.template).toBeNull();
    }
  );

  it("the refusal names what a report is expected to contain", () => {
    for (const word of ["单位名称", "年度", "年初预算", "调整预算", "支出决算", "自评得分", "绩效指标"]) expect(NOTHING_RECOGNISED).toContain(word);
  });

  it("a partial result still passes the schema and keeps the guards: over 2 MB is refused", () => {
    const r = parseReportText(`泸县总工会2023年度部门预算绩效评价报告\n${"x".repeat(2 * 1024 * 1024)}`);
    expect(r.ok).toBe(false);
    expect(r.error).toContain("2MB");
  });
});

describe("headings as web pages write them", () => {
  it.each([
    ["1、局机关内设股室4个:综合办公室、督查考核股、法制股。", "局机关内设股室4个", "综合办公室、督查考核股、法制股。"],
    ["1.项目年度目标完成情况 |", "项目年度目标完成情况", ""],
    ["2.负责指导、协调、监督和考核全区城市管理和综合执法工作,加强队伍建设", "", "负责指导、协调、监督和考核全区城市管理和综合执法工作,加强队伍建设"],
  ])("%s → title %j", (text, title, body) => {
    expect(parseHeading(text)).toMatchObject({ level: 3, title, body });
  });
});

describe("labels inside a numbered line", () => {
  it("（一）单位名称：泸县总工会", () => {
    const r = parseReportText("（一）单位名称：泸县总工会\n自评综合得分90分。");
    expect(r.document.unit.name).toBe("泸县总工会");
  });
  it("but not a word ending in the label (项目主管部门为…)", () => {
    const r = parseReportText("项目支出绩效自评表(2023年度)\n本项目主管部门 泸县人民政府\n年度资金总额: 0");
    expect(r.document.unit.name).toBe("");
  });
});

describe("the new readers stay linear on hostile lines", () => {
  const big = 1_000_000;
  // Each would hang on an ambiguous \s* (two in a row, or one before an anchored end).
  it.each([
    ["a label, then blanks", `实施单位${" ".repeat(big)}x`],
    ["a stamped label, then blanks", `部门名称（盖章）${" ".repeat(big)}：x`],
    ["a headcount label, then blanks", `人员编制${" ".repeat(big)}x`],
    ["a title phrase, then blanks", `项目支出绩效自评表${" ".repeat(big)}x`],
    ["blanks inside a heading, no pipe at the end", `1.标题${" ".repeat(big)}x`],
    ["a letter-spaced line", "部 ".repeat(big / 2)],
    ["many label lines", "主管部门\n".repeat(big / 5)],
    ["many title lines", "绩效自评报告\n".repeat(big / 7)],
  ])("%s", (_name, body) => {
    for (const input of [body, `${body}\n自评综合得分90分`]) {
      const r = parseReportText(input);
      expect(reportDocumentSchema.safeParse(r.document).success).toBe(true);
    }
  });
});
