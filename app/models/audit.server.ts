/**
 * The append-only, hash-chained audit log. Every write happens inside the caller's
 * transaction, after locking the chain head, so the chain order is the commit order and a
 * rolled-back change leaves no audit row behind.
 */
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { isMysql } from "#db/dialect";
import { newId, now, toNumber } from "#db/codecs";
import { insertMany, type InsertStats } from "#db/insertMany";
import type { AuditEntry, Database } from "#db/schema";
import type { AuditRecord } from "~/domain/reportPlan";

/** Any audit event; one of a report's change carries the same fields (reportPlan.ts). */
export type AuditEvent = Omit<AuditRecord, "at" | "id">;

export const GENESIS_HASH = "0".repeat(64);

/** Every column but the hash itself, with BIGINTs as numbers. */
type ChainedFields = Omit<AuditEntry, "hash" | "seq" | "at"> & { seq: number; at: number };

/** The hash covers every column but itself, in a fixed order. */
export function auditHash(row: ChainedFields): string {
  const canonical = JSON.stringify([
    row.seq, row.id, row.at, row.actor_user_id, row.actor_name, row.action, row.entity_type, row.entity_id,
    row.county_id, row.from_state, row.to_state, row.detail, row.address, row.prev_hash,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** Appends one event. Must run inside a transaction (the caller's). */
export async function appendAudit(trx: Transaction<Database>, event: AuditEvent): Promise<void> {
  await appendAuditEvents(trx, [event]);
}

/** An event with, optionally, its own time and id (a history written after the fact: the data generator). */
export type TimedAuditEvent = AuditRecord;

/**
 * Appends events to the chain in the given order, inside the caller's transaction: locks the
 * head, hashes each row over its predecessor, inserts them many per statement, moves the head.
 * The one place the chain grows.
 */
export async function appendAuditEvents(trx: Transaction<Database>, events: TimedAuditEvent[], stats?: InsertStats): Promise<void> {
  if (!events.length) return;
  const lock = trx.selectFrom("audit_head").select(["last_seq", "last_hash"]).where("id", "=", 1);
  // SQLite transactions already hold the single write lock once they write; take it now.
  if (!isMysql(trx)) await trx.updateTable("audit_head").set({ id: 1 }).where("id", "=", 1).execute();
  const head = await (isMysql(trx) ? lock.forUpdate() : lock).executeTakeFirstOrThrow();
  let seq = toNumber(head.last_seq);
  let prev = head.last_hash;
  const t = now();
  const rows = events.map((event) => {
    const row: ChainedFields = {
      seq: ++seq,
      id: event.id ?? newId(),
      at: event.at ?? t,
      actor_user_id: event.actorUserId,
      actor_name: event.actorName,
      action: event.action,
      entity_type: event.entityType ?? null,
      entity_id: event.entityId ?? null,
      county_id: event.countyId ?? null,
      from_state: event.fromState ?? null,
      to_state: event.toState ?? null,
      detail: event.detail ? JSON.stringify(event.detail) : null,
      address: event.address ?? null,
      prev_hash: prev,
    };
    prev = auditHash(row);
    return { ...row, hash: prev };
  });
  await insertMany(trx, "audit_log", rows, stats);
  await trx.updateTable("audit_head").set({ last_seq: seq, last_hash: prev }).where("id", "=", 1).execute();
}

/** Convenience for events that are their own transaction (logins, denials). */
export async function recordAudit(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, event));
}

export interface ThrottledAttempt {
  /** The throttle key that refused it (throttle.server.ts), e.g. "address:203.0.113.7". */
  key: string;
  reason: string;
  actorName: string | null;
  actorUserId?: string | null;
  address: string | null;
  /** The summary window: one audit row per key and window. */
  windowMs: number;
}

/**
 * Refused-before-hash attempts as counted summaries, not one chained row each: anonymous
 * requests must not grow the chain (nor queue on its head) with their number. The first
 * refusal of a key in a window inserts a summary row in login_attempts (id derived from key
 * and window, so concurrent first refusals meet on the primary key) and, in the same
 * transaction, one chained "login.throttled" row, which also carries the previous window's
 * final count; later refusals only raise the summary's counter.
 */
export async function recordThrottledAttempt(db: Kysely<Database>, attempt: ThrottledAttempt): Promise<void> {
  const t = now();
  const windowStart = t - (t % attempt.windowMs);
  const summaryId = (start: number) => createHash("sha256").update(`${attempt.key}#${start}`).digest("hex").slice(0, 32);
  const id = summaryId(windowStart);
  const bump = () => db.updateTable("login_attempts").set((eb) => ({ refused: eb("refused", "+", 1) })).where("id", "=", id).executeTakeFirst();
  if (Number((await bump()).numUpdatedRows) > 0) return;
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("login_attempts").values({ id, throttle_key: `refused:${attempt.key}`.slice(0, 160), attempted_at: windowStart, succeeded: 0, refused: 1 }).execute();
      const previous = await trx.selectFrom("login_attempts").select("refused").where("id", "=", summaryId(windowStart - attempt.windowMs)).executeTakeFirst();
      await appendAudit(trx, {
        actorUserId: attempt.actorUserId ?? null, actorName: attempt.actorName, action: "login.throttled", address: attempt.address,
        detail: { reason: attempt.reason, key: attempt.key, windowStart, windowMinutes: attempt.windowMs / 60_000, previousWindowRefused: previous ? toNumber(previous.refused) : 0 },
      });
    });
  } catch (error) {
    // Another refusal opened this window's summary first: count this one there.
    if (Number((await bump()).numUpdatedRows) === 0) throw error;
  }
}

export type ChainVerdict =
  | { ok: true; entries: number }
  | { ok: false; entries: number; brokenSeq: number; brokenId: string | null; reason: string };

/** Walks the chain in order (in pages, so memory stays flat) and names the first broken entry. */
export async function verifyAuditChain(db: Kysely<Database>): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  for (;;) {
    const page = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">=", expectedSeq)
      .orderBy("seq")
      .limit(1000)
      .execute();
    if (page.length === 0) break;
    for (const raw of page) {
      const row = { ...raw, seq: toNumber(raw.seq), at: toNumber(raw.at) };
      const broken = (reason: string): ChainVerdict => ({ ok: false, entries, brokenSeq: row.seq, brokenId: row.id, reason });
      if (row.seq !== expectedSeq) return { ok: false, entries, brokenSeq: expectedSeq, brokenId: null, reason: "序号缺失（记录被删除）" };
      if (row.prev_hash !== prevHash) return broken("前序哈希不匹配（前一条记录被改动或删除）");
      if (auditHash(row) !== row.hash) return broken("记录内容与哈希不符（记录被改动）");
      prevHash = row.hash;
      expectedSeq++;
      entries++;
    }
  }
  const head = await db.selectFrom("audit_head").select(["last_seq", "last_hash"]).where("id", "=", 1).executeTakeFirst();
  if (head && (toNumber(head.last_seq) !== entries || head.last_hash !== prevHash)) {
    return { ok: false, entries, brokenSeq: toNumber(head.last_seq), brokenId: null, reason: "链尾记录缺失（末尾记录被删除）" };
  }
  return { ok: true, entries };
}

export interface AuditQuery {
  countyIds: string[];
  action?: string;
  actor?: string;
  entityId?: string;
  beforeSeq?: number;
  limit?: number;
}

/** Admin audit search, scoped to the admin's counties (plus county-less events they caused). */
export async function searchAudit(db: Kysely<Database>, query: AuditQuery) {
  let q = db
    .selectFrom("audit_log")
    .select(["seq", "at", "actor_name", "action", "entity_type", "entity_id", "from_state", "to_state", "detail", "address"])
    .where("county_id", "in", query.countyIds.length ? query.countyIds : ["-"]);
  if (query.action) q = q.where("action", "=", query.action);
  if (query.actor) q = q.where("actor_name", "like", `%${query.actor.replace(/[%_]/g, "")}%`);
  if (query.entityId) q = q.where("entity_id", "=", query.entityId);
  if (query.beforeSeq) q = q.where("seq", "<", query.beforeSeq);
  const rows = await q.orderBy("seq", "desc").limit(query.limit ?? 50).execute();
  return rows.map((r) => ({ ...r, seq: toNumber(r.seq), at: toNumber(r.at) }));
}


/** Audit entries about one entity (a report's history), oldest first. */
export async function entityHistory(db: Kysely<Database>, entityId: string) {
  const rows = await db
    .selectFrom("audit_log")
    .select(["seq", "at", "actor_name", "action", "from_state", "to_state", "detail"])
    .where("entity_id", "=", entityId)
    .orderBy("seq")
    .limit(1000)
    .execute();
  return rows.map((r) => ({ ...r, seq: toNumber(r.seq), at: toNumber(r.at) }));
}
