/**
 * `npm run backup -- <out> [--format jsonl]`: a consistent backup of DATABASE_URL, taken while
 * the server runs. SQLite: an online copy (better-sqlite3 `.backup()`) plus `<out>.manifest.json`;
 * MySQL: one JSON-lines file read in a single consistent snapshot. Every table's row count and
 * SHA-256 are recorded, and `npm run restore` checks them. See app/server/backup.server.ts.
 */
import { resolve } from "node:path";
import { DEFAULT_DATABASE_URL } from "#db/client";
import { backupDatabase } from "~/server/backup.server";

function usage(message?: string): never {
  if (message) console.error(message);
  console.error("用法：npm run backup -- <备份文件> [--format jsonl]    （数据库取自 DATABASE_URL）");
  process.exit(2);
}

const args = process.argv.slice(2);
let out: string | undefined;
let format: "auto" | "jsonl" = "auto";
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--format") {
    const value = args[++i];
    if (value !== "jsonl" && value !== "auto") usage(`不支持的格式：${value}`);
    format = value;
  } else if (args[i] === "-h" || args[i] === "--help") usage();
  else if (!out) out = args[i];
  else usage(`多余的参数：${args[i]}`);
}
if (!out) usage();

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
try {
  const result = await backupDatabase(url, resolve(out), { format });
  const rows = Object.values(result.manifest.tables).reduce((a, t) => a + t.rows, 0);
  console.log(`备份完成：${result.file}（${(result.bytes / 1024 / 1024).toFixed(2)} MB，${result.manifest.kind === "jsonl" ? "JSON 行格式" : "SQLite 文件"}，${(result.ms / 1000).toFixed(1)} 秒）`);
  console.log(`共 ${Object.keys(result.manifest.tables).length} 张表、${rows} 行；迁移版本：${result.manifest.migrations.at(-1) ?? "（无）"}`);
  for (const [table, sum] of Object.entries(result.manifest.tables)) console.log(`  ${table.padEnd(24)} ${String(sum.rows).padStart(8)} 行  sha256 ${sum.sha256.slice(0, 16)}…`);
} catch (error) {
  console.error(`备份失败：${(error as Error).message}`);
  process.exitCode = 1;
}
