import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
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
});
