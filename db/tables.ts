/**
 * Whole-database views for the backup and the restore (app/server/backup.server.ts) and the
 * reliability tests: the tables a database has (discovered, so a table added by a later
 * migration is covered without editing this file), their primary keys, a checksum of every
 * table's rows, and the engine's own integrity check. Works on both dialects through Kysely.
 */
import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { isMysql } from "./dialect";

/** Kysely's own bookkeeping: created by migrating, never part of a backup's data. */
export const MIGRATION_TABLES = ["kysely_migration", "kysely_migration_lock"] as const;

type AnyDb = Kysely<any>;

export async function listTables(db: AnyDb, options: { includeMigrationTables?: boolean } = {}): Promise<string[]> {
  let names: string[];
  if (isMysql(db)) {
    const { rows } = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
    names = rows.map((r) => String(r.name));
  } else {
    const { rows } = await sql<{ name: string }>`
      SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(db);
    names = rows.map((r) => r.name);
  }
  return options.includeMigrationTables ? names : names.filter((n) => !(MIGRATION_TABLES as readonly string[]).includes(n));
}

export async function columnsOf(db: AnyDb, table: string): Promise<{ columns: string[]; primaryKey: string[] }> {
  if (isMysql(db)) {
    const { rows } = await sql<{ name: string; key: string }>`
      SELECT column_name AS name, column_key AS \`key\` FROM information_schema.columns
      WHERE table_schema = DATABASE() AND table_name = ${table} ORDER BY ordinal_position`.execute(db);
    const { rows: pk } = await sql<{ name: string }>`
      SELECT column_name AS name FROM information_schema.key_column_usage
      WHERE table_schema = DATABASE() AND table_name = ${table} AND constraint_name = 'PRIMARY' ORDER BY ordinal_position`.execute(db);
    return { columns: rows.map((r) => String(r.name)), primaryKey: pk.map((r) => String(r.name)) };
  }
  const { rows } = await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${table}) ORDER BY cid`.execute(db);
  return {
    columns: rows.map((r) => r.name),
    primaryKey: rows.filter((r) => r.pk > 0).sort((a, b) => a.pk - b.pk).map((r) => r.name),
  };
}

/** One value in a canonical, dialect-neutral text form (for checksums and JSON lines). */
export function canonicalValue(value: unknown): unknown {
  if (value == null) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(value);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $b64: Buffer.from(value).toString("base64") };
  return String(value);
}

export interface TableSum {
  rows: number;
  sha256: string;
}

const PAGE = 2000;

/**
 * Streams a table's rows in primary-key order, `PAGE` at a time. Inside a transaction (or a
 * connection holding a consistent snapshot) the pages form one consistent view.
 */
export async function* tableRows(db: AnyDb, table: string, columns: string[], primaryKey: string[]): AsyncGenerator<Record<string, unknown>[]> {
  const order = (primaryKey.length ? primaryKey : columns).map((c) => sql.ref(c));
  for (let offset = 0; ; offset += PAGE) {
    const { rows } = await sql<Record<string, unknown>>`
      SELECT ${sql.join(columns.map((c) => sql.ref(c)))} FROM ${sql.table(table)}
      ORDER BY ${sql.join(order)} LIMIT ${sql.lit(PAGE)} OFFSET ${sql.lit(offset)}`.execute(db);
    if (rows.length) yield rows;
    if (rows.length < PAGE) return;
  }
}

/** Row count and SHA-256 over the canonical rows (columns by name, rows by primary key). */
export async function tableChecksum(db: AnyDb, table: string): Promise<TableSum> {
  const { columns, primaryKey } = await columnsOf(db, table);
  const sorted = [...columns].sort();
  const hash = createHash("sha256");
  let rows = 0;
  for await (const page of tableRows(db, table, columns, primaryKey)) {
    for (const row of page) {
      hash.update(JSON.stringify(sorted.map((c) => canonicalValue(row[c]))));
      hash.update("\n");
      rows++;
    }
  }
  return { rows, sha256: hash.digest("hex") };
}

/** Every table's count and checksum (migration bookkeeping excluded unless asked). */
export async function databaseChecksums(db: AnyDb, options: { exclude?: string[]; only?: string[] } = {}): Promise<Record<string, TableSum>> {
  const out: Record<string, TableSum> = {};
  for (const table of await listTables(db)) {
    if (options.exclude?.includes(table)) continue;
    if (options.only && !options.only.includes(table)) continue;
    out[table] = await tableChecksum(db, table);
  }
  return out;
}

/** The tables whose count or checksum differs between two snapshots (either side missing counts too). */
export function changedTables(a: Record<string, TableSum>, b: Record<string, TableSum>): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => a[n]?.rows !== b[n]?.rows || a[n]?.sha256 !== b[n]?.sha256).sort();
}

/**
 * The engine's own check: SQLite `PRAGMA integrity_check` and `foreign_key_check`; MySQL
 * `CHECK TABLE` on every table. Returns the problems found (empty = healthy).
 */
export async function integrityProblems(db: AnyDb): Promise<string[]> {
  const problems: string[] = [];
  if (isMysql(db)) {
    const tables = await listTables(db, { includeMigrationTables: true });
    if (!tables.length) return problems;
    const { rows } = await sql<Record<string, string>>`CHECK TABLE ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
    for (const row of rows) {
      const type = String(row.Msg_type ?? row.msg_type ?? "");
      const text = String(row.Msg_text ?? row.msg_text ?? "");
      if (type.toLowerCase() === "error" || (type.toLowerCase() === "status" && text.toUpperCase() !== "OK")) {
        problems.push(`${row.Table ?? row.table}: ${type} ${text}`);
      }
    }
    return problems;
  }
  const { rows } = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
  for (const r of rows) if (r.integrity_check !== "ok") problems.push(`integrity_check: ${r.integrity_check}`);
  const { rows: fk } = await sql<Record<string, unknown>>`PRAGMA foreign_key_check`.execute(db);
  for (const r of fk) problems.push(`foreign_key_check: ${JSON.stringify(r)}`);
  return problems;
}
