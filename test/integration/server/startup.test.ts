/**
 * The production entry (`scripts/serve.ts`, as `npm start` runs it, under tsx) refuses to
 * start — exit 78 (EX_CONFIG), the reason on stderr, nothing listening — on a bad setting
 * and, on MySQL, on a database that cannot hold Chinese text or a server that loses commits.
 */
import { spawn } from "node:child_process";
import { createConnection as connectTcp } from "node:net";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { createDb } from "#db/client";
import { readDurabilitySettings, type MysqlDurabilitySettings } from "#db/durability";
import { listTables } from "#db/tables";
import { freePort } from "../../../scripts/lib/reliability/server";
import { ROOT } from "../../../scripts/lib/reliability/figures";
import { TEST_DIALECT, useTestDatabase } from "../support/db";

/** MySQL-only cases are not registered on SQLite at all (not counted as skipped). */
const onMysql = (TEST_DIALECT === "mysql" ? it : () => undefined) as typeof it;

const t = useTestDatabase();

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  listening: boolean;
}

/** Runs scripts/serve.ts on `port` until it exits (or 60 s), and whether anything ever answered on the port. */
function serve(port: number, env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "serve.ts")], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", INSECURE_COOKIES: "1", HOST: "127.0.0.1", PORT: String(port), ALLOW_NON_DURABLE: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let listening = false;
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const probe = setInterval(() => {
      const socket = connectTcp({ host: "127.0.0.1", port }, () => {
        listening = true;
        socket.destroy();
      });
      socket.on("error", () => socket.destroy());
    }, 50);
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearInterval(probe);
      clearTimeout(timer);
      resolve({ code, stdout, stderr, listening });
    });
  });
}

describe("npm start refuses to start", () => {
  it.each([
    [{ MAX_BODY_MB: "abc" }, ["MAX_BODY_MB=\"abc\""]],
    [{ MAX_BODY_MB: "-1" }, ["MAX_BODY_MB=\"-1\""]],
    [{ SESSION_IDLE_MINUTES: "0", TRUST_PROXY: "everyone" }, ["SESSION_IDLE_MINUTES=\"0\"", "TRUST_PROXY=\"everyone\""]],
    [{ DATABASE_URL: "postgres://x@y/z" }, ["DATABASE_URL="]],
  ])("with %j: exit 78, the variable named on stderr, nothing listening", async (env, names) => {
    const result = await serve(await freePort(), { DATABASE_URL: t.url, ...env });
    expect(result.code, result.stderr).toBe(78);
    for (const name of names) expect(result.stderr).toContain(name);
    expect(result.stderr).toContain("配置错误");
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(result.stdout).not.toContain("已启动");
    expect(result.listening).toBe(false);
  }, 90_000);

  onMysql("on a latin1 database: exit 78, the character set and its fix on stderr, no table created", async () => {
    const server = process.env.TEST_MYSQL_URL!.replace(/\/+$/, "");
    const name = `latin1_${process.pid}_${Date.now().toString(36)}`;
    const admin = await createConnection({ uri: server });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET latin1`);
    try {
      const result = await serve(await freePort(), { DATABASE_URL: `${server}/${name}` });
      expect(result.code, result.stderr).toBe(78);
      expect(result.stderr).toContain("拒绝启动");
      expect(result.stderr).toContain("character set");
      expect(result.stderr).toContain(`ALTER DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      expect(result.listening).toBe(false);
      const db = createDb(`${server}/${name}`, { poolSize: 1 });
      try {
        expect(await listTables(db, { includeMigrationTables: true })).toEqual([]);
      } finally {
        await db.destroy();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    }
  }, 90_000);

  onMysql("on a server that flushes the redo log once a second: exit 78 naming innodb_flush_log_at_trx_commit", async (ctx) => {
    const settings = (await readDurabilitySettings(t.db)) as MysqlDurabilitySettings;
    if (settings.flushLogAtTrxCommit === 1) ctx.skip("TEST_MYSQL_URL's server is durable");
    const result = await serve(await freePort(), { DATABASE_URL: t.url });
    expect(result.code, result.stderr).toBe(78);
    expect(result.stderr).toContain(`innodb_flush_log_at_trx_commit = ${settings.flushLogAtTrxCommit}`);
    expect(result.stderr).toContain("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
    expect(result.listening).toBe(false);
  }, 90_000);
});
