/**
 * Are acknowledged commits durable with the settings in force? Checked at start-up by every
 * entry point that serves (app/server/startup.server.ts), because no test can catch it: a
 * SIGKILL of the app — or of mysqld under innodb_flush_log_at_trx_commit=2 — loses nothing;
 * only a power loss would, long after the test suite said all was well.
 *
 * Three steps, so each can be tested alone: readDurabilitySettings() asks the database (one
 * small query per setting), durabilityProblems() decides (pure), checkDurability() refuses.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import { isMysql } from "./dialect";

export interface SqliteDurabilitySettings {
  dialect: "sqlite";
  /** `PRAGMA journal_mode`: wal expected. */
  journalMode: string;
  /** `PRAGMA synchronous`: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA; 2 or 3 expected. */
  synchronous: number;
}

export interface MysqlDurabilitySettings {
  dialect: "mysql";
  version: string;
  database: string;
  /** @@innodb_flush_log_at_trx_commit: 1 expected (0 and 2 flush the redo log about once a second). */
  flushLogAtTrxCommit: number;
  /** @@log_bin: whether a binary log is written at all. */
  logBin: boolean;
  /** @@sync_binlog: 1 = the binary log is synced at every commit. */
  syncBinlog: number;
  /** @@innodb_doublewrite: ON/1 (or MySQL's DETECT_AND_RECOVER) protects pages torn by a power cut. */
  doublewrite: string;
  defaultStorageEngine: string;
  /** @@max_allowed_packet in bytes: a received file larger than it (less the statement) cannot be stored. */
  maxAllowedPacket?: number;
  /** The database's default character set and collation: what tables created by migrations get. */
  databaseCharset: string;
  databaseCollation: string;
  /** Base tables whose engine is not InnoDB or whose collation is not utf8mb4_*. */
  badTables: Array<{ name: string; engine: string; collation: string }>;
  /** Text columns whose character set is not utf8mb4. */
  badColumns: Array<{ table: string; column: string; charset: string }>;
}

/** What storing a 20 MB received file needs, with room for the statement around it. */
export const MIN_ALLOWED_PACKET = 64 * 1024 * 1024;

export type DurabilitySettings = SqliteDurabilitySettings | MysqlDurabilitySettings;

export interface DurabilityProblem {
  /** The setting, as an administrator would look it up. */
  setting: string;
  found: string;
  expected: string;
  /** refuse: the server does not start (unless ALLOW_NON_DURABLE); warn: it starts and says so. */
  severity: "refuse" | "warn";
  /** What goes wrong, in Chinese and in English. */
  zh: string;
  en: string;
  /** How to fix it. */
  fix: string;
}

type AnyDb = Kysely<any>;

async function one<T>(db: AnyDb, query: RawBuilder<unknown>): Promise<T> {
  const { rows } = await query.execute(db);
  return rows[0] as T;
}

/** The settings in force on this connection (SQLite's synchronous is per connection). */
export async function readDurabilitySettings(db: AnyDb): Promise<DurabilitySettings> {
  if (!isMysql(db)) {
    const journal = await one<{ journal_mode: string }>(db, sql`PRAGMA journal_mode`);
    const sync = await one<{ synchronous: number }>(db, sql`PRAGMA synchronous`);
    return { dialect: "sqlite", journalMode: String(journal.journal_mode).toLowerCase(), synchronous: Number(sync.synchronous) };
  }
  const vars = await one<Record<string, unknown>>(db, sql`SELECT VERSION() AS version, DATABASE() AS db,
    @@innodb_flush_log_at_trx_commit AS flush, @@log_bin AS log_bin, @@sync_binlog AS sync_binlog,
    @@innodb_doublewrite AS doublewrite, @@default_storage_engine AS engine, @@max_allowed_packet AS packet`);
  const schema = await one<Record<string, unknown> | undefined>(db, sql`SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation
    FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()`);
  const { rows: tables } = await sql<Record<string, unknown>>`SELECT TABLE_NAME AS name, ENGINE AS engine, TABLE_COLLATION AS collation
    FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
      AND (ENGINE IS NULL OR UPPER(ENGINE) <> 'INNODB' OR TABLE_COLLATION IS NULL OR TABLE_COLLATION NOT LIKE 'utf8mb4%')
    ORDER BY TABLE_NAME`.execute(db);
  const { rows: columns } = await sql<Record<string, unknown>>`SELECT TABLE_NAME AS t, COLUMN_NAME AS c, CHARACTER_SET_NAME AS charset
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4'
    ORDER BY TABLE_NAME, ORDINAL_POSITION`.execute(db);
  return {
    dialect: "mysql",
    version: String(vars.version),
    database: String(vars.db ?? ""),
    flushLogAtTrxCommit: Number(vars.flush),
    logBin: Number(vars.log_bin) === 1 || String(vars.log_bin).toUpperCase() === "ON",
    syncBinlog: Number(vars.sync_binlog),
    doublewrite: String(vars.doublewrite ?? ""),
    defaultStorageEngine: String(vars.engine ?? ""),
    maxAllowedPacket: Number(vars.packet),
    databaseCharset: String(schema?.charset ?? ""),
    databaseCollation: String(schema?.collation ?? ""),
    badTables: tables.map((r) => ({ name: String(r.name), engine: String(r.engine ?? ""), collation: String(r.collation ?? "") })),
    badColumns: columns.map((r) => ({ table: String(r.t), column: String(r.c), charset: String(r.charset) })),
  };
}

const MY_CNF = "并写入 my.cnf 的 [mysqld] 段以便重启后仍生效 / and put it under [mysqld] in my.cnf so it survives a restart";

/** The decision: every setting that makes an acknowledged commit (or Chinese text) unsafe. */
export function durabilityProblems(s: DurabilitySettings): DurabilityProblem[] {
  const problems: DurabilityProblem[] = [];
  if (s.dialect === "sqlite") {
    if (s.journalMode !== "wal") {
      problems.push({
        setting: "PRAGMA journal_mode", found: s.journalMode, expected: "wal", severity: "refuse",
        zh: "SQLite 未使用 WAL 日志（数据库文件所在的文件系统可能不支持，如网络盘或内存库），崩溃恢复与并发读写均无保证。",
        en: "SQLite is not in WAL mode (the file system may not support it, e.g. a network share, or the database is in memory).",
        fix: "把数据库文件放在本地磁盘上（DATABASE_URL=file:本地路径）；db/client.ts 的 openSqlite() 会设置 journal_mode=WAL / keep the file on a local disk",
      });
    }
    if (s.synchronous < 2) {
      problems.push({
        setting: "PRAGMA synchronous", found: `${s.synchronous}（${["OFF", "NORMAL"][s.synchronous] ?? "?"}）`, expected: "2（FULL）", severity: "refuse",
        zh: "SQLite 提交时不等待数据写入磁盘，断电会丢失已确认的提交。",
        en: "SQLite does not wait for the disk at commit: a power loss loses acknowledged commits.",
        fix: "通过 db/client.ts 的 openSqlite() 打开数据库（synchronous = FULL）/ open the database with openSqlite(), which sets synchronous = FULL",
      });
    }
    return problems;
  }
  if (s.flushLogAtTrxCommit !== 1) {
    problems.push({
      setting: "innodb_flush_log_at_trx_commit", found: String(s.flushLogAtTrxCommit), expected: "1", severity: "refuse",
      zh: `InnoDB 约每秒才把重做日志刷到磁盘一次${s.flushLogAtTrxCommit === 0 ? "（0：数据库进程崩溃也会丢失）" : "（2：断电时丢失）"}，最近约 1 秒已确认的提交可能丢失。`,
      en: `InnoDB flushes its redo log about once a second${s.flushLogAtTrxCommit === 0 ? " (0: even a mysqld crash loses it)" : " (2: a power loss loses it)"}: up to a second of acknowledged commits can be lost.`,
      fix: `SET GLOBAL innodb_flush_log_at_trx_commit = 1; ${MY_CNF}`,
    });
  }
  if (s.logBin && s.syncBinlog !== 1) {
    problems.push({
      setting: "sync_binlog", found: String(s.syncBinlog), expected: "1（已开启 binlog 时 / with the binary log on）", severity: "warn",
      zh: "二进制日志不在每次提交时同步到磁盘：断电后复制从库或按 binlog 恢复可能缺少已确认的提交。",
      en: "The binary log is not synced at every commit: after a power loss, replicas or a point-in-time recovery may miss acknowledged commits.",
      fix: `SET GLOBAL sync_binlog = 1; ${MY_CNF}`,
    });
  }
  if (["0", "OFF"].includes(s.doublewrite.toUpperCase())) {
    problems.push({
      setting: "innodb_doublewrite", found: s.doublewrite, expected: "ON", severity: "warn",
      zh: "InnoDB 双写缓冲已关闭：断电时写到一半的数据页无法修复。",
      en: "The InnoDB doublewrite buffer is off: a page torn by a power cut cannot be repaired.",
      fix: "在 my.cnf 的 [mysqld] 段设置 innodb_doublewrite = ON 并重启 / set innodb_doublewrite = ON in my.cnf and restart",
    });
  }
  if (s.defaultStorageEngine.toUpperCase() !== "INNODB") {
    problems.push({
      setting: "default_storage_engine", found: s.defaultStorageEngine, expected: "InnoDB", severity: "refuse",
      zh: "默认存储引擎不是 InnoDB：迁移建的表没有事务与崩溃恢复。",
      en: "The default storage engine is not InnoDB: tables created by the migrations would have no transactions or crash recovery.",
      fix: `SET GLOBAL default_storage_engine = InnoDB; ${MY_CNF}`,
    });
  }
  if (s.maxAllowedPacket != null && s.maxAllowedPacket < MIN_ALLOWED_PACKET) {
    problems.push({
      setting: "max_allowed_packet", found: String(s.maxAllowedPacket), expected: `≥ ${MIN_ALLOWED_PACKET}（64 MB）`, severity: "refuse",
      zh: `单条语句上限小于 64 MB：批量接收时上传的文件（最大 20 MB）无法保存，接收会失败。`,
      en: "The statement size limit is under 64 MB: a received file (up to 20 MB) could not be stored, and its intake would fail.",
      fix: `SET GLOBAL max_allowed_packet = ${MIN_ALLOWED_PACKET}; ${MY_CNF}`,
    });
  }
  const db = s.database ? `\`${s.database}\`` : "<库名>";
  if (s.databaseCharset.toLowerCase() !== "utf8mb4") {
    problems.push({
      setting: `数据库 ${db} 的字符集 / character set of database ${db}`, found: `${s.databaseCharset}（${s.databaseCollation}）`, expected: "utf8mb4", severity: "refuse",
      zh: "数据库默认字符集不是 utf8mb4：迁移建的表存不下全部中文字符（生僻字、表情会变成 ? 或报错）。",
      en: "The database's default character set is not utf8mb4: tables the migrations create could not hold every Chinese character.",
      fix: `ALTER DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;（空库时执行；已有表须逐表转换 / on an empty database; existing tables need converting）`,
    });
  }
  for (const t of s.badTables) {
    const notInnodb = t.engine.toUpperCase() !== "INNODB";
    problems.push({
      setting: `表 / table \`${t.name}\``, found: `ENGINE=${t.engine || "?"} COLLATE=${t.collation || "?"}`, expected: "ENGINE=InnoDB，utf8mb4_*", severity: "refuse",
      zh: notInnodb ? "该表不是 InnoDB：写入没有事务与崩溃恢复。" : "该表的排序规则不是 utf8mb4：存不下全部中文字符。",
      en: notInnodb ? "This table is not InnoDB: its writes have no transactions or crash recovery." : "This table's collation is not utf8mb4: it cannot hold every Chinese character.",
      fix: notInnodb ? `ALTER TABLE \`${t.name}\` ENGINE = InnoDB;` : `ALTER TABLE \`${t.name}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
    });
  }
  for (const c of s.badColumns) {
    if (s.badTables.some((t) => t.name === c.table)) continue; // converting the table fixes its columns
    problems.push({
      setting: `列 / column \`${c.table}\`.\`${c.column}\``, found: c.charset, expected: "utf8mb4", severity: "refuse",
      zh: "该列的字符集不是 utf8mb4：存不下全部中文字符。",
      en: "This column's character set is not utf8mb4: it cannot hold every Chinese character.",
      fix: `ALTER TABLE \`${c.table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
    });
  }
  return problems;
}

export const ALLOW_NON_DURABLE_HINT =
  "如确需在此设置下运行（例如可随时丢弃的测试库），设置环境变量 ALLOW_NON_DURABLE=1 / To run anyway (e.g. on a throwaway test database), set ALLOW_NON_DURABLE=1.";

/** The problems as a message for the operator: each setting, what it is, why it matters, the fix. */
export function formatDurabilityProblems(problems: DurabilityProblem[]): string {
  return problems
    .map((p) => `  - ${p.setting} = ${p.found}（应为 / expected ${p.expected}）${p.severity === "warn" ? " [警告 / warning]" : ""}\n      ${p.zh}\n      ${p.en}\n      修复 / fix: ${p.fix}`)
    .join("\n");
}

export class DurabilityError extends Error {
  constructor(readonly problems: DurabilityProblem[]) {
    super(
      `拒绝启动：数据库设置不能保证已确认的提交不丢失 / Refusing to start: the database's settings do not make acknowledged commits durable\n` +
        `${formatDurabilityProblems(problems)}\n${ALLOW_NON_DURABLE_HINT}`,
    );
    this.name = "DurabilityError";
  }
}

/**
 * Reads and judges the settings. Throws DurabilityError when any problem refuses (unless
 * `allowNonDurable`); otherwise returns the problems to warn about (with `allowNonDurable`,
 * the refusing ones too).
 */
export async function checkDurability(db: AnyDb, options: { allowNonDurable?: boolean } = {}): Promise<DurabilityProblem[]> {
  const problems = durabilityProblems(await readDurabilitySettings(db));
  if (!options.allowNonDurable && problems.some((p) => p.severity === "refuse")) throw new DurabilityError(problems);
  return problems;
}
