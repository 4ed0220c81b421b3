/**
 * One table, any layout, the same indicators: the reference report's table and generated
 * indicator tables are written in every layout relayTables reads, and parseReportText must read
 * the same targets.indicators from each as from the flattened format, with every source on a
 * line that shows the value.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeFlat } from "~/domain/import/flat";
import { relayTables } from "~/domain/import/layouts";
import { parseReportText, type ImportResult } from "~/domain/import/text";
import { fixture } from "./helpers";

/** Rows of cell texts; "\n" is a line break inside a cell. */
type Rows = string[][];
/** A generated table also says which leading cells of each row are merged from the row above. */
interface Table {
  rows: Rows;
  /** Per row, how many leading cells a web page (rowspan) leaves out. */
  merged: number[];
  /** Index of the header row. */
  header: number;
}

const oneLine = (cell: string) => cell.replace(/\n/g, "");

/** East Asian wide characters take two columns in a monospace font. */
const wide = (ch: string) => /[\u1100-\u115f\u2e80-\u303e\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch);
const displayWidth = (text: string) => [...text].reduce((n, ch) => n + (wide(ch) ? 2 : 1), 0);
const charWidth = (text: string) => [...text].length;

const withoutMerged = (table: Table) => table.rows.map((row, i) => row.slice(table.merged[i]));

const LAYOUTS: Record<string, (table: Table) => string[]> = {
  flattened: (t) => writeFlat([{ kind: "table", rows: t.rows }]).replace(/\n$/, "").split("\n"),
  pipes: (t) => t.rows.map((row) => `| ${row.map(oneLine).join(" | ")} |`),
  markdown: (t) => t.rows.flatMap((row, i) => [`| ${row.map(oneLine).join(" | ")} |`, ...(i === t.header ? [`|${row.map(() => "---").join("|")}|`] : [])]),
  "pipes, merged cells left out": (t) => withoutMerged(t).map((row) => `| ${row.map(oneLine).join(" | ")} |`),
  "cell per line |": (t) => t.rows.flatMap((row) => row.flatMap(barCell)),
  "cell per line |, merged cells left out": (t) => withoutMerged(t).flatMap((row) => row.flatMap(barCell)),
  "aligned, display width": (t) => aligned(t.rows, displayWidth, ""),
  "aligned, characters": (t) => aligned(t.rows, charWidth, "  "),
  "TAB rows": (t) => tabRows(t.rows),
};

/** A cell as a web page gives it: its lines, the last ending " |", an empty cell a lone "|". */
function barCell(cell: string): string[] {
  const lines = cell.split("\n");
  const last = lines.pop() ?? "";
  return [...lines, last === "" ? "|" : `${last} |`];
}

function aligned(rows: Rows, width: (text: string) => number, indent: string): string[] {
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, j) => Math.max(...rows.map((r) => width(oneLine(r[j] ?? "")))));
  return rows.map((row) => (indent + row.map((c, j) => oneLine(c) + " ".repeat(widths[j] - width(oneLine(c)) + 2)).join("")).trimEnd());
}

/** As a spreadsheet copies a range: every row as wide as the widest. */
function tabRows(rows: Rows): string[] {
  const columns = Math.max(...rows.map((r) => r.length));
  return rows.map((row) => [...row.map(oneLine), ...Array(columns - row.length).fill("")].join("\t"));
}

/** Every indicator's source is on a line of the input that shows it. */
function expectSourcesOnTheirLines(text: string, result: ImportResult): void {
  const lines = text.split("\n");
  for (const [path, ref] of Object.entries(result.sources)) {
    if (!path.startsWith("targets.indicators")) continue;
    const said = lines[ref.line - 1].replace(/[|｜\t]/g, " ").trim();
    expect(said.includes(ref.text) || ref.text.startsWith(said), `${path}: ${ref.text} ← 第${ref.line}行 ${said}`).toBe(true);
  }
}

// ---------------------------------------------------------------- the reference report

describe("the reference report's table in every layout", () => {
  const reference = fixture("luxian-trade-union-2023.txt");
  const lines = reference.split("\n");
  const start = lines.indexOf("\t部门整体支出绩效目标完成情况自评表");
  const end = lines.findIndex((line, i) => i > start && line === "" && lines[i + 1] === "");
  // The table's cells with their line breaks, row by row.
  const rows: Rows = [[]];
  for (const line of lines.slice(start, end)) {
    if (line === "") rows.push([]);
    else if (line.startsWith("\t")) rows[rows.length - 1].push(line.slice(1));
    else rows[rows.length - 1][rows[rows.length - 1].length - 1] += `\n${line}`;
  }
  const header = rows.findIndex((row) => row.includes("一级指标"));
  const table: Table = { rows, merged: rows.map(() => 0), header };
  const expected = parseReportText(reference).document.targets.indicators;

  it("has the rows the layouts are written from", () => {
    expect(rows).toHaveLength(21);
    expect(rows[header]).toEqual(["年度绩效\n指标", "一级指标", "二级指标", "三级指标", "绩效指标\n性质", "绩效指标值", "绩效度量单位", "权重", "实际完成\n指标值", "得分"]);
    expect(expected).toHaveLength(8);
  });

  it.each(Object.keys(LAYOUTS))("reads the same indicators from %s", (layout) => {
    // Aligned text aligns the indicator block; the rows above it are lines of their own.
    const written = layout.startsWith("aligned")
      ? [...rows.slice(0, header).map((row) => row.map(oneLine).join("    ")), ...LAYOUTS[layout]({ ...table, rows: rows.slice(header), header: 0 })]
      : LAYOUTS[layout](table);
    const text = [...lines.slice(0, start), ...written, ...lines.slice(end)].join("\n");
    const result = parseReportText(text);
    expect(result.document.targets.indicators).toStrictEqual(expected);
    expectSourcesOnTheirLines(text, result);
  });
});

// ---------------------------------------------------------------- generated tables

const LEVELS: Record<string, string[]> = {
  产出指标: ["数量指标", "质量指标", "时效指标", "成本指标"],
  效益指标: ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
  满意度指标: ["服务对象满意度指标"],
  成本指标: ["经济成本指标", "社会成本指标", "生态环境成本指标"],
};

type Field = "level1" | "level2" | "name" | "nature" | "target" | "unit" | "actual" | "weight" | "score" | "reason" | "targetWithNature";

/** Column orders of the templates in the wild (docs/domain.md). */
const TEMPLATES: ReadonlyArray<ReadonlyArray<readonly [string, Field]>> = [
  // Sichuan project form
  [["一级指标", "level1"], ["二级指标", "level2"], ["三级指标", "name"], ["指标性质", "nature"], ["指标值", "target"], ["度量单位", "unit"], ["完成值", "actual"], ["权重", "weight"], ["得分", "score"], ["未完成原因分析", "reason"]],
  // the reference's 部门整体 table
  [["一级指标", "level1"], ["二级指标", "level2"], ["三级指标", "name"], ["绩效指标性质", "nature"], ["绩效指标值", "target"], ["绩效度量单位", "unit"], ["权重", "weight"], ["实际完成指标值", "actual"], ["得分", "score"]],
  // 财预〔2020〕10号: nature and unit inside the target
  [["一级指标", "level1"], ["二级指标", "level2"], ["三级指标", "name"], ["年度指标值", "targetWithNature"], ["实际完成值", "actual"], ["分值", "weight"], ["得分", "score"], ["偏差原因分析及改进措施", "reason"]],
];

// No 指/标 (labels), 合/计/总/分 (totals), 值/得 (headers): a name is never read as anything else.
const words = (min: number, max: number) => fc.array(fc.constantFrom(..."培训资金项目完成覆盖人数职工服务帮扶慰问修缮道路宣传活动工程质量验收按时率保障发放"), { minLength: min, maxLength: max }).map((cs) => cs.join(""));

const indicator = fc
  .record({
    name: words(2, 10),
    nature: fc.constantFrom("≥", "≤", "=", "定性"),
    amount: fc.oneof(fc.integer({ min: 1, max: 5000 }).map(String), fc.constantFrom("98.5", "0.5")),
    unit: fc.constantFrom("万元", "人次", "%", "个", "元/人次"),
    grade: fc.constantFrom("优", "良", "中"),
    weight: fc.integer({ min: 1, max: 30 }),
    percent: fc.boolean(),
    actual: fc.option(fc.integer({ min: 0, max: 6000 }).map(String), { nil: "" }),
    score: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
    reason: fc.option(words(3, 12), { nil: "" }),
  })
  .map((r) => {
    const qualitative = r.nature === "定性";
    return {
      name: r.name,
      nature: r.nature,
      target: qualitative ? "优良中低差" : r.amount,
      unit: qualitative ? "" : r.unit,
      actual: qualitative ? r.grade : r.actual,
      weight: r.percent ? `${r.weight}%` : String(r.weight),
      score: r.score === null ? "" : String(Math.min(r.score, r.weight)),
      reason: r.reason,
    };
  });

/** One 二级 label's indicators, one 一级 label's 二级 groups, the table's 一级 groups. */
const level2Group = (l1: string, l2: string) => fc.array(indicator, { minLength: 1, maxLength: 3 }).map((inds) => ({ l1, l2, inds }));
const level1Group = (l1: string) => fc.subarray(LEVELS[l1], { minLength: 1, maxLength: Math.min(3, LEVELS[l1].length) }).chain((l2s) => fc.tuple(...l2s.map((l2) => level2Group(l1, l2))));
const groupsOf = fc.subarray(Object.keys(LEVELS), { minLength: 1 }).chain((l1s) => fc.tuple(...l1s.map(level1Group)));

const generated = fc
  .record({
    template: fc.integer({ min: 0, max: TEMPLATES.length - 1 }),
    block: fc.boolean(),
    total: fc.boolean(),
    groups: groupsOf,
  })
  .map(({ template, block, total, groups }): Table & { names: string[] } => {
    const columns = TEMPLATES[template];
    const lead = block ? ["年度绩效指标"] : [];
    const rows: Rows = [[...lead, ...columns.map(([h]) => h)]];
    const merged = [0];
    const names: string[] = [];
    for (const level2s of groups) {
      level2s.forEach(({ l1, l2, inds }, j) =>
        inds.forEach((ind, k) => {
          const first1 = j === 0 && k === 0;
          const first2 = k === 0;
          const cell: Record<Field, string> = {
            level1: first1 ? l1 : "",
            level2: first2 ? l2 : "",
            name: ind.name,
            nature: ind.nature,
            target: ind.target,
            unit: ind.unit,
            targetWithNature: ind.nature === "定性" ? ind.target : `${ind.nature}${ind.target}${ind.unit}`,
            actual: ind.actual,
            weight: ind.weight,
            score: ind.score,
            reason: ind.reason,
          };
          rows.push([...lead.map(() => ""), ...columns.map(([, field]) => cell[field])]);
          // A web page writes a merged cell once: the block cell always, 一级 and 二级 below their first row.
          merged.push(lead.length + (first1 ? 0 : first2 ? 1 : 2));
          names.push(ind.name);
        })
      );
    }
    if (total) {
      const sum = (field: Field) => String(rows.slice(1).reduce((n, row) => n + (parseFloat(row[lead.length + columns.findIndex(([, f]) => f === field)]) || 0), 0));
      rows.push([...lead.map(() => ""), ...columns.map(([, field], i) => (i === 0 ? "合计" : field === "weight" || field === "score" ? sum(field) : ""))]);
      merged.push(0);
    }
    return { rows, merged, header: 0, names };
  });

describe("generated indicator tables in every layout", () => {
  it("read the same indicators as their flattened form, sources on the lines that show them", () => {
    fc.assert(
      fc.property(generated, (table) => {
        const texts = Object.entries(LAYOUTS).map(([layout, write]) => [layout, ["附表：项目支出绩效自评表", ...write(table), "", "注：本表由单位填报。"].join("\n")] as const);
        const results = texts.map(([layout, text]) => [layout, text, parseReportText(text)] as const);
        const [, , flattened] = results[0];
        // Not vacuous: the flattened form is read row for row.
        expect(flattened.document.targets.indicators.map((i) => i.name)).toEqual(table.names);
        for (const [layout, text, result] of results) {
          expect(result.document.targets.indicators, layout).toStrictEqual(flattened.document.targets.indicators);
          expectSourcesOnTheirLines(text, result);
        }
      }),
      { numRuns: 100 }
    );
  });
});

// ---------------------------------------------------------------- any text

/** Pieces of every layout, so random text reaches each branch. */
const PIECES = ["|", " |", "｜", "| ", "\\|", "---", ":-:", "  ", "\u3000", " ", "\t", "\n", "\n", "\n", "一级指标", "二级指标", "三级指标", "权重", "得分", "年初预算", "执行率", "产出指标", "数量指标", "满意度指标", "总额", "其中：财政资金", "合计", "10", "98%", "/", "甲", "说明文字"];

describe("relayTables on any text", () => {
  it("maps every output line to an input line that says it", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 200 }), (pieces) => {
        const input = pieces.join("").split("\n");
        const { lines, origin } = relayTables(input);
        expect(origin).toHaveLength(lines.length);
        lines.forEach((line, i) => {
          expect(Number.isInteger(origin[i]) && origin[i] >= 1 && origin[i] <= input.length).toBe(true);
          const text = line.replace(/\t/g, " ").trim();
          const said = input[origin[i] - 1].replace(/\t/g, " ");
          if (text !== "") expect(said.includes(text) || said.replace(/\\([|｜])/g, "$1").includes(text)).toBe(true);
        });
      }),
      { numRuns: 300 }
    );
  });
});
