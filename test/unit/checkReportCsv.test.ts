import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "jx-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("check-report --csv", () => {
  it("writes a unit name that looks like a formula as text", async () => {
    const report = join(dir, "report.txt");
    writeFileSync(report, readFileSync("test/fixtures/luxian-trade-union-2023.txt", "utf8").replaceAll("泸县总工会", "=1+1"));
    const out = join(dir, "out.csv");
    await run(process.execPath, ["--import", "tsx", "scripts/check-report.ts", report, "--csv", out], { timeout: 60_000 });
    const lines = readFileSync(out, "utf8").replace(/^\ufeff/, "").split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("file,template,unit,year,project,rule,severity,path,message");
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line.startsWith(`${report},四川省部门预算绩效评价报告（部门整体）,"'=1+1",2023,,`)).toBe(true);
  }, 60_000);
});
