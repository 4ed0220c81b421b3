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

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: "account" | "address" };

export async function checkLoginThrottle(db: Kysely<Database>, username: string, address: string): Promise<ThrottleVerdict> {
  const since = now() - THROTTLE_WINDOW_MS;
  const retryAfterSeconds = Math.ceil(THROTTLE_WINDOW_MS / 1000);
  if ((await recentFailures(db, addressKey(address), since)) >= MAX_FAILURES_PER_ADDRESS) {
    return { allowed: false, retryAfterSeconds, reason: "address" };
  }
  if ((await recentFailures(db, accountKey(username), since)) >= MAX_FAILURES_PER_ACCOUNT) {
    return { allowed: false, retryAfterSeconds, reason: "account" };
  }
  return { allowed: true };
}

export async function recordLoginAttempt(db: Kysely<Database>, username: string, address: string, succeeded: boolean) {
  const t = now();
  const keys = [accountKey(username), addressKey(address)];
  await db
    .insertInto("login_attempts")
    .values(keys.map((throttle_key) => ({ id: newId(), throttle_key, attempted_at: t, succeeded: succeeded ? 1 : 0 })))
    .execute();
  if (succeeded) {
    // A successful login clears the account's failures (not the address's).
    await db.deleteFrom("login_attempts").where("throttle_key", "=", keys[0]).where("succeeded", "=", 0).execute();
  }
}

/** Housekeeping: attempts older than the window carry no weight. */
export async function pruneLoginAttempts(db: Kysely<Database>) {
  await db.deleteFrom("login_attempts").where("attempted_at", "<", now() - THROTTLE_WINDOW_MS).execute();
}
