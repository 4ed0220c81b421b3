/**
 * Indexes for province scale (100,000 reports), found by `npm run bench`:
 *
 * - report_metrics (unit_id, year): the units-not-yet-submitted list of the triage queue
 *   (queue.server.ts unitsNotSubmitted) joins units to report_metrics on unit and year; with
 *   no index on unit_id every unit scanned the whole table (100 units × 100,000 rows per
 *   queue page).
 *
 * Index-only: safe to add to a populated database. Frozen once landed.
 */
import type { Kysely } from "kysely";
import { isMysql } from "../dialect";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("metrics_unit_year").on("report_metrics").columns(["unit_id", "year"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // MySQL names the table (DROP INDEX … ON …); SQLite index names are global.
  const drop = db.schema.dropIndex("metrics_unit_year");
  await (isMysql(db) ? drop.on("report_metrics") : drop).execute();
}
