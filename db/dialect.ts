/** Column types and statements that differ between SQLite and MySQL, for migrations and models. */
import { MysqlAdapter, sql, type ColumnDataType, type Expression, type Kysely } from "kysely";

type ColumnType = ColumnDataType | Expression<unknown>;

export const isMysql = (db: Kysely<any>) => db.getExecutor().adapter instanceof MysqlAdapter;

export const idType = (): ColumnType => "varchar(32)";

/** Uploaded files as sent (up to the upload limit, beyond MySQL's 64 KB BLOB). */
export const blobType = (db: Kysely<any>): ColumnType => (isMysql(db) ? sql`longblob` : "blob");

/** JSON documents can exceed MySQL's 64 KB TEXT. */
export const longText = (db: Kysely<any>): ColumnType => (isMysql(db) ? sql`longtext` : "text");

/**
 * A read that sees the latest committed row and locks it (MySQL `FOR UPDATE`): under
 * REPEATABLE READ a plain select inside a transaction sees its old snapshot. SQLite has one
 * writer at a time, so the plain select already is current there.
 */
export function forUpdate<QB extends { forUpdate(): QB }>(db: Kysely<any>, query: QB): QB {
  return isMysql(db) ? query.forUpdate() : query;
}
