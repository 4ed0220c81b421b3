/** Campaigns (填报年度): one per county and year, with its deadline and rule settings. */
import type { Kysely, Selectable, Transaction } from "kysely";
import { fromJson, newId, now, toJson, toNumber } from "#db/codecs";
import type { CampaignsTable, Database } from "#db/schema";
import { DEFAULT_RULE_SETTINGS, ruleSettingsSchema, type RuleSettings } from "~/domain/rules";
import { appendAudit } from "./audit.server";
import type { Actor } from "./users.server";
import { checkMetrics } from "./metricsCheck.server";
import { lockCounty } from "./reportWrites.server";
import { recomputeProjects } from "./projects.server";

export interface CampaignRow {
  id: string;
  countyId: string;
  year: number;
  deadline: number | null;
  settings: RuleSettings;
}

function settingsOf(json: string | null): RuleSettings {
  const parsed = ruleSettingsSchema.safeParse(fromJson(json, {}));
  return parsed.success ? { ...DEFAULT_RULE_SETTINGS, ...parsed.data } : DEFAULT_RULE_SETTINGS;
}

export async function listCampaigns(db: Kysely<Database>, countyIds: string[]): Promise<CampaignRow[]> {
  if (!countyIds.length) return [];
  const rows = await db.selectFrom("campaigns").selectAll().where("county_id", "in", countyIds).orderBy("year", "desc").execute();
  return rows.map(campaignOf);
}

function campaignOf(r: Selectable<CampaignsTable>): CampaignRow {
  return { id: r.id, countyId: r.county_id, year: Number(r.year), deadline: r.deadline == null ? null : toNumber(r.deadline), settings: settingsOf(r.settings) };
}

/** The years the counties have campaigns for, latest first (without parsing every campaign's settings). */
export async function campaignYears(db: Kysely<Database>, countyIds: string[]): Promise<number[]> {
  if (!countyIds.length) return [];
  const rows = await db.selectFrom("campaigns").select("year").distinct().where("county_id", "in", countyIds).orderBy("year", "desc").execute();
  return rows.map((r) => Number(r.year));
}

/**
 * One campaign of the counties for the year (the county's own when there is one county; for a
 * city view, the first county's stands for all), without reading the others.
 */
export async function findCampaign(db: Kysely<Database>, countyIds: string[], year: number): Promise<CampaignRow | null> {
  if (!countyIds.length) return null;
  const r = await db.selectFrom("campaigns").selectAll().where("county_id", "in", countyIds).where("year", "=", year).orderBy("county_id").limit(1).executeTakeFirst();
  return r ? campaignOf(r) : null;
}

/**
 * Whether a county's units may start reports for the year: the admin has opened the year
 * (a campaign exists). A campaign is never closed: a report after the deadline is accepted
 * and marked late.
 */
export async function campaignOpen(db: Kysely<Database> | Transaction<Database>, countyId: string, year: number): Promise<boolean> {
  const row = await db.selectFrom("campaigns").select("id").where("county_id", "=", countyId).where("year", "=", year).executeTakeFirst();
  return row != null;
}

/** Each county's rule settings for a year; a county without a campaign that year is absent. */
export async function ruleSettingsByCounty(db: Kysely<Database>, countyIds: string[], year: number): Promise<Map<string, RuleSettings>> {
  if (!countyIds.length) return new Map();
  const rows = await db.selectFrom("campaigns").select(["county_id", "settings"]).where("county_id", "in", countyIds).where("year", "=", year).execute();
  return new Map(rows.map((r) => [r.county_id, settingsOf(r.settings)]));
}

export async function insertCampaign(
  trx: Transaction<Database>,
  input: { countyId: string; year: number; deadline: number | null; settings?: Partial<RuleSettings> },
  actor: Actor | null,
) {
  const id = newId();
  await trx.insertInto("campaigns").values({
    id, county_id: input.countyId, year: input.year, deadline: input.deadline, settings: toJson({ ...DEFAULT_RULE_SETTINGS, ...input.settings }), created_at: now(),
  }).execute();
  await appendAudit(trx, {
    actorUserId: actor?.userId ?? null, actorName: actor?.name ?? "系统", action: "campaign.create", entityType: "campaign", entityId: id,
    countyId: input.countyId, detail: { year: input.year, deadline: input.deadline }, address: actor?.address ?? null,
  });
  return id;
}

export async function updateCampaign(
  trx: Transaction<Database>,
  input: { id: string; countyId: string; deadline: number | null; settings: RuleSettings },
  actor: Actor,
): Promise<boolean> {
  // The recompute below rewrites the county-year's reports: the same lock as every report write.
  await lockCounty(trx, input.countyId);
  const result = await trx
    .updateTable("campaigns")
    .set({ deadline: input.deadline, settings: toJson(input.settings) })
    .where("id", "=", input.id)
    .where("county_id", "=", input.countyId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  // Thresholds decide flags, metrics and the triage score, and the deadline decides lateness:
  // the county-year's read model is recomputed in the same transaction, by the same path as
  // metrics:rebuild, so it never disagrees with its settings.
  const campaign = await trx.selectFrom("campaigns").select("year").where("id", "=", input.id).executeTakeFirstOrThrow();
  await checkMetrics(trx, { rebuild: true, only: { countyId: input.countyId, year: Number(campaign.year) } });
  // Project forms' stored flags follow the same thresholds.
  await recomputeProjects(trx, input.countyId, Number(campaign.year));
  await appendAudit(trx, {
    actorUserId: actor.userId, actorName: actor.name, action: "campaign.update", entityType: "campaign", entityId: input.id,
    countyId: input.countyId, detail: { deadline: input.deadline, settings: input.settings }, address: actor.address ?? null,
  });
  return true;
}
