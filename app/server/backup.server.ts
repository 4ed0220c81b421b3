/**
 * Backup and restore of the whole database, checked end to end.
 *
 * - SQLite: better-sqlite3's online `.backup()` (a consistent copy while the server runs),
 *   switched to a self-contained rollback-journal file, verified (`integrity_check`) and
 *   described by a manifest beside it (`<file>.manifest.json`: every table's row count and
 *   SHA-256 over its canonical rows).
 * - MySQL/MariaDB (or `--format jsonl` on SQLite): a JSON-lines dump of every table read in
 *   one `START TRANSACTION WITH CONSISTENT SNAPSHOT` (no mysqldump needed). Line 1 is a header,
 *   then per table a `columns` line and one JSON array per row, and a last `complete` line
 *   holding the manifest — a truncated dump has no such line and is refused.
 * - Restore goes into an empty (or new) database, migrated to the code's schema first; the
 *   rows are inserted in one transaction with foreign-key checks off, then every table's count
 *   and checksum are compared with the manifest *before* committing: a restore either matches
 *   the backup exactly or leaves nothing behind.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { createDb, dialectOf, sqliteFile, type Dialect } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { migrations as knownMigrations } from "#db/migrations/index";
import { isMysql } from "#db/dialect";
import { canonicalValue, columnsOf, databaseChecksums, integrityProblems, listTables, tableRows, type TableSum } from "#db/tables";

export const BACKUP_FORMAT = "jixiao-backup/v1";
const SQLITE_MAGIC = "SQLite format 3\u0000";

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  dialect: Dialect;
  kind: "sqlite-file" | "jsonl";
  createdAt: string;
  migrations: string[];
  tables: Record<string, TableSum>;
}

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
  manifest: Manifest;
}

type AnyDb = Kysely<any>;

function fsyncFile(path: string) {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string) {
  try {
    fsyncFile(path);
  } catch {
    /* not supported everywhere: best effort */
  }
}

/** Moves a finished temp file into place atomically and durably. */
function publish(tmp: string, out: string) {
  fsyncFile(tmp);
  renameSync(tmp, out);
  fsyncDir(dirname(out));
}

async function migrationNames(db: AnyDb): Promise<string[]> {
  const tables = await listTables(db, { includeMigrationTables: true });
  if (!tables.includes("kysely_migration")) return [];
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.map((r) => r.name);
}

function sqliteKysely(file: string, readonly = false): { db: AnyDb; raw: SQLite.Database } {
  const raw = new SQLite(file, { readonly, fileMustExist: true });
  return { db: new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) }), raw };
}

export async function backupDatabase(url: string, out: string, options: { format?: "auto" | "jsonl" } = {}): Promise<BackupResult> {
  const t0 = Date.now();
  const dialect = dialectOf(url);
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  rmSync(tmp, { force: true });
  let manifest: Manifest;
  try {
    if (dialect === "sqlite" && options.format !== "jsonl") {
      const source = new SQLite(sqliteFile(url), { fileMustExist: true });
      try {
        source.pragma("busy_timeout = 5000");
        // The whole file in one step: a steady stream of writes cannot keep restarting the copy.
        await source.backup(tmp, { progress: () => 1_000_000 });
      } finally {
        source.close();
      }
      // A single self-contained file: no -wal beside it to lose on the way.
      const copy = new SQLite(tmp);
      copy.pragma("journal_mode = DELETE");
      copy.close();
      const { db, raw } = sqliteKysely(tmp, true);
      try {
        const problems = await integrityProblems(db);
        if (problems.length) throw new Error(`备份文件校验失败：${problems.join("; ")}`);
        manifest = {
          format: BACKUP_FORMAT, dialect, kind: "sqlite-file", createdAt: new Date().toISOString(),
          migrations: await migrationNames(db), tables: await databaseChecksums(db),
        };
      } finally {
        await db.destroy();
        raw.close();
      }
      publish(tmp, out);
      writeFileSync(`${out}.manifest.json.tmp`, JSON.stringify(manifest, null, 2) + "\n");
      publish(`${out}.manifest.json.tmp`, `${out}.manifest.json`);
    } else {
      const db = createDb(url);
      try {
        manifest = await dumpJsonLines(db, dialect, tmp);
      } finally {
        await db.destroy();
      }
      publish(tmp, out);
    }
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return { file: out, bytes: statSync(out).size, ms: Date.now() - t0, manifest };
}

async function dumpJsonLines(db: AnyDb, dialect: Dialect, file: string): Promise<Manifest> {
  const stream = createWriteStream(file);
  const write = async (line: unknown) => {
    if (!stream.write(JSON.stringify(line) + "\n")) await once(stream, "drain");
  };
  const manifest = await db.connection().execute(async (conn) => {
    if (isMysql(conn)) {
      await sql`SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ`.execute(conn);
      await sql`START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY`.execute(conn);
    } else {
      await sql`BEGIN`.execute(conn);
    }
    try {
      const tables = await listTables(conn);
      const header: Manifest = {
        format: BACKUP_FORMAT, dialect, kind: "jsonl", createdAt: new Date().toISOString(),
        migrations: await migrationNames(conn), tables: {},
      };
      await write({ format: BACKUP_FORMAT, dialect, createdAt: header.createdAt, migrations: header.migrations, tables });
      for (const table of tables) {
        const { columns, primaryKey } = await columnsOf(conn, table);
        const sorted = [...columns].sort();
        const hash = createHash("sha256");
        let rows = 0;
        await write({ table, columns });
        for await (const page of tableRows(conn, table, columns, primaryKey)) {
          for (const row of page) {
            hash.update(JSON.stringify(sorted.map((c) => canonicalValue(row[c]))));
            hash.update("\n");
            rows++;
            await write(columns.map((c) => encodeValue(row[c])));
          }
        }
        header.tables[table] = { rows, sha256: hash.digest("hex") };
      }
      await write({ complete: true, manifest: header });
      return header;
    } finally {
      await sql`COMMIT`.execute(conn);
    }
  });
  stream.end();
  await once(stream, "finish");
  return manifest;
}

function encodeValue(value: unknown): unknown {
  if (value == null) return null;
  if (typeof value === "bigint") return { $big: value.toString() };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $b64: Buffer.from(value).toString("base64") };
  return value;
}

function decodeValue(value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, string>;
    if ("$big" in v) return v.$big;
    if ("$date" in v) return new Date(v.$date);
    if ("$b64" in v) return Buffer.from(v.$b64, "base64");
  }
  return value;
}

export interface RestoreResult {
  manifest: Manifest;
  ms: number;
  rows: number;
  /** Migrations applied after the restore (a backup from older code is brought up to date). */
  migrated: string[];
}

/** Reads a backup's manifest (verifying a JSON-lines dump is complete) without restoring it. */
export async function readManifest(file: string): Promise<Manifest> {
  if (isSqliteFile(file)) {
    const side = `${file}.manifest.json`;
    if (existsSync(side)) return JSON.parse(readFileSync(side, "utf8")) as Manifest;
    const { db, raw } = sqliteKysely(file, true);
    try {
      return {
        format: BACKUP_FORMAT, dialect: "sqlite", kind: "sqlite-file", createdAt: statSync(file).mtime.toISOString(),
        migrations: await migrationNames(db), tables: await databaseChecksums(db),
      };
    } finally {
      await db.destroy();
      raw.close();
    }
  }
  let last = "";
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) last = line;
  const parsed = last ? JSON.parse(last) : null;
  if (!parsed?.complete) throw new Error("备份文件不完整（缺少结尾的校验记录），拒绝恢复");
  return parsed.manifest as Manifest;
}

function isSqliteFile(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n === 16 && buf.toString("latin1") === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** Tables with rows in a freshly migrated database (the audit chain's genesis head). */
const GENESIS_ROWS: Record<string, number> = { audit_head: 1 };

async function assertEmpty(db: AnyDb, force: boolean) {
  const busy: string[] = [];
  for (const table of await listTables(db)) {
    const { rows } = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(db);
    const n = Number(rows[0].n);
    if (n > (GENESIS_ROWS[table] ?? 0)) busy.push(`${table}（${n} 行）`);
  }
  if (busy.length && !force) {
    throw new Error(`目标数据库不是空库，拒绝覆盖：${busy.join("、")}。确认要清空后恢复请加 --force`);
  }
}

/**
 * Restores `file` into the database at `url`. The target must be empty (a new SQLite file, or
 * an empty MySQL database) unless `force`; it is migrated to the code's schema first.
 */
export async function restoreDatabase(file: string, url: string, options: { force?: boolean } = {}): Promise<RestoreResult> {
  const t0 = Date.now();
  const manifest = await readManifest(file);
  const unknown = manifest.migrations.filter((m) => !(m in knownMigrations));
  if (unknown.length) throw new Error(`备份来自更新版本的程序（未知迁移：${unknown.join(", ")}），请先升级程序再恢复`);
  const dialect = dialectOf(url);

  if (manifest.kind === "sqlite-file" && dialect === "sqlite") return restoreSqliteFile(file, url, manifest, options, t0);

  const target = createDb(url);
  try {
    await migrateToLatest(target);
    await assertEmpty(target, !!options.force);
    let rows = 0;
    if (manifest.kind === "sqlite-file") {
      // A SQLite backup into MySQL: read it as rows.
      const { db: source, raw } = sqliteKysely(file, true);
      try {
        rows = await insertAll(target, manifest, async function* () {
          for (const table of Object.keys(manifest.tables)) {
            const { columns, primaryKey } = await columnsOf(source, table);
            yield { table, columns };
            for await (const page of tableRows(source, table, columns, primaryKey)) for (const row of page) yield columns.map((c) => row[c]);
          }
        }, !!options.force);
      } finally {
        await source.destroy();
        raw.close();
      }
    } else {
      rows = await insertAll(target, manifest, async function* () {
        const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
        let first = true;
        for await (const line of lines) {
          if (!line.trim()) continue;
          const value = JSON.parse(line);
          if (first) {
            first = false;
            if (value.format !== BACKUP_FORMAT) throw new Error(`不认识的备份格式：${value.format}`);
            continue;
          }
          if (value.complete) return;
          yield Array.isArray(value) ? value.map(decodeValue) : value;
        }
      }, !!options.force);
    }
    const migrated = await migrateToLatest(target);
    return { manifest, ms: Date.now() - t0, rows, migrated };
  } finally {
    await target.destroy();
  }
}

type Item = { table: string; columns: string[] } | unknown[];

async function insertAll(target: AnyDb, manifest: Manifest, items: () => AsyncGenerator<Item>, force: boolean): Promise<number> {
  const mysql = isMysql(target);
  return target.connection().execute(async (conn) => {
    if (mysql) await sql`SET FOREIGN_KEY_CHECKS = 0`.execute(conn);
    else await sql`PRAGMA foreign_keys = OFF`.execute(conn);
    await sql`BEGIN`.execute(conn);
    let committed = false;
    try {
      const targetTables = await listTables(conn);
      const missing = Object.keys(manifest.tables).filter((t) => !targetTables.includes(t));
      if (missing.length) throw new Error(`目标数据库缺少表：${missing.join(", ")}`);
      // The migration's genesis rows (and, with --force, everything) make way for the backup's.
      for (const table of targetTables) {
        if (force || table in GENESIS_ROWS) await sql`DELETE FROM ${sql.table(table)}`.execute(conn);
      }
      let table = "";
      let columns: string[] = [];
      let batch: unknown[][] = [];
      let batchBytes = 0;
      let total = 0;
      const flush = async () => {
        if (!batch.length) return;
        await conn.insertInto(table).values(batch.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])))).execute();
        total += batch.length;
        batch = [];
        batchBytes = 0;
      };
      for await (const item of items()) {
        if (!Array.isArray(item)) {
          await flush();
          table = item.table;
          columns = item.columns;
          const known = (await columnsOf(conn, table)).columns;
          const extra = columns.filter((c) => !known.includes(c));
          if (extra.length) throw new Error(`表 ${table} 在目标数据库中没有这些列：${extra.join(", ")}`);
          continue;
        }
        batch.push(item);
        batchBytes += JSON.stringify(item).length;
        if (batch.length >= Math.max(1, Math.floor(5000 / Math.max(1, columns.length))) || batchBytes > 4_000_000) await flush();
      }
      await flush();
      // Compare before committing: a restore that does not match its backup leaves nothing.
      const restored = await databaseChecksums(conn, { only: Object.keys(manifest.tables) });
      const wrong = Object.keys(manifest.tables).filter((t) => restored[t]?.rows !== manifest.tables[t].rows || restored[t]?.sha256 !== manifest.tables[t].sha256);
      if (wrong.length) throw new Error(`恢复后的数据与备份不符（${wrong.join(", ")}），已回滚`);
      if (!mysql) {
        const { rows } = await sql`PRAGMA foreign_key_check`.execute(conn);
        if (rows.length) throw new Error(`恢复后的数据外键不一致（${rows.length} 处），已回滚`);
      }
      await sql`COMMIT`.execute(conn);
      committed = true;
      return total;
    } finally {
      if (!committed) await sql`ROLLBACK`.execute(conn).catch(() => {});
      if (mysql) await sql`SET FOREIGN_KEY_CHECKS = 1`.execute(conn);
      else await sql`PRAGMA foreign_keys = ON`.execute(conn);
    }
  });
}

async function restoreSqliteFile(file: string, url: string, manifest: Manifest, options: { force?: boolean }, t0: number): Promise<RestoreResult> {
  const out = sqliteFile(url);
  if (existsSync(out)) {
    const existing = createDb(url);
    try {
      await assertEmpty(existing, !!options.force);
    } finally {
      await existing.destroy();
    }
  }
  // Verify a copy first; only a copy that matches its manifest replaces the target.
  const tmp = join(dirname(out), `.${basename(out)}.restore-${process.pid}`);
  rmSync(tmp, { force: true });
  let rows = 0;
  try {
    writeFileSync(tmp, readFileSync(file));
    const { db, raw } = sqliteKysely(tmp);
    try {
      const problems = await integrityProblems(db);
      if (problems.length) throw new Error(`备份文件已损坏：${problems.join("; ")}`);
      const sums = await databaseChecksums(db);
      const wrong = Object.keys(manifest.tables).filter((t) => sums[t]?.rows !== manifest.tables[t].rows || sums[t]?.sha256 !== manifest.tables[t].sha256);
      if (wrong.length) throw new Error(`备份文件与其清单不符（${wrong.join(", ")}），拒绝恢复`);
      rows = Object.values(sums).reduce((a, s) => a + s.rows, 0);
    } finally {
      await db.destroy();
      raw.close();
    }
    for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(out + suffix, { force: true });
    publish(tmp, out);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  const db = createDb(url);
  try {
    const migrated = await migrateToLatest(db);
    return { manifest, ms: Date.now() - t0, rows, migrated };
  } finally {
    await db.destroy();
  }
}
