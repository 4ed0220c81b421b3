/**
 * The bulk path of the data generator: many rows per statement and hundreds of reports per
 * transaction, leaving the database exactly as the model functions would.
 *
 * - Derived rows (report_flags, report_metrics, report_class_amounts) come from the app's own
 *   pure functions — checkReport, computeMetrics, metricsRow, crossContext — with the
 *   cross-report context (the county's counted reports of the year, last year's scores)
 *   computed in memory per county-year from the same values the database would hand
 *   countyPeers / previousScores. A batch therefore carries whole county-years, and years in
 *   order; `npm run metrics:verify` checks the result against a recompute.
 * - Audit rows are appended in event-time order within a batch, under the chain-head lock
 *   held for the transaction (SQLite: the write lock; MySQL: SELECT … FOR UPDATE on
 *   audit_head), each hashed with auditHash over its predecessor's hash: the same chain
 *   appendAudit builds row by row. `npm run audit:verify` walks it.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { toJson, toNumber } from "#db/codecs";
import { isMysql } from "#db/dialect";
import type { Database, ReportStatus } from "#db/schema";
import { computeMetrics, explanationKey } from "~/domain/metrics";
import { dec } from "~/domain/money";
import { validateReport, type Flag, type ReportDocument } from "~/domain/report";
import { checkReport, executionRateOf, type RuleSettings } from "~/domain/rules";
import { auditHash, type AuditEvent } from "~/models/audit.server";
import { crossContext, InvalidReportError, metricsRow, previousScores } from "~/models/reports.server";
import { touchCountyData } from "~/models/units.server";
import { seededRandom } from "./synthetic";
import {
  hashString, IdMaker, mix, type CampaignPlan, type CountyPlan, type ExplainPolicy, type PlannedEvent, type PlannedReport, type ProvincePlan, type UserPlan,
} from "./bench/dataset";
import { explanationText } from "./bench/names";

type Executor = Kysely<Database> | Transaction<Database>;
type TableName = keyof Database;

// ——— multi-row inserts ———————————————————————————————————————————————————————————

/** Parameters per statement: under SQLite's 32,766 and MySQL's 65,535 placeholders. */
const MAX_PARAMS = 16_000;
/** Bytes per statement: well under MySQL's max_allowed_packet (16 MB on MariaDB 10.11). */
const MAX_BYTES = 4 * 1024 * 1024;

export interface InsertStats {
  rows: number;
  statements: number;
}

export async function insertRows<T extends TableName>(trx: Executor, table: T, rows: Array<Record<string, unknown>>, stats?: InsertStats): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]).length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns));
  let start = 0;
  while (start < rows.length) {
    let end = start, bytes = 0;
    while (end < rows.length && end - start < perStatement) {
      for (const v of Object.values(rows[end])) bytes += typeof v === "string" ? v.length * 3 : 8;
      if (bytes > MAX_BYTES && end > start) break;
      end++;
    }
    await trx.insertInto(table).values(rows.slice(start, end) as any).execute();
    if (stats) {
      stats.rows += end - start;
      stats.statements++;
    }
    start = end;
  }
}

// ——— the audit chain ——————————————————————————————————————————————————————————————

/** An audit event with its own time and, optionally, a deterministic id. */
export interface AuditInput extends AuditEvent {
  at: number;
  /** Deterministic id (else one is drawn from the batch's stream). */
  id?: string;
}

/**
 * Appends events to the chain in the given order, inside the caller's transaction: locks the
 * head, hashes each row over its predecessor, inserts them many per statement, moves the head.
 */
export async function appendAuditRows(trx: Transaction<Database>, events: AuditInput[], idParts: readonly number[], stats?: InsertStats): Promise<void> {
  if (!events.length) return;
  // As appendAudit: SQLite takes the write lock with a write; MySQL locks the head row.
  if (!isMysql(trx)) await trx.updateTable("audit_head").set({ id: 1 }).where("id", "=", 1).execute();
  let query = trx.selectFrom("audit_head").select(["last_seq", "last_hash"]).where("id", "=", 1);
  if (isMysql(trx)) query = query.forUpdate();
  const head = await query.executeTakeFirstOrThrow();
  let seq = toNumber(head.last_seq);
  let prev = head.last_hash;
  const ids = new IdMaker(idParts);
  const rows = events.map((e) => {
    const row = {
      seq: ++seq,
      id: e.id ?? ids.at(e.at),
      at: e.at,
      actor_user_id: e.actorUserId,
      actor_name: e.actorName,
      action: e.action,
      entity_type: e.entityType ?? null,
      entity_id: e.entityId ?? null,
      county_id: e.countyId ?? null,
      from_state: e.fromState ?? null,
      to_state: e.toState ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
      address: e.address ?? null,
      prev_hash: prev,
    };
    prev = auditHash(row);
    return { ...row, hash: prev };
  });
  await insertRows(trx, "audit_log", rows, stats);
  await trx.updateTable("audit_head").set({ last_seq: seq, last_hash: prev }).where("id", "=", 1).execute();
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
      await insertRows(trx, "counties", chunk.map((c) => ({ id: c.id, code: c.code, name: c.name, is_demo: 0, created_at: c.createdAt })), stats);
      for (const c of chunk) {
        audit.push({ ...SYSTEM, at: c.createdAt, action: "county.create", entityType: "county", entityId: c.id, countyId: c.id, detail: { code: c.code, name: c.name } });
      }
      const units = chunk.flatMap((c) => c.units);
      await insertRows(trx, "units", units.map((u) => ({ id: u.id, county_id: u.countyId, parent_id: u.parentId, code: u.code, name: u.name, kind: u.kind, is_demo: 0, created_at: u.createdAt })), stats);
      for (const u of units) {
        audit.push({
          ...SYSTEM, at: u.createdAt, action: "unit.create", entityType: "unit", entityId: u.id, countyId: u.countyId,
          detail: { code: u.code, name: u.name, kind: u.kind, parentId: u.parentId },
        });
      }
      const users = chunk.flatMap((c) => [c.admin, c.reviewer, c.leader, ...c.units.map((u) => u.staff)]);
      if (start + countiesPerTx >= plan.counties.length) users.push(plan.cityLeader, plan.cityReviewer);
      const { userRowsOut, memberships, audit: userAudit } = userRows(users, passwordHash, [seed, 5, start]);
      await insertRows(trx, "users", userRowsOut, stats);
      await insertRows(trx, "memberships", memberships, stats);
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
    await insertRows(trx, "campaigns", campaigns.map((c) => ({
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

const counted = (s: ReportStatus) => s === "submitted" || s === "approved";

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
 * Derives and serialises whole county-years of planned reports: reports, revisions,
 * comments, flags, class amounts, metrics, and the audit rows of their histories (plus
 * `extraEvents`: the reviewers' logins of those county-years), audit in event-time order.
 * Pure: no database.
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
  const reportRows: Array<Record<string, unknown>> = [];
  const revisionRows: Array<Record<string, unknown>> = [];
  const flagRows: Array<Record<string, unknown>> = [];
  const classRows: Array<Record<string, unknown>> = [];
  const metricRows: Array<Record<string, unknown>> = [];
  const commentRows: Array<Record<string, unknown>> = [];
  const audit: AuditInput[] = [];
  const scores: PreparedBatch["scores"] = [];

  for (const [key, group] of groups) {
    const { county, year } = group[0];
    const { settings, deadline } = ctx.campaign(county.id, year);
    const previous = ctx.previousScores(county.id, year - 1);
    if (!previous) throw new Error(`no previous-year scores for ${key}`);
    // countyPeers: the counted reports' execution rate and self score, as computeMetrics stores them.
    const peers = group.filter((r) => counted(r.status)).map((r) => {
      const doc = r.docs[r.draft].document;
      return { reportId: r.id, executionRate: executionRateOf(doc)?.toNumber() ?? null, selfScore: dec(doc.selfScore)?.toNumber() ?? null };
    });
    const yearScores: Array<[string, string]> = [];
    scores.push([key, yearScores]);

    for (const r of group) {
      // The generator writes rows directly, not through insertReport: the same document check
      // (schema and limits) as every other write, so it cannot store what a unit could not.
      for (const d of r.docs) {
        const checked = validateReport(d.document);
        if (!checked.ok) throw new InvalidReportError(`${r.unit.name} ${year}：${checked.message}`, checked.errors);
      }
      const ids = new IdMaker(r.idParts);
      const ruleCtx = { settings, ...crossContext(peers, previous, { id: r.id, unitId: r.unit.id }) };
      const flagsOf = r.docs.map((d) => checkReport(d.document, ruleCtx));
      const draftDoc = r.docs[r.draft].document;
      const draftFlags = flagsOf[r.draft];
      const draftExplanations = explanationsFor(r.draftExplain, draftFlags, r.seed);
      const metrics = computeMetrics(draftDoc, draftFlags, draftExplanations);
      const lastRevision = r.revisions.at(-1);
      const submittedAt = lastRevision?.submittedAt ?? null;
      const target = {
        id: r.id, countyId: county.id, unitId: r.unit.id, year, status: r.status, unitKind: r.unit.kind, unitName: r.unit.name,
        submittedAt, late: submittedAt != null && deadline != null && submittedAt > deadline,
      };
      if (counted(r.status) && draftDoc.selfScore) yearScores.push([r.unit.id, draftDoc.selfScore]);

      reportRows.push({
        id: r.id, county_id: county.id, unit_id: r.unit.id, year, status: r.status, version: r.version, draft: toJson(draftDoc),
        explanations: toJson(draftExplanations), current_revision: r.currentRevision, source: r.source, is_demo: 0,
        updated_at: r.updatedAt, updated_by: r.updatedBy, created_at: r.createdAt,
      });
      for (const rev of r.revisions) {
        const flags = flagsOf[rev.doc];
        revisionRows.push({
          id: rev.id, report_id: r.id, number: rev.number, document: toJson(r.docs[rev.doc].document), flags: toJson(flags),
          explanations: toJson(explanationsFor(rev.explain, flags, r.seed)), source_file_name: rev.sourceFileName,
          submitted_by: rev.by.userId, submitted_by_name: rev.by.name, submitted_at: rev.submittedAt,
        });
      }
      // writeDerived: flag rows with the unit's explanation, class amounts, the metrics row.
      for (const f of draftFlags) {
        flagRows.push({
          id: ids.at(r.updatedAt), report_id: r.id, county_id: county.id, year, rule: f.rule, severity: f.severity, path: f.path.slice(0, 200),
          message: f.message.slice(0, 1000), flag_values: toJson(f.values), explanation: draftExplanations[explanationKey(f)] ?? null,
        });
      }
      for (const [class_code, amount] of Object.entries(metrics.classAmounts)) {
        classRows.push({ report_id: r.id, class_code, county_id: county.id, year, final_fen: amount.toString() });
      }
      metricRows.push({ ...metricsRow(target, metrics, settings), updated_at: r.updatedAt });
      for (const c of r.comments) {
        commentRows.push({
          id: c.id, report_id: r.id, revision: c.revision, kind: c.kind, path: c.path, reply_to: c.replyTo, author_id: c.author.userId,
          author_name: c.author.name, author_side: c.side, body: c.body, resolved: c.resolved ? 1 : 0, created_at: c.createdAt,
        });
      }
      for (const e of r.events) audit.push(auditOf(e, r, county, flagsOf, (policy, doc) => explanationsFor(policy, flagsOf[doc], r.seed)));
    }
  }
  for (const { county, event } of extraEvents) audit.push(auditOf(event, null, county, [], () => ({})));
  // The chain in event-time order (stable: a report's own events keep their order on ties).
  audit.sort((a, b) => a.at - b.at);
  return {
    tables: [
      ["reports", reportRows], ["report_revisions", revisionRows], ["report_flags", flagRows],
      ["report_class_amounts", classRows], ["report_metrics", metricRows], ["comments", commentRows],
    ],
    audit, scores, reports: reports.length,
    rows: {
      reports: reportRows.length, report_revisions: revisionRows.length, report_flags: flagRows.length, report_class_amounts: classRows.length,
      report_metrics: metricRows.length, comments: commentRows.length, audit_log: audit.length,
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
    for (const [table, rows] of batch.tables) await insertRows(trx, table, rows, stats);
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
