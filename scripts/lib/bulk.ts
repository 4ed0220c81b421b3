/**
 * The bulk path of the data generator: many rows per statement and hundreds of reports per
 * transaction, leaving the database exactly as the model functions would.
 *
 * - Each planned report is planned by the app's write path (planNewReport in
 *   app/domain/reportPlan.ts) and turned into rows by its serialiser (planRows): the batch
 *   only concatenates plans. The county-year context (the counted reports' figures, last
 *   year's scores) is built in memory from the same values the database would hand
 *   loadCountyYearContext, so a batch carries whole county-years, and years in order;
 *   `npm run metrics:verify` checks the result against a recompute.
 * - Audit rows go through appendAuditEvents, the one chain writer, in event-time order
 *   within a batch. `npm run audit:verify` walks the chain.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { toJson, toNumber } from "#db/codecs";
import { insertMany, type InsertStats } from "#db/insertMany";
import type { Database, ReportStatus } from "#db/schema";
import { explanationKey } from "~/domain/metrics";
import type { Flag } from "~/domain/report";
import { peerOf, planNewReport, type CountyYearContext, type ReportSubject } from "~/domain/reportPlan";
import { isSubmitted } from "~/domain/submission";
import type { RuleSettings } from "~/domain/rules";
import { appendAuditEvents, type TimedAuditEvent } from "~/models/audit.server";
import { previousScores } from "~/models/reportContext.server";
import { InvalidReportError, planRows } from "~/models/reportWrites.server";
import { touchCountyData } from "~/models/units.server";
import { seededRandom } from "./synthetic";
import {
  hashString, IdMaker, mix, type CampaignPlan, type CountyPlan, type ExplainPolicy, type PlannedEvent, type PlannedReport, type ProvincePlan, type UserPlan,
} from "./bench/dataset";
import { explanationText } from "./bench/names";

type TableName = keyof Database;
export type { InsertStats };

/** An audit event with its own time and, optionally, a deterministic id. */
export interface AuditInput extends TimedAuditEvent {
  at: number;
}

/** Events onto the one chain (appendAuditEvents), with ids drawn from the batch's deterministic stream. */
async function appendAuditRows(trx: Transaction<Database>, events: AuditInput[], idParts: readonly number[], stats?: InsertStats): Promise<void> {
  const ids = new IdMaker(idParts);
  await appendAuditEvents(trx, events.map((e) => ({ ...e, id: e.id ?? ids.at(e.at) })), stats);
}

// ——— tenancy, accounts, campaigns ——————————————————————————————————————————————————

const SYSTEM = { actorUserId: null, actorName: "系统" } as const;

function userRows(users: UserPlan[], passwordHash: string, idParts: number[]) {
  const ids = new IdMaker(idParts);
  const userRowsOut = users.map((u) => ({
    id: u.id, username: u.username, display_name: u.displayName, password_hash: passwordHash, disabled: 0, password_changed_at: u.createdAt, created_at: u.createdAt,
  }));
  const memberships = users.flatMap((u) => u.grants.map((g) => ({ id: ids.at(u.createdAt), user_id: u.id, role: g.role, county_id: g.countyId, unit_id: g.unitId })));
  // As insertUser: one audit row per user, in the first grant's county.
  const audit: AuditInput[] = users.map((u) => ({
    ...SYSTEM, at: u.createdAt, action: "user.create", entityType: "user", entityId: u.id, countyId: u.grants[0]?.countyId ?? null,
    detail: { username: u.username, grants: u.grants.map((g) => ({ role: g.role, unitId: g.unitId })) },
  }));
  return { userRowsOut, memberships, audit };
}

/**
 * Counties, their units and every account (staff per unit, reviewer, leader and admin per
 * county, the city-level leader and reviewer), with their audit rows, `countiesPerTx` counties
 * per transaction. Every account gets the same password hash (computed once by the caller).
 */
export async function writeTenancy(db: Kysely<Database>, plan: ProvincePlan, passwordHash: string, countiesPerTx = 20, onProgress?: (counties: number) => void): Promise<InsertStats> {
  const stats: InsertStats = { rows: 0, statements: 0 };
  const seed = plan.options.seed;
  for (let start = 0; start < plan.counties.length; start += countiesPerTx) {
    const chunk = plan.counties.slice(start, start + countiesPerTx);
    await db.transaction().execute(async (trx) => {
      const audit: AuditInput[] = [];
      await insertMany(trx, "counties", chunk.map((c) => ({ id: c.id, code: c.code, name: c.name, is_demo: 0, created_at: c.createdAt })), stats);
      for (const c of chunk) {
        audit.push({ ...SYSTEM, at: c.createdAt, action: "county.create", entityType: "county", entityId: c.id, countyId: c.id, detail: { code: c.code, name: c.name } });
      }
      const units = chunk.flatMap((c) => c.units);
      await insertMany(trx, "units", units.map((u) => ({ id: u.id, county_id: u.countyId, parent_id: u.parentId, code: u.code, name: u.name, kind: u.kind, is_demo: 0, created_at: u.createdAt })), stats);
      for (const u of units) {
        audit.push({
          ...SYSTEM, at: u.createdAt, action: "unit.create", entityType: "unit", entityId: u.id, countyId: u.countyId,
          detail: { code: u.code, name: u.name, kind: u.kind, parentId: u.parentId },
        });
      }
      const users = chunk.flatMap((c) => [c.admin, c.reviewer, c.leader, ...c.units.map((u) => u.staff)]);
      if (start + countiesPerTx >= plan.counties.length) users.push(plan.cityLeader, plan.cityReviewer);
      const { userRowsOut, memberships, audit: userAudit } = userRows(users, passwordHash, [seed, 5, start]);
      await insertMany(trx, "users", userRowsOut, stats);
      await insertMany(trx, "memberships", memberships, stats);
      audit.push(...userAudit);
      audit.sort((a, b) => a.at - b.at);
      await appendAuditRows(trx, audit, [seed, 6, start], stats);
    });
    onProgress?.(Math.min(plan.counties.length, start + countiesPerTx));
  }
  return stats;
}

export async function writeCampaigns(db: Kysely<Database>, campaigns: CampaignPlan[], idParts: number[]): Promise<InsertStats> {
  const stats: InsertStats = { rows: 0, statements: 0 };
  await db.transaction().execute(async (trx) => {
    await insertMany(trx, "campaigns", campaigns.map((c) => ({
      id: c.id, county_id: c.countyId, year: c.year, deadline: c.deadline, settings: toJson(c.settings), created_at: c.createdAt,
    })), stats);
    // As insertCampaign.
    await appendAuditRows(trx, campaigns.map((c) => ({
      ...SYSTEM, at: c.createdAt, action: "campaign.create", entityType: "campaign", entityId: c.id, countyId: c.countyId,
      detail: { year: c.year, deadline: c.deadline },
    })), idParts, stats);
  });
  return stats;
}

// ——— reports ————————————————————————————————————————————————————————————————————

export interface ReportBatchContext {
  /** The campaign of a county-year (settings and deadline as campaignSettings would parse them). */
  campaign(countyId: string, year: number): { settings: RuleSettings; deadline: number | null };
  /**
   * Last year's counted self scores by unit (what previousScores reads): from memory when the
   * generator wrote that year in this run, else from the database.
   */
  previousScores(countyId: string, year: number): Map<string, string> | undefined;
}

function explanationsFor(policy: ExplainPolicy, flags: Flag[], reportSeed: number): Record<string, string> {
  const out: Record<string, string> = {};
  if (policy === "none") return out;
  for (const f of flags) {
    if (f.severity !== "warning") continue;
    const key = explanationKey(f);
    const h = hashString(key);
    if (policy === "some" && (mix(reportSeed, h) & 1) === 1) continue;
    out[key] = explanationText(f.rule, seededRandom(mix(reportSeed, h, 17)));
  }
  return out;
}

/** A batch's rows, derived and serialised, ready to insert (structured-cloneable: a worker thread may prepare it). */
export interface PreparedBatch {
  tables: Array<[table: TableName, rows: Array<Record<string, unknown>>]>;
  audit: AuditInput[];
  /** This batch's counted self scores per county-year key `${countyId}:${year}`: next year's SCORE_JUMP context. */
  scores: Array<[key: string, scores: Array<[unitId: string, selfScore: string]>]>;
  reports: number;
  rows: Record<string, number>;
}

/**
 * Plans whole county-years of planned reports through the write path and collects their
 * rows (reports, revisions, comments, flags, class amounts, metrics) and the audit rows of
 * their histories (plus `extraEvents`: the reviewers' logins of those county-years), audit in
 * event-time order. Pure: no database.
 */
export function prepareReportBatch(
  reports: PlannedReport[],
  extraEvents: Array<{ county: CountyPlan; event: PlannedEvent }>,
  ctx: ReportBatchContext,
): PreparedBatch {
  const groups = new Map<string, PlannedReport[]>();
  for (const r of reports) {
    const key = `${r.county.id}:${r.year}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const tables = new Map<TableName, Array<Record<string, unknown>>>();
  const audit: AuditInput[] = [];
  const scores: PreparedBatch["scores"] = [];

  for (const [key, group] of groups) {
    const { county, year } = group[0];
    const previous = ctx.previousScores(county.id, year - 1);
    if (!previous) throw new Error(`no previous-year scores for ${key}`);
    const countyYear: CountyYearContext = {
      ...ctx.campaign(county.id, year),
      peers: group.filter((r) => isSubmitted(r.status)).map((r) => peerOf(r.id, r.docs[r.draft].document)),
      previousScores: previous,
    };
    const yearScores: Array<[string, string]> = [];
    scores.push([key, yearScores]);

    for (const r of group) {
      const ids = new IdMaker(r.idParts);
      const subject: ReportSubject = { id: r.id, countyId: county.id, unitId: r.unit.id, unitName: r.unit.name, unitKind: r.unit.kind, year };
      const planned = planNewReport(subject, {
        status: r.status, version: r.version, source: r.source, createdAt: r.createdAt, updatedAt: r.updatedAt, updatedBy: r.updatedBy,
        documents: r.docs.map((d) => d.document),
        draft: { document: r.draft, explanations: (flags) => explanationsFor(r.draftExplain, flags, r.seed) },
        revisions: r.revisions.map((rev) => ({
          id: rev.id, number: rev.number, document: rev.doc, explanations: (flags) => explanationsFor(rev.explain, flags, r.seed),
          sourceFileName: rev.sourceFileName, by: rev.by, submittedAt: rev.submittedAt,
        })),
        comments: r.comments.map((c) => ({
          id: c.id, revision: c.revision, kind: c.kind, path: c.path, replyTo: c.replyTo, authorId: c.author.userId, authorName: c.author.name,
          authorSide: c.side, body: c.body, resolved: c.resolved, createdAt: c.createdAt,
        })),
        audit: (flagsOf) => r.events.map((e) => auditOf(e, r, county, flagsOf, (policy, doc) => explanationsFor(policy, flagsOf[doc], r.seed))),
      }, countyYear, { newId: () => ids.at(r.updatedAt), now: r.updatedAt });
      // The same document check (schema and limits) as every other write: the generator cannot store what a unit could not.
      if (!planned.ok) throw new InvalidReportError(`${r.unit.name} ${year}：${planned.invalid}`, planned.errors);
      const draftDoc = r.docs[r.draft].document;
      if (isSubmitted(r.status) && draftDoc.selfScore) yearScores.push([r.unit.id, draftDoc.selfScore]);
      for (const [table, rows] of planRows(planned.plan, () => ids.at(r.updatedAt))) {
        if (!tables.has(table)) tables.set(table, []);
        tables.get(table)!.push(...rows);
      }
      audit.push(...(planned.plan.audit as AuditInput[]));
    }
  }
  for (const { county, event } of extraEvents) audit.push(auditOf(event, null, county, [], () => ({})));
  // The chain in event-time order (stable: a report's own events keep their order on ties).
  audit.sort((a, b) => a.at - b.at);
  const count = (table: TableName) => tables.get(table)?.length ?? 0;
  return {
    tables: [...tables],
    audit, scores, reports: reports.length,
    rows: {
      reports: count("reports"), report_revisions: count("report_revisions"), report_flags: count("report_flags"), report_class_amounts: count("report_class_amounts"),
      report_metrics: count("report_metrics"), comments: count("comments"), audit_log: audit.length,
      expenditure_lines: reports.reduce((s, r) => s + r.docs[r.draft].document.expenditure.lines.length, 0),
      indicators: reports.reduce((s, r) => s + r.docs[r.draft].document.targets.indicators.length, 0),
    },
  };
}

/** Inserts a prepared batch in one transaction, its audit rows chained onto the log's head. */
export async function writePreparedBatch(db: Kysely<Database>, batch: PreparedBatch, idParts: number[]): Promise<InsertStats> {
  const stats: InsertStats = { rows: 0, statements: 0 };
  await db.transaction().execute(async (trx) => {
    // Parents first: every other table references reports.
    for (const [table, rows] of batch.tables) await insertMany(trx, table, rows, stats);
    // As writeDerived: the counties' dashboard figures are no longer current.
    const counties = new Set(batch.tables.filter(([table]) => table === "report_metrics").flatMap(([, rows]) => rows.map((r) => r.county_id as string)));
    for (const countyId of counties) await touchCountyData(trx, countyId);
    await appendAuditRows(trx, batch.audit, idParts, stats);
  });
  return stats;
}

/**
 * prepare + write, for callers that have no worker thread: last year's scores missing from
 * memory are read from the database (previousScores).
 */
export async function writeReportBatch(
  db: Kysely<Database>,
  reports: PlannedReport[],
  extraEvents: Array<{ county: CountyPlan; event: PlannedEvent }>,
  ctx: ReportBatchContext,
  idParts: number[],
): Promise<PreparedBatch> {
  const fromDb = new Map<string, Map<string, string>>();
  for (const r of reports) {
    const key = `${r.county.id}:${r.year - 1}`;
    if (!fromDb.has(key) && !ctx.previousScores(r.county.id, r.year - 1)) fromDb.set(key, await previousScores(db, r.county.id, r.year - 1));
  }
  const batch = prepareReportBatch(reports, extraEvents, {
    ...ctx,
    previousScores: (countyId, year) => ctx.previousScores(countyId, year) ?? fromDb.get(`${countyId}:${year}`),
  });
  await writePreparedBatch(db, batch, idParts);
  return batch;
}

/** A planned event as the audit row the model function would have appended. */
function auditOf(
  e: PlannedEvent,
  r: PlannedReport | null,
  county: CountyPlan,
  flagsOf: Flag[][],
  explanations: (policy: ExplainPolicy, doc: number) => Record<string, string>,
): AuditInput {
  const base = { at: e.at, actorUserId: e.actor.userId, actorName: e.actor.name, countyId: county.id, address: e.actor.address };
  const report = { entityType: "report", entityId: r?.id ?? null };
  const count = (doc: number, severity: Flag["severity"]) => flagsOf[doc].filter((f) => f.severity === severity).length;
  switch (e.kind) {
    case "login":
      // recordAudit in attemptLogin.
      return { ...base, action: "login.success", entityType: "user", entityId: e.actor.userId };
    case "create":
      return { ...base, ...report, action: "report.create", toState: "draft", detail: { year: r!.year } };
    case "intake":
      return { ...base, ...report, action: "report.intake", toState: "submitted", detail: { year: r!.year, source: "intake", file: e.file, errors: count(e.doc, "error") } };
    case "save":
      return {
        ...base, ...report, action: "report.save", fromState: e.status, toState: e.status,
        detail: { version: e.version, errors: count(e.doc, "error"), warnings: count(e.doc, "warning"), explanationsChanged: e.explainedNow ? Object.keys(explanations(e.explain, e.doc)) : [] },
      };
    case "submit":
    case "return":
    case "approve":
    case "reopen":
      return { ...base, ...report, action: `report.${e.kind}`, fromState: e.from, toState: e.to, detail: { version: e.version, revision: e.revision, reason: e.reason } };
    case "comment":
    case "answer":
      return { ...base, ...report, action: e.kind === "answer" ? "comment.answer" : "comment.create", detail: { commentId: e.commentId, path: e.path, replyTo: e.replyTo, length: e.length } };
    case "resolve":
      return { ...base, ...report, action: "comment.resolve", detail: { commentId: e.commentId } };
  }
}

// ——— bookkeeping ——————————————————————————————————————————————————————————————————

/** Row counts of the tables the generator fills. */
export async function tableCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const tables: TableName[] = ["counties", "units", "users", "memberships", "campaigns", "reports", "report_revisions", "report_flags", "report_class_amounts", "report_metrics", "comments", "audit_log"];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const row = await db.selectFrom(t).select(sql<number>`COUNT(*)`.as("n")).executeTakeFirst();
    out[t] = toNumber(row?.n);
  }
  return out;
}
