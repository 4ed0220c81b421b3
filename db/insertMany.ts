/**
 * Multi-row inserts, split to stay under both databases' limits: many rows per statement is
 * what makes the bulk generator and large batches fast, one statement per row what makes
 * them slow.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema";

/** Parameters per statement: under SQLite's 32,766 and MySQL's 65,535 placeholders. */
const MAX_PARAMS = 16_000;
/** Bytes per statement: well under the max_allowed_packet start-up insists on (64 MB). */
const MAX_BYTES = 4 * 1024 * 1024;

export interface InsertStats {
  rows: number;
  statements: number;
}

export async function insertMany<T extends keyof Database>(
  trx: Kysely<Database> | Transaction<Database>,
  table: T,
  rows: Array<Record<string, unknown>>,
  stats?: InsertStats,
): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]).length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns));
  let start = 0;
  while (start < rows.length) {
    let end = start, bytes = 0;
    while (end < rows.length && end - start < perStatement) {
      for (const v of Object.values(rows[end])) bytes += typeof v === "string" ? v.length * 3 : 8;
      if (bytes > MAX_BYTES && end > start) break;
      end++;
    }
    // Rows are built by the model's own serialisers, typed per table there.
    await trx.insertInto(table).values(rows.slice(start, end) as never).execute();
    if (stats) {
      stats.rows += end - start;
      stats.statements++;
    }
    start = end;
  }
}
