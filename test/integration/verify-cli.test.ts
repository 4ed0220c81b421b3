import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../../scripts/lib/seed";
import { useTestDatabase, TEST_DIALECT } from "./support/db";

const exec = promisify(execFile);
const t = useTestDatabase();

async function npmScript(script: string, url: string) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ["--import", "tsx", script, ...(script.endsWith("metrics.ts") ? ["verify"] : [])], {
      env: { ...process.env, DATABASE_URL: url },
      timeout: 90_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe(`audit:verify and metrics:verify (${TEST_DIALECT})`, () => {
  it("pass on the demo database", async () => {
    await seedDemo(t.db);
    const audit = await npmScript("scripts/audit-verify.ts", t.url);
    expect(audit.out).toContain("哈希链校验通过");
    expect(audit.code).toBe(0);
    const metrics = await npmScript("scripts/metrics.ts", t.url);
    expect(metrics.out).toMatch(/发现 0 处不一致/);
    expect(metrics.code).toBe(0);
  }, 120_000);

  it("metrics:verify names the report whose metrics row was corrupted", async () => {
    const victim = await t.db.selectFrom("report_metrics").select(["report_id", "unit_name", "year"]).where("status", "=", "approved").limit(1).executeTakeFirstOrThrow();
    await t.db.updateTable("report_metrics").set({ errors: 7 }).where("report_id", "=", victim.report_id).execute();
    const metrics = await npmScript("scripts/metrics.ts", t.url);
    expect(metrics.code).toBe(1);
    expect(metrics.out).toContain(`不一致：${victim.unit_name} ${victim.year}年度（报告 ${victim.report_id}）errors：存储值 7`);
    expect(metrics.out).toMatch(/发现 1 处不一致/);
  }, 120_000);

  it("audit:verify names the entry that was altered", async () => {
    const victim = await t.db.selectFrom("audit_log").select(["seq", "id"]).where("action", "=", "user.create").orderBy("seq").limit(1).executeTakeFirstOrThrow();
    await t.db.updateTable("audit_log").set({ detail: '{"username":"tampered"}' }).where("id", "=", victim.id).execute();
    const audit = await npmScript("scripts/audit-verify.ts", t.url);
    expect(audit.code).toBe(1);
    expect(audit.out).toContain(`第 ${Number(victim.seq)} 条（id ${victim.id}）`);
  }, 120_000);
});
