/**
 * Review comments: on the report or on one field/flag (path), answered by the other side,
 * resolved by either. Callers find the report within the viewer's scope first.
 */
import type { Kysely } from "kysely";
import { newId, now, toNumber } from "#db/codecs";
import type { Database } from "#db/schema";
import { appendAudit } from "./audit.server";
import type { Actor } from "./users.server";

export const MAX_COMMENT_LENGTH = 10_000;

export interface CommentRow {
  id: string;
  revision: number;
  kind: string;
  path: string | null;
  replyTo: string | null;
  authorName: string;
  authorSide: "unit" | "bureau";
  body: string;
  resolved: boolean;
  createdAt: number;
}

export async function listComments(db: Kysely<Database>, reportId: string): Promise<CommentRow[]> {
  const rows = await db.selectFrom("comments").selectAll().where("report_id", "=", reportId).orderBy("created_at").orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id, revision: Number(r.revision), kind: r.kind, path: r.path, replyTo: r.reply_to, authorName: r.author_name,
    authorSide: r.author_side as "unit" | "bureau", body: r.body, resolved: Number(r.resolved) === 1, createdAt: toNumber(r.created_at),
  }));
}

/** Bureau comments neither resolved nor answered, per report (the unit's badge). */
export async function listOpenCommentCounts(db: Kysely<Database>, reportIds: string[]): Promise<Record<string, number>> {
  if (!reportIds.length) return {};
  const rows = await db
    .selectFrom("comments as c")
    .select(["c.report_id", (eb) => eb.fn.countAll().as("n")])
    .where("c.report_id", "in", reportIds)
    .where("c.kind", "=", "comment")
    .where("c.author_side", "=", "bureau")
    .where("c.resolved", "=", 0)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("comments as a").select("a.id").whereRef("a.reply_to", "=", "c.id"))))
    .groupBy("c.report_id")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.report_id, toNumber(r.n as number)]));
}

export async function addComment(
  db: Kysely<Database>,
  input: { reportId: string; countyId: string; revision: number; path: string | null; replyTo: string | null; body: string; side: "unit" | "bureau" },
  actor: Actor,
): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
  const body = input.body.trim();
  if (!body) return { ok: false, message: "请输入意见内容" };
  if (body.length > MAX_COMMENT_LENGTH) return { ok: false, message: `意见不能超过${MAX_COMMENT_LENGTH}个字` };
  const id = newId();
  return db.transaction().execute(async (trx) => {
    if (input.replyTo) {
      const parent = await trx.selectFrom("comments").select("id").where("id", "=", input.replyTo).where("report_id", "=", input.reportId).executeTakeFirst();
      if (!parent) return { ok: false as const, message: "要回复的意见不存在" };
    }
    await trx.insertInto("comments").values({
      id, report_id: input.reportId, revision: input.revision, kind: input.replyTo ? "answer" : "comment", path: input.path?.slice(0, 200) || null,
      reply_to: input.replyTo, author_id: actor.userId, author_name: actor.name, author_side: input.side, body, resolved: 0, created_at: now(),
    }).execute();
    await appendAudit(trx, {
      actorUserId: actor.userId, actorName: actor.name, action: input.replyTo ? "comment.answer" : "comment.create", entityType: "report",
      entityId: input.reportId, countyId: input.countyId, detail: { commentId: id, path: input.path, replyTo: input.replyTo, length: body.length }, address: actor.address,
    });
    return { ok: true as const, id };
  });
}

export async function resolveComment(db: Kysely<Database>, input: { reportId: string; countyId: string; commentId: string }, actor: Actor): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.updateTable("comments").set({ resolved: 1 }).where("id", "=", input.commentId).where("report_id", "=", input.reportId).where("resolved", "=", 0).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await appendAudit(trx, {
      actorUserId: actor.userId, actorName: actor.name, action: "comment.resolve", entityType: "report", entityId: input.reportId,
      countyId: input.countyId, detail: { commentId: input.commentId }, address: actor.address,
    });
    return true;
  });
}

/** Returned reports plus unanswered bureau comments of the staff member's units: the nav badge. */
export async function staffAttentionCount(db: Kysely<Database>, unitIds: string[]): Promise<number> {
  if (!unitIds.length) return 0;
  const reports = await db.selectFrom("reports").select(["id", "status"]).where("unit_id", "in", unitIds).execute();
  const open = await listOpenCommentCounts(db, reports.map((r) => r.id));
  return reports.filter((r) => r.status === "returned").length + Object.values(open).reduce((a, b) => a + b, 0);
}
