/**
 * The county-year context a report's derived rows depend on (campaign settings and deadline,
 * the counted reports' figures, last year's counted self scores), read from the database in
 * one shape for every caller: the write path, the report page, the recompute.
 */
import type { Kysely, Transaction } from "kysely";
import { fromJson, toNumber } from "#db/codecs";
import type { Database } from "#db/schema";
import { emptyReport, type ReportDocument } from "~/domain/report";
import { ruleContextFor, type CountyYearContext, type Peer } from "~/domain/reportPlan";
import { COUNTED_STATUSES } from "~/domain/submission";
import { DEFAULT_RULE_SETTINGS, ruleSettingsSchema, type RuleContext, type RuleSettings } from "~/domain/rules";

type Executor = Kysely<Database> | Transaction<Database>;

export async function campaignSettings(db: Executor, countyId: string, year: number): Promise<{ settings: RuleSettings; deadline: number | null }> {
  const row = await db.selectFrom("campaigns").select(["settings", "deadline"]).where("county_id", "=", countyId).where("year", "=", year).executeTakeFirst();
  const parsed = ruleSettingsSchema.safeParse(fromJson(row?.settings, {}));
  return {
    settings: parsed.success ? { ...DEFAULT_RULE_SETTINGS, ...parsed.data } : DEFAULT_RULE_SETTINGS,
    deadline: row?.deadline == null ? null : toNumber(row.deadline),
  };
}

/** The county's counted reports of a year, with the figures their metrics rows hold. */
export async function countyPeers(db: Executor, countyId: string, year: number): Promise<Peer[]> {
  const rows = await db
    .selectFrom("report_metrics")
    .select(["report_id", "execution_rate", "self_score"])
    .where("county_id", "=", countyId)
    .where("year", "=", year)
    .where("status", "in", [...COUNTED_STATUSES])
    .execute();
  return rows.map((r) => ({ reportId: r.report_id, executionRate: r.execution_rate, selfScore: r.self_score }));
}

/** A year's counted self scores by unit (or of one unit), as the reports wrote them. */
export async function previousScores(db: Executor, countyId: string, year: number, unitId?: string): Promise<Map<string, string>> {
  let query = db
    .selectFrom("reports")
    .select(["unit_id", "draft"])
    .where("county_id", "=", countyId)
    .where("year", "=", year)
    .where("status", "in", [...COUNTED_STATUSES]);
  if (unitId) query = query.where("unit_id", "=", unitId);
  const rows = await query.execute();
  const scores = new Map<string, string>();
  for (const r of rows) {
    const score = fromJson<ReportDocument>(r.draft, emptyReport()).selfScore;
    if (score) scores.set(r.unit_id, score);
  }
  return scores;
}

/** `unitId`: only that unit's previous score is needed (one report's context). */
export async function loadCountyYearContext(db: Executor, countyId: string, year: number, unitId?: string): Promise<CountyYearContext> {
  const [{ settings, deadline }, peers, previous] = await Promise.all([
    campaignSettings(db, countyId, year),
    countyPeers(db, countyId, year),
    previousScores(db, countyId, year - 1, unitId),
  ]);
  return { settings, deadline, peers, previousScores: previous };
}

/** One report's rule context, with its campaign's deadline. */
export async function loadRuleContext(db: Executor, report: { countyId: string; unitId: string; year: number; id: string }): Promise<RuleContext & { deadline: number | null }> {
  const ctx = await loadCountyYearContext(db, report.countyId, report.year, report.unitId);
  return { ...ruleContextFor(ctx, report), deadline: ctx.deadline };
}
