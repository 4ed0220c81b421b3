/**
 * `npm run reliability`: the security and reliability figures in one table.
 *
 * Runs the integration tests under test/integration/security and test/integration/reliability
 * (and the start-up durability check; the e2e crawl's figure comes from the last `npm test`)
 * on SQLite and then on MySQL (TEST_MYSQL_URL if set, else a private throwaway MariaDB from
 * scripts/lib/mariadb.ts), collects the figures each test file writes to
 * .tmp/reliability/<suite>-<dialect>.json, and prints them side by side with what each must be.
 *
 *   npm run reliability                    both dialects
 *   npm run reliability -- --only sqlite   one dialect (sqlite | mysql)
 *   npm run reliability -- --table         print the table from the last run, run nothing
 *   npm run reliability -- --markdown      the table as Markdown (for the README)
 *
 * Exit code: non-zero if a test failed or a figure misses what it must be.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { resolveMysqlForTests } from "./lib/mariadb";
import { FIGURES_DIR, ROOT, readFigureFiles, type FigureFile } from "./lib/reliability/figures";
import { readVitestJson, runCommand } from "./lib/summary";

const SUITES = ["test/integration/security", "test/integration/reliability", "test/integration/server/durability.test.ts"];
const ORDER = ["matrix", "hostile", "hostile-files", "sessions", "races", "readmodel", "crash", "durability", "backup", "crawl"];
const TITLES: Record<string, string> = {
  matrix: "Authorization matrix",
  hostile: "Hostile input",
  "hostile-files": "Abusive files through the production server",
  sessions: "Sessions, login, HTTP layer",
  races: "Races",
  readmodel: "Read model",
  crash: "Crashes (SIGKILL)",
  durability: "Durable settings at start-up",
  crawl: "Served pages (e2e crawl of every role)",
  backup: "Backup and restore drill",
};

function parseArgs(argv: string[]) {
  const options = { dialects: ["sqlite", "mysql"] as Array<"sqlite" | "mysql">, run: true, markdown: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only") {
      const v = argv[++i];
      if (v !== "sqlite" && v !== "mysql") throw new Error(`--only sqlite|mysql, not ${v}`);
      options.dialects = [v];
    } else if (a === "--table") options.run = false;
    else if (a === "--markdown") options.markdown = true;
    else throw new Error(`unknown argument ${a} (see the comment at the top of scripts/reliability.ts)`);
  }
  return options;
}

async function runDialect(dialect: "sqlite" | "mysql"): Promise<{ passed: number; failed: number; problems: string[] }> {
  // Only this dialect's figures are replaced: a stale file must not pass for a fresh one.
  for (const suite of ORDER.filter((s) => s !== "crawl")) rmSync(join(FIGURES_DIR, `${suite}-${dialect}.json`), { force: true });
  const jsonFile = join(ROOT, ".tmp", "test-results", `reliability-${dialect}.json`);
  mkdirSync(join(ROOT, ".tmp", "test-results"), { recursive: true });
  rmSync(jsonFile, { force: true });
  let env: NodeJS.ProcessEnv = { ...process.env, TEST_DB: dialect };
  let stop = async () => {};
  if (dialect === "mysql") {
    const mysql = await resolveMysqlForTests();
    env = { ...env, TEST_MYSQL_URL: mysql.url };
    stop = mysql.stop;
  }
  console.log(`\n━━━ security and reliability tests on ${dialect === "sqlite" ? "SQLite" : "MySQL"} ━━━`);
  try {
    const vitest = join(ROOT, "node_modules", "vitest", "vitest.mjs");
    const out = await runCommand(process.execPath, [vitest, "run", "--config", "test/vitest.integration.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${jsonFile}`, ...SUITES], env, ROOT);
    try {
      const counts = readVitestJson(jsonFile, ROOT);
      return { passed: counts.passed, failed: counts.failed + (out.code !== 0 && counts.failed === 0 ? 1 : 0), problems: counts.problems };
    } catch {
      return { passed: 0, failed: 1, problems: [`vitest wrote no report (${out.signal ?? out.code})`] };
    }
  } finally {
    await stop();
  }
}

function table(files: FigureFile[], markdown: boolean): { text: string; misses: number } {
  const dialects = ["sqlite", "mysql"].filter((d) => files.some((f) => f.dialect === d));
  const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  const suites = [...new Set(files.map((f) => f.suite))].sort((a, b) => rank(a) - rank(b));
  const rows: string[][] = [];
  let misses = 0;
  for (const suite of suites) {
    rows.push([`**${TITLES[suite] ?? suite}**`, ...dialects.map(() => ""), ""]);
    const labels: string[] = [];
    for (const f of files.filter((x) => x.suite === suite)) for (const fig of f.figures) if (!labels.includes(fig.label)) labels.push(fig.label);
    for (const label of labels) {
      let must = "";
      const cells = dialects.map((d) => {
        const fig = files.find((f) => f.suite === suite && f.dialect === d)?.figures.find((x) => x.label === label);
        if (!fig) return "—";
        if (fig.must) must = fig.must;
        if (fig.ok === false || (fig.must && fig.ok === undefined && String(fig.value) !== fig.must)) {
          misses++;
          return `${fig.value} ✗`;
        }
        return String(fig.value);
      });
      rows.push([label, ...cells, must]);
    }
  }
  const header = ["figure", ...dialects.map((d) => (d === "sqlite" ? "SQLite" : "MySQL")), "must be"];
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return { text: [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n"), misses };
  }
  const plain = rows.map((r) => r.map((c) => c.replace(/\*\*/g, "")));
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  const widths = header.map((h, i) => Math.max(width(h), ...plain.map((r) => width(r[i] ?? ""))));
  const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - width(s)));
  const fmt = (cells: string[]) => cells.map((c, i) => pad(c, widths[i])).join("  ");
  return { text: [fmt(header), widths.map((w) => "─".repeat(w)).join("  "), ...plain.map(fmt)].join("\n"), misses };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const results: Array<{ dialect: string; passed: number; failed: number; problems: string[] }> = [];
  if (options.run) for (const d of options.dialects) results.push({ dialect: d, ...(await runDialect(d)) });
  const files = readFigureFiles().filter((f) => options.dialects.includes(f.dialect as "sqlite" | "mysql"));
  if (!files.length) {
    console.error(`no figures in ${FIGURES_DIR}: run without --table first`);
    return 1;
  }
  const { text, misses } = table(files, options.markdown);
  console.log(`\n安全与可靠性指标（${new Date().toISOString().slice(0, 10)}）\n`);
  console.log(text);
  const notes = files.flatMap((f) => f.notes.map((n) => `[${f.suite}/${f.dialect}] ${n}`));
  if (notes.length) console.log(`\nnotes:\n  ${notes.join("\n  ")}`);
  for (const r of results) {
    for (const p of r.problems) console.log(`!! ${r.dialect}: ${p}`);
    console.log(`${r.dialect}: ${r.passed} passed, ${r.failed} failed`);
  }
  const failed = results.reduce((a, r) => a + r.failed, 0);
  console.log(`figures: ${misses === 0 ? "all meet what they must be" : `${misses} miss what they must be (✗)`}`);
  return failed > 0 || misses > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
