/**
 * The one write path for reports: every writer loads the report's state under the county's
 * lock, has the domain plan the change (app/domain/reportPlan.ts) and persists the plan here,
 * in one transaction. The rows a plan becomes are built only by the serialisers below, which
 * the bulk generator also uses to batch plans. See docs/decisions/0012.
 */
import type { Kysely, Transaction } from "kysely";
import { fromJson, newId, now, toJson, toNumber } from "#db/codecs";
import { forUpdate } from "#db/dialect";
import { insertMany } from "#db/insertMany";
import type { Database } from "#db/schema";
import { can, type InScope, type Viewer } from "~/domain/permissions";
import { emptyReport, type Flag, type ReportDocument } from "~/domain/report";
import {
  planIncomingReport, planNewReport, planRecompute, planSave, planTransition, ruleContextFor, withoutExplanations,
  type CommentRecord, type CountyYearContext, type IncomingReportInput, type DerivedRecords, type Explanations, type ReportPlan, type ReportRowState, type ReportSubject,
  type RevisionRecord, type StoredReport,
} from "~/domain/reportPlan";
import { checkCrossReport } from "~/domain/rules";
import type { ReportStatus, Transition } from "~/domain/workflow";
import { appendAuditEvents } from "./audit.server";
import { campaignOpen } from "./campaigns.server";
import { loadCountyYearContext } from "./reportContext.server";
import type { ReportRecord } from "./reports.server";
import { touchCountyData } from "./units.server";
import type { Actor } from "./users.server";

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * A document that breaks the schema or its limits (money.ts) reached a model write: refused,
 * nothing stored. Routes validate first and answer with field errors; this is the backstop
 * for any caller that did not (intake, scripts).
 */
export class InvalidReportError extends Error {
  constructor(message: string, readonly errors: Record<string, string>) {
    super(message);
    this.name = "InvalidReportError";
  }
}

/**
 * Serialises a county's report writes (MySQL: a row lock on the county, taken first so the
 * transaction's snapshot starts after it). Cross-report flags read the whole county-year, so
 * two transitions of one county at once would otherwise deadlock or miss each other
 * (docs/decisions/0008).
 */
export async function lockCounty(trx: Transaction<Database>, countyId: string) {
  await forUpdate(trx, trx.selectFrom("counties").select("id").where("id", "=", countyId)).execute();
}

// ——— a plan as rows ——————————————————————————————————————————————————————————————————

const big = (v: bigint | null) => (v == null ? null : v.toString());

function reportColumns(state: Partial<ReportRowState>) {
  const row: Record<string, unknown> = {};
  if (state.status !== undefined) row.status = state.status;
  if (state.version !== undefined) row.version = state.version;
  if (state.document !== undefined) row.draft = toJson(state.document);
  if (state.explanations !== undefined) row.explanations = toJson(state.explanations);
  if (state.currentRevision !== undefined) row.current_revision = state.currentRevision;
  if (state.source !== undefined) row.source = state.source;
  if (state.isDemo !== undefined) row.is_demo = state.isDemo ? 1 : 0;
  if (state.updatedAt !== undefined) row.updated_at = state.updatedAt;
  if (state.updatedBy !== undefined) row.updated_by = state.updatedBy;
  if (state.createdAt !== undefined) row.created_at = state.createdAt;
  return row;
}

const revisionRow = (reportId: string, r: RevisionRecord) => ({
  id: r.id, report_id: reportId, number: r.number, document: toJson(r.document), flags: toJson(r.flags), explanations: toJson(r.explanations),
  source_file_name: r.sourceFileName, submitted_by: r.submittedBy, submitted_by_name: r.submittedByName, submitted_at: r.submittedAt,
});

const commentRow = (reportId: string, c: CommentRecord) => ({
  id: c.id, report_id: reportId, revision: c.revision, kind: c.kind, path: c.path, reply_to: c.replyTo, author_id: c.authorId,
  author_name: c.authorName, author_side: c.authorSide, body: c.body, resolved: c.resolved ? 1 : 0, created_at: c.createdAt,
});

/** The read-model rows of a report: its flags (with the unit's explanations), class amounts and metrics row. */
export function derivedRows(subject: ReportSubject, d: DerivedRecords, ids: () => string = newId) {
  const m = d.metrics;
  return {
    flags: d.flags.map((f) => ({
      id: ids(), report_id: subject.id, county_id: subject.countyId, year: subject.year, rule: f.rule, severity: f.severity,
      path: f.path.slice(0, 200), message: f.message.slice(0, 1000), flag_values: toJson(f.values), explanation: f.explanation,
    })),
    classAmounts: Object.entries(m.classAmounts).map(([class_code, amount]) => ({
      report_id: subject.id, class_code, county_id: subject.countyId, year: subject.year, final_fen: amount.toString(),
    })),
    metrics: {
      report_id: subject.id, county_id: subject.countyId, unit_id: subject.unitId, year: subject.year, status: d.status,
      unit_kind: subject.unitKind, unit_name: subject.unitName,
      initial_budget_fen: big(m.initialBudgetFen), adjusted_budget_fen: big(m.adjustedBudgetFen), expenditure_fen: big(m.expenditureFen),
      execution_rate: m.executionRate, deviation: m.deviation, self_score: m.selfScore, grade: m.grade,
      formula_score: m.formulaScore, main_class: m.mainClass,
      errors: m.errors, warnings: m.warnings, infos: m.infos, unexplained_warnings: m.unexplainedWarnings,
      over_achieved: m.overAchieved, score_above_formula: m.scoreAboveFormula,
      triage_score: d.triageScore, late: d.late ? 1 : 0, submitted_at: d.submittedAt, updated_at: d.updatedAt,
    },
  };
}

export type PlanRows = Array<[table: keyof Database, rows: Array<Record<string, unknown>>]>;

/**
 * Every row a plan inserts, parents first (a new report's row, its revisions and comments,
 * its read model). Pure: the bulk generator concatenates these for many plans.
 */
export function planRows(plan: ReportPlan, ids: () => string = newId): PlanRows {
  const { subject } = plan;
  const derived = derivedRows(subject, plan.derived, ids);
  const report = plan.write.kind === "insert"
    ? [{ id: subject.id, county_id: subject.countyId, unit_id: subject.unitId, year: subject.year, ...reportColumns(plan.write.row) }]
    : [];
  return [
    ["reports", report],
    ["report_revisions", plan.revisions.map((r) => revisionRow(subject.id, r))],
    ["comments", plan.comments.map((c) => commentRow(subject.id, c))],
    ["report_flags", derived.flags],
    ["report_class_amounts", derived.classAmounts],
    ["report_metrics", [derived.metrics]],
  ];
}

/**
 * Writes a plan inside the caller's transaction (which holds the county's lock). False when
 * the guarded update found the report changed (another version or status): nothing written.
 */
export async function persistReportPlan(trx: Transaction<Database>, plan: ReportPlan): Promise<boolean> {
  const { subject, write } = plan;
  if (write.kind === "update") {
    const result = await trx
      .updateTable("reports")
      .set(reportColumns(write.set))
      .where("id", "=", subject.id)
      .where("version", "=", write.expectedVersion)
      .where("status", "in", write.expectedStatuses)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
  }
  // A recompute or an update replaces the report's read model; an insert has none yet.
  if (write.kind !== "insert") {
    for (const table of ["report_flags", "report_class_amounts", "report_metrics"] as const) {
      await trx.deleteFrom(table).where("report_id", "=", subject.id).execute();
    }
  }
  for (const [table, rows] of planRows(plan)) await insertMany(trx, table, rows);
  await touchCountyData(trx, subject.countyId);
  await appendAuditEvents(trx, plan.audit);
  if (plan.affectsPeers) await refreshPeers(trx, subject.countyId, subject.year);
  return true;
}

// ——— stored state ——————————————————————————————————————————————————————————————————————

const env = () => ({ newId, now: now() });

/** Reports as the planner sees them, by id or by county-year; `lock`: FOR UPDATE on MySQL. */
export async function loadStoredReports(
  db: Executor,
  where: { id: string } | { countyId: string; year: number } | { ids: string[] },
  lock = false,
): Promise<Array<StoredReport & { updatedAt: number }>> {
  let query = db
    .selectFrom("reports")
    .innerJoin("units", "units.id", "reports.unit_id")
    .select((eb) => [
      "reports.id", "reports.county_id", "reports.unit_id", "reports.year", "reports.status", "reports.version", "reports.draft",
      "reports.explanations", "reports.current_revision", "reports.updated_at", "units.name", "units.kind",
      eb.selectFrom("report_revisions").select("report_revisions.submitted_at").whereRef("report_revisions.report_id", "=", "reports.id")
        .orderBy("report_revisions.number", "desc").limit(1).as("last_submitted_at"),
    ]);
  if ("id" in where) query = query.where("reports.id", "=", where.id);
  else if ("ids" in where) query = query.where("reports.id", "in", where.ids.length ? where.ids : [""]);
  else query = query.where("reports.county_id", "=", where.countyId).where("reports.year", "=", where.year);
  const rows = await (lock ? forUpdate(db, query) : query).orderBy("reports.id").execute();
  return rows.map((r) => ({
    id: r.id, countyId: r.county_id, unitId: r.unit_id, unitName: r.name, unitKind: r.kind, year: Number(r.year),
    status: r.status as ReportStatus, version: Number(r.version),
    document: fromJson<ReportDocument>(r.draft, emptyReport()), explanations: fromJson<Explanations>(r.explanations, {}),
    currentRevision: Number(r.current_revision), updatedAt: toNumber(r.updated_at),
    lastSubmittedAt: r.last_submitted_at == null ? null : toNumber(r.last_submitted_at as number),
  }));
}

async function currentState(trx: Transaction<Database>, reportId: string) {
  const row = await forUpdate(trx, trx.selectFrom("reports").select(["status", "version", "updated_at"]).where("id", "=", reportId)).executeTakeFirstOrThrow();
  return { status: row.status as ReportStatus, version: Number(row.version), updatedAt: toNumber(row.updated_at) };
}

/**
 * Cross-report flags depend on the county's other counted reports and on last year's: when
 * a report enters or leaves the counted set, the county-year and the next year are
 * recomputed, rewriting only the reports whose cross-report flags changed.
 */
export async function refreshPeers(trx: Transaction<Database>, countyId: string, year: number) {
  for (const y of [year, year + 1]) {
    const reports = await loadStoredReports(trx, { countyId, year: y });
    if (!reports.length) continue;
    const [ctx, stored] = await Promise.all([
      loadCountyYearContext(trx, countyId, y),
      trx.selectFrom("report_flags").select(["report_id", "rule", "path", "message"]).where("county_id", "=", countyId).where("year", "=", y)
        .where("rule", "in", ["SCORE_JUMP", "COUNTY_OUTLIER"]).execute(),
    ]);
    const key = (f: { rule: string; path: string; message: string }) => `${f.rule}|${f.path}|${f.message.slice(0, 1000)}`;
    for (const report of reports) {
      const fresh = checkCrossReport(report.document, ruleContextFor(ctx, report)).map(key).sort().join("\n");
      const before = stored.filter((f) => f.report_id === report.id).map(key).sort().join("\n");
      if (fresh !== before) await persistReportPlan(trx, planRecompute(report, ctx, env()));
    }
  }
}

/**
 * Recomputes the read model of reports (all, or one county-year) from their stored state,
 * through the same planner as every write: `metrics:rebuild`, and a change of a year's
 * settings (in the caller's transaction, which holds the county's lock).
 */
export async function recomputeReports(db: Executor, reportIds: string[], contexts: (countyId: string, year: number) => Promise<CountyYearContext>) {
  // The counties' locks come before the transaction reads any report (MySQL: its snapshot
  // starts after them), in a fixed order: no deadlock with a concurrent save.
  const rows = reportIds.length ? await db.selectFrom("reports").select("county_id").where("id", "in", reportIds).execute() : [];
  const countyIds = [...new Set(rows.map((r) => r.county_id))].sort();
  const write = async (trx: Transaction<Database>) => {
    for (const countyId of countyIds) await lockCounty(trx, countyId);
    for (const report of await loadStoredReports(trx, { ids: reportIds })) {
      await persistReportPlan(trx, planRecompute(report, await contexts(report.countyId, report.year), env()));
    }
  };
  if (db.isTransaction) await write(db as Transaction<Database>);
  else await (db as Kysely<Database>).transaction().execute(write);
}

// ——— the writers ——————————————————————————————————————————————————————————————————————

/**
 * The unit's report for a year, created as an empty draft on first visit. Null when the unit
 * is not the viewer's, or when its county has not opened the year (no campaign: the route
 * checks this first to answer in words; this is the backstop).
 */
export async function ensureStaffReport(db: Kysely<Database>, viewer: Viewer, unitId: string, year: number, actor: Actor): Promise<string | null> {
  const unit = await db.selectFrom("units").select(["id", "county_id", "name", "kind"]).where("id", "=", unitId).executeTakeFirst();
  // Creating the unit's draft is editing it: the same rule as every save.
  if (!unit || !can(viewer, "report.edit", { countyId: unit.county_id, unitId, status: "draft" })) return null;
  const existing = await db.selectFrom("reports").select("id").where("unit_id", "=", unitId).where("year", "=", year).executeTakeFirst();
  if (existing) return existing.id;
  if (!(await campaignOpen(db, unit.county_id, year))) return null;
  const subject: ReportSubject = { id: newId(), countyId: unit.county_id, unitId: unit.id, unitName: unit.name, unitKind: unit.kind, year };
  try {
    await db.transaction().execute(async (trx) => {
      await lockCounty(trx, unit.county_id);
      const t = now();
      const planned = planNewReport(subject, {
        status: "draft", version: 1, source: "form", createdAt: t, updatedAt: t, updatedBy: actor.userId,
        documents: [emptyReport(unit.name, year)], draft: { document: 0, explanations: {} }, revisions: [], comments: [],
        audit: [{ actorUserId: actor.userId, actorName: actor.name, action: "report.create", entityType: "report", entityId: subject.id, countyId: unit.county_id, toState: "draft", detail: { year }, address: actor.address }],
      }, await loadCountyYearContext(trx, unit.county_id, year, unit.id), { newId, now: t });
      if (!planned.ok) throw new InvalidReportError(planned.invalid, planned.errors);
      await persistReportPlan(trx, planned.plan);
    });
  } catch (error) {
    // Two tabs creating the same report at once: the unique key lets one win; use it.
    const again = await db.selectFrom("reports").select("id").where("unit_id", "=", unitId).where("year", "=", year).executeTakeFirst();
    if (again) return again.id;
    throw error;
  }
  return subject.id;
}

/** A change to one report: in a transaction holding its county's lock, with its stored state and context. */
function underCountyLock<T>(
  db: Kysely<Database>,
  report: InScope<ReportRecord>,
  change: (trx: Transaction<Database>, stored: StoredReport & { updatedAt: number }, ctx: CountyYearContext) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await lockCounty(trx, report.countyId);
    const [stored] = await loadStoredReports(trx, { id: report.id }, true);
    return change(trx, stored, await loadCountyYearContext(trx, report.countyId, report.year, report.unitId));
  });
}

export type SaveOutcome =
  | { ok: true; version: number; flags: Flag[] }
  | { ok: false; conflict: { status: ReportStatus; version: number; updatedAt: number } }
  | { ok: false; invalid: string; errors: Record<string, string> };

/**
 * Saves the draft over `expectedVersion`. A report changed meanwhile (or no longer
 * editable) gets the current state back, nothing written; an invalid document (schema,
 * limits) is refused before anything is written.
 */
export async function saveDraft(
  db: Kysely<Database>,
  report: InScope<ReportRecord>,
  input: { expectedVersion: number; document: ReportDocument; explanations: Explanations; source?: string },
  actor: Actor,
): Promise<SaveOutcome> {
  return underCountyLock(db, report, async (trx, stored, ctx) => {
    const planned = planSave(stored, input, ctx, actor, env());
    if (!planned.ok) return planned;
    if (!(await persistReportPlan(trx, planned.plan))) return { ok: false as const, conflict: await currentState(trx, report.id) };
    return { ok: true as const, version: input.expectedVersion + 1, flags: withoutExplanations(planned.plan.derived.flags) };
  });
}

export type TransitionOutcome =
  | { ok: true; status: ReportStatus; version: number; revision: number }
  | { ok: false; message: string; conflict?: { status: ReportStatus; version: number; updatedAt: number } };

/** Applies a workflow transition over `expectedVersion` (reportPlan.ts planTransition). */
export async function applyTransition(
  db: Kysely<Database>,
  report: InScope<ReportRecord>,
  input: { transition: Transition; expectedVersion: number; reason?: string | null; role: "staff" | "reviewer"; sourceFileName?: string | null },
  actor: Actor,
): Promise<TransitionOutcome> {
  return underCountyLock(db, report, async (trx, stored, ctx) => {
    const planned = planTransition(stored, input, ctx, actor, env());
    if (!planned.ok) {
      return planned.stale
        ? { ok: false as const, message: planned.message, conflict: { status: stored.status, version: stored.version, updatedAt: stored.updatedAt } }
        : { ok: false as const, message: planned.message };
    }
    if (!(await persistReportPlan(trx, planned.plan))) return { ok: false as const, message: "该报告已被他人修改", conflict: await currentState(trx, report.id) };
    return { ok: true as const, status: planned.status, version: planned.version, revision: planned.revision };
  });
}

export interface IncomingReport extends IncomingReportInput {
  countyId: string;
  unit: { id: string; name: string; kind: string };
  year: number;
}

/**
 * Stores a whole report in one go — a received file (intake), the demo — with its revision,
 * comment, read model and audit row, exactly as the step-by-step path would leave them, and
 * the county's cross-report flags brought up to date. The caller's transaction holds the
 * county's lock. Returns the report id, or null if the unit already has a report for that
 * year. Throws InvalidReportError (nothing written) for a document that breaks the schema or
 * its limits.
 */
export async function insertReport(trx: Transaction<Database>, input: IncomingReport, actor: Actor): Promise<string | null> {
  const exists = await trx.selectFrom("reports").select("id").where("unit_id", "=", input.unit.id).where("year", "=", input.year).executeTakeFirst();
  if (exists) return null;
  const subject: ReportSubject = { id: newId(), countyId: input.countyId, unitId: input.unit.id, unitName: input.unit.name, unitKind: input.unit.kind, year: input.year };
  const ctx = await loadCountyYearContext(trx, input.countyId, input.year, input.unit.id);
  const planned = planIncomingReport(subject, input, ctx, actor, env());
  if (!planned.ok) throw new InvalidReportError(planned.invalid, planned.errors);
  await persistReportPlan(trx, planned.plan);
  return subject.id;
}
