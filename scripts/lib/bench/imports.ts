/**
 * Import throughput, as the server reads uploads: N files of each format through the convert
 * pool (child processes with memory and time limits, app/server/convertPool.server.ts), keeping
 * as many in flight as the pool takes. Formats: the reference report as text, .docx and
 * .xlsx (its 自评表), as a saved web page, and as a PDF printed by Chromium from that page
 * (skipped, and said so, when Chromium is absent). The workers run the production bundle
 * (build/convert-worker.js, as `npm start` does), not TypeScript under tsx, and every worker is
 * warmed before timing. Targets: text ≥ 100 files/s, PDF and .docx ≥ 20 files/s (issue 14).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolve } from "node:path";
import { CONVERT_LIMITS, ConvertPool } from "~/server/convertPool.server";

const REFERENCE = "test/fixtures/luxian-trade-union-2023";
const CHROMIUM = "/usr/bin/chromium";
/** The pool answers "busy" beyond its workers plus its queue (2 + 6): stay within. */
const IN_FLIGHT = 8;

export interface ImportBench {
  format: string;
  files: number;
  seconds: number;
  filesPerSecond: number;
  /** Files that gave a document with at least one fact. */
  read: number;
  /** files/s the issue asks for, or null for no target. */
  target: number | null;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The reference text as a web page: paragraphs, the TAB-celled table as an HTML table. */
export function referenceAsHtml(text: string): string {
  const out: string[] = ["<!doctype html><html><head><meta charset=\"utf-8\"><title>绩效自评报告</title></head><body>", "<div class=\"crumb\">您现在的位置：首页 &gt; 政务公开</div>", "<div class=\"article\">"];
  let row: string[] | null = null;
  let table: string[][] | null = null;
  const flushTable = () => {
    if (row?.length) table?.push(row);
    if (table?.length) out.push(`<table border="1">${table.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("")}</table>`);
    table = null;
    row = null;
  };
  for (const line of text.split("\n")) {
    if (line.startsWith("\t")) {
      table ??= [];
      row ??= [];
      row.push(line.slice(1));
    } else if (line.trim() === "") {
      if (row) {
        if (row.length) table!.push(row);
        row = null;
      } else flushTable();
    } else if (row && row.length) row[row.length - 1] += line.trim();
    else {
      flushTable();
      out.push(`<p>${escapeHtml(line)}</p>`);
    }
  }
  flushTable();
  out.push("</div><div class=\"footer\">主办单位：某县人民政府办公室</div></body></html>");
  return out.join("\n");
}

function printPdf(htmlFile: string, pdfFile: string): boolean {
  if (!existsSync(CHROMIUM)) return false;
  const r = spawnSync(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", `--print-to-pdf=${pdfFile}`, "--no-pdf-header-footer", htmlFile], { stdio: "ignore", timeout: 60_000 });
  return r.status === 0 && existsSync(pdfFile);
}

async function throughput(pool: ConvertPool, format: string, fileName: string, bytes: Uint8Array, files: number, target: number | null): Promise<ImportBench> {
  // Start every worker and load its parsers (pdf.js loads on a worker's first PDF).
  await Promise.all(Array.from({ length: CONVERT_LIMITS.maxWorkers * 2 }, () => pool.read(fileName, bytes)));
  let next = 0;
  let read = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < files) {
      next++;
      const answer = await pool.read(fileName, bytes);
      if (answer.ok && (answer.result.ok || (answer.projects?.length ?? 0) > 0)) read++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { format, files, seconds: round(seconds), filesPerSecond: round(files / seconds), read, target };
}

export async function benchImports(files: number, workDir: string, log: (line: string) => void): Promise<ImportBench[]> {
  mkdirSync(workDir, { recursive: true });
  const text = readFileSync(`${REFERENCE}.txt`, "utf8");
  const htmlFile = join(workDir, "reference.html");
  writeFileSync(htmlFile, referenceAsHtml(text));
  const pdfFile = join(workDir, "reference.pdf");
  const inputs: Array<[string, string, Uint8Array | null, number | null]> = [
    ["文本 .txt", "report.txt", new TextEncoder().encode(text), 100],
    ["Word .docx", "report.docx", new Uint8Array(readFileSync(`${REFERENCE}.docx`)), 20],
    ["Excel .xlsx", "report.xlsx", new Uint8Array(readFileSync(`${REFERENCE}-targets.xlsx`)), null],
    ["网页 .html", "report.html", new Uint8Array(readFileSync(htmlFile)), null],
    ["PDF", "report.pdf", existsSync(pdfFile) || printPdf(htmlFile, pdfFile) ? new Uint8Array(readFileSync(pdfFile)) : null, 20],
  ];
  const results: ImportBench[] = [];
  const pool = new ConvertPool({ workerPath: resolve("build", "convert-worker.js") });
  try {
    for (const [format, fileName, bytes, target] of inputs) {
      if (!bytes) {
        log(`${format}：未找到 Chromium（${CHROMIUM}），跳过`);
        continue;
      }
      const r = await throughput(pool, format, fileName, bytes, files, target);
      log(`${format}：${r.files} 份用时 ${r.seconds} 秒，${r.filesPerSecond} 份/秒，读出 ${r.read} 份`);
      results.push(r);
    }
  } finally {
    await pool.close();
  }
  return results;
}

const round = (x: number) => Math.round(x * 100) / 100;
