/**
 * Login throttling, checked before any password is hashed: failures are counted per account
 * and per address over a sliding window, so an attacker cannot spend our CPU on argon2 nor
 * lock an account for ever (the window slides on).
 */
import type { Kysely } from "kysely";
import { newId, now, toNumber } from "#db/codecs";
import type { Database } from "#db/schema";

export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = Number(process.env.LOGIN_MAX_FAILURES_PER_ACCOUNT || 5);
export const MAX_FAILURES_PER_ADDRESS = Number(process.env.LOGIN_MAX_FAILURES_PER_ADDRESS || 30);

export const accountKey = (username: string) => `account:${username.trim().toLowerCase().slice(0, 64)}`;
export const addressKey = (address: string) => `address:${address.slice(0, 64)}`;

/** Failed (or still undecided) attempts of a key since a time. */
async function recentFailures(db: Kysely<Database>, key: string, since: number): Promise<number> {
  const row = await db
    .selectFrom("login_attempts")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("throttle_key", "=", key)
    .where("attempted_at", ">", since)
    .where("succeeded", "=", 0)
    .executeTakeFirst();
  return toNumber(row?.n as number | string | undefined);
}

export type ThrottleVerdict =
  | { allowed: true; attemptIds: string[] }
  | { allowed: false; retryAfterSeconds: number; reason: "account" | "address" };

/**
 * Reserves an attempt before any password is checked: its rows are written first (as a
 * failure) and then counted, so attempts in flight at the same moment count against each
 * other — a burst cannot slip more tries past the limit than the limit. A refused attempt's
 * rows are removed again, so being throttled does not extend the lock-out.
 */
export async function reserveLoginAttempt(db: Kysely<Database>, username: string, address: string): Promise<ThrottleVerdict> {
  const t = now();
  const rows = [accountKey(username), addressKey(address)].map((throttle_key) => ({ id: newId(), throttle_key, attempted_at: t, succeeded: 0 }));
  await db.insertInto("login_attempts").values(rows).execute();
  const since = t - THROTTLE_WINDOW_MS;
  const retryAfterSeconds = Math.ceil(THROTTLE_WINDOW_MS / 1000);
  const [address_, account] = await Promise.all([recentFailures(db, rows[1].throttle_key, since), recentFailures(db, rows[0].throttle_key, since)]);
  const reason = address_ > MAX_FAILURES_PER_ADDRESS ? "address" : account > MAX_FAILURES_PER_ACCOUNT ? "account" : null;
  if (reason) {
    await db.deleteFrom("login_attempts").where("id", "in", rows.map((r) => r.id)).execute();
    return { allowed: false, retryAfterSeconds, reason };
  }
  return { allowed: true, attemptIds: rows.map((r) => r.id) };
}

/** A reserved attempt succeeded: mark it so, and clear the account's failures (not the address's). */
export async function recordLoginSuccess(db: Kysely<Database>, username: string, attemptIds: string[]) {
  await db.updateTable("login_attempts").set({ succeeded: 1 }).where("id", "in", attemptIds).execute();
  await db.deleteFrom("login_attempts").where("throttle_key", "=", accountKey(username)).where("succeeded", "=", 0).execute();
}

/** Housekeeping: attempts older than the window carry no weight. */
export async function pruneLoginAttempts(db: Kysely<Database>) {
  await db.deleteFrom("login_attempts").where("attempted_at", "<", now() - THROTTLE_WINDOW_MS).execute();
}
