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

/** Bytes of a blob sent in one statement on MySQL (see `blobInsertValue`). */
export const MYSQL_BLOB_CHUNK = 512 * 1024;

/**
 * Writes a large blob without holding it several times over in memory. mysql2 sends a Buffer
 * parameter escaped inside the statement's text, so a 20 MB file costs the web process well
 * over 100 MB at once; on MySQL the row is inserted with the first chunk and the rest appended
 * 512 KB at a time with CONCAT. Call it inside the transaction that inserts the row, so a
 * crash never leaves half a file. SQLite binds the Buffer as it is: one statement.
 */
export async function appendBlobChunks(trx: Kysely<any>, table: string, column: string, id: string, bytes: Uint8Array): Promise<void> {
  if (!isMysql(trx)) return;
  for (let offset = MYSQL_BLOB_CHUNK; offset < bytes.length; offset += MYSQL_BLOB_CHUNK) {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(MYSQL_BLOB_CHUNK, bytes.length - offset));
    await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = CONCAT(${sql.ref(column)}, ${chunk}) WHERE id = ${id}`.execute(trx);
  }
}

/** The part of a blob the inserting statement carries: all of it on SQLite, the first chunk on MySQL. */
export function blobInsertValue(db: Kysely<any>, bytes: Uint8Array): Buffer {
  const length = isMysql(db) ? Math.min(MYSQL_BLOB_CHUNK, bytes.length) : bytes.length;
  return Buffer.from(bytes.buffer, bytes.byteOffset, length);
}
