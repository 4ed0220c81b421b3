/**
 * Who has handed in the year's report: reports per status and units not yet submitted, by
 * county, for the triage queue's tabs, the dashboard's headline and status chart and their
 * unit lists. "Not yet submitted" is ~/domain/submission's (no report, a draft, or returned)
 * in every one of them.
 */
import type { Kysely } from "kysely";
import { toNumber } from "#db/codecs";
import type { Database } from "#db/schema";
import { outstandingUnits } from "~/domain/submission";
import type { ReportStatus } from "~/domain/vocabulary";
import { entry, metrics, type DashboardFilters } from "./dashboardQuery.server";
import { dataVersions, perCounty, type CountyVersions } from "./figureCache.server";
import { outstandingStatus } from "./submissionSql.server";

export type StatusCounts = Partial<Record<ReportStatus, number>>;

/** Reports per status for each county, drafts included (the filters, not the status filter, apply). */
export async function computeStatusCounts(db: Kysely<Database>, f: Omit<DashboardFilters, "status">): Promise<Map<string, StatusCounts>> {
  const rows = await metrics(db, f).select(["m.county_id", "m.status", (eb) => eb.fn.countAll().as("n")]).groupBy(["m.county_id", "m.status"]).execute();
  const out = new Map<string, StatusCounts>();
  for (const r of rows) entry(out, r.county_id, (): StatusCounts => ({}))[r.status as ReportStatus] = toNumber(r.n);
  return out;
}

/** Units per county (of `unitKind`, if given), cached by data version: the denominator of "not yet submitted". */
export function unitCounts(db: Kysely<Database>, versions: CountyVersions, unitKind?: string): Promise<Map<string, number>> {
  return perCounty(db, versions, (c) => `unitCount|${c}|${unitKind ?? ""}`, async (stale) => {
    let q = db.selectFrom("units").select(["county_id", (eb) => eb.fn.countAll().as("n")]).where("county_id", "in", stale).groupBy("county_id");
    if (unitKind) q = q.where("kind", "=", unitKind);
    return new Map((await q.execute()).map((r) => [r.county_id, toNumber(r.n)]));
  }, () => 0);
}

/**
 * The triage queue's tabs (reports per status, drafts included) and, per county in code order,
 * the number of units not yet submitted for the year: from the same version-checked cache as
 * the dashboard's figures, so a city's 200 counties are not recounted (20,000 rows) on every
 * request.
 */
export async function queueProgress(db: Kysely<Database>, countyIds: string[], year: number) {
  const versions = await dataVersions(db, countyIds);
  const [units, statuses] = await Promise.all([
    unitCounts(db, versions),
    perCounty(db, versions, (c) => `statuses|${c}|${year}`, (stale) => computeStatusCounts(db, { countyIds: stale, year }), (): StatusCounts => ({})),
  ]);
  const counts: StatusCounts = {};
  for (const perStatus of statuses.values()) {
    for (const [status, count] of Object.entries(perStatus) as Array<[ReportStatus, number]>) counts[status] = (counts[status] ?? 0) + count;
  }
  const notSubmittedByCounty = [...versions]
    .map(([countyId, v]) => ({ countyName: v.name, units: outstandingUnits(units.get(countyId)!, statuses.get(countyId)!) }))
    .filter((c) => c.units > 0);
  return { counts, notSubmittedByCounty };
}

/** The units of the counties not yet submitted for the year (no report, a draft, or returned), by code. */
export async function unitsNotSubmitted(db: Kysely<Database>, countyIds: string[], year: number) {
  if (!countyIds.length) return [];
  const rows = await db
    .selectFrom("units as u")
    .leftJoin("report_metrics as m", (join) => join.onRef("m.unit_id", "=", "u.id").on("m.year", "=", year))
    .select(["u.id", "u.name", "u.code", "m.status"])
    .where("u.county_id", "in", countyIds)
    .where((eb) => outstandingStatus(eb, "m.status"))
    .orderBy("u.code")
    .limit(500)
    .execute();
  return rows.map((r) => ({ unitId: r.id, unitName: r.name, code: r.code, status: (r.status ?? null) as ReportStatus | null }));
}
