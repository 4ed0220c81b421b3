import { describe, expect, it } from "vitest";
import { DurabilityError, durabilityProblems, type MysqlDurabilitySettings, type SqliteDurabilitySettings } from "#db/durability";

const sqliteOk: SqliteDurabilitySettings = { dialect: "sqlite", journalMode: "wal", synchronous: 2 };
const mysqlOk: MysqlDurabilitySettings = {
  dialect: "mysql", version: "10.11.6-MariaDB", database: "jx",
  flushLogAtTrxCommit: 1, logBin: false, syncBinlog: 0, doublewrite: "1", defaultStorageEngine: "InnoDB", maxAllowedPacket: 64 * 1024 * 1024,
  databaseCharset: "utf8mb4", databaseCollation: "utf8mb4_unicode_ci", badTables: [], badColumns: [],
};

const decide = (s: SqliteDurabilitySettings | MysqlDurabilitySettings) => durabilityProblems(s).map((p) => `${p.severity} ${p.setting}`);

describe("durabilityProblems", () => {
  it("accepts the settings openSqlite() and a durable MySQL/MariaDB give", () => {
    expect(decide(sqliteOk)).toEqual([]);
    expect(decide({ ...sqliteOk, synchronous: 3 })).toEqual([]);
    expect(decide(mysqlOk)).toEqual([]);
    expect(decide({ ...mysqlOk, logBin: true, syncBinlog: 1, doublewrite: "ON" })).toEqual([]);
    // MySQL 8.0.30+ spells doublewrite as a mode.
    expect(decide({ ...mysqlOk, doublewrite: "DETECT_AND_RECOVER" })).toEqual([]);
  });

  it.each<[string, Partial<SqliteDurabilitySettings>, string[]]>([
    ["synchronous=OFF", { synchronous: 0 }, ["refuse PRAGMA synchronous"]],
    ["synchronous=NORMAL", { synchronous: 1 }, ["refuse PRAGMA synchronous"]],
    ["rollback journal", { journalMode: "delete" }, ["refuse PRAGMA journal_mode"]],
    ["in memory", { journalMode: "memory", synchronous: 0 }, ["refuse PRAGMA journal_mode", "refuse PRAGMA synchronous"]],
  ])("SQLite %s", (_name, change, expected) => {
    expect(decide({ ...sqliteOk, ...change })).toEqual(expected);
  });

  it.each<[string, Partial<MysqlDurabilitySettings>, string[]]>([
    ["flush_log_at_trx_commit=2", { flushLogAtTrxCommit: 2 }, ["refuse innodb_flush_log_at_trx_commit"]],
    ["flush_log_at_trx_commit=0", { flushLogAtTrxCommit: 0 }, ["refuse innodb_flush_log_at_trx_commit"]],
    ["binlog on, sync_binlog=0", { logBin: true, syncBinlog: 0 }, ["warn sync_binlog"]],
    ["binlog on, sync_binlog=100", { logBin: true, syncBinlog: 100 }, ["warn sync_binlog"]],
    ["binlog off, sync_binlog=0", { logBin: false, syncBinlog: 0 }, []],
    ["doublewrite off", { doublewrite: "0" }, ["warn innodb_doublewrite"]],
    ["default engine MyISAM", { defaultStorageEngine: "MyISAM" }, ["refuse default_storage_engine"]],
    ["latin1 database", { databaseCharset: "latin1", databaseCollation: "latin1_swedish_ci" }, ["refuse 数据库 `jx` 的字符集 / character set of database `jx`"]],
    ["utf8 (utf8mb3) database", { databaseCharset: "utf8mb3", databaseCollation: "utf8mb3_general_ci" }, ["refuse 数据库 `jx` 的字符集 / character set of database `jx`"]],
    ["a MyISAM table", { badTables: [{ name: "reports", engine: "MyISAM", collation: "utf8mb4_unicode_ci" }] }, ["refuse 表 / table `reports`"]],
    [
      "a latin1 table and its columns (reported once)",
      { badTables: [{ name: "units", engine: "InnoDB", collation: "latin1_swedish_ci" }], badColumns: [{ table: "units", column: "name", charset: "latin1" }] },
      ["refuse 表 / table `units`"],
    ],
    ["max_allowed_packet 16 MB (MariaDB's default): a 20 MB received file cannot be stored", { maxAllowedPacket: 16 * 1024 * 1024 }, ["refuse max_allowed_packet"]],
    ["max_allowed_packet 1 GB", { maxAllowedPacket: 1024 * 1024 * 1024 }, []],
    ["a latin1 column in a utf8mb4 table", { badColumns: [{ table: "users", column: "username", charset: "latin1" }] }, ["refuse 列 / column `users`.`username`"]],
  ])("MySQL %s", (_name, change, expected) => {
    expect(decide({ ...mysqlOk, ...change })).toEqual(expected);
  });

  it("names the setting, the value found and the fix, in Chinese and English", () => {
    const message = new DurabilityError(durabilityProblems({ ...mysqlOk, flushLogAtTrxCommit: 2 })).message;
    expect(message).toContain("拒绝启动");
    expect(message).toContain("Refusing to start");
    expect(message).toContain("innodb_flush_log_at_trx_commit = 2");
    expect(message).toContain("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
    expect(message).toContain("my.cnf");
    expect(message).toContain("ALLOW_NON_DURABLE=1");
    const latin1 = new DurabilityError(durabilityProblems({ ...mysqlOk, databaseCharset: "latin1", databaseCollation: "latin1_swedish_ci" })).message;
    expect(latin1).toContain("ALTER DATABASE `jx` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    expect(new DurabilityError(durabilityProblems({ ...sqliteOk, synchronous: 0 })).message).toMatch(/PRAGMA synchronous = 0（OFF）/);
  });
});
