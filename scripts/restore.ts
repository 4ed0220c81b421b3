/**
 * `npm run restore -- <backup> [--force]`: restores a backup made by `npm run backup` into
 * DATABASE_URL — a new SQLite file or an empty MySQL database (migrated first) — and checks
 * every table's row count and SHA-256 against the backup before committing. A truncated,
 * altered or foreign backup is refused and leaves the target untouched. `--force` replaces a
 * database that already holds data (stop the server first).
 */
import { resolve } from "node:path";
import { DEFAULT_DATABASE_URL } from "#db/client";
import { restoreDatabase } from "~/server/backup.server";

function usage(message?: string): never {
  if (message) console.error(message);
  console.error("用法：npm run restore -- <备份文件> [--force]    （恢复到 DATABASE_URL；目标须为空库，--force 覆盖已有数据）");
  process.exit(2);
}

const args = process.argv.slice(2);
let file: string | undefined;
let force = false;
for (const arg of args) {
  if (arg === "--force") force = true;
  else if (arg === "-h" || arg === "--help") usage();
  else if (!file) file = arg;
  else usage(`多余的参数：${arg}`);
}
if (!file) usage();

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
try {
  const result = await restoreDatabase(resolve(file), url, { force });
  console.log(`恢复完成：${Object.keys(result.manifest.tables).length} 张表、${result.rows} 行，逐表行数与校验和与备份一致（${(result.ms / 1000).toFixed(1)} 秒）`);
  console.log(`备份时间：${result.manifest.createdAt}；来源：${result.manifest.dialect}`);
  if (result.migrated.length) console.log(`已将恢复的数据库迁移到当前版本：${result.migrated.join(", ")}`);
} catch (error) {
  console.error(`恢复失败：${(error as Error).message}`);
  process.exitCode = 1;
}
