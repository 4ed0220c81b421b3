/**
 * The start-up durability check (db/durability.ts) against real databases: SQLite as the app
 * opens it and as it must not be opened; on TEST_DB=mysql the real query on the real server
 * (cross-checked variable by variable), a database created with CHARACTER SET latin1, a
 * latin1 table, and the crash test's own MariaDB, which must pass strictly (its SIGKILLs of
 * mysqld only prove something on durable settings). The decision on bad values is table-tested
 * in test/unit/durability.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { createConnection } from "mysql2/promise";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "#db/client";
import { checkDurability, DurabilityError, durabilityProblems, MIN_ALLOWED_PACKET, readDurabilitySettings, type MysqlDurabilitySettings } from "#db/durability";
import { listTables } from "#db/tables";
import { prepareDatabase } from "~/server/startup.server";
import { FigureRecorder } from "../../../scripts/lib/reliability/figures";
import { startDurableMariaDb } from "../../../scripts/lib/reliability/mariadb";
import { TEST_DIALECT, useTestDatabase } from "../support/db";

const t = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), "jx-durability-"));
const figures = new FigureRecorder("durability", TEST_DIALECT);
const tried = { nonDurable: 0, refused: 0 };
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  figures.add("non-durable settings tried (synchronous, journal, flush, charset)", tried.nonDurable);
  figures.add("of those, start-up refused", tried.refused, { text: "all", ok: tried.refused === tried.nonDurable });
  figures.write();
});
afterEach(() => vi.restoreAllMocks());

function rawSqlite(name: string, pragmas: string[]): Kysely<any> {
  const raw = new SQLite(join(dir, name));
  for (const p of pragmas) raw.pragma(p);
  return new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
}

async function refusal(promise: Promise<unknown>): Promise<DurabilityError> {
  tried.nonDurable++;
  const error = await promise.then(() => null, (e: unknown) => e);
  if (error instanceof DurabilityError) tried.refused++;
  expect(error).toBeInstanceOf(DurabilityError);
  return error as DurabilityError;
}

describe("SQLite", () => {
  it("passes as db/client.ts opens it (WAL, synchronous=FULL)", async () => {
    const db = createDb(`file:${join(dir, "app.db")}`);
    try {
      expect(await readDurabilitySettings(db)).toEqual({ dialect: "sqlite", journalMode: "wal", synchronous: 2 });
      expect(await checkDurability(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("refuses synchronous=OFF, naming the setting; ALLOW_NON_DURABLE downgrades it to a warning", async () => {
    const db = rawSqlite("off.db", ["journal_mode = WAL", "synchronous = OFF"]);
    try {
      expect(await readDurabilitySettings(db)).toEqual({ dialect: "sqlite", journalMode: "wal", synchronous: 0 });
      const error = await refusal(checkDurability(db));
      expect(error.problems.map((p) => p.setting)).toEqual(["PRAGMA synchronous"]);
      expect(error.message).toContain("PRAGMA synchronous = 0（OFF）");
      expect(error.message).toContain("ALLOW_NON_DURABLE=1");
      expect((await checkDurability(db, { allowNonDurable: true })).map((p) => p.setting)).toEqual(["PRAGMA synchronous"]);
    } finally {
      await db.destroy();
    }
  });

  it("refuses a rollback journal and synchronous=NORMAL", async () => {
    const db = rawSqlite("delete.db", ["journal_mode = DELETE", "synchronous = NORMAL"]);
    try {
      const error = await refusal(checkDurability(db));
      expect(error.problems.map((p) => p.setting)).toEqual(["PRAGMA journal_mode", "PRAGMA synchronous"]);
    } finally {
      await db.destroy();
    }
  });
});

// MySQL-only cases are not registered on SQLite at all (not counted as skipped).
if (TEST_DIALECT === "mysql") describe("MySQL/MariaDB", () => {
  const server = () => process.env.TEST_MYSQL_URL!.replace(/\/+$/, "");

  it("reads the settings in force on the real server, and decides on exactly those", async () => {
    const settings = (await readDurabilitySettings(t.db)) as MysqlDurabilitySettings;
    const { rows } = await sql<Record<string, unknown>>`SELECT @@GLOBAL.innodb_flush_log_at_trx_commit AS flush, @@GLOBAL.sync_binlog AS sync_binlog,
      @@GLOBAL.log_bin AS log_bin, @@default_storage_engine AS engine`.execute(t.db);
    expect(settings.flushLogAtTrxCommit).toBe(Number(rows[0].flush));
    expect(settings.syncBinlog).toBe(Number(rows[0].sync_binlog));
    expect(settings.logBin).toBe(Number(rows[0].log_bin) === 1);
    expect(settings.defaultStorageEngine).toBe(String(rows[0].engine));
    // The test database is created utf8mb4 and migrated: nothing to say about text.
    expect(settings).toMatchObject({ databaseCharset: "utf8mb4", badTables: [], badColumns: [] });
    expect(settings.database).toBe(t.url.split("/").pop());

    const problems = durabilityProblems(settings);
    const refuses = problems.some((p) => p.severity === "refuse");
    expect(settings.maxAllowedPacket).toBe(Number((await sql<{ p: unknown }>`SELECT @@GLOBAL.max_allowed_packet AS p`.execute(t.db)).rows[0].p));
    expect(refuses).toBe(settings.flushLogAtTrxCommit !== 1 || settings.defaultStorageEngine.toUpperCase() !== "INNODB" || settings.maxAllowedPacket! < MIN_ALLOWED_PACKET);
    if (refuses && settings.flushLogAtTrxCommit !== 1) {
      // e.g. the suite's private MariaDB, tuned for speed with innodb_flush_log_at_trx_commit=0.
      const error = await refusal(checkDurability(t.db));
      expect(error.message).toContain("innodb_flush_log_at_trx_commit");
      expect(error.message).toContain("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
    } else if (!refuses) {
      expect(await checkDurability(t.db)).toEqual(problems);
    }
  });

  it("refuses a database created with CHARACTER SET latin1, before migrating anything into it", async () => {
    const name = `latin1_${process.pid}_${Date.now().toString(36)}`;
    const admin = await createConnection({ uri: server() });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    const url = `${server()}/${name}`;
    const db = createDb(url, { poolSize: 1 });
    try {
      const settings = (await readDurabilitySettings(db)) as MysqlDurabilitySettings;
      expect(settings).toMatchObject({ database: name, databaseCharset: "latin1" });
      // Refused even where the server's own settings are tolerated.
      const error = await refusal(checkDurability(db));
      const charset = error.problems.find((p) => p.setting.includes("character set"));
      expect(charset?.found).toContain("latin1");
      expect(error.message).toContain(`ALTER DATABASE \`${name}\` CHARACTER SET utf8mb4`);

      await expect(prepareDatabase({ databaseUrl: url, allowNonDurable: false })).rejects.toBeInstanceOf(DurabilityError);
      expect(await listTables(db, { includeMigrationTables: true })).toEqual([]);
    } finally {
      await db.destroy();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    }
  });

  it("refuses a latin1 table in a utf8mb4 database, naming the table", async () => {
    await sql`CREATE TABLE legacy_notes (id INT PRIMARY KEY, body VARCHAR(100)) ENGINE=InnoDB CHARACTER SET latin1`.execute(t.db);
    try {
      const settings = (await readDurabilitySettings(t.db)) as MysqlDurabilitySettings;
      expect(settings.badTables).toEqual([{ name: "legacy_notes", engine: "InnoDB", collation: "latin1_swedish_ci" }]);
      const error = await refusal(checkDurability(t.db, { allowNonDurable: false }));
      expect(error.message).toContain("`legacy_notes`");
      expect(error.message).toContain("ALTER TABLE `legacy_notes` CONVERT TO CHARACTER SET utf8mb4");
    } finally {
      await sql`DROP TABLE legacy_notes`.execute(t.db);
    }
  });

  it("passes strictly on the crash test's own MariaDB (flush at every commit)", async (ctx) => {
    let maria: Awaited<ReturnType<typeof startDurableMariaDb>>;
    try {
      maria = await startDurableMariaDb();
    } catch (error) {
      // As in the crash test: without mariadbd here, only TEST_MYSQL_URL's server exists.
      ctx.skip(`no private MariaDB: ${(error as Error).message.split("\n")[0]}`);
      return;
    }
    const name = `durable_${process.pid}`;
    try {
      const admin = await createConnection({ uri: maria.url });
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await admin.end();
      const warn = vi.spyOn(console, "warn");
      await prepareDatabase({ databaseUrl: `${maria.url}/${name}`, allowNonDurable: false });
      expect(warn).not.toHaveBeenCalled();
      const db = createDb(`${maria.url}/${name}`, { poolSize: 1 });
      try {
        expect(await readDurabilitySettings(db)).toMatchObject({ flushLogAtTrxCommit: 1, logBin: false, defaultStorageEngine: "InnoDB" });
        expect(await checkDurability(db)).toEqual([]);
      } finally {
        await db.destroy();
      }
    } finally {
      await maria.stop();
    }
  }, 180_000);
});
