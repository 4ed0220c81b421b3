/**
 * A private MariaDB the crash test owns and may kill: unlike scripts/lib/mariadb.ts (a
 * throwaway server tuned for speed, `innodb_flush_log_at_trx_commit=0`, which by design may
 * lose the last second of commits), this one runs with the durable settings a production
 * server has (flush at every commit, doublewrite on), can be killed with SIGKILL at any moment
 * and restarted on the same data directory, where InnoDB's crash recovery must bring back
 * every acknowledged commit.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { ensureMariaDbBinaries } from "../mariadb";
import { freePort } from "./server";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DurableMariaDb {
  /** Server root URL, no database: `mysql://root@127.0.0.1:PORT`. */
  url: string;
  port: number;
  dir: string;
  /** SIGKILL the server (a crash), waiting until the process is gone. */
  crash(): Promise<void>;
  /** Starts the server again on the same data directory and port; resolves when it answers. */
  restart(): Promise<number>;
  /** Stops the server and removes its directory. Idempotent. */
  stop(): Promise<void>;
  errorLog(): string;
}

export async function startDurableMariaDb(log: (line: string) => void = () => {}): Promise<DurableMariaDb> {
  const { mariadbd, installDb } = ensureMariaDbBinaries(log);
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const dir = mkdtempSync(join(tmpdir(), "reliability-mariadb-"));
  const dataDir = join(dir, "data");
  const errLog = join(dir, "err.log");
  const userArgs = root ? ["--user=root"] : [];
  const init = spawnSync(installDb, ["--no-defaults", `--datadir=${dataDir}`, ...userArgs, "--auth-root-authentication-method=normal", "--skip-test-db"], { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let watchdog: ChildProcess | null = null;
  let stopped = false;

  const alive = () => !!child && child.exitCode === null && child.signalCode === null;

  async function launch(): Promise<number> {
    const t0 = Date.now();
    const c = spawn(
      mariadbd,
      [
        "--no-defaults", `--datadir=${dataDir}`, `--socket=${join(dir, "mysqld.sock")}`, `--port=${port}`, "--bind-address=127.0.0.1",
        ...userArgs, `--pid-file=${join(dir, "mysqld.pid")}`, `--log-error=${errLog}`,
        "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci", "--innodb-buffer-pool-size=64M", "--max-allowed-packet=64M", "--skip-name-resolve",
        "--sql-mode=STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION",
        // Durable, as in production: every acknowledged commit is on disk.
        "--innodb-flush-log-at-trx-commit=1", "--innodb-doublewrite=1", "--skip-log-bin", "--max-connections=200",
        "--innodb-log-file-size=16M",
      ],
      { stdio: "ignore", detached: true },
    );
    child = c;
    c.unref();
    // If this process dies without cleaning up, the server and its directory go too.
    if (watchdog?.pid) tryKill(watchdog.pid);
    watchdog = spawn("sh", ["-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; kill -KILL ${c.pid} 2>/dev/null; sleep 1; rm -rf '${dir}'`], { stdio: "ignore", detached: true });
    watchdog.unref();
    const deadline = Date.now() + 60_000;
    let last = "";
    while (Date.now() < deadline) {
      if (!alive()) throw new Error(`mariadbd exited during start:\n${tail(errLog)}`);
      try {
        const conn = await createConnection({ uri: url, connectTimeout: 2000 });
        await conn.query("SELECT 1");
        await conn.end();
        return Date.now() - t0;
      } catch (e) {
        last = (e as Error).message;
        await sleep(100);
      }
    }
    throw new Error(`mariadbd did not answer: ${last}\n${tail(errLog)}`);
  }

  function tryKill(pid: number, signal: NodeJS.Signals = "SIGKILL") {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }

  async function crash() {
    const c = child;
    if (!c || !alive()) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGKILL");
    await exited;
  }

  async function stop() {
    if (stopped) return;
    stopped = true;
    const c = child;
    if (c && alive()) {
      const exited = new Promise<void>((r) => c.once("exit", () => r()));
      c.kill("SIGTERM");
      const t = setTimeout(() => c.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    }
    if (watchdog?.pid) tryKill(watchdog.pid);
    rmSync(dir, { recursive: true, force: true });
  }

  await launch();
  log(`[reliability] durable MariaDB on ${url} (datadir ${dataDir})`);
  return { url, port, dir, crash, restart: launch, stop, errorLog: () => tail(errLog, 60) };
}

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no error log)";
  }
}
