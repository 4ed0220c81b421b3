/**
 * Users, their role grants, and the admin's changes to them. Admin functions take the
 * admin's scope and only touch users whose every grant lies inside it.
 */
import type { Kysely, Transaction } from "kysely";
import { newId, now, toBool, toNumber } from "#db/codecs";
import type { Database, Role } from "#db/schema";
import type { MembershipGrant, Scope, Viewer } from "~/domain/permissions";
import { appendAudit } from "./audit.server";

export async function findUserByUsername(db: Kysely<Database>, username: string) {
  return db
    .selectFrom("users")
    .select(["id", "username", "display_name", "password_hash", "disabled"])
    .where("username", "=", username.trim())
    .executeTakeFirst();
}

export async function grantsOf(db: Kysely<Database>, userId: string): Promise<MembershipGrant[]> {
  const rows = await db.selectFrom("memberships").select(["role", "county_id", "unit_id"]).where("user_id", "=", userId).execute();
  return rows.map((r) => ({ role: r.role as Role, countyId: r.county_id, unitId: r.unit_id }));
}

export async function loadViewer(db: Kysely<Database>, userId: string): Promise<Viewer | null> {
  const user = await db.selectFrom("users").select(["id", "username", "display_name", "disabled"]).where("id", "=", userId).executeTakeFirst();
  if (!user || toBool(user.disabled)) return null;
  return { userId: user.id, username: user.username, displayName: user.display_name, grants: await grantsOf(db, user.id) };
}

export interface Actor {
  /** Null for the system itself (demo seed, generator). */
  userId: string | null;
  name: string;
  address?: string | null;
}

export interface NewUserInput {
  username: string;
  displayName: string;
  passwordHash: string;
  grants: MembershipGrant[];
}

export async function insertUser(trx: Transaction<Database>, input: NewUserInput, actor: Actor | null): Promise<string> {
  const id = newId();
  const t = now();
  await trx
    .insertInto("users")
    .values({ id, username: input.username, display_name: input.displayName, password_hash: input.passwordHash, disabled: 0, password_changed_at: t, created_at: t })
    .execute();
  if (input.grants.length) {
    await trx
      .insertInto("memberships")
      .values(input.grants.map((g) => ({ id: newId(), user_id: id, role: g.role, county_id: g.countyId, unit_id: g.unitId })))
      .execute();
  }
  await appendAudit(trx, {
    actorUserId: actor?.userId ?? null,
    actorName: actor?.name ?? "系统",
    action: "user.create",
    entityType: "user",
    entityId: id,
    countyId: input.grants[0]?.countyId ?? null,
    detail: { username: input.username, grants: input.grants.map((g) => ({ role: g.role, unitId: g.unitId })) },
    address: actor?.address ?? null,
  });
  return id;
}

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  role: Role;
  countyId: string;
  countyName: string;
  unitId: string | null;
  unitName: string | null;
  createdAt: number;
}

/** Users with a grant in the admin's counties, one row per grant. */
export async function listUsersInScope(db: Kysely<Database>, scope: Scope): Promise<UserRow[]> {
  if (!scope.adminCountyIds.length) return [];
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .innerJoin("counties", "counties.id", "memberships.county_id")
    .leftJoin("units", "units.id", "memberships.unit_id")
    .select([
      "users.id", "users.username", "users.display_name", "users.disabled", "users.created_at",
      "memberships.role", "memberships.county_id", "counties.name as county_name", "memberships.unit_id", "units.name as unit_name",
    ])
    .where("memberships.county_id", "in", scope.adminCountyIds)
    .orderBy("users.username")
    .limit(2000)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    disabled: toBool(r.disabled),
    role: r.role as Role,
    countyId: r.county_id,
    countyName: r.county_name,
    unitId: r.unit_id,
    unitName: r.unit_name,
    createdAt: toNumber(r.created_at),
  }));
}

/**
 * A user an admin may change: every grant of theirs in the admin's counties (so an admin of
 * one county cannot disable a city-level user). Null (→ 404) otherwise.
 */
export async function findManagedUser(db: Kysely<Database>, scope: Scope, userId: string) {
  const grants = await grantsOf(db, userId);
  if (!grants.length || !grants.every((g) => scope.adminCountyIds.includes(g.countyId))) return null;
  const user = await db.selectFrom("users").select(["id", "username", "display_name", "disabled"]).where("id", "=", userId).executeTakeFirst();
  return user ? { ...user, disabled: toBool(user.disabled), grants } : null;
}

export async function setUserDisabled(trx: Transaction<Database>, userId: string, disabled: boolean, actor: Actor, countyId: string) {
  await trx.updateTable("users").set({ disabled: disabled ? 1 : 0 }).where("id", "=", userId).execute();
  // A disabled account keeps no session anywhere.
  if (disabled) await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
  await appendAudit(trx, {
    actorUserId: actor.userId, actorName: actor.name, action: disabled ? "user.disable" : "user.enable",
    entityType: "user", entityId: userId, countyId, address: actor.address ?? null,
  });
}

/**
 * Sets a new password hash and ends every session of the user, except (for a user changing
 * their own password) the one they are using.
 */
export async function setUserPassword(
  trx: Transaction<Database>,
  userId: string,
  passwordHash: string,
  actor: Actor,
  countyId: string | null,
  keepSessionHash?: string,
) {
  await trx.updateTable("users").set({ password_hash: passwordHash, password_changed_at: now() }).where("id", "=", userId).execute();
  let sessions = trx.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepSessionHash) sessions = sessions.where("id", "!=", keepSessionHash);
  await sessions.execute();
  await appendAudit(trx, {
    actorUserId: actor.userId, actorName: actor.name,
    action: actor.userId === userId ? "user.password_change" : "user.password_reset",
    entityType: "user", entityId: userId, countyId, address: actor.address ?? null,
  });
}
