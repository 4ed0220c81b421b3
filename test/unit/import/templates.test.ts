import { describe, expect, it } from "vitest";
import { MIN_TEMPLATE_SCORE, TEMPLATES, compactForMarkers, recognizeTemplate, scoreTemplates, type Template } from "~/domain/import/templates";
import { fixture } from "./helpers";

/** A fixture's text without its first `# source:` line. */
const real = (name: string) => fixture(`real/${name}`).replace(/^# source:[^\n]*\n/, "");

describe("template recognition on real reports", () => {
  it.each([
    ["luxian-trade-union-2023.txt", "sichuan-department", "department"],
    ["real/01-qingshen-fagaiju-2023.txt", "sichuan-project-form", "project"],
    ["real/03-heshan-chengguan-2023.txt", "hunan-department", "department"],
    ["real/07-guichi-tangxi-2022.txt", "mof-2020-10-project-form", "project"],
    ["real/08-tianchang-shuiliju-2022.txt", "mof-2020-10-project-form", "project"],
    ["real/10-honghe-shujuzhongxin-2024.txt", "yunnan-project-report", "project"],
  ])("%s → %s", (name, id, kind) => {
    const text = name.startsWith("real/") ? real(name.slice(5)) : fixture(name);
    const match = recognizeTemplate(text);
    expect(match?.template.id).toBe(id);
    expect(match?.template.kind).toBe(kind);
    // The winner is clear: no other template comes close.
    const [best, second] = scoreTemplates(text);
    expect(best.score - second.score).toBeGreaterThanOrEqual(MIN_TEMPLATE_SCORE);
  });

  it("names the markers it found, in Chinese", () => {
    const match = recognizeTemplate(real("01-qingshen-fagaiju-2023.txt"));
    expect(match?.matched).toContain("报表编号510000_0013zp");
    expect(match?.matched).toContain("预算执行情况（10分）");
    expect(match?.template.name).toMatch(/四川/);
  });

  it("tells the Sichuan project form from the 财预〔2020〕10号 form although both say 项目支出绩效自评表", () => {
    const scores = Object.fromEntries(scoreTemplates(real("01-qingshen-fagaiju-2023.txt")).map((m) => [m.template.id, m.score]));
    expect(scores["mof-2020-10-project-form"]).toBeGreaterThan(0);
    expect(scores["sichuan-project-form"]).toBeGreaterThan(scores["mof-2020-10-project-form"]);
  });
});

describe("template recognition from headings alone", () => {
  it("recognises Hunan by its section headings, full-width or not", () => {
    const hunan = ["一、部门（单位）基本概况", "二、部门整体支出管理及使用情况", "三、专项资金管理及使用情况", "七、绩效自评结果拟应用和公开情况"];
    expect(recognizeTemplate(hunan.join("\n"))?.template.id).toBe("hunan-department");
    expect(recognizeTemplate(hunan.join("\n").replace(/（/g, "(").replace(/）/g, ")"))?.template.id).toBe("hunan-department");
  });

  it("recognises Sichuan's four parts, letter-spaced headings included", () => {
    const text = "一、部 门（单 位）基 本 情 况\n二、部门资金收支情况\n三、部门预算绩效分析\n四、评价结论及建议";
    expect(recognizeTemplate(text)?.template.id).toBe("sichuan-department");
  });

  it("does not take a heading quoted inside a sentence for the heading", () => {
    // Headings are line-anchored: a sentence citing 二、部门资金收支情况 does not make the template.
    const text = "本报告参照四川格式，其中二、部门资金收支情况和三、部门预算绩效分析两部分从略。";
    expect(scoreTemplates(text).find((m) => m.template.id === "sichuan-department")?.score).toBe(0);
  });
});

describe("what is not a template", () => {
  it.each([[""], ["你好，这是一封普通的邮件。"], ["一、工作总结\n二、下一步计划"], ["绩效评价"], ["预算绩效管理"]])("%j → null", (text) => {
    expect(recognizeTemplate(text)).toBeNull();
  });
});

describe("templates are data", () => {
  it("a new province's template is an entry: recognised once added, not before", () => {
    const guangxi: Template = {
      id: "guangxi-department",
      name: "广西壮族自治区部门整体支出绩效自评报告",
      kind: "department",
      markers: [
        { label: "桂财绩", pattern: /桂财绩/, weight: 3 },
        { label: "一、部门整体支出基本情况", pattern: /(?:^|\n)一、部门整体支出基本情况/, weight: 3 },
      ],
    };
    const text = "根据《桂财绩〔2021〕1号》\n一、部门整体支出基本情况";
    expect(recognizeTemplate(text)).toBeNull();
    expect(recognizeTemplate(text, [...TEMPLATES, guangxi])?.template).toEqual({ id: "guangxi-department", name: guangxi.name, kind: "department" });
  });

  it("every template has a unique id, a Chinese name and markers that can reach the threshold", () => {
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
    for (const t of TEMPLATES) {
      expect(t.name).toMatch(/[\u4e00-\u9fff]/);
      expect(t.markers.reduce((s, m) => s + m.weight, 0)).toBeGreaterThanOrEqual(MIN_TEMPLATE_SCORE);
      for (const m of t.markers) expect(m.label).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("compacts spaces, cell pipes and full-width brackets but keeps lines", () => {
    expect(compactForMarkers("预算执行情况（10 分） |\n\t绩效指标 (90分)")).toBe("预算执行情况(10分)\n绩效指标(90分)");
  });

  it("scans a bounded head of huge input", () => {
    const huge = `${"无关内容。".repeat(40_000)}\n报表编号:510000_0013zp`;
    expect(recognizeTemplate(huge)).toBeNull();
  });
});
