/** Counties and units, always within the viewer's scope. */
import type { Kysely, Transaction } from "kysely";
import { newId, now, toBool } from "#db/codecs";
import type { Database } from "#db/schema";
import type { Scope } from "~/domain/permissions";
import { appendAudit } from "./audit.server";
import type { Actor } from "./users.server";

/** Counties the viewer reaches in any role. */
export function countyIdsOf(scope: Scope): string[] {
  return [...new Set([...scope.adminCountyIds, ...scope.reviewerCountyIds, ...scope.leaderCountyIds])];
}

export async function listCounties(db: Kysely<Database>, countyIds: string[]) {
  if (!countyIds.length) return [];
  const rows = await db.selectFrom("counties").select(["id", "code", "name", "is_demo"]).where("id", "in", countyIds).orderBy("code").execute();
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, isDemo: toBool(r.is_demo) }));
}

export async function listUnits(db: Kysely<Database>, countyIds: string[]) {
  if (!countyIds.length) return [];
  const rows = await db
    .selectFrom("units")
    .leftJoin("units as parent", "parent.id", "units.parent_id")
    .select(["units.id", "units.county_id", "units.code", "units.name", "units.kind", "units.parent_id", "parent.name as parent_name", "units.is_demo"])
    .where("units.county_id", "in", countyIds)
    .orderBy("units.county_id")
    .orderBy("units.code")
    .execute();
  return rows.map((r) => ({
    id: r.id, countyId: r.county_id, code: r.code, name: r.name, kind: r.kind,
    parentId: r.parent_id, parentName: r.parent_name, isDemo: toBool(r.is_demo),
  }));
}

/** A unit by id, only if it lies in one of the given counties (else null → 404). */
export async function findUnitInCounties(db: Kysely<Database>, countyIds: string[], unitId: string) {
  if (!countyIds.length) return null;
  const row = await db
    .selectFrom("units")
    .select(["id", "county_id", "code", "name", "kind", "parent_id"])
    .where("id", "=", unitId)
    .where("county_id", "in", countyIds)
    .executeTakeFirst();
  return row ? { id: row.id, countyId: row.county_id, code: row.code, name: row.name, kind: row.kind, parentId: row.parent_id } : null;
}

export async function unitCodeTaken(db: Kysely<Database>, countyId: string, code: string) {
  const row = await db.selectFrom("units").select("id").where("county_id", "=", countyId).where("code", "=", code).executeTakeFirst();
  return !!row;
}

export interface NewUnitInput {
  countyId: string;
  parentId: string | null;
  code: string;
  name: string;
  kind: string;
  isDemo?: boolean;
}

export async function insertUnit(trx: Transaction<Database>, input: NewUnitInput, actor: Actor | null): Promise<string> {
  const id = newId();
  await trx
    .insertInto("units")
    .values({ id, county_id: input.countyId, parent_id: input.parentId, code: input.code, name: input.name, kind: input.kind, is_demo: input.isDemo ? 1 : 0, created_at: now() })
    .execute();
  await touchCountyData(trx, input.countyId);
  await appendAudit(trx, {
    actorUserId: actor?.userId ?? null, actorName: actor?.name ?? "系统", action: "unit.create",
    entityType: "unit", entityId: id, countyId: input.countyId,
    detail: { code: input.code, name: input.name, kind: input.kind, parentId: input.parentId }, address: actor?.address ?? null,
  });
  return id;
}

export async function insertCounty(trx: Transaction<Database>, input: { code: string; name: string; isDemo?: boolean }, actor: Actor | null) {
  const id = newId();
  await trx.insertInto("counties").values({ id, code: input.code, name: input.name, is_demo: input.isDemo ? 1 : 0, created_at: now() }).execute();
  await appendAudit(trx, {
    actorUserId: actor?.userId ?? null, actorName: actor?.name ?? "系统", action: "county.create",
    entityType: "county", entityId: id, countyId: id, detail: { code: input.code, name: input.name },
  });
  return id;
}

/**
 * Raises the county's data version in the transaction that changes its read model: the
 * dashboard keeps per-county figures (unit counts included) until this moves
 * (dashboard.server.ts). Writers already
 * hold the county's row lock (lockCounty), so this adds no lock of its own.
 */
export async function touchCountyData(trx: Transaction<Database> | Kysely<Database>, countyId: string) {
  await trx.updateTable("counties").set((eb) => ({ data_version: eb("data_version", "+", 1) })).where("id", "=", countyId).execute();
}

/** The units a staff member belongs to. */
export async function listStaffUnits(db: Kysely<Database>, scope: Scope) {
  if (!scope.staffUnitIds.length) return [];
  return db
    .selectFrom("units")
    .innerJoin("counties", "counties.id", "units.county_id")
    .select(["units.id", "units.code", "units.name", "units.county_id as countyId", "counties.name as countyName"])
    .where("units.id", "in", scope.staffUnitIds)
    .orderBy("units.code")
    .execute();
}
