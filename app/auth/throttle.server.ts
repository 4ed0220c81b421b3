/**
 * Login throttling, checked before any password is hashed (decision 0005). Failures are
 * counted per (account, network) — a network is an IPv4 address or an IPv6 /64 — where the
 * limit is tight and then delays progressively; per account over a day, to bound the total
 * guessing from many networks; and per network as the number of distinct accounts failing
 * there, to stop spraying. The last two never refuse a network the account has signed in
 * from before (login_known_addresses), so nobody else's failures lock the owner out, and a
 * county bureau behind one NAT keeps working while someone there sprays.
 *
 * Every attempt reserves its rows first ("in flight") and then counts, so attempts running at
 * the same moment count against each other: a burst cannot get more tries past a limit than
 * the limit. When only other in-flight attempts stand in the way, the attempt waits for them
 * to be decided instead of being refused: a burst of correct logins all get through, a burst
 * of wrong ones is refused as soon as the limit is full of failures. Waiting is a queue: the
 * earliest attempts in flight, as many as the limit has places, keep their rows while the
 * rest step back, so a burst drains in order instead of colliding until some time out.
 */
import { sql, type Kysely } from "kysely";
import { newId, now, toNumber } from "#db/codecs";
import type { Database } from "#db/schema";
import { getConfig } from "~/server/config.server";

export const THROTTLE_WINDOW_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** An attempt still "in flight" after this long belongs to a process that died: a failure. */
const STALE_IN_FLIGHT_MS = 30_000;
/** How long an attempt waits for others in flight before it is refused after all. */
const MAX_WAIT_MS = 5_000;
/** Known networks are forgotten after half a year without a login from them. */
const KNOWN_RETENTION_MS = 180 * DAY_MS;

const FAILED = 0;
const SUCCEEDED = 1;
const IN_FLIGHT = 2;

export interface Tier {
  windowMs: number;
  limit: number;
}

export interface ThrottleLimits {
  /** Per (account, network): `perAccountAddress` in 15 minutes, then progressively fewer. */
  accountAddress: Tier[];
  /** Per account, from networks it has not signed in from. */
  account: Tier[];
  /** Distinct accounts failing from one network (new accounts are refused there beyond it). */
  accountsPerAddress: Tier;
  /** /account's current-password check, per user. */
  reauth: Tier[];
}

/**
 * The progressive delay as sliding windows: 5 failures in 15 minutes, 10 in an hour, 15 in
 * 6 hours, 20 in a day (for the default 5). Past each step the pair waits for the longer
 * window; no step is ever permanent.
 */
export function progressiveTiers(limit: number): Tier[] {
  return [
    { windowMs: THROTTLE_WINDOW_MS, limit },
    { windowMs: HOUR_MS, limit: 2 * limit },
    { windowMs: 6 * HOUR_MS, limit: 3 * limit },
    { windowMs: DAY_MS, limit: 4 * limit },
  ];
}

export function throttleLimits(): ThrottleLimits {
  const config = getConfig();
  const pair = progressiveTiers(config.loginMaxFailuresPerAccount);
  return {
    accountAddress: pair,
    account: [{ windowMs: DAY_MS, limit: config.loginMaxFailuresPerAccountDaily }],
    accountsPerAddress: { windowMs: THROTTLE_WINDOW_MS, limit: config.loginMaxFailuresPerAddress },
    reauth: pair,
  };
}

// ——— keys ——————————————————————————————————————————————————————————————————————————

export const normalizeAccount = (username: string) => username.trim().toLowerCase().slice(0, 64);

/**
 * The network an address belongs to, for throttling: an IPv4 address as itself, an IPv6
 * address by its /64 (one subscriber's prefix: rotating within it changes nothing), an
 * IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as its IPv4 address. Anything else is kept,
 * cleaned, as its own group.
 */
export function addressGroup(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith("[")) a = a.slice(1, a.indexOf("]") > 0 ? a.indexOf("]") : undefined);
  a = a.replace(/%.*$/, "");
  const v4 = ipv4(a);
  if (v4) return v4;
  const v6 = a.includes(":") ? ipv6(a) : null;
  if (v6) {
    if (v6.slice(0, 5).every((h) => h === 0) && v6[5] === 0xffff) return `${v6[6] >> 8}.${v6[6] & 255}.${v6[7] >> 8}.${v6[7] & 255}`;
    return `${v6.slice(0, 4).map((h) => h.toString(16)).join(":")}::/64`;
  }
  return `other:${a.replace(/[^a-z0-9.:_-]/g, "_").slice(0, 50) || "unknown"}`;
}

function ipv4(a: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts.join(".") : null;
}

/** The eight 16-bit groups of an IPv6 address, or null. */
function ipv6(a: string): number[] | null {
  let text = a;
  const lastColon = text.lastIndexOf(":");
  const dotted = text.slice(lastColon + 1);
  if (dotted.includes(".")) {
    // An embedded IPv4 address (::ffff:1.2.3.4) is the last two groups.
    const v4 = ipv4(dotted);
    if (!v4) return null;
    const [p, q, r, s] = v4.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16) : NaN)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if ([...head, ...rest].some(Number.isNaN)) return null;
  const present = head.length + rest.length;
  if (halves.length === 2 ? present > 7 : present !== 8) return null;
  return [...head, ...Array<number>(8 - present).fill(0), ...rest];
}

const pairKey = (group: string, account: string) => `pair:${group}|${account}`;
const accountKey = (account: string) => `account:${account}`;
const addressKey = (group: string) => `address:${group}`;
const reauthKey = (userId: string) => `reauth:${userId}`;

// ——— the decision ——————————————————————————————————————————————————————————————————

export interface AttemptRow {
  at: number;
  state: number;
  /** Row id: orders attempts reserved in the same millisecond (one attempt's rows share a prefix). */
  id?: string;
}

/**
 * `queued`: this attempt is among the earliest in flight, as many as the limit leaves places
 * for, so it keeps its rows while it waits; the others step back and try again later.
 */
export type Judgement = { verdict: "pass" } | { verdict: "wait"; queued: boolean } | { verdict: "refuse"; retryAfterMs: number };

const decided = (row: AttemptRow, t: number) => row.state === FAILED || (row.state === IN_FLIGHT && row.at < t - STALE_IN_FLIGHT_MS);
const reservedBefore = (a: AttemptRow, b: AttemptRow) => a.at < b.at || (a.at === b.at && (a.id ?? "") < (b.id ?? ""));

/**
 * One key's attempts (failed or in flight, this attempt's own row `own` included once it is
 * reserved) against its tiers. Over a limit: refused if decided failures alone fill it (until
 * enough of them age out for one more attempt), else wait for the attempts in flight to be
 * decided — in the queue if the failures and the attempts reserved before this one leave it
 * a place. Passing always counts every attempt in flight, queued or not, so the queue only
 * decides who waits, never lets more through.
 */
export function judgeTiers(rows: AttemptRow[], tiers: Tier[], t: number, own?: AttemptRow): Judgement {
  let retryAfterMs = 0;
  let wait = false;
  let queued = !!own;
  for (const tier of tiers) {
    const inTier = rows.filter((r) => r.at > t - tier.windowMs);
    if (inTier.length <= tier.limit) continue;
    const failures = inTier.filter((r) => decided(r, t)).map((r) => r.at).sort((x, y) => x - y);
    if (failures.length >= tier.limit) {
      retryAfterMs = Math.max(retryAfterMs, failures[failures.length - tier.limit] + tier.windowMs - t);
      continue;
    }
    wait = true;
    const ahead = own ? inTier.filter((r) => !decided(r, t) && r.id !== own.id && reservedBefore(r, own)).length : 0;
    if (!own || failures.length + ahead + 1 > tier.limit) queued = false;
  }
  if (retryAfterMs > 0) return { verdict: "refuse", retryAfterMs };
  return wait ? { verdict: "wait", queued } : { verdict: "pass" };
}

async function attemptsOf(db: Kysely<Database>, key: string, since: number): Promise<AttemptRow[]> {
  const rows = await db
    .selectFrom("login_attempts")
    .select(["id", "attempted_at", "succeeded"])
    .where("throttle_key", "=", key)
    .where("attempted_at", ">", since)
    .where("succeeded", "!=", SUCCEEDED)
    .limit(5000)
    .execute();
  return rows.map((r) => ({ at: toNumber(r.attempted_at), state: r.succeeded, id: r.id }));
}

/**
 * The network's distinct accounts with failed or in-flight attempts (from networks not known
 * to them). Only a new account is refused there: an account already counted is left to its
 * pair limit, so one user's typos never turn into a spray.
 */
async function judgeAccountsOfAddress(db: Kysely<Database>, key: string, account: string, tier: Tier, t: number): Promise<Judgement> {
  const failed = sql<boolean>`(succeeded = ${FAILED} or attempted_at < ${t - STALE_IN_FLIGHT_MS})`;
  const row = await db
    .selectFrom("login_attempts")
    .select([
      sql<number | string>`count(distinct subject)`.as("accounts"),
      sql<number | string>`count(distinct case when subject <> ${account} and ${failed} then subject end)`.as("othersFailed"),
      sql<number | string>`sum(case when subject = ${account} and ${failed} then 1 else 0 end)`.as("ownFailed"),
    ])
    .where("throttle_key", "=", key)
    .where("attempted_at", ">", t - tier.windowMs)
    .where("succeeded", "!=", SUCCEEDED)
    .executeTakeFirstOrThrow();
  if (toNumber(row.ownFailed) > 0) return { verdict: "pass" };
  if (toNumber(row.othersFailed) >= tier.limit) return { verdict: "refuse", retryAfterMs: tier.windowMs };
  return toNumber(row.accounts) <= tier.limit ? { verdict: "pass" } : { verdict: "wait", queued: false };
}

export type ThrottleReason = "account_address" | "account" | "address" | "reauth";

export interface Reservation {
  attemptIds: string[];
  /** Failed rows to clear once the password is proven (the pair's own typos). */
  clearOnSuccess: string[];
}

export type ThrottleVerdict =
  | { allowed: true; reservation: Reservation }
  /** `key`: what the refusal is counted under (a network, an account, a user). */
  | { allowed: false; retryAfterSeconds: number; reason: ThrottleReason; key: string };

/**
 * `own`: the attempt's rows by key, once written (else the check counts the attempt as if its
 * row were there, to refuse or wait without writing).
 */
type Check = (t: number, own: Map<string, AttemptRow> | null) => Promise<{ judgement: Judgement; reason: ThrottleReason; key: string }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first check that refuses, or else whether one asks to wait (queued if every one that does has a place). */
async function runChecks(checks: Check[], t: number, own: Map<string, AttemptRow> | null) {
  type Waiting = { reason: ThrottleReason; key: string; queued: boolean };
  let waiting = null as Waiting | null;
  for (const check of checks) {
    const { judgement, reason, key } = await check(t, own);
    if (judgement.verdict === "refuse") return { refused: { reason, key, retryAfterMs: judgement.retryAfterMs }, waiting };
    if (judgement.verdict === "wait") waiting = waiting ? { ...waiting, queued: waiting.queued && judgement.queued } : { reason, key, queued: judgement.queued };
  }
  return { refused: null, waiting };
}

/**
 * Refuses at once, without writing, when decided failures already fill a limit (the common
 * case under attack: a refusal needs no reservation, it cannot exceed a limit), and waits,
 * reading only, while attempts in flight fill one. Otherwise writes the attempt's rows (in
 * flight) and checks again, now counting every attempt in flight, this one included. Refused,
 * the rows are removed again, so being refused does not extend a lock-out. Waiting in the
 * queue, it keeps them and checks again shortly; waiting behind the queue, it removes them
 * (holding no place) and starts over; either until MAX_WAIT_MS.
 */
async function reserve(db: Kysely<Database>, keys: Array<{ key: string; subject?: string }>, checks: Check[], clearOnSuccess: string[]): Promise<ThrottleVerdict> {
  const deadline = now() + MAX_WAIT_MS;
  const refusal = (r: { reason: ThrottleReason; key: string; retryAfterMs: number }): ThrottleVerdict => ({
    allowed: false, reason: r.reason, key: r.key, retryAfterSeconds: Math.max(60, Math.ceil(r.retryAfterMs / 1000)),
  });
  let held: Map<string, AttemptRow> | null = null;
  const release = async () => {
    if (held) await db.deleteFrom("login_attempts").where("id", "in", [...held.values()].map((r) => r.id!)).execute();
    held = null;
  };
  for (let round = 0; ; round++) {
    if (round > 0) {
      if (now() >= deadline) break;
      await sleep(held ? 5 + Math.random() * 20 : 10 + Math.random() * 40 * Math.min(round, 4));
    }
    if (!held) {
      const early = await runChecks(checks, now(), null);
      if (early.refused) return refusal(early.refused);
      if (early.waiting) continue;
      const t = now();
      // One prefix for all the attempt's rows: it sorts the same against other attempts in every key.
      const prefix = newId();
      const rows = keys.map(({ key, subject }, k) => ({ id: `${prefix}${k}`, throttle_key: key, subject: subject ?? null, attempted_at: t, succeeded: IN_FLIGHT }));
      await db.insertInto("login_attempts").values(rows).execute();
      held = new Map(rows.map((r) => [r.throttle_key, { at: t, state: IN_FLIGHT, id: r.id }]));
    }
    const { refused, waiting } = await runChecks(checks, now(), held);
    if (!refused && !waiting) return { allowed: true, reservation: { attemptIds: [...held.values()].map((r) => r.id!), clearOnSuccess } };
    if (refused || !waiting?.queued) await release();
    if (refused) return refusal(refused);
  }
  await release();
  const last = await runChecks(checks, now(), null);
  return refusal(last.refused ?? { ...(last.waiting ?? { reason: "account_address", key: keys[0].key }), retryAfterMs: 60_000 });
}

/** `reportAs`: the key refusals are summarised under (audit.server.ts recordThrottledAttempt). */
function tierCheck(db: Kysely<Database>, key: string, tiers: Tier[], reason: ThrottleReason, reportAs = key): Check {
  const longest = Math.max(...tiers.map((x) => x.windowMs));
  return async (t, own) => {
    const rows = await attemptsOf(db, key, t - longest);
    const ownRow = own?.get(key);
    // Before reserving, count the attempt as if its row were there.
    if (!ownRow) rows.push({ at: t, state: IN_FLIGHT });
    return { judgement: judgeTiers(rows, tiers, t, ownRow), reason, key: reportAs };
  };
}

/** Has this user signed in from this network since the password was last set? */
async function isKnownNetwork(db: Kysely<Database>, username: string, group: string): Promise<boolean> {
  const row = await db
    .selectFrom("login_known_addresses as k")
    .innerJoin("users as u", "u.id", "k.user_id")
    .select("k.user_id")
    .where("u.username", "=", username.trim())
    .where("k.address_group", "=", group)
    .whereRef("k.last_at", ">=", "u.password_changed_at")
    .executeTakeFirst();
  return !!row;
}

/** Reserves a login attempt, or refuses it, before any password is checked. */
export async function reserveLoginAttempt(db: Kysely<Database>, username: string, address: string): Promise<ThrottleVerdict> {
  const limits = throttleLimits();
  const account = normalizeAccount(username);
  const group = addressGroup(address);
  const known = await isKnownNetwork(db, username, group);
  const pair = pairKey(group, account);
  // Pair refusals are summarised per network: one attacking address, one summary, however
  // many accounts it tries (each needed its own failures first, all audited).
  const checks: Check[] = [tierCheck(db, pair, limits.accountAddress, "account_address", `pair:${group}`)];
  const keys: Array<{ key: string; subject?: string }> = [{ key: pair }, { key: accountKey(account) }];
  // A network the account has signed in from is spared the account-wide limits, and its
  // failures do not count towards the network's spray limit (they are the owner's typos).
  if (!known) {
    checks.push(tierCheck(db, accountKey(account), limits.account, "account"));
    checks.push(async (t) => ({ judgement: await judgeAccountsOfAddress(db, addressKey(group), account, limits.accountsPerAddress, t), reason: "address", key: addressKey(group) }));
    keys.push({ key: addressKey(group), subject: account });
  }
  return reserve(db, keys, checks, [pair]);
}

/** Reserves a check of a signed-in user's current password (/account), per user. */
export function reserveReauthAttempt(db: Kysely<Database>, userId: string): Promise<ThrottleVerdict> {
  const key = reauthKey(userId);
  return reserve(db, [{ key }], [tierCheck(db, key, throttleLimits().reauth, "reauth")], [key]);
}

/** The password was wrong (or the account disabled): the reserved attempt counts as a failure. */
export async function recordAttemptFailure(db: Kysely<Database>, reservation: Reservation) {
  await db.updateTable("login_attempts").set({ succeeded: FAILED }).where("id", "in", reservation.attemptIds).execute();
}

/**
 * The password was right: the attempt succeeded and the pair's own earlier failures are
 * cleared (not another network's, nor attempts still in flight). For a login, the network
 * becomes known for the user.
 */
export async function recordAttemptSuccess(db: Kysely<Database>, reservation: Reservation) {
  await db.updateTable("login_attempts").set({ succeeded: SUCCEEDED }).where("id", "in", reservation.attemptIds).execute();
  await db.deleteFrom("login_attempts").where("throttle_key", "in", reservation.clearOnSuccess).where("succeeded", "=", FAILED).execute();
}

/** Remembers that the user signed in from (or re-proved the password on) this network. */
export async function rememberNetwork(db: Kysely<Database>, userId: string, address: string) {
  const group = addressGroup(address);
  const t = now();
  const updated = await db.updateTable("login_known_addresses").set({ last_at: t }).where("user_id", "=", userId).where("address_group", "=", group).executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  try {
    await db.insertInto("login_known_addresses").values({ user_id: userId, address_group: group, first_at: t, last_at: t }).execute();
  } catch (error) {
    // A concurrent login from the same network inserted it first: refresh theirs.
    const again = await db.updateTable("login_known_addresses").set({ last_at: t }).where("user_id", "=", userId).where("address_group", "=", group).executeTakeFirst();
    if (Number(again.numUpdatedRows) === 0) throw error;
  }
}

/** "N分钟" (rounded up), or "N小时" past two hours: for "请…后再试". */
export function retryAfterText(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return minutes > 120 ? `${Math.ceil(minutes / 60)}小时` : `${minutes}分钟`;
}

let lastPrune = 0;

/** Housekeeping, at most once a minute per process: attempts past the longest window, long-unused networks. */
export async function pruneLoginAttempts(db: Kysely<Database>, force = false) {
  const t = now();
  if (!force && t - lastPrune < 60_000 && t >= lastPrune) return;
  lastPrune = t;
  await db.deleteFrom("login_attempts").where("attempted_at", "<", t - DAY_MS).execute();
  await db.deleteFrom("login_known_addresses").where("last_at", "<", t - KNOWN_RETENTION_MS).execute();
}
