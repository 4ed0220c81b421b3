/**
 * Opens a database by URL: `file:…` → embedded SQLite (better-sqlite3), `mysql://…` →
 * MySQL/MariaDB (mysql2). Everything dialect-specific lives in db/. Without explicit
 * settings, DATABASE_URL and DATABASE_POOL_SIZE are read (validated) from the environment
 * when the database is opened: test files point DATABASE_URL at a database of their own
 * before the first getDb().
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, MysqlDialect, SqliteDialect, type SqliteDatabase } from "kysely";
import { createPool } from "mysql2";
import { isMysql } from "./dialect";
import { databasePoolSize, databaseSettings, DEFAULT_DATABASE_URL } from "./env";
import type { Database } from "./schema";

export type Dialect = "sqlite" | "mysql";
export type DB = Kysely<Database>;

export { DEFAULT_DATABASE_URL };

export interface DbOptions {
  /** MySQL connections kept (DATABASE_POOL_SIZE); SQLite has one connection. */
  poolSize?: number;
}

export function dialectOf(url: string): Dialect {
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) return "mysql";
  if (url.startsWith("file:") || !url.includes("://")) return "sqlite";
  throw new Error(`DATABASE_URL 不受支持：${url.split("://")[0]}://（支持 file: 与 mysql://）`);
}

export function sqliteFile(url: string): string {
  const path = url.startsWith("file:") ? url.slice("file:".length) : url;
  return path === ":memory:" ? path : resolve(path);
}

export function openSqlite(file: string): SQLite.Database {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  // better-sqlite3's WAL default (NORMAL) can lose acknowledged commits on power loss.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

/**
 * The connection Kysely talks to, keeping prepared statements by SQL text (the `size` most
 * recently used): Kysely prepares every query afresh, and preparing costs about as much as
 * running most of our queries. SQLite re-prepares a kept statement itself after a schema change.
 * A statement still being iterated (a streamed select) is busy: then a fresh one is prepared.
 */
export function withStatementCache(sqlite: SQLite.Database, size = 200): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      cache.delete(sql);
      if (!statement || statement.busy) statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

export function createDb(url: string = databaseSettings().url, options: DbOptions = {}): DB {
  if (dialectOf(url) === "sqlite") {
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(openSqlite(sqliteFile(url))) }) });
  }
  const pool = createPool({
    uri: url.replace(/^mariadb:/, "mysql:"),
    charset: "utf8mb4",
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    connectionLimit: options.poolSize ?? databasePoolSize(),
  });
  pool.on("connection", (connection) => {
    connection.query("SET SESSION time_zone = '+00:00'");
    connection.query(
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    );
  });
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
}

let shared: DB | undefined;

/** The process-wide database, opened (and migrated by the server at start) once. */
export function getDb(): DB {
  if (!shared) {
    const { url, poolSize } = databaseSettings();
    shared = createDb(url, { poolSize });
  }
  return shared;
}

export async function closeSharedDb(): Promise<void> {
  if (shared) await shared.destroy();
  shared = undefined;
}
