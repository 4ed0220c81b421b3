/**
 * `npm run check-report -- <files or folders…> [--json] [--csv out.csv]`
 * Reads reports and project forms (.txt/.docx/.xlsx/.pdf/.html) and prints, for each file: the
 * template it looked like, the facts found, the fields missing and the flags — for a file of
 * project forms (项目支出绩效自评表), each form with rules P1–P12 — no database, no server. Exit 0 when every file could be read (flags are findings, not
 * failures); 1 when a file could not be read; 2 for bad usage.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";
import { parseArgs } from "node:util";
import { toCsv } from "~/domain/csv";
import { formatAmount } from "~/domain/money";
import type { Flag } from "~/domain/report";
import { checkReport, RULES, summarizeFlags } from "~/domain/rules";
import { checkProjectEvaluation, PROJECT_RULES } from "~/domain/rules/project";
import { fundsTotal, projectFieldLabel } from "~/domain/projectEvaluation";
import { fieldLabel, SEVERITY_LABELS } from "~/domain/vocabulary";
import { closeConvertPool, readReportUntrusted } from "~/server/convertPool.server";

const READABLE = new Set([".txt", ".docx", ".xlsx", ".pdf", ".html", ".htm", ".json"]);

const { values, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: "boolean" }, csv: { type: "string" }, help: { type: "boolean", short: "h" } } });
if (values.help || positionals.length === 0) {
  console.error("用法：npm run check-report -- <文件或文件夹…> [--json] [--csv 输出.csv]");
  process.exit(positionals.length === 0 && !values.help ? 2 : 0);
}

function collect(path: string, out: string[]) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    out.push(path); // reported as unreadable below
    return;
  }
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) {
      const child = join(path, entry);
      if (statSync(child).isDirectory() || READABLE.has(extname(entry).toLowerCase())) collect(child, out);
    }
  } else out.push(path);
}

const files: string[] = [];
for (const p of positionals) collect(p, files);

const csvRows: string[][] = [["file", "template", "unit", "year", "project", "rule", "severity", "path", "message"]];
const totals = { files: 0, unreadable: 0, error: 0, warning: 0, info: 0 };
const titles = new Map<string, string>([...RULES, ...PROJECT_RULES].map((r) => [r.id, r.title]));

function tally(flags: readonly Flag[]) {
  const counts = summarizeFlags(flags);
  totals.error += counts.error;
  totals.warning += counts.warning;
  totals.info += counts.info;
  return counts;
}
const printFlags = (flags: readonly Flag[], indent = "  ") => {
  for (const f of flags) console.log(`${indent}[${SEVERITY_LABELS[f.severity]}] ${titles.get(f.rule) ?? f.rule}（${f.rule}，${f.path}）：${f.message}`);
};

for (const file of files) {
  totals.files++;
  let data: Uint8Array;
  try {
    data = new Uint8Array(readFileSync(file));
  } catch {
    totals.unreadable++;
    console.error(`${file}：无法读取文件`);
    continue;
  }
  // Read in a worker process with time and memory limits, as the server does: one hostile file
  // is reported as unreadable, the rest of the batch goes on.
  const read = await readReportUntrusted(file, data);
  const parsed = read.ok ? read.result : null;
  const projects = read.ok ? read.projects ?? [] : [];
  if (!read.ok || (!parsed?.ok && projects.length === 0)) {
    totals.unreadable++;
    console.error(`${file}：${read.ok ? parsed?.error : read.error}`);
    continue;
  }
  const template = parsed?.template?.name ?? (projects.length ? "项目支出绩效自评表" : "");
  if (projects.length > 0) {
    // A file of project forms: each form is its own document with its own rules.
    const checked = projects.map((p) => ({ ...p, flags: checkProjectEvaluation(p.evaluation) }));
    for (const p of checked) {
      tally(p.flags);
      for (const f of p.flags) csvRows.push([file, template, p.evaluation.unit.name, String(p.evaluation.year ?? ""), p.evaluation.project.name, f.rule, f.severity, f.path, f.message]);
    }
    if (values.json) {
      console.log(JSON.stringify({ file, template, projects: checked.map((p) => ({ evaluation: p.evaluation, found: Object.keys(p.sources), missing: p.missing, flags: p.flags })) }));
      continue;
    }
    console.log(`\n== ${file}`);
    console.log(`模板：${template}　项目表 ${projects.length} 份`);
    for (const [i, p] of checked.entries()) {
      const e = p.evaluation, total = fundsTotal(e), counts = summarizeFlags(p.flags);
      console.log(`  第${i + 1}份：${e.project.code ? `${e.project.code}-` : ""}${e.project.name || "（未识别项目名称）"}　实施单位：${e.unit.name || "（未识别）"}　年度：${e.year ?? "（未识别）"}　总分：${e.totalScore ?? "—"}`);
      console.log(`    调整后预算 ${formatAmount(total?.adjustedBudget)} 万元　执行数 ${formatAmount(total?.executed)} 万元　绩效指标 ${e.indicators.length} 项　识别出 ${Object.keys(p.sources).length} 项内容`);
      if (p.missing.length) console.log(`    缺少：${p.missing.map(projectFieldLabel).join("、")}`);
      console.log(`    问题：错误 ${counts.error}，提示 ${counts.warning}，信息 ${counts.info}`);
      printFlags(p.flags, "    ");
    }
    continue;
  }
  if (!parsed) continue;
  const flags: Flag[] = checkReport(parsed.document);
  const counts = tally(flags);
  for (const f of flags) csvRows.push([file, template, parsed.document.unit.name, String(parsed.document.year ?? ""), "", f.rule, f.severity, f.path, f.message]);
  if (values.json) {
    console.log(JSON.stringify({ file, template, document: parsed.document, found: Object.keys(parsed.sources), missing: parsed.missing, flags: flags.map(({ rule, severity, path, message, values }) => ({ rule, severity, path, message, values })) }));
    continue;
  }
  const doc = parsed.document;
  console.log(`\n== ${file}`);
  console.log(`模板：${template || "（未识别）"}　识别出 ${Object.keys(parsed.sources).length} 项内容`);
  console.log(`单位：${doc.unit.name || "（未识别）"}　年度：${doc.year ?? "（未识别）"}　自评得分：${doc.selfScore ?? "—"}`);
  console.log(`年初预算 ${formatAmount(doc.income.initialBudget)} 万元　调整预算 ${formatAmount(doc.income.adjustedBudget)} 万元　支出合计 ${formatAmount(doc.expenditure.total)} 万元　支出明细 ${doc.expenditure.lines.length} 行　绩效指标 ${doc.targets.indicators.length} 项`);
  if (parsed.missing.length) console.log(`缺少：${parsed.missing.map(fieldLabel).join("、")}`);
  console.log(`问题：错误 ${counts.error}，提示 ${counts.warning}，信息 ${counts.info}`);
  printFlags(flags);
}

await closeConvertPool();

if (values.csv) {
  // File names, unit names and messages come from the reports: csvCell guards formulas.
  writeFileSync(values.csv, toCsv(csvRows));
}
const summary = `共 ${totals.files} 个文件，无法读取 ${totals.unreadable} 个；错误 ${totals.error}，提示 ${totals.warning}，信息 ${totals.info}`;
if (values.json) console.error(summary);
else console.log(`\n${summary}`);
process.exitCode = totals.unreadable > 0 ? 1 : 0;
