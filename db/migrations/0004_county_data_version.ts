/**
 * counties.data_version: a counter raised in the same transaction as every change to a
 * county's read model (report_metrics, report_flags, report_class_amounts). The dashboard
 * keeps each county's figures in memory and recomputes only the counties whose counter moved,
 * so a city view over 200 counties re-reads one county after a submission, not all of them,
 * and stays correct across several server processes (dashboard.server.ts).
 *
 * Frozen once landed.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("counties").addColumn("data_version", "bigint", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("counties").dropColumn("data_version").execute();
}
