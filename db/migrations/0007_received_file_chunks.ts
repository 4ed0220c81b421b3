/**
 * A received file's bytes move out of received_files.content into received_file_chunks, one
 * row per 512 KB. Writing a 20 MB file as one blob blocked the web process for 130–340 ms on
 * SQLite (better-sqlite3 is synchronous: one statement copies and pages the whole blob); in
 * chunks, the writer yields to the event loop between statements. On MySQL it replaces the
 * CONCAT appends, which rewrote the growing blob once per chunk.
 *
 * Frozen once landed.
 */
import { sql, type Kysely } from "kysely";
import { blobType, idType } from "../dialect";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("received_file_chunks")
    .addColumn("file_id", idType(), (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("bytes", blobType(db), (c) => c.notNull())
    .addPrimaryKeyConstraint("received_file_chunks_pk", ["file_id", "seq"])
    .execute();
  // Files received before this migration become a single chunk each.
  await sql`INSERT INTO received_file_chunks (file_id, seq, bytes) SELECT id, 0, content FROM received_files`.execute(db);
  await db.schema.alterTable("received_files").dropColumn("content").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("received_files").addColumn("content", blobType(db)).execute();
  const files = await db.selectFrom("received_files").select("id").execute();
  for (const { id } of files) {
    const chunks = await db.selectFrom("received_file_chunks").select("bytes").where("file_id", "=", id).orderBy("seq").execute();
    await db.updateTable("received_files").set({ content: Buffer.concat(chunks.map((c) => Buffer.from(c.bytes))) }).where("id", "=", id).execute();
  }
  await db.schema.dropTable("received_file_chunks").execute();
}
