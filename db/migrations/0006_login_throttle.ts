/**
 * Login throttling by (account, network) (app/auth/throttle.server.ts, decision 0005):
 *
 * - login_known_addresses: the networks (IPv4 address, IPv6 /64) each user has signed in
 *   from. A login from one of them is not refused by the per-account or per-address limits,
 *   so another network's failures cannot lock the owner out. No foreign key: it is a hint
 *   for the throttle, not business data, and a restore may load it in any order.
 * - login_attempts.subject: the account an "address:<network>" attempt was for, so the
 *   per-network limit counts distinct accounts (one user's typos are not a spray).
 * - login_attempts.refused: a counter on one summary row per (throttle key, 15-minute
 *   window), so refused attempts update a counter instead of appending a chained audit row
 *   each (audit.server.ts recordThrottledAttempt).
 * - login_attempts_time: pruning by age without reading the whole table.
 *
 * Frozen once landed.
 */
import type { Kysely } from "kysely";
import { idType, isMysql } from "../dialect";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("login_known_addresses")
    .addColumn("user_id", idType(), (c) => c.notNull())
    .addColumn("address_group", "varchar(64)", (c) => c.notNull())
    .addColumn("first_at", "bigint", (c) => c.notNull())
    .addColumn("last_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("login_known_addresses_pk", ["user_id", "address_group"])
    .execute();
  await db.schema.alterTable("login_attempts").addColumn("subject", "varchar(64)").execute();
  await db.schema.alterTable("login_attempts").addColumn("refused", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex("login_attempts_time").on("login_attempts").column("attempted_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const drop = db.schema.dropIndex("login_attempts_time");
  await (isMysql(db) ? drop.on("login_attempts") : drop).execute();
  await db.schema.alterTable("login_attempts").dropColumn("refused").execute();
  await db.schema.alterTable("login_attempts").dropColumn("subject").execute();
  await db.schema.dropTable("login_known_addresses").execute();
}
