/**
 * Running test stages and adding up their results for scripts/test.ts.
 *
 * Each stage streams its normal human output and also writes a JSON report under
 * .tmp/test-results/; the counts come from that JSON only (never from scraping output).
 * A stage that crashes, writes no JSON, or exits non-zero without a failing test in its
 * report counts as (at least) one failure, with a message saying why.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { relative } from "node:path";

export interface StageResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  /** Extra detail for the table (e.g. which MySQL server). */
  detail?: string;
  /** Problems to show loudly before the final line. */
  problems: string[];
  /** Non-fatal but loud remarks (e.g. a stage ran 0 tests). */
  warnings: string[];
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  problems: string[];
}

export interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: string;
}

let current: ChildProcess | null = null;
/** The stage process running now, if any (for signal forwarding). */
export const currentChild = () => current;

/** Spawns a command with inherited stdio and waits for it. */
export function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<RunOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"], env, cwd });
    current = child;
    child.once("error", (e) => {
      if (settled) return;
      settled = true;
      current = null;
      resolve({ code: null, signal: null, spawnError: e.message });
    });
    child.once("close", (code, signal) => {
      if (settled) return;
      settled = true;
      current = null;
      resolve({ code, signal });
    });
  });
}

const firstLine = (s: string) => (s ?? "").split("\n").find((l) => l.trim()) ?? "";

/** Counts from a vitest `--reporter=json` file. */
export function readVitestJson(file: string, root: string): Counts {
  const j = JSON.parse(readFileSync(file, "utf8")) as {
    numTotalTests: number;
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>;
  };
  const problems: string[] = [];
  let failed = j.numFailedTests;
  // A file that failed without a failing test (import error, failing beforeAll/afterAll, ...)
  // counts as one failure: its tests may otherwise show up only as "skipped".
  for (const r of j.testResults ?? []) {
    if (r.status === "failed" && !r.assertionResults.some((a) => a.status === "failed")) {
      failed += 1;
      problems.push(`${relative(root, r.name)} failed outside any test: ${firstLine(r.message ?? "") || "(see output above)"}`);
    }
  }
  return {
    passed: j.numPassedTests,
    failed,
    skipped: j.numPendingTests + j.numTodoTests,
    total: j.numTotalTests,
    problems,
  };
}

/** Counts from a Playwright `json` reporter file. */
export function readPlaywrightJson(file: string): Counts {
  const j = JSON.parse(readFileSync(file, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    errors?: Array<{ message?: string }>;
  };
  const problems: string[] = [];
  let failed = j.stats.unexpected;
  for (const e of j.errors ?? []) {
    failed += 1; // webServer that did not start, config/global-setup errors, ...
    problems.push(`Playwright error outside any test: ${firstLine(stripAnsi(e.message ?? "")) || "(see output above)"}`);
  }
  if (j.stats.flaky > 0) problems.push(`${j.stats.flaky} flaky test(s) passed only on retry`);
  return {
    passed: j.stats.expected + j.stats.flaky,
    failed,
    skipped: j.stats.skipped,
    total: j.stats.expected + j.stats.unexpected + j.stats.flaky + j.stats.skipped,
    problems,
  };
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

/**
 * Runs one stage: deletes its stale JSON, runs the command, reads the JSON, and reconciles it
 * with the exit code.
 */
export async function runStage(opts: {
  name: string;
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  jsonFile: string;
  kind: "vitest" | "playwright";
  detail?: string;
}): Promise<StageResult> {
  const t0 = Date.now();
  rmSync(opts.jsonFile, { force: true });
  const out = await runCommand(opts.cmd, opts.args, opts.env, opts.cwd);
  const result: StageResult = {
    name: opts.name,
    passed: 0,
    failed: 0,
    skipped: 0,
    durationMs: Date.now() - t0,
    detail: opts.detail,
    problems: [],
    warnings: [],
  };
  const how = out.spawnError
    ? `could not be started: ${out.spawnError}`
    : out.signal
      ? `was killed by ${out.signal}`
      : `exited with code ${out.code}`;
  if (!existsSync(opts.jsonFile)) {
    result.failed = 1;
    result.problems.push(`${opts.name}: ${opts.kind} ${how} and wrote no JSON report (${opts.jsonFile}): the stage crashed, see its output above`);
    return result;
  }
  let c: Counts;
  try {
    c = opts.kind === "vitest" ? readVitestJson(opts.jsonFile, opts.cwd) : readPlaywrightJson(opts.jsonFile);
  } catch (e) {
    result.failed = 1;
    result.problems.push(`${opts.name}: unreadable JSON report ${opts.jsonFile}: ${(e as Error).message}`);
    return result;
  }
  result.passed = c.passed;
  result.failed = c.failed;
  result.skipped = c.skipped;
  result.problems.push(...c.problems.map((p) => `${opts.name}: ${p}`));
  if (c.total === 0 && c.problems.length === 0) {
    result.warnings.push(`${opts.name}: RAN 0 TESTS — is the stage's include pattern right, or are the tests missing?`);
  }
  if (out.code !== 0 && result.failed === 0) {
    result.failed = 1;
    result.problems.push(
      `${opts.name}: ${opts.kind} ${how} although its report has no failing test` +
        (c.total === 0 ? " (no test files found?)" : " (an unhandled error? see its output above)"),
    );
  }
  return result;
}

/** A stage that could not even be started (missing prerequisite, server that did not start). */
export function stageNotRun(name: string, why: string, durationMs = 0): StageResult {
  return { name, passed: 0, failed: 1, skipped: 0, durationMs, problems: [`${name}: DID NOT RUN — ${why}`], warnings: [] };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Prints warnings, problems, the per-stage table and, as the very last line,
 * `N passed, N failed` (plus `, N skipped` when N > 0). Returns the totals.
 */
export function printSummary(results: StageResult[], note?: string): { passed: number; failed: number; skipped: number } {
  const total = results.reduce(
    (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped, ms: a.ms + r.durationMs }),
    { passed: 0, failed: 0, skipped: 0, ms: 0 },
  );
  const w = Math.max(24, ...results.map((r) => r.name.length + 2));
  const lines: string[] = [];
  lines.push("");
  lines.push("=".repeat(w + 40));
  lines.push(`test summary${note ? ` (${note})` : ""}`);
  const warnings = results.flatMap((r) => r.warnings);
  const problems = results.flatMap((r) => r.problems);
  for (const x of warnings) lines.push(`!! WARNING: ${x}`);
  for (const x of problems) lines.push(`!! ${x}`);
  if (warnings.length || problems.length) lines.push("");
  lines.push(`${pad("stage", w)}${lpad("passed", 8)}${lpad("failed", 8)}${lpad("skipped", 9)}${lpad("time", 10)}`);
  for (const r of results) {
    lines.push(
      `${pad(r.name, w)}${lpad(String(r.passed), 8)}${lpad(String(r.failed), 8)}${lpad(String(r.skipped), 9)}${lpad(secs(r.durationMs), 10)}` +
        (r.detail ? `   ${r.detail}` : ""),
    );
  }
  lines.push(`${pad("total", w)}${lpad(String(total.passed), 8)}${lpad(String(total.failed), 8)}${lpad(String(total.skipped), 9)}${lpad(secs(total.ms), 10)}`);
  lines.push("=".repeat(w + 40));
  lines.push(`${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ""}`);
  process.stdout.write(lines.join("\n") + "\n");
  return { passed: total.passed, failed: total.failed, skipped: total.skipped };
}
