/** Tenancy, users, sessions, throttling, the audit chain and campaigns. Frozen once landed. */
import type { Kysely } from "kysely";
import { idType, longText } from "../dialect";

export async function up(db: Kysely<any>): Promise<void> {
  const id = idType();
  await db.schema
    .createTable("counties")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("code", "varchar(32)", (c) => c.notNull().unique())
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("is_demo", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("units")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("county_id", id, (c) => c.notNull().references("counties.id"))
    .addColumn("parent_id", id, (c) => c.references("units.id"))
    .addColumn("code", "varchar(32)", (c) => c.notNull())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("kind", "varchar(32)", (c) => c.notNull())
    .addColumn("is_demo", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("units_county_code", ["county_id", "code"])
    .execute();
  await db.schema.createIndex("units_county_name").on("units").columns(["county_id", "name"]).execute();

  await db.schema
    .createTable("users")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("username", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("display_name", "varchar(100)", (c) => c.notNull())
    .addColumn("password_hash", "varchar(255)", (c) => c.notNull())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("password_changed_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("memberships")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("user_id", id, (c) => c.notNull().references("users.id"))
    .addColumn("role", "varchar(16)", (c) => c.notNull())
    .addColumn("county_id", id, (c) => c.notNull().references("counties.id"))
    .addColumn("unit_id", id, (c) => c.references("units.id"))
    .execute();
  await db.schema.createIndex("memberships_user").on("memberships").column("user_id").execute();
  await db.schema.createIndex("memberships_county_role").on("memberships").columns(["county_id", "role"]).execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("user_id", id, (c) => c.notNull().references("users.id"))
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("absolute_expires_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("login_attempts")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("throttle_key", "varchar(160)", (c) => c.notNull())
    .addColumn("attempted_at", "bigint", (c) => c.notNull())
    .addColumn("succeeded", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("login_attempts_key_time")
    .on("login_attempts")
    .columns(["throttle_key", "attempted_at"])
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("id", id, (c) => c.notNull().unique())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor_user_id", id)
    .addColumn("actor_name", "varchar(100)")
    .addColumn("action", "varchar(64)", (c) => c.notNull())
    .addColumn("entity_type", "varchar(32)")
    .addColumn("entity_id", id)
    .addColumn("county_id", id)
    .addColumn("from_state", "varchar(32)")
    .addColumn("to_state", "varchar(32)")
    .addColumn("detail", longText(db))
    .addColumn("address", "varchar(64)")
    .addColumn("prev_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("hash", "varchar(64)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_entity").on("audit_log").columns(["entity_type", "entity_id"]).execute();
  await db.schema.createIndex("audit_county_at").on("audit_log").columns(["county_id", "at"]).execute();

  await db.schema
    .createTable("audit_head")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("last_seq", "bigint", (c) => c.notNull())
    .addColumn("last_hash", "varchar(64)", (c) => c.notNull())
    .execute();
  await db.insertInto("audit_head").values({ id: 1, last_seq: 0, last_hash: "0".repeat(64) }).execute();

  await db.schema
    .createTable("campaigns")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("county_id", id, (c) => c.notNull().references("counties.id"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("deadline", "bigint")
    .addColumn("settings", longText(db))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("campaigns_county_year", ["county_id", "year"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["campaigns", "audit_head", "audit_log", "login_attempts", "sessions", "memberships", "users", "units", "counties"]) {
    await db.schema.dropTable(table).execute();
  }
}
