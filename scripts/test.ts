/**
 * `npm test` — the whole suite, in order, on 2 cores:
 *
 *   1. unit                  vitest --config test/vitest.config.ts
 *   2. integration (SQLite)  vitest --config test/vitest.integration.config.ts, TEST_DB=sqlite
 *   3. integration (MySQL)   same, TEST_DB=mysql TEST_MYSQL_URL=mysql://root@127.0.0.1:PORT
 *                            (TEST_MYSQL_URL from the environment if set, else a private
 *                            throwaway MariaDB started and removed here: scripts/lib/mariadb.ts)
 *   4. e2e (Chromium)        playwright test --config test/playwright.config.ts, Debian's
 *                            /usr/bin/chromium (scripts/lib/chromium.ts); the config starts the
 *                            app with scripts/e2e-server.ts on port 3100 (or E2E_PORT)
 *
 * Missing prerequisites (mariadb-server, chromium, fonts-noto-cjk) are installed with apt-get
 * when running as root, otherwise the run fails loudly with the command to run.
 * Every stage runs even if an earlier one failed. Counts come from JSON reports written to
 * .tmp/test-results/. The last line printed is `N passed, N failed[, N skipped]` over all
 * stages (a test is counted once per dialect); the exit code is non-zero on any failure or
 * any stage that could not run.
 *
 * Developers can run a subset:
 *   npm test -- --only unit
 *   npm test -- --only unit,integration        (integration = both dialects)
 *   npm test -- --only sqlite                  (also: mysql, e2e, integration:sqlite, integration:mysql)
 *   TEST_MYSQL_URL=mysql://root@127.0.0.1:3306 npm test -- --only mysql   (use an existing server)
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureChromium } from "./lib/chromium";
import { resolveMysqlForTests } from "./lib/mariadb";
import { currentChild, printSummary, runStage, stageNotRun, type StageResult } from "./lib/summary";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const RESULTS = join(ROOT, ".tmp", "test-results");

type StageKey = "unit" | "sqlite" | "mysql" | "e2e";
const ALL: StageKey[] = ["unit", "sqlite", "mysql", "e2e"];
const ALIASES: Record<string, StageKey[]> = {
  unit: ["unit"],
  integration: ["sqlite", "mysql"],
  sqlite: ["sqlite"],
  "integration:sqlite": ["sqlite"],
  "integration-sqlite": ["sqlite"],
  mysql: ["mysql"],
  "integration:mysql": ["mysql"],
  "integration-mysql": ["mysql"],
  e2e: ["e2e"],
};

function usage(msg?: string): never {
  if (msg) console.error(`scripts/test.ts: ${msg}`);
  console.error(`usage: npm test [-- --only ${Object.keys(ALIASES).join("|")}[,...]]`);
  process.exit(2);
}

function parseArgs(argv: string[]): StageKey[] {
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only") only = argv[++i] ?? usage("--only needs a value");
    else if (a.startsWith("--only=")) only = a.slice("--only=".length);
    else if (a === "-h" || a === "--help") usage();
    else usage(`unknown argument ${a}`);
  }
  if (!only) return ALL;
  const picked = new Set<StageKey>();
  for (const part of only.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const keys = ALIASES[part];
    if (!keys) usage(`unknown stage "${part}"`);
    keys.forEach((k) => picked.add(k));
  }
  if (picked.size === 0) usage("--only selected no stage");
  return ALL.filter((k) => picked.has(k));
}

const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");
const PLAYWRIGHT = join(ROOT, "node_modules", "@playwright", "test", "cli.js");

function header(title: string) {
  const line = "━".repeat(Math.max(60, title.length + 8));
  console.log(`\n${line}\n▶ ${title}\n${line}`);
}

function vitestArgs(config: string, jsonFile: string) {
  return [VITEST, "run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${jsonFile}`];
}

let interrupted: NodeJS.Signals | null = null;
function onSignal(sig: NodeJS.Signals) {
  if (interrupted) {
    console.error(`\n${sig} again: exiting now`);
    process.exit(130);
  }
  interrupted = sig;
  console.error(`\n${sig}: stopping the current stage, skipping the rest, cleaning up…`);
  const child = currentChild();
  if (!child) return;
  // A terminal Ctrl-C already reached the child (same process group); a signal sent to this
  // process alone did not: forward SIGTERM if the child is still there after a moment.
  if (sig === "SIGINT") setTimeout(() => currentChild() === child && child.kill("SIGTERM"), 3000).unref();
  else child.kill(sig);
}

async function main(): Promise<number> {
  const stages = parseArgs(process.argv.slice(2));
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, onSignal);
  mkdirSync(RESULTS, { recursive: true });

  for (const [bin, what] of [
    [VITEST, "vitest"],
    [PLAYWRIGHT, "@playwright/test"],
  ] as const) {
    if (!existsSync(bin)) {
      console.error(`!! ${what} is not installed (${bin} missing). Fix: npm ci`);
      console.log("0 passed, 1 failed");
      return 1;
    }
  }

  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  const results: StageResult[] = [];
  const t0 = Date.now();

  for (const key of stages) {
    if (interrupted) {
      results.push(stageNotRun(stageName(key), `interrupted by ${interrupted}`));
      continue;
    }
    results.push(await runOne(key, baseEnv));
  }

  const note = [
    stages.length < ALL.length ? `only: ${stages.join(", ")}` : "",
    `wall ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  ]
    .filter(Boolean)
    .join("; ");
  const totals = printSummary(results, note);
  if (interrupted) return 130;
  return totals.failed > 0 ? 1 : 0;
}

function stageName(key: StageKey): string {
  return { unit: "unit", sqlite: "integration (SQLite)", mysql: "integration (MySQL)", e2e: "e2e (Chromium)" }[key];
}

async function runOne(key: StageKey, baseEnv: NodeJS.ProcessEnv): Promise<StageResult> {
  const name = stageName(key);
  header(name);
  const jsonFile = join(RESULTS, `${key === "sqlite" || key === "mysql" ? `integration-${key}` : key}.json`);
  const t0 = Date.now();

  if (key === "unit") {
    // The PDF import tests print their PDFs with the same Chromium as the e2e stage.
    try {
      await ensureChromium();
    } catch (e) {
      console.error(`!! ${(e as Error).message}`);
    }
    return runStage({ name, kind: "vitest", cmd: process.execPath, args: vitestArgs("test/vitest.config.ts", jsonFile), env: baseEnv, cwd: ROOT, jsonFile });
  }

  if (key === "sqlite") {
    return runStage({
      name,
      kind: "vitest",
      cmd: process.execPath,
      args: vitestArgs("test/vitest.integration.config.ts", jsonFile),
      env: { ...baseEnv, TEST_DB: "sqlite" },
      cwd: ROOT,
      jsonFile,
      detail: "better-sqlite3",
    });
  }

  if (key === "mysql") {
    let mysql: Awaited<ReturnType<typeof resolveMysqlForTests>>;
    try {
      mysql = await resolveMysqlForTests();
    } catch (e) {
      console.error(`!! ${(e as Error).message}`);
      return stageNotRun(name, `no MySQL server: ${(e as Error).message.split("\n")[0]} (details above)`, Date.now() - t0);
    }
    try {
      const r = await runStage({
        name,
        kind: "vitest",
        cmd: process.execPath,
        args: vitestArgs("test/vitest.integration.config.ts", jsonFile),
        env: { ...baseEnv, TEST_DB: "mysql", TEST_MYSQL_URL: mysql.url },
        cwd: ROOT,
        jsonFile,
        detail: mysql.description,
      });
      r.durationMs = Date.now() - t0; // include server start-up
      return r;
    } finally {
      await mysql.stop();
    }
  }

  // e2e
  try {
    await ensureChromium();
  } catch (e) {
    console.error(`!! ${(e as Error).message}`);
    return stageNotRun(name, `Chromium is not available: ${(e as Error).message.split("\n")[0]} (fix printed above)`, Date.now() - t0);
  }
  const r = await runStage({
    name,
    kind: "playwright",
    cmd: process.execPath,
    args: [PLAYWRIGHT, "test", "--config", "test/playwright.config.ts"],
    env: { ...baseEnv, E2E_JSON_OUTPUT_FILE: jsonFile },
    cwd: ROOT,
    jsonFile,
    detail: "/usr/bin/chromium",
  });
  r.durationMs = Date.now() - t0;
  return r;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);
