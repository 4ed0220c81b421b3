/**
 * The parser is total: whatever the text, it returns an ImportResult whose document passes the
 * schema (or ok=false with an error) and never throws, pathological input included. How fast
 * it runs is the bench's business (scripts/bench.ts), not an assertion here.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REQUIRED_PATHS, SCHEMA_FAILURE, parseReportText } from "~/domain/import/text";
import { reportDocumentSchema } from "~/domain/report";
import { fixture } from "./helpers";

const reference = fixture("luxian-trade-union-2023.txt");
const referenceLines = reference.split("\n");

function assertWellFormed(input: string): void {
  const result = parseReportText(input);
  expect(typeof result.ok).toBe("boolean");
  expect(reportDocumentSchema.safeParse(result.document).success).toBe(true);
  if (result.ok) {
    expect(result.error).toBeUndefined();
  } else {
    expect(typeof result.error).toBe("string");
    expect(result.error?.length).toBeGreaterThan(0);
  }
  // The schema safety net in parseReportText must never be what catches a document.
  expect(result.error ?? "").not.toContain(SCHEMA_FAILURE);
  const lineCount = input.split(/\r\n|\r|\n/).length;
  for (const ref of Object.values(result.sources)) {
    expect(Number.isInteger(ref.line) && ref.line >= 1 && ref.line <= lineCount).toBe(true);
    expect(typeof ref.text).toBe("string");
  }
  for (const path of result.uncertain) expect(result.sources[path]).toBeDefined();
  for (const path of result.missing) expect(REQUIRED_PATHS).toContain(path);
  for (const warning of result.warnings) expect(warning.message).toMatch(/[\u4e00-\u9fff]/);
}

/** Pieces of the report's vocabulary, so random text reaches the extractors' deeper branches. */
const TOKENS = [
  "一、",
  "（一）",
  "1.",
  "\n",
  "\n",
  "\t",
  "\t",
  "\n\t",
  "：",
  "，",
  "；",
  "。",
  "%",
  "％",
  "万元",
  "元",
  "亿元",
  "名",
  "个",
  "年初预算",
  "调整预算收入为",
  "收入总额为",
  "财政拨款收入",
  "其他收入",
  "支出决算为",
  "支出决算数为",
  "完成预算",
  "预算数",
  "决算数等于预算数",
  "（类）",
  "（款）",
  "（项）",
  "2012901",
  "2080505",
  "结转结余均为",
  "偏离度为",
  "因年中增加",
  "调减",
  "常年项目",
  "一次性项目",
  "项目总数",
  "总金额",
  "执行总体进度为",
  "结余率大于10%的项目共计",
  "自评综合得分",
  "等级为",
  "良",
  "核定总编制",
  "行政编制",
  "事业人员",
  "退休人员",
  "基本情况",
  "是",
  "泸县总工会",
  "2023年度",
  "部门预算绩效评价报告",
  "资金总额",
  "财政拨款",
  "其他资金",
  "年度总体目标",
  "任务名称",
  "主要内容",
  "一级指标",
  "二级指标",
  "三级指标",
  "性质",
  "指标值",
  "度量单位",
  "权重",
  "实际完成",
  "得分",
  "合计",
  "≥",
  ">=",
  "定性",
  "单位：元",
  "单位：万元",
  "部门名称",
  "0",
  "1",
  "9.3",
  "575.65",
  "1,286.40",
  "１２３．４５",
  "-",
  ".",
  "99999999999999999999",
  "１",
  "（",
  "）",
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 400 }).map((parts) => parts.join(""));

const GARBAGE = [
  "",
  "-",
  ".",
  "..",
  "1.2.3",
  "NaN",
  "1e309",
  "-0",
  "０．",
  "１，２",
  "99999999999999999999999",
  "9".repeat(400),
  "∞",
  "½",
  "\t",
  "%",
];

type Mutation = { kind: number; a: number; b: number; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.integer({ min: 0, max: 8 }),
  a: fc.nat(),
  b: fc.nat(),
  text: fc.oneof(fc.constantFrom(...GARBAGE), fc.string({ unit: "binary", maxLength: 12 })),
});

function mutate(lines: string[], m: Mutation): string[] {
  if (lines.length === 0) return [m.text];
  const i = m.a % lines.length;
  const j = m.b % lines.length;
  const line = lines[i];
  const next = [...lines];
  switch (m.kind) {
    case 0: // delete a line
      next.splice(i, 1);
      break;
    case 1: // duplicate a line
      next.splice(i, 0, line);
      break;
    case 2: // swap two lines
      [next[i], next[j]] = [next[j], next[i]];
      break;
    case 3: // replace a character
      next[i] = line.slice(0, m.b % (line.length + 1)) + m.text.slice(0, 1) + line.slice((m.b % (line.length + 1)) + 1);
      break;
    case 4: // replace every number on the line with garbage
      next[i] = line.replace(/\d+(?:\.\d+)?/g, m.text);
      break;
    case 5: // a huge number
      next[i] = line.replace(/\d+(?:\.\d+)?/, "9".repeat(20 + (m.b % 300)) + ".5");
      break;
    case 6: // a TAB inserted
      next[i] = `${line.slice(0, m.b % (line.length + 1))}\t${line.slice(m.b % (line.length + 1))}`;
      break;
    case 7: // random text inserted as a line
      next.splice(i, 0, m.text);
      break;
    default: // shuffle a block of lines
      next.splice(i, 0, ...next.splice(j, 1 + (m.a % 5)).reverse());
  }
  return next;
}

describe("parseReportText never throws and always returns a well-formed result", () => {
  it("on random unicode strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 2000 }), assertWellFormed), { numRuns: 500 });
  });

  it("on random lines, TABs and blank lines", () => {
    const line = fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), fc.constantFrom("", "\t", "\t\t", " \t x"));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 200 }), (lines) => assertWellFormed(lines.join("\n"))),
      { numRuns: 400 }
    );
  });

  it("on soup made of the report's own vocabulary", () => {
    fc.assert(fc.property(tokenSoup, assertWellFormed), { numRuns: 600 });
  });

  it("on the reference report mutated (lines deleted, duplicated, shuffled, characters and numbers replaced, TABs inserted)", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 15 }), (mutations) => {
        assertWellFormed(mutations.reduce(mutate, referenceLines).join("\n"));
      }),
      { numRuns: 1200 }
    );
  });

  it("keeps recognising the reference under light damage", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        expect(parseReportText(mutations.reduce(mutate, referenceLines).join("\n")).ok).toBe(true);
      }),
      { numRuns: 200 }
    );
  });
});

describe("pathological input still yields a well-formed result", () => {
  const big = 1_900_000;
  it.each([
    ["one long line of digits", "1".repeat(big)],
    ["digits and commas", "1,".repeat(big / 2)],
    ["digits and dots", "1.".repeat(big / 2)],
    ["a keyword then a long number", `偏离度为${"1".repeat(big / 3)}`],
    ["codes with no boundaries", "2012901支出".repeat(big / 30)],
    ["codes with colons", "2012901：".repeat(big / 24)],
    ["amounts", "年初预算1万元".repeat(big / 30)],
    ["brackets", "（".repeat(big / 3)],
    ["many cells", "\t\n".repeat(big / 2)],
    ["many headings", "一、\n".repeat(big / 8)],
    ["many short lines", "1.\n".repeat(big / 3)],
    ["long project sentence", `常年项目${"共".repeat(big / 3)}`],
    ["over-balance clause", `常年项目结余率${"的项目".repeat(big / 9)}`],
    ["spaces after numbers", `年初预算1${" ".repeat(big)}`],
    ["table rows", `\t一级指标\n\t三级指标\n\t得分\n\n${"\t产出\n\tx\n\t1\n\n".repeat(big / 30)}`],
    ["adjustments", `偏离度为1%，${"因增加1万元，".repeat(big / 24)}`],
    // Each of these once hit a super-linear regex: ambiguous repeats, \s* on both sides of an optional colon.
    ["an adjustment reason of repeated 共计", `偏离度为1%，因${"共计".repeat(big / 6)}x1万元`],
    ["spaces between a keyword and its figure", `年初预算${" ".repeat(big / 2)}x`],
    ["spaces before a grade", `等级为${" ".repeat(big / 2)}x`],
    ["spaces after a code", `2012901：${" ".repeat(big / 2)}x`],
    ["a name cell of commas", `\t部门名称\n\t${"，".repeat(big / 3)}x\n`],
  ])("%s", (_name, body) => {
    // With a figure appended the whole pipeline runs, narrative included, not just the early exit.
    for (const input of [body, `${body}\n自评综合得分90分`]) {
      const result = parseReportText(input);
      expect(typeof result.ok).toBe("boolean");
      expect(reportDocumentSchema.safeParse(result.document).success).toBe(true);
    }
  });
});
