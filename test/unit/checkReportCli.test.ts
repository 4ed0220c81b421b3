import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const expected = JSON.parse(readFileSync("test/fixtures/luxian-trade-union-2023.expected.json", "utf8"));

async function checkReport(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/check-report.ts", ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("check-report CLI", () => {
  it("prints the reference document and exactly its expected flags as JSON", async () => {
    const { code, stdout } = await checkReport("test/fixtures/luxian-trade-union-2023.txt", "--json");
    expect(code).toBe(0);
    const line = JSON.parse(stdout.trim().split("\n")[0]);
    const { expectedFlags, mustNotFlag, ...document } = expected;
    expect(line.document).toEqual(document);
    expect(new Set(line.flags.map((f: { rule: string }) => f.rule))).toEqual(new Set(expectedFlags));
    for (const rule of mustNotFlag) expect(line.flags.map((f: { rule: string }) => f.rule)).not.toContain(rule);
    for (const flag of line.flags) expect(Object.keys(flag).sort()).toEqual(["message", "path", "rule", "severity", "values"]);
  }, 60_000);

  it("reads .docx too, and fails with a message for an unreadable file", async () => {
    const { code, stdout, stderr } = await checkReport("test/fixtures/luxian-trade-union-2023.docx", "test/fixtures/not-a-docx.docx");
    expect(code).toBe(1);
    expect(stdout).toContain("泸县总工会");
    expect(stderr).toContain("not-a-docx.docx：不是有效的 .docx 文件");
    expect(stdout).toMatch(/共 2 个文件，无法读取 1 个/);
  }, 60_000);

  it("over a folder of mixed files prints per file its template, facts found, missing fields and flags — each project form on its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "check-report-mixed-"));
    try {
      for (const name of readdirSync("test/fixtures/real").filter((n) => n.endsWith(".txt"))) {
        writeFileSync(join(dir, name), readFileSync(join("test/fixtures/real", name), "utf8").split("\n").slice(1).join("\n"));
      }
      writeFileSync(join(dir, "reference.docx"), readFileSync("test/fixtures/luxian-trade-union-2023.docx"));
      const { code, stdout } = await checkReport(dir);
      expect(code).toBe(0);
      const blocks = stdout.split("\n== ").slice(1);
      expect(blocks).toHaveLength(6);
      const block = (name: string) => blocks.find((b) => b.startsWith(join(dir, name)))!;
      expect(block("01-qingshen-fagaiju-2023.txt")).toMatch(/模板：四川.*项目支出绩效自评表.*项目表 1 份/);
      expect(block("01-qingshen-fagaiju-2023.txt")).toMatch(/工资性支出.*实施单位：青神县发展和改革局/);
      expect(block("01-qingshen-fagaiju-2023.txt")).toContain("缺少：总分");
      expect(block("01-qingshen-fagaiju-2023.txt")).toContain("PLACEHOLDER_TEXT");
      expect(block("07-guichi-tangxi-2022.txt")).toContain("FUNDS_ROWS_SUM");
      expect(block("08-tianchang-shuiliju-2022.txt")).toMatch(/水旱灾害防御经费.*总分：100/);
      expect(block("03-heshan-chengguan-2023.txt")).toMatch(/模板：湖南/);
      expect(block("03-heshan-chengguan-2023.txt")).toContain("单位：益阳市赫山区城市管理和综合执法局");
      expect(block("03-heshan-chengguan-2023.txt")).toMatch(/识别出 \d+ 项内容/);
      expect(block("reference.docx")).toMatch(/模板：四川省部门预算绩效评价报告.*识别出 \d+ 项内容/);
      expect(stdout).toMatch(/共 6 个文件，无法读取 0 个/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
