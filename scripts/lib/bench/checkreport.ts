/**
 * check-report throughput: `scripts/check-report.ts` (the CLI, as a user runs it) on N copies
 * of the reference text report in a temporary folder; the marginal rate subtracts the
 * run on a single file (process start, module loading).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIXTURE = "test/fixtures/luxian-trade-union-2023.txt";

function run(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/check-report.ts", ...args], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`check-report exited ${r.status}: ${r.stderr?.slice(0, 500)}`);
  return (performance.now() - started) / 1000;
}

export interface CheckReportResult {
  files: number;
  seconds: number;
  reportsPerSecond: number;
  startupSeconds: number;
  marginalReportsPerSecond: number;
}

export function benchCheckReport(files: number): CheckReportResult {
  const dir = mkdtempSync(join(tmpdir(), "bench-check-report-"));
  try {
    for (let i = 0; i < files; i++) copyFileSync(FIXTURE, join(dir, `report-${String(i).padStart(5, "0")}.txt`));
    run([join(dir, "report-00000.txt")]); // warm the file cache and tsx's transform cache
    const startupSeconds = Math.min(run([join(dir, "report-00000.txt")]), run([join(dir, "report-00000.txt")]));
    const seconds = run([dir]);
    return {
      files, seconds: round(seconds), reportsPerSecond: round(files / seconds), startupSeconds: round(startupSeconds),
      marginalReportsPerSecond: round((files - 1) / Math.max(0.001, seconds - startupSeconds)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
