/**
 * The bytes of received files, stored as 512 KB chunks (migration 0007). better-sqlite3 runs
 * each statement on the web process's main thread, so a 20 MB file written in one statement
 * stalled every other request for up to a third of a second; between chunks the writer yields
 * to the event loop. Write inside the transaction that inserts the file's row, so a crash
 * never leaves half a file.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";

export const FILE_CHUNK_BYTES = 512 * 1024;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function writeReceivedFileBytes(trx: Kysely<Database>, fileId: string, bytes: Uint8Array): Promise<void> {
  for (let offset = 0, seq = 0; offset < bytes.length || seq === 0; offset += FILE_CHUNK_BYTES, seq++) {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(FILE_CHUNK_BYTES, bytes.length - offset));
    await trx.insertInto("received_file_chunks").values({ file_id: fileId, seq, bytes: chunk }).execute();
    if (offset + FILE_CHUNK_BYTES < bytes.length) await yieldToEventLoop();
  }
}

/** The file as it was sent; an empty array for a file with no stored bytes. */
export async function readReceivedFileBytes(db: Kysely<Database>, fileId: string): Promise<Uint8Array> {
  const chunks = await db.selectFrom("received_file_chunks").select("bytes").where("file_id", "=", fileId).orderBy("seq").execute();
  return new Uint8Array(Buffer.concat(chunks.map((c) => Buffer.from(c.bytes))));
}
