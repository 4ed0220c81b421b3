/** The default year of the bureau's pages (dashboard, queue, intake). */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";

/** The latest year in which any report of the counties reached the bureau (any status but draft). */
export async function latestReportedYear(db: Kysely<Database>, countyIds: string[]): Promise<number | null> {
  if (!countyIds.length) return null;
  // The first row from the latest year down, not max(): MariaDB reads every county's years for a max()
  // over an IN list, but walks metrics_queue_year backwards and stops at the first submitted report.
  const row = await db
    .selectFrom("report_metrics")
    .select("year")
    .where("county_id", "in", countyIds)
    .where("status", "!=", "draft")
    .orderBy("year", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.year == null ? null : Number(row.year);
}
