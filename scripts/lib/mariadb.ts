/**
 * MySQL/MariaDB for tests and benchmarks.
 *
 * - `resolveMysqlForTests()`: honours `TEST_MYSQL_URL` when set, otherwise starts a private,
 *   throwaway MariaDB (see `startPrivateMariaDb`).
 * - `startPrivateMariaDb()`: `mariadb-install-db` + `mariadbd` in a fresh temp dir on a free
 *   127.0.0.1 port, utf8mb4, 64 MB buffer pool. Returns `{ url, stop() }`; `url` is the server
 *   root URL without a database (`mysql://root@127.0.0.1:PORT`). It never touches the machine's
 *   own MariaDB service or port 3306. The server is stopped and its directory removed by
 *   `stop()`, on SIGINT/SIGTERM/SIGHUP, on process exit, and — should this process be killed
 *   with SIGKILL — by a tiny watchdog shell that notices the parent is gone.
 * - If `mariadbd` is missing: as root, `apt-get install -y mariadb-server`; otherwise a loud
 *   error with the command to run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";

export interface PrivateMariaDb {
  /** Server root URL, no database: `mysql://root@127.0.0.1:PORT`. */
  url: string;
  port: number;
  dir: string;
  version: string;
  /** Stops the server and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Seconds to wait for the server to answer. Default 60. */
  readyTimeoutSeconds?: number;
  /** Print progress lines (default true). */
  log?: (line: string) => void;
}

const SBIN_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/mysql/bin"];
const INSTALL_CMD = "apt-get update && apt-get install -y mariadb-server";

function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Runs `apt-get update` once per process tree, then `apt-get install -y <pkgs>`. Throws on failure. */
export function aptInstall(packages: string[], log: (line: string) => void = console.log): void {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (process.env.__TEST_APT_UPDATED !== "1") {
    log(`[provision] running: apt-get update`);
    const u = spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    if (u.status !== 0) throw new Error(`apt-get update failed (exit ${u.status ?? u.signal}); run as root: apt-get update`);
    process.env.__TEST_APT_UPDATED = "1";
  }
  log(`[provision] running: apt-get install -y ${packages.join(" ")}`);
  const r = spawnSync("apt-get", ["install", "-y", ...packages], { stdio: "inherit", env });
  if (r.status !== 0) {
    throw new Error(`apt-get install -y ${packages.join(" ")} failed (exit ${r.status ?? r.signal})`);
  }
}

/** Makes sure mariadbd and mariadb-install-db exist (installing them as root). Returns their paths. */
export function ensureMariaDbBinaries(log: (line: string) => void = console.log): { mariadbd: string; installDb: string } {
  let mariadbd = findBinary("mariadbd");
  let installDb = findBinary("mariadb-install-db");
  if (!mariadbd || !installDb) {
    if (!isRoot()) {
      throw new Error(
        `MariaDB server binaries (mariadbd, mariadb-install-db) are missing and this is not root.\n` +
          `  Fix: sudo sh -c '${INSTALL_CMD}'\n` +
          `  or point the tests at an existing server: TEST_MYSQL_URL=mysql://root@127.0.0.1:3306 npm test`,
      );
    }
    log(`[provision] mariadbd not found: installing mariadb-server (${INSTALL_CMD})`);
    aptInstall(["mariadb-server"], log);
    mariadbd = findBinary("mariadbd");
    installDb = findBinary("mariadb-install-db");
    if (!mariadbd || !installDb) throw new Error(`mariadb-server installed but mariadbd / mariadb-install-db still not found`);
  }
  return { mariadbd, installDb };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no error log)";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a private throwaway MariaDB. See the file comment. */
export async function startPrivateMariaDb(opts: StartOptions = {}): Promise<PrivateMariaDb> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const timeoutMs = (opts.readyTimeoutSeconds ?? 60) * 1000;
  const { mariadbd, installDb } = ensureMariaDbBinaries(log);
  const root = isRoot();
  const dir = mkdtempSync(join(tmpdir(), "test-mariadb-"));
  const dataDir = join(dir, "data");
  const errLog = join(dir, "err.log");
  const userArgs = root ? ["--user=root"] : [];

  let child: ChildProcess | null = null;
  let watchdog: ChildProcess | null = null;
  let stopping: Promise<void> | null = null;

  const removeDir = () => {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  };
  // Synchronous last resort (process.exit without stop()).
  const onExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        child.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
    if (watchdog?.pid) {
      try {
        process.kill(watchdog.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    removeDir();
  };
  const onSignal = (sig: NodeJS.Signals) => {
    void stop().finally(() => {
      // If nobody else handles this signal, behave like the default: die of it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const detach = () => {
    for (const s of signals) process.off(s, onSignal);
    process.off("exit", onExit);
  };

  function stop(): Promise<void> {
    if (stopping) return stopping;
    stopping = (async () => {
      detach();
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        const exited = new Promise<void>((r) => c.once("exit", () => r()));
        c.kill("SIGTERM");
        const t = setTimeout(() => c.kill("SIGKILL"), 20_000);
        await exited;
        clearTimeout(t);
      }
      if (watchdog?.pid) {
        try {
          process.kill(watchdog.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
      removeDir();
    })();
    return stopping;
  }

  for (const s of signals) process.on(s, onSignal);
  process.on("exit", onExit);

  try {
    const t0 = Date.now();
    const init = spawnSync(
      installDb,
      [
        "--no-defaults",
        `--datadir=${dataDir}`,
        ...userArgs,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
      ],
      { encoding: "utf8" },
    );
    if (init.status !== 0) {
      throw new Error(`mariadb-install-db failed (exit ${init.status ?? init.signal}):\n${init.stdout}\n${init.stderr}`);
    }

    let lastError = "";
    for (let attempt = 1; attempt <= 3; attempt++) {
      const port = await freePort();
      child = spawn(
        mariadbd,
        [
          "--no-defaults",
          `--datadir=${dataDir}`,
          `--socket=${join(dir, "mysqld.sock")}`,
          `--port=${port}`,
          "--bind-address=127.0.0.1",
          ...userArgs,
          `--pid-file=${join(dir, "mysqld.pid")}`,
          `--log-error=${errLog}`,
          "--character-set-server=utf8mb4",
          "--collation-server=utf8mb4_unicode_ci",
          "--innodb-buffer-pool-size=64M",
          "--max-allowed-packet=64M",
          "--skip-name-resolve",
          // MariaDB 10.11's default, spelled out so a my.cnf elsewhere cannot change it.
          "--sql-mode=STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION",
          // Throwaway data: trade durability for speed.
          "--innodb-flush-log-at-trx-commit=0",
          "--innodb-doublewrite=0",
          "--skip-log-bin",
          "--max-connections=300",
        ],
        // Own process group: a terminal Ctrl-C reaches us, and we shut it down in order.
        { stdio: "ignore", detached: true },
      );
      const c = child;
      // Watchdog: if this process dies without cleaning up (SIGKILL), stop the server and remove the dir.
      watchdog = spawn(
        "sh",
        [
          "-c",
          `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; kill -TERM ${c.pid} 2>/dev/null; ` +
            `i=0; while kill -0 ${c.pid} 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done; ` +
            `kill -KILL ${c.pid} 2>/dev/null; rm -rf '${dir}'`,
        ],
        { stdio: "ignore", detached: true },
      );
      watchdog.unref();
      let exited: string | null = null;
      c.once("exit", (code, sig) => {
        exited = `mariadbd exited (${code ?? sig})`;
      });
      c.once("error", (e) => {
        exited = `mariadbd could not be spawned: ${e.message}`;
      });

      const url = `mysql://root@127.0.0.1:${port}`;
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !exited) {
        try {
          const conn = await createConnection({ uri: url, connectTimeout: 2000 });
          try {
            const [rows] = await conn.query("SELECT VERSION() AS v");
            const version = String((rows as Array<{ v: string }>)[0]?.v ?? "?");
            log(`[mariadb] private MariaDB ${version} ready at ${url} (datadir ${dir}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
            c.unref();
            return { url, port, dir, version, stop };
          } finally {
            await conn.end().catch(() => {});
          }
        } catch (e) {
          lastError = (e as Error).message;
          await sleep(200);
        }
      }
      if (exited) {
        const errTail = tail(errLog);
        if (/Address already in use|Can't start server: Bind/i.test(errTail) && attempt < 3) {
          log(`[mariadb] port ${port} was taken meanwhile; retrying on another port`);
          if (watchdog.pid) process.kill(watchdog.pid, "SIGKILL");
          continue;
        }
        throw new Error(`${exited} before answering. Last lines of ${errLog}:\n${errTail}`);
      }
      throw new Error(
        `private MariaDB did not answer on ${url} within ${timeoutMs / 1000} s (last error: ${lastError}). ` +
          `Last lines of ${errLog}:\n${tail(errLog)}`,
      );
    }
    throw new Error(`private MariaDB could not start: ${lastError}`);
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * The MySQL server for the integration tests: `TEST_MYSQL_URL` if set (then `stop()` does
 * nothing), else a private MariaDB.
 */
export async function resolveMysqlForTests(log: (line: string) => void = console.log): Promise<{
  url: string;
  description: string;
  stop(): Promise<void>;
}> {
  const fromEnv = process.env.TEST_MYSQL_URL;
  if (fromEnv) {
    const shown = fromEnv.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
    log(`[mysql] using TEST_MYSQL_URL=${shown}`);
    return { url: fromEnv, description: `TEST_MYSQL_URL (${shown})`, stop: async () => {} };
  }
  const db = await startPrivateMariaDb({ log });
  return { url: db.url, description: `private MariaDB ${db.version} on port ${db.port}`, stop: db.stop };
}
