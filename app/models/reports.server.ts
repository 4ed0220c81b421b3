/**
 * Reports: one per unit and year. The draft document is saved as the unit edits; each
 * submit freezes an immutable numbered revision. Flags and the metrics row are derived from
 * the document in the same transaction as every save and transition. Every function takes
 * the viewer's scope and puts it in the SQL: another tenant's report is simply not found.
 */
import type { Kysely, Transaction } from "kysely";
import { fromJson, newId, now, toJson, toNumber } from "#db/codecs";
import { forUpdate } from "#db/dialect";
import type { Database, ReportStatus } from "#db/schema";
import { computeMetrics, explanationKey, triage, type ReportMetrics } from "~/domain/metrics";
import type { Scope } from "~/domain/permissions";
import { emptyReport, validateReport, type Flag, type ReportDocument } from "~/domain/report";
import { checkCrossReport, checkReport, DEFAULT_RULE_SETTINGS, ruleSettingsSchema, type RuleContext, type RuleSettings } from "~/domain/rules";
import { decideTransition, type Transition } from "~/domain/workflow";
import { appendAudit } from "./audit.server";
import { campaignOpen } from "./campaigns.server";
import { touchCountyData } from "./units.server";
import type { Actor } from "./users.server";

export type Explanations = Record<string, string>;

/** SQL visibility of reports for a scope: own unit's always; a county's from submission on. */
function visible(scope: Scope) {
  return (eb: any) => {
    const ors = [];
    if (scope.staffUnitIds.length) ors.push(eb("reports.unit_id", "in", scope.staffUnitIds));
    const bureau = [...new Set([...scope.reviewerCountyIds, ...scope.adminCountyIds])];
    if (bureau.length) ors.push(eb.and([eb("reports.county_id", "in", bureau), eb("reports.status", "!=", "draft")]));
    if (scope.leaderCountyIds.length) {
      ors.push(eb.and([eb("reports.county_id", "in", scope.leaderCountyIds), eb("reports.status", "in", ["submitted", "approved"])]));
    }
    return ors.length ? eb.or(ors) : eb.val(1).eq(0);
  };
}

export interface ReportRecord {
  id: string;
  countyId: string;
  unitId: string;
  unitName: string;
  unitKind: string;
  countyName: string;
  year: number;
  status: ReportStatus;
  version: number;
  draft: ReportDocument;
  explanations: Explanations;
  currentRevision: number;
  source: string;
  updatedAt: number;
  isDemo: boolean;
}

const reportColumns = [
  "reports.id", "reports.county_id", "reports.unit_id", "reports.year", "reports.status", "reports.version", "reports.draft",
  "reports.explanations", "reports.current_revision", "reports.source", "reports.updated_at", "reports.is_demo",
  "units.name as unit_name", "units.kind as unit_kind", "counties.name as county_name",
] as const;

function toRecord(row: any): ReportRecord {
  return {
    id: row.id,
    countyId: row.county_id,
    unitId: row.unit_id,
    unitName: row.unit_name,
    unitKind: row.unit_kind,
    countyName: row.county_name,
    year: Number(row.year),
    status: row.status,
    version: Number(row.version),
    draft: fromJson<ReportDocument>(row.draft, emptyReport()),
    explanations: fromJson<Explanations>(row.explanations, {}),
    currentRevision: Number(row.current_revision),
    source: row.source,
    updatedAt: toNumber(row.updated_at),
    isDemo: Number(row.is_demo) === 1,
  };
}

export async function findVisibleReport(db: Kysely<Database>, scope: Scope, reportId: string): Promise<ReportRecord | null> {
  const row = await db
    .selectFrom("reports")
    .innerJoin("units", "units.id", "reports.unit_id")
    .innerJoin("counties", "counties.id", "reports.county_id")
    .select(reportColumns)
    .where("reports.id", "=", reportId)
    .where(visible(scope))
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The staff member's reports (all years), newest first, with flag counts from the read model. */
export async function listStaffReports(db: Kysely<Database>, scope: Scope) {
  if (!scope.staffUnitIds.length) return [];
  const rows = await db
    .selectFrom("reports")
    .innerJoin("units", "units.id", "reports.unit_id")
    .leftJoin("report_metrics", "report_metrics.report_id", "reports.id")
    .select([
      "reports.id", "reports.unit_id", "reports.year", "reports.status", "reports.updated_at", "reports.current_revision", "units.name as unit_name",
      "report_metrics.errors", "report_metrics.warnings", "report_metrics.infos", "report_metrics.unexplained_warnings", "report_metrics.self_score",
    ])
    .where("reports.unit_id", "in", scope.staffUnitIds)
    .orderBy("reports.year", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id, unitId: r.unit_id, unitName: r.unit_name, year: Number(r.year), status: r.status as ReportStatus,
    updatedAt: toNumber(r.updated_at), currentRevision: Number(r.current_revision),
    errors: Number(r.errors ?? 0), warnings: Number(r.warnings ?? 0), infos: Number(r.infos ?? 0),
    unexplainedWarnings: Number(r.unexplained_warnings ?? 0), selfScore: r.self_score,
  }));
}

// ——— rule context ———————————————————————————————————————————————————————————————

export async function campaignSettings(db: Kysely<Database>, countyId: string, year: number): Promise<{ settings: RuleSettings; deadline: number | null }> {
  const row = await db.selectFrom("campaigns").select(["settings", "deadline"]).where("county_id", "=", countyId).where("year", "=", year).executeTakeFirst();
  const parsed = ruleSettingsSchema.safeParse(fromJson(row?.settings, {}));
  return {
    settings: parsed.success ? { ...DEFAULT_RULE_SETTINGS, ...parsed.data } : DEFAULT_RULE_SETTINGS,
    deadline: row?.deadline == null ? null : toNumber(row.deadline),
  };
}

/** What cross-report rules need: campaign settings, last year's score, the county's numbers. */
export async function loadRuleContext(db: Kysely<Database>, report: { countyId: string; unitId: string; year: number; id: string }): Promise<RuleContext & { deadline: number | null }> {
  const [{ settings, deadline }, peers, previous] = await Promise.all([
    campaignSettings(db, report.countyId, report.year),
    countyPeers(db, report.countyId, report.year),
    previousScores(db, report.countyId, report.year - 1, report.unitId),
  ]);
  return { settings, deadline, ...crossContext(peers, previous, report) };
}

interface Peer {
  reportId: string;
  executionRate: number | null;
  selfScore: number | null;
}

/** The county's counted (submitted or approved) reports of a year. */
export async function countyPeers(db: Kysely<Database>, countyId: string, year: number): Promise<Peer[]> {
  const rows = await db
    .selectFrom("report_metrics")
    .select(["report_id", "execution_rate", "self_score"])
    .where("county_id", "=", countyId)
    .where("year", "=", year)
    .where("status", "in", ["submitted", "approved"])
    .execute();
  return rows.map((r) => ({ reportId: r.report_id, executionRate: r.execution_rate, selfScore: r.self_score }));
}

/** Last year's counted self scores by unit (or of one unit), as the report wrote them. */
export async function previousScores(db: Kysely<Database>, countyId: string, year: number, unitId?: string): Promise<Map<string, string>> {
  let query = db
    .selectFrom("reports")
    .select(["unit_id", "draft"])
    .where("county_id", "=", countyId)
    .where("year", "=", year)
    .where("status", "in", ["submitted", "approved"]);
  if (unitId) query = query.where("unit_id", "=", unitId);
  const rows = await query.execute();
  const scores = new Map<string, string>();
  for (const r of rows) {
    const score = fromJson<ReportDocument>(r.draft, emptyReport()).selfScore;
    if (score) scores.set(r.unit_id, score);
  }
  return scores;
}

/** Robust statistics need a crowd: below 8 peers, COUNTY_OUTLIER stays silent. */
const MIN_PEERS = 8;

export function crossContext(peers: Peer[], previous: Map<string, string>, report: { id: string; unitId: string }): Pick<RuleContext, "previousSelfScore" | "county"> {
  const others = peers.filter((p) => p.reportId !== report.id);
  const executionRates = others.map((p) => p.executionRate).filter((v): v is number => v != null).map((v) => v * 100);
  const selfScores = others.map((p) => p.selfScore).filter((v): v is number => v != null);
  return {
    previousSelfScore: previous.get(report.unitId) ?? null,
    county: executionRates.length >= MIN_PEERS ? { executionRates, selfScores } : undefined,
  };
}

const CROSS_RULES = ["SCORE_JUMP", "COUNTY_OUTLIER"];

/**
 * Cross-report flags depend on the county's other reports and on last year's: when a report
 * enters or leaves the counted set, they are recomputed for the county-year and the next
 * year, rewriting only the reports whose cross-report flags changed.
 */
export async function refreshCrossReportFlags(trx: Transaction<Database> | Kysely<Database>, countyId: string, year: number) {
  let changed = false;
  for (const y of [year, year + 1]) {
    const reports = await trx.selectFrom("reports").select(["id", "unit_id", "draft"]).where("county_id", "=", countyId).where("year", "=", y).execute();
    if (!reports.length) continue;
    const [{ settings }, peers, previous, existing] = await Promise.all([
      campaignSettings(trx, countyId, y),
      countyPeers(trx, countyId, y),
      previousScores(trx, countyId, y - 1),
      trx.selectFrom("report_flags").select(["report_id", "rule", "path", "message", "severity"]).where("county_id", "=", countyId).where("year", "=", y).where("rule", "in", CROSS_RULES).execute(),
    ]);
    const key = (f: { rule: string; path: string; message: string }) => `${f.rule}|${f.path}|${f.message}`;
    for (const report of reports) {
      const doc = fromJson<ReportDocument>(report.draft, emptyReport());
      const ctx = { settings, ...crossContext(peers, previous, { id: report.id, unitId: report.unit_id }) };
      const fresh = checkCrossReport(doc, ctx);
      const stored = existing.filter((f) => f.report_id === report.id);
      const same = fresh.length === stored.length && fresh.map(key).sort().join("\n") === stored.map(key).sort().join("\n");
      if (same) continue;
      changed = true;
      await trx.deleteFrom("report_flags").where("report_id", "=", report.id).where("rule", "in", CROSS_RULES).execute();
      if (fresh.length) {
        await trx.insertInto("report_flags").values(fresh.map((f) => ({
          id: newId(), report_id: report.id, county_id: countyId, year: y, rule: f.rule, severity: f.severity, path: f.path.slice(0, 200),
          message: f.message.slice(0, 1000), flag_values: toJson(f.values), explanation: null,
        }))).execute();
      }
      const infoDelta = fresh.filter((f) => f.severity === "info").length - stored.filter((f) => f.severity === "info").length;
      if (infoDelta) {
        await trx.updateTable("report_metrics").set((eb) => ({ infos: eb("infos", "+", infoDelta) })).where("report_id", "=", report.id).execute();
      }
    }
  }
  if (changed) await touchCountyData(trx, countyId);
}

// ——— derived rows ————————————————————————————————————————————————————————————————

export interface DerivedState {
  flags: Flag[];
  metrics: ReportMetrics;
}

export function deriveState(doc: ReportDocument, explanations: Explanations, ctx: Partial<RuleContext>): DerivedState {
  const flags = checkReport(doc, ctx);
  return { flags, metrics: computeMetrics(doc, flags, explanations) };
}

interface DerivedTarget {
  id: string;
  countyId: string;
  unitId: string;
  year: number;
  status: ReportStatus;
  unitKind: string;
  unitName: string;
  submittedAt: number | null;
  late: boolean;
}

/** Replaces a report's flag rows, metrics row and class amounts (same transaction as the save). */
export async function writeDerived(
  trx: Transaction<Database> | Kysely<Database>,
  target: DerivedTarget,
  state: DerivedState,
  explanations: Explanations,
  settings: RuleSettings = DEFAULT_RULE_SETTINGS,
) {
  const { flags, metrics } = state;
  await trx.deleteFrom("report_flags").where("report_id", "=", target.id).execute();
  if (flags.length) {
    await trx
      .insertInto("report_flags")
      .values(flags.map((f) => ({
        id: newId(), report_id: target.id, county_id: target.countyId, year: target.year, rule: f.rule, severity: f.severity,
        path: f.path.slice(0, 200), message: f.message.slice(0, 1000), flag_values: toJson(f.values), explanation: explanations[explanationKey(f)] ?? null,
      })))
      .execute();
  }
  await trx.deleteFrom("report_class_amounts").where("report_id", "=", target.id).execute();
  const classes = Object.entries(metrics.classAmounts);
  if (classes.length) {
    await trx
      .insertInto("report_class_amounts")
      .values(classes.map(([class_code, amount]) => ({ report_id: target.id, class_code, county_id: target.countyId, year: target.year, final_fen: amount.toString() })))
      .execute();
  }
  await trx.deleteFrom("report_metrics").where("report_id", "=", target.id).execute();
  await trx.insertInto("report_metrics").values(metricsRow(target, metrics, settings)).execute();
  await touchCountyData(trx, target.countyId);
}


export function metricsRow(target: DerivedTarget, metrics: ReportMetrics, settings: RuleSettings = DEFAULT_RULE_SETTINGS) {
  const big = (v: bigint | null) => (v == null ? null : v.toString());
  return {
    report_id: target.id, county_id: target.countyId, unit_id: target.unitId, year: target.year, status: target.status,
    unit_kind: target.unitKind, unit_name: target.unitName,
    initial_budget_fen: big(metrics.initialBudgetFen), adjusted_budget_fen: big(metrics.adjustedBudgetFen), expenditure_fen: big(metrics.expenditureFen),
    execution_rate: metrics.executionRate, deviation: metrics.deviation, self_score: metrics.selfScore, grade: metrics.grade,
    formula_score: metrics.formulaScore, main_class: metrics.mainClass,
    errors: metrics.errors, warnings: metrics.warnings, infos: metrics.infos, unexplained_warnings: metrics.unexplainedWarnings,
    over_achieved: metrics.overAchieved, score_above_formula: metrics.scoreAboveFormula,
    triage_score: triage(metrics, settings.deviationPct).score,
    late: target.late ? 1 : 0, submitted_at: target.submittedAt, updated_at: now(),
  };
}

// ——— creating and saving ——————————————————————————————————————————————————————————

/**
 * The unit's report for a year, created as an empty draft on first visit. Null when the unit
 * is not the viewer's, or when its county has not opened the year (no campaign: the route
 * checks this first to answer in words; this is the backstop).
 */
export async function ensureStaffReport(db: Kysely<Database>, scope: Scope, unitId: string, year: number, actor: Actor): Promise<string | null> {
  if (!scope.staffUnitIds.includes(unitId)) return null;
  const existing = await db.selectFrom("reports").select("id").where("unit_id", "=", unitId).where("year", "=", year).executeTakeFirst();
  if (existing) return existing.id;
  const unit = await db.selectFrom("units").select(["id", "county_id", "name", "kind"]).where("id", "=", unitId).executeTakeFirstOrThrow();
  if (!(await campaignOpen(db, unit.county_id, year))) return null;
  const id = newId();
  const doc = emptyReport(unit.name, year);
  try {
    await db.transaction().execute(async (trx) => {
      await lockCounty(trx, unit.county_id);
      const t = now();
      await trx.insertInto("reports").values({
        id, county_id: unit.county_id, unit_id: unit.id, year, status: "draft", version: 1, draft: toJson(doc), explanations: null,
        current_revision: 0, source: "form", is_demo: 0, updated_at: t, updated_by: actor.userId, created_at: t,
      }).execute();
      const ctx = await loadRuleContext(trx, { countyId: unit.county_id, unitId: unit.id, year, id });
      await writeDerived(trx, { id, countyId: unit.county_id, unitId: unit.id, year, status: "draft", unitKind: unit.kind, unitName: unit.name, submittedAt: null, late: false }, deriveState(doc, {}, ctx), {}, ctx.settings);
      await appendAudit(trx, { actorUserId: actor.userId, actorName: actor.name, action: "report.create", entityType: "report", entityId: id, countyId: unit.county_id, toState: "draft", detail: { year }, address: actor.address });
    });
  } catch (error) {
    // Two tabs creating the same report at once: the unique key lets one win; use it.
    const again = await db.selectFrom("reports").select("id").where("unit_id", "=", unitId).where("year", "=", year).executeTakeFirst();
    if (again) return again.id;
    throw error;
  }
  return id;
}

export type SaveOutcome =
  | { ok: true; version: number; flags: Flag[] }
  | { ok: false; conflict: { status: ReportStatus; version: number; updatedAt: number } }
  | { ok: false; invalid: string; errors: Record<string, string> };

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
 * Saves the draft over `expectedVersion`. Zero rows updated means someone else changed the
 * report (or it is no longer editable): the caller gets the current state, nothing is written.
 * An invalid document (schema, limits) is refused before anything is written.
 */
export async function saveDraft(
  db: Kysely<Database>,
  report: ReportRecord,
  input: { expectedVersion: number; document: ReportDocument; explanations: Explanations; source?: string },
  actor: Actor,
): Promise<SaveOutcome> {
  const checked = validateReport(input.document);
  if (!checked.ok) return { ok: false, invalid: checked.message, errors: checked.errors };
  const document = checked.document;
  const explanations = cleanExplanations(input.explanations);
  return db.transaction().execute(async (trx) => {
    await lockCounty(trx, report.countyId);
    const result = await trx
      .updateTable("reports")
      .set({ draft: toJson(document), explanations: toJson(explanations), version: input.expectedVersion + 1, updated_at: now(), updated_by: actor.userId, ...(input.source ? { source: input.source } : {}) })
      .where("id", "=", report.id)
      .where("version", "=", input.expectedVersion)
      .where("status", "in", ["draft", "returned"])
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { ok: false as const, conflict: await currentState(trx, report.id) };
    const ctx = await loadRuleContext(trx, report);
    const state = deriveState(document, explanations, ctx);
    // A returned report being edited keeps the time of its last submission.
    const submittedAt = await lastSubmittedAt(trx, report.id);
    await writeDerived(trx, {
      ...report, submittedAt, late: submittedAt != null && ctx.deadline != null && submittedAt > ctx.deadline,
    }, state, explanations, ctx.settings);
    const explained = Object.keys(explanations).filter((k) => explanations[k] !== report.explanations[k]);
    await appendAudit(trx, {
      actorUserId: actor.userId, actorName: actor.name, action: "report.save", entityType: "report", entityId: report.id, countyId: report.countyId,
      fromState: report.status, toState: report.status,
      detail: { version: input.expectedVersion + 1, errors: state.metrics.errors, warnings: state.metrics.warnings, explanationsChanged: explained },
      address: actor.address,
    });
    return { ok: true as const, version: input.expectedVersion + 1, flags: state.flags };
  });
}

function cleanExplanations(explanations: Explanations): Explanations {
  const clean: Explanations = {};
  for (const [key, value] of Object.entries(explanations)) {
    const text = String(value ?? "").trim().slice(0, 5000);
    if (text && key.length <= 260) clean[key] = text;
  }
  return clean;
}

async function currentState(db: Kysely<Database> | Transaction<Database>, reportId: string) {
  const row = await forUpdate(db, db.selectFrom("reports").select(["status", "version", "updated_at"]).where("id", "=", reportId)).executeTakeFirstOrThrow();
  return { status: row.status as ReportStatus, version: Number(row.version), updatedAt: toNumber(row.updated_at) };
}

// ——— transitions ————————————————————————————————————————————————————————————————

export type TransitionOutcome =
  | { ok: true; status: ReportStatus; version: number; revision: number }
  | { ok: false; message: string; conflict?: { status: ReportStatus; version: number; updatedAt: number } };

/**
 * Applies a workflow transition with the optimistic lock. Submit freezes the draft as a new
 * revision with its flags and explanations; every transition is audited and recomputes the
 * metrics row, all in one transaction.
 */
export async function applyTransition(
  db: Kysely<Database>,
  report: ReportRecord,
  input: { transition: Transition; expectedVersion: number; reason?: string | null; role: "staff" | "reviewer"; sourceFileName?: string | null },
  actor: Actor,
): Promise<TransitionOutcome> {
  return db.transaction().execute(async (trx) => {
    await lockCounty(trx, report.countyId);
    const fresh = await forUpdate(
      trx,
      trx.selectFrom("reports").select(["status", "version", "draft", "explanations", "current_revision", "updated_at"]).where("id", "=", report.id),
    ).executeTakeFirstOrThrow();
    const status = fresh.status as ReportStatus;
    if (Number(fresh.version) !== input.expectedVersion) {
      return { ok: false as const, message: "该报告已被他人修改", conflict: { status, version: Number(fresh.version), updatedAt: toNumber(fresh.updated_at) } };
    }
    const document = fromJson<ReportDocument>(fresh.draft, emptyReport());
    // A submit freezes the draft as a revision: a draft stored before the limits existed
    // must be corrected first.
    if (input.transition === "submit") {
      const checked = validateReport(document);
      if (!checked.ok) return { ok: false as const, message: `${checked.message}，请修改后再提交` };
    }
    const explanations = fromJson<Explanations>(fresh.explanations, {});
    const ctx = await loadRuleContext(trx, report);
    const state = deriveState(document, explanations, ctx);
    const decision = decideTransition({
      status, role: input.role, transition: input.transition, reason: input.reason,
      errorCount: state.metrics.errors, unexplainedWarningCount: state.metrics.unexplainedWarnings,
    });
    if (!decision.ok) return { ok: false as const, message: decision.message };

    const version = input.expectedVersion + 1;
    const t = now();
    const revision = input.transition === "submit" ? Number(fresh.current_revision) + 1 : Number(fresh.current_revision);
    const updated = await trx
      .updateTable("reports")
      .set({ status: decision.to, version, updated_at: t, updated_by: actor.userId, current_revision: revision })
      .where("id", "=", report.id)
      .where("version", "=", input.expectedVersion)
      .where("status", "=", status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      return { ok: false as const, message: "该报告已被他人修改", conflict: await currentState(trx, report.id) };
    }
    if (input.transition === "submit") {
      await trx.insertInto("report_revisions").values({
        id: newId(), report_id: report.id, number: revision, document: toJson(document), flags: toJson(state.flags), explanations: toJson(explanations),
        source_file_name: input.sourceFileName ?? null, submitted_by: actor.userId, submitted_by_name: actor.name, submitted_at: t,
      }).execute();
    }
    const reason = input.reason?.trim() || null;
    if (reason && input.transition !== "submit") {
      await trx.insertInto("comments").values({
        id: newId(), report_id: report.id, revision, kind: input.transition, path: null, reply_to: null, author_id: actor.userId,
        author_name: actor.name, author_side: "bureau", body: reason, resolved: 0, created_at: t,
      }).execute();
    }
    const submittedAt = input.transition === "submit" ? t : await lastSubmittedAt(trx, report.id);
    await writeDerived(trx, {
      ...report, status: decision.to, submittedAt,
      late: submittedAt != null && ctx.deadline != null && submittedAt > ctx.deadline,
    }, state, explanations, ctx.settings);
    await refreshCrossReportFlags(trx, report.countyId, report.year);
    await appendAudit(trx, {
      actorUserId: actor.userId, actorName: actor.name, action: `report.${input.transition}`, entityType: "report", entityId: report.id,
      countyId: report.countyId, fromState: status, toState: decision.to, detail: { version, revision, reason }, address: actor.address,
    });
    return { ok: true as const, status: decision.to, version, revision };
  });
}

/**
 * Serialises a county's report writes (MySQL: a row lock on the county, taken first so the
 * transaction's snapshot starts after it). Cross-report flags read the whole county-year, so
 * two transitions of one county at once would otherwise deadlock or miss each other.
 */
export async function lockCounty(trx: Transaction<Database>, countyId: string) {
  await forUpdate(trx, trx.selectFrom("counties").select("id").where("id", "=", countyId)).execute();
}

async function lastSubmittedAt(trx: Transaction<Database>, reportId: string): Promise<number | null> {
  const row = await trx.selectFrom("report_revisions").select("submitted_at").where("report_id", "=", reportId).orderBy("number", "desc").limit(1).executeTakeFirst();
  return row ? toNumber(row.submitted_at) : null;
}

// ——— revisions ——————————————————————————————————————————————————————————————————

export interface RevisionRecord {
  number: number;
  document: ReportDocument;
  flags: Flag[];
  explanations: Explanations;
  submittedAt: number;
  submittedByName: string | null;
  sourceFileName: string | null;
}

/** Revisions of a report already found within the viewer's scope. */
export async function listRevisions(db: Kysely<Database>, reportId: string): Promise<RevisionRecord[]> {
  const rows = await db.selectFrom("report_revisions").selectAll().where("report_id", "=", reportId).orderBy("number").execute();
  return rows.map((r) => ({
    number: Number(r.number),
    document: fromJson<ReportDocument>(r.document, emptyReport()),
    flags: fromJson<Flag[]>(r.flags, []),
    explanations: fromJson<Explanations>(r.explanations, {}),
    submittedAt: toNumber(r.submitted_at),
    submittedByName: r.submitted_by_name,
    sourceFileName: r.source_file_name,
  }));
}

export async function currentFlags(db: Kysely<Database>, reportId: string): Promise<Array<Flag & { explanation: string | null }>> {
  const rows = await db.selectFrom("report_flags").selectAll().where("report_id", "=", reportId).execute();
  return rows.map((r) => ({
    rule: r.rule, severity: r.severity as Flag["severity"], path: r.path, message: r.message,
    values: fromJson<Flag["values"]>(r.flag_values, {}), explanation: r.explanation,
  }));
}

// ——— received and generated reports ——————————————————————————————————————————————

export interface IncomingReport {
  countyId: string;
  unit: { id: string; name: string; kind: string };
  year: number;
  document: ReportDocument;
  explanations?: Explanations;
  /** draft: a working draft; submitted/returned/approved: at least one revision exists. */
  status: ReportStatus;
  source: "form" | "import" | "intake" | "demo";
  sourceFileName?: string | null;
  submittedAt?: number;
  isDemo?: boolean;
  /** Reviewer's reason for a returned report, or note for an approved one. */
  reviewNote?: string | null;
}

/**
 * Stores a whole report in one go — the bulk intake of received files, the demo and the
 * data generator — with its revision, flags, metrics and audit rows, exactly as the
 * step-by-step path would leave them. Returns the report id, or null if the unit already
 * has a report for that year. Throws InvalidReportError (nothing written) for a document
 * that breaks the schema or its limits.
 */
export async function insertReport(trx: Transaction<Database>, input: IncomingReport, actor: Actor, ctx?: RuleContext & { deadline: number | null }): Promise<string | null> {
  const checked = validateReport(input.document);
  if (!checked.ok) throw new InvalidReportError(checked.message, checked.errors);
  input = { ...input, document: checked.document };
  const exists = await trx.selectFrom("reports").select("id").where("unit_id", "=", input.unit.id).where("year", "=", input.year).executeTakeFirst();
  if (exists) return null;
  const id = newId();
  const t = input.submittedAt ?? now();
  const explanations = cleanExplanations(input.explanations ?? {});
  const context = ctx ?? (await loadRuleContext(trx, { countyId: input.countyId, unitId: input.unit.id, year: input.year, id }));
  const state = deriveState(input.document, explanations, context);
  const revision = input.status === "draft" ? 0 : 1;
  await trx.insertInto("reports").values({
    id, county_id: input.countyId, unit_id: input.unit.id, year: input.year, status: input.status, version: 1, draft: toJson(input.document),
    explanations: toJson(explanations), current_revision: revision, source: input.source, is_demo: input.isDemo ? 1 : 0,
    updated_at: t, updated_by: actor.userId, created_at: t,
  }).execute();
  if (revision) {
    await trx.insertInto("report_revisions").values({
      id: newId(), report_id: id, number: 1, document: toJson(input.document), flags: toJson(state.flags), explanations: toJson(explanations),
      source_file_name: input.sourceFileName ?? null, submitted_by: actor.userId, submitted_by_name: actor.name, submitted_at: t,
    }).execute();
  }
  if (input.reviewNote && (input.status === "returned" || input.status === "approved")) {
    await trx.insertInto("comments").values({
      id: newId(), report_id: id, revision: 1, kind: input.status === "returned" ? "return" : "approve", path: null, reply_to: null, author_id: actor.userId,
      author_name: actor.name, author_side: "bureau", body: input.reviewNote, resolved: 0, created_at: t,
    }).execute();
  }
  const submittedAt = revision ? t : null;
  await writeDerived(trx, {
    id, countyId: input.countyId, unitId: input.unit.id, year: input.year, status: input.status, unitKind: input.unit.kind, unitName: input.unit.name,
    submittedAt, late: submittedAt != null && context.deadline != null && submittedAt > context.deadline,
  }, state, explanations, context.settings);
  await appendAudit(trx, {
    actorUserId: actor.userId, actorName: actor.name, action: input.source === "intake" ? "report.intake" : "report.create", entityType: "report", entityId: id,
    countyId: input.countyId, toState: input.status, detail: { year: input.year, source: input.source, file: input.sourceFileName ?? null, errors: state.metrics.errors },
    address: actor.address,
  });
  return id;
}
