/**
 * Project self-evaluations (项目支出绩效自评表): reading them within the viewer's scope, and the
 * one write path that persists what app/domain/projectPlan.ts plans, under the county's lock
 * (docs/decisions/0008) with the audit chain (appendAuditEvents).
 *
 * A form follows its unit's report in who may do what: the same rules of PERMISSIONS
 * (report.view / edit / submit / import / review) decide on a form's county, unit and status,
 * and the SQL predicate below is derived from them exactly as reportsInScope is for reports.
 * So staff see and edit their own unit's forms, reviewers see a county's forms from
 * submission on (never drafts), leaders the submitted and approved ones; another unit's or
 * county's form is simply not found.
 *
 * The cross-checks X1–X4 (the unit's report against its forms) are computed when read
 * (crossChecksFor), never stored, so they follow whichever side changed last.
 */
import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from "kysely";
import { fromJson, newId, now, toJson, toNumber } from "#db/codecs";
import { forUpdate } from "#db/dialect";
import { insertMany } from "#db/insertMany";
import type { Database } from "#db/schema";
import { notFound } from "~/auth/guard.server";
import { diffDocuments } from "~/domain/diff";
import type { ProjectFormImport } from "~/domain/import/projectForm";
import { explanationKey } from "~/domain/metrics";
import { fenToWan, ratio, Decimal } from "~/domain/money";
import { can, decide, markInScope, scopeOf, scopeReach, type Action, type InScope, type Scope, type Viewer } from "~/domain/permissions";
import { emptyProjectEvaluation, type ProjectEvaluation, type ProjectKind } from "~/domain/projectEvaluation";
import {
  planIncomingProject, planNewProject, planProjectDelete, planProjectRecompute, planProjectImport, planProjectSave, planProjectTransition, projectFlagsOnly,
  totalsByKind, type Actor as PlanActor, type ImportOutcome, type ProjectDerived, type ProjectPlan, type ProjectRowState, type ProjectStatus, type ProjectSubject, type StoredProject,
} from "~/domain/projectPlan";
import type { Flag, ReportDocument } from "~/domain/report";
import type { Explanations } from "~/domain/reportPlan";
import { flagsForStaff } from "~/domain/rules";
import { crossCheckProjects } from "~/domain/rules/crossProject";
import { allowedTransitions, type Transition } from "~/domain/workflow";
import { readReportUntrusted } from "~/server/convertPool.server";
import { appendAuditEvents } from "./audit.server";
import { campaignOpen, campaignYears } from "./campaigns.server";
import { campaignSettings } from "./reportContext.server";
import { documentForViewer } from "./reportView.server";
import { lockCounty } from "./reportWrites.server";
import { findVisibleReport } from "./reports.server";
import { reportsInScope } from "./scope.server";
import type { Actor } from "./users.server";
import { uploadedBytes } from "./uploads.server";

type Executor = Kysely<Database> | Transaction<Database>;

// ——— scope ——————————————————————————————————————————————————————————————————————————————

export type ProjectsPredicate = (eb: ExpressionBuilder<Database, "project_evaluations">) => Expression<SqlBool>;

/**
 * The forms a scope reaches for `action` (by default seeing them), from the same rules as the
 * reports' predicate (scope.server.ts reportsInScope): by own unit, or by county in the
 * statuses the rule names. A scope that reaches nothing matches no row.
 */
export function projectsInScope(scope: Scope, action: Action = "report.view"): ProjectsPredicate {
  const reaches = scopeReach(scope, action);
  return (eb) => {
    const ors = reaches.map((reach) => {
      const where = eb(reach.via === "unit" ? "project_evaluations.unit_id" : "project_evaluations.county_id", "in", reach.ids);
      return reach.statuses ? eb.and([where, eb("project_evaluations.status", "in", [...reach.statuses])]) : where;
    });
    return ors.length ? eb.or(ors) : eb.lit(false);
  };
}

export interface ProjectUnit {
  id: string;
  name: string;
  code: string;
  countyId: string;
  countyName: string;
}

/**
 * A unit whose forms the viewer may list: their own unit (staff), or a unit of a county where
 * they see reports (the bureau). Anyone else: null (the route answers 404).
 */
export async function findVisibleUnit(db: Executor, viewer: Viewer, unitId: string): Promise<InScope<ProjectUnit> | null> {
  const unit = await db
    .selectFrom("units")
    .innerJoin("counties", "counties.id", "units.county_id")
    .select(["units.id", "units.name", "units.code", "units.county_id", "counties.name as county_name"])
    .where("units.id", "=", unitId)
    .executeTakeFirst();
  if (!unit) return null;
  const reaches = scopeReach(scopeOf(viewer), "report.view");
  const visible = reaches.some((r) => (r.via === "unit" ? r.ids.includes(unit.id) : r.ids.includes(unit.county_id)));
  return visible ? markInScope({ id: unit.id, name: unit.name, code: unit.code, countyId: unit.county_id, countyName: unit.county_name }) : null;
}

// ——— reading ——————————————————————————————————————————————————————————————————————————

export interface ProjectRecord {
  id: string;
  countyId: string;
  countyName: string;
  unitId: string;
  unitName: string;
  year: number;
  status: ProjectStatus;
  version: number;
  document: ProjectEvaluation;
  explanations: Explanations;
  /** The form's own flags (P1–P12) as last derived. */
  flags: Flag[];
  currentRevision: number;
  source: string;
  sourceFileName: string | null;
  submittedAt: number | null;
  updatedAt: number;
  isDemo: boolean;
}

const projectColumns = [
  "project_evaluations.id", "project_evaluations.county_id", "project_evaluations.unit_id", "project_evaluations.year",
  "project_evaluations.status", "project_evaluations.version", "project_evaluations.document", "project_evaluations.explanations",
  "project_evaluations.flags", "project_evaluations.current_revision", "project_evaluations.source", "project_evaluations.source_file_name",
  "project_evaluations.submitted_at", "project_evaluations.updated_at", "project_evaluations.is_demo",
  "units.name as unit_name", "counties.name as county_name",
] as const;

type ProjectRow = {
  id: string; county_id: string; unit_id: string; year: number; status: string; version: number; document: string; explanations: string | null;
  flags: string; current_revision: number; source: string; source_file_name: string | null; submitted_at: number | string | null;
  updated_at: number | string; is_demo: number; unit_name: string; county_name: string;
};

function toRecord(row: ProjectRow): ProjectRecord {
  return {
    id: row.id, countyId: row.county_id, countyName: row.county_name, unitId: row.unit_id, unitName: row.unit_name, year: Number(row.year),
    status: row.status as ProjectStatus, version: Number(row.version),
    document: fromJson<ProjectEvaluation>(row.document, emptyProjectEvaluation()), explanations: fromJson<Explanations>(row.explanations, {}),
    flags: fromJson<Flag[]>(row.flags, []), currentRevision: Number(row.current_revision), source: row.source, sourceFileName: row.source_file_name,
    submittedAt: row.submitted_at == null ? null : toNumber(row.submitted_at), updatedAt: toNumber(row.updated_at), isDemo: Number(row.is_demo) === 1,
  };
}

function selectProjects(db: Executor) {
  return db
    .selectFrom("project_evaluations")
    .innerJoin("units", "units.id", "project_evaluations.unit_id")
    .innerJoin("counties", "counties.id", "project_evaluations.county_id")
    .select(projectColumns);
}

/** One form within the viewer's scope, or null (another unit's, another county's, a draft for the bureau). */
export async function findVisibleProject(db: Executor, scope: Scope, projectId: string): Promise<InScope<ProjectRecord> | null> {
  const row = await selectProjects(db).where("project_evaluations.id", "=", projectId).where(projectsInScope(scope)).executeTakeFirst();
  return row ? markInScope(toRecord(row)) : null;
}

/** Loads a form within the viewer's scope, or answers 404 (audited). */
export async function requireVisibleProject(db: Kysely<Database>, request: Request, context: unknown, viewer: Viewer, projectId: string) {
  const project = await findVisibleProject(db, scopeOf(viewer), projectId);
  if (!project) return notFound(request, context, viewer, `project:${projectId}`);
  return project;
}

/** Loads a unit the viewer may list the forms of, or answers 404 (audited). */
export async function requireVisibleUnit(db: Kysely<Database>, request: Request, context: unknown, viewer: Viewer, unitId: string) {
  const unit = await findVisibleUnit(db, viewer, unitId);
  if (!unit) return notFound(request, context, viewer, `unit:${unitId}`);
  return unit;
}

/** A form as a list shows it: its figures from the row, never the document. */
export interface ProjectSummary {
  id: string;
  unitId: string;
  unitName: string;
  year: number;
  code: string | null;
  name: string;
  kind: ProjectKind | null;
  status: ProjectStatus;
  /** 万元, canonical decimal strings. */
  adjustedBudget: string | null;
  executed: string | null;
  /** Percent, 2 decimals; null when the budget is 0 or absent. */
  executionPct: string | null;
  totalScore: number | null;
  errors: number;
  warnings: number;
  infos: number;
  unexplainedWarnings: number;
  currentRevision: number;
  updatedAt: number;
}

const summaryColumns = [
  "project_evaluations.id", "project_evaluations.unit_id", "project_evaluations.year", "project_evaluations.project_code",
  "project_evaluations.project_name", "project_evaluations.kind", "project_evaluations.status", "project_evaluations.adjusted_budget_fen",
  "project_evaluations.executed_fen", "project_evaluations.total_score", "project_evaluations.errors", "project_evaluations.warnings",
  "project_evaluations.infos", "project_evaluations.unexplained_warnings", "project_evaluations.current_revision", "project_evaluations.updated_at",
  "units.name as unit_name",
] as const;

function toSummary(r: {
  id: string; unit_id: string; year: number; project_code: string | null; project_name: string; kind: string | null; status: string;
  adjusted_budget_fen: number | string | null; executed_fen: number | string | null; total_score: number | null; errors: number; warnings: number;
  infos: number; unexplained_warnings: number; current_revision: number; updated_at: number | string; unit_name: string;
}): ProjectSummary {
  const adjusted = r.adjusted_budget_fen == null ? null : fenToWan(r.adjusted_budget_fen);
  const executed = r.executed_fen == null ? null : fenToWan(r.executed_fen);
  const rate = ratio(executed == null ? null : new Decimal(executed), adjusted == null ? null : new Decimal(adjusted));
  return {
    id: r.id, unitId: r.unit_id, unitName: r.unit_name, year: Number(r.year), code: r.project_code, name: r.project_name,
    kind: (r.kind as ProjectKind | null) ?? null, status: r.status as ProjectStatus, adjustedBudget: adjusted, executed,
    executionPct: rate ? rate.times(100).toFixed(2) : null, totalScore: r.total_score == null ? null : Number(r.total_score),
    errors: Number(r.errors), warnings: Number(r.warnings), infos: Number(r.infos), unexplainedWarnings: Number(r.unexplained_warnings),
    currentRevision: Number(r.current_revision), updatedAt: toNumber(r.updated_at),
  };
}

/** A unit's forms of a year that the viewer sees, by code then name. */
export async function listUnitProjects(db: Executor, scope: Scope, unitId: string, year: number): Promise<ProjectSummary[]> {
  const rows = await db
    .selectFrom("project_evaluations")
    .innerJoin("units", "units.id", "project_evaluations.unit_id")
    .select(summaryColumns)
    .where("project_evaluations.unit_id", "=", unitId)
    .where("project_evaluations.year", "=", year)
    .where(projectsInScope(scope))
    .orderBy("project_evaluations.project_code")
    .orderBy("project_evaluations.project_name")
    .orderBy("project_evaluations.id")
    .execute();
  return rows.map(toSummary);
}

/** A county's forms of a year for the bureau (from submission on, as the rules say), optionally of some statuses. */
export async function listCountyProjects(db: Executor, scope: Scope, countyId: string, year: number, statuses?: ProjectStatus[]): Promise<ProjectSummary[]> {
  let query = db
    .selectFrom("project_evaluations")
    .innerJoin("units", "units.id", "project_evaluations.unit_id")
    .select(summaryColumns)
    .where("project_evaluations.county_id", "=", countyId)
    .where("project_evaluations.year", "=", year)
    .where(projectsInScope(scope));
  if (statuses?.length) query = query.where("project_evaluations.status", "in", statuses);
  const rows = await query.orderBy("units.code").orderBy("project_evaluations.project_code").orderBy("project_evaluations.id").limit(5000).execute();
  return rows.map(toSummary);
}

/** Years in which the unit has forms the viewer sees (for the year switcher), newest first. */
export async function projectYears(db: Executor, scope: Scope, unitId: string): Promise<number[]> {
  const rows = await db
    .selectFrom("project_evaluations")
    .select("project_evaluations.year")
    .distinct()
    .where("project_evaluations.unit_id", "=", unitId)
    .where(projectsInScope(scope))
    .orderBy("project_evaluations.year", "desc")
    .execute();
  return rows.map((r) => Number(r.year));
}

export interface ProjectRevision {
  number: number;
  document: ProjectEvaluation;
  flags: Flag[];
  explanations: Explanations;
  sourceFileName: string | null;
  submittedByName: string | null;
  submittedAt: number;
}

/** Revisions of a form already found within the viewer's scope, oldest first. */
export async function listProjectRevisions(db: Executor, projectId: string): Promise<ProjectRevision[]> {
  const rows = await db.selectFrom("project_revisions").selectAll().where("project_id", "=", projectId).orderBy("number").execute();
  return rows.map((r) => ({
    number: Number(r.number), document: fromJson<ProjectEvaluation>(r.document, emptyProjectEvaluation()), flags: fromJson<Flag[]>(r.flags, []),
    explanations: fromJson<Explanations>(r.explanations, {}), sourceFileName: r.source_file_name, submittedByName: r.submitted_by_name,
    submittedAt: toNumber(r.submitted_at),
  }));
}

export interface ProjectReview {
  action: "return" | "approve" | "reopen";
  reason: string | null;
  revision: number;
  authorName: string;
  createdAt: number;
}

/** The bureau's decisions on a form already found within the viewer's scope, oldest first. */
export async function listProjectReviews(db: Executor, projectId: string): Promise<ProjectReview[]> {
  const rows = await db.selectFrom("project_reviews").selectAll().where("project_id", "=", projectId).orderBy("created_at").orderBy("id").execute();
  return rows.map((r) => ({ action: r.action as ProjectReview["action"], reason: r.reason, revision: Number(r.revision), authorName: r.author_name, createdAt: toNumber(r.created_at) }));
}

// ——— cross-checks X1–X4 ——————————————————————————————————————————————————————————————————

export interface ProjectCrossChecks {
  /** The unit's report as the viewer sees it, or null (none yet, or a draft the bureau cannot see). */
  report: { id: string; status: ProjectStatus; projects: ReportDocument["projects"]; expenditureTotal: string | null } | null;
  /** Flags for the report's fields (projects.recurring.count …); info ones are for the bureau only. */
  reportFlags: Flag[];
  /** Flags per form the viewer sees, by form id. */
  forms: Record<string, Flag[]>;
  /** Forms the viewer sees, and the unit's forms still drafts (the check waits for them). */
  formCount: number;
  drafts: number;
}

/**
 * X1–X4 for a unit-year, as the viewer may see them: crossCheckProjects on the unit's report
 * (staff: their draft; the bureau: the submitted revision) and the unit's forms with their
 * statuses. Drafts take part as drafts — the check waits while one exists and says how many,
 * nothing of their content — and the bureau reads a returned form as it was last submitted.
 * Null when the viewer may not see the unit.
 */
export async function crossChecksFor(db: Kysely<Database>, viewer: Viewer, unitId: string, year: number): Promise<ProjectCrossChecks | null> {
  const unit = await findVisibleUnit(db, viewer, unitId);
  if (!unit) return null;
  const scope = scopeOf(viewer);
  const staff = decide(viewer, "report.edit", { countyId: unit.countyId, unitId: unit.id }) !== "denied";
  const reportRow = await db.selectFrom("reports").select("id").where("unit_id", "=", unitId).where("year", "=", year).where(reportsInScope(scope)).executeTakeFirst();
  const report = reportRow ? await findVisibleReport(db, scope, reportRow.id) : null;
  const reportDocument = report ? await documentForViewer(db, viewer, report) : null;
  const stored = await loadStoredProjects(db, { unitId, year });
  const lastSubmitted = staff ? new Map<string, ProjectEvaluation>() : await latestRevisions(db, stored.filter((p) => p.status === "returned").map((p) => p.id));
  const forms = stored.map((p) => ({ evaluation: lastSubmitted.get(p.id) ?? p.document, status: p.status }));
  const visible = stored.filter((p) => can(viewer, "report.view", p));
  const checked = reportDocument ? crossCheckProjects(reportDocument, forms) : { report: [], forms: stored.map(() => []) };
  return {
    report: report && reportDocument
      ? { id: report.id, status: report.status, projects: reportDocument.projects, expenditureTotal: reportDocument.expenditure.total }
      : null,
    reportFlags: staff ? flagsForStaff(checked.report) : checked.report,
    forms: Object.fromEntries(visible.map((p) => [p.id, checked.forms[stored.indexOf(p)]])),
    formCount: visible.length,
    drafts: stored.filter((p) => p.status === "draft").length,
  };
}

async function latestRevisions(db: Executor, projectIds: string[]): Promise<Map<string, ProjectEvaluation>> {
  const latest = new Map<string, ProjectEvaluation>();
  if (!projectIds.length) return latest;
  const rows = await db.selectFrom("project_revisions").select(["project_id", "number", "document"]).where("project_id", "in", projectIds).orderBy("number").execute();
  for (const r of rows) latest.set(r.project_id, fromJson<ProjectEvaluation>(r.document, emptyProjectEvaluation()));
  return latest;
}

// ——— the page's view ——————————————————————————————————————————————————————————————————

export type ProjectPerspective = "staff" | "reviewer" | "reader";

/** As the report page decides it (reportView.server.ts perspectiveOf), from the same rules. */
export function projectPerspectiveOf(viewer: Viewer, project: Pick<ProjectRecord, "countyId" | "unitId" | "status">): ProjectPerspective {
  if (decide(viewer, "report.edit", project) !== "denied") return "staff";
  if (decide(viewer, "report.review", project) !== "denied") return "reviewer";
  return "reader";
}

/**
 * Everything the form's page shows for one viewer: staff their working form with its flags
 * (no info ones) and explanations; the bureau the form as last submitted, with what changed
 * since the submission before; the review decisions; the cross-check flags for this form.
 */
export async function loadProjectView(db: Kysely<Database>, viewer: Viewer, project: InScope<ProjectRecord>) {
  const perspective = projectPerspectiveOf(viewer, project);
  const [revisions, reviews, cross] = await Promise.all([
    listProjectRevisions(db, project.id), listProjectReviews(db, project.id), crossChecksFor(db, viewer, project.unitId, project.year),
  ]);
  const latest = revisions.at(-1) ?? null;
  const previous = revisions.length >= 2 ? revisions[revisions.length - 2] : null;
  const showWorking = perspective === "staff" || !latest;
  const explanations = showWorking ? project.explanations : latest.explanations;
  const ownFlags = (showWorking ? project.flags : latest.flags).map((f) => ({ ...f, explanation: explanations[explanationKey(f)] ?? null }));
  const crossFlags = cross?.forms[project.id] ?? [];
  const lastReturn = [...reviews].reverse().find((r) => r.action === "return");
  return {
    perspective,
    editable: can(viewer, "report.edit", project),
    document: showWorking ? project.document : latest.document,
    explanations,
    flags: perspective === "staff" ? flagsForStaff(ownFlags) : ownFlags,
    crossFlags: perspective === "staff" ? flagsForStaff(crossFlags) : crossFlags,
    transitions: (perspective === "staff" ? allowedTransitions(project.status, "staff") : perspective === "reviewer" ? allowedTransitions(project.status, "reviewer") : []) as Transition[],
    revisions: revisions.map((r) => ({ number: r.number, submittedAt: r.submittedAt, submittedByName: r.submittedByName, sourceFileName: r.sourceFileName })),
    changes: latest && previous ? diffDocuments(previous.document, latest.document) : [],
    comparedRevisions: latest && previous ? { from: previous.number, to: latest.number } : null,
    reviews,
    returnReason: project.status === "returned" && lastReturn ? lastReturn : null,
    deletable: project.status === "draft" && project.currentRevision === 0 && can(viewer, "report.edit", project),
  };
}

/**
 * The unit's project list for a year (the latest the county has opened by default): its forms
 * as the viewer sees them with their cross-check flag counts, what they add up to per kind
 * beside the report's 项目情况, the report-side flags, and what the viewer may do here.
 */
export async function loadUnitProjectsView(db: Kysely<Database>, viewer: Viewer, unit: InScope<ProjectUnit>, requestedYear: number | null) {
  const scope = scopeOf(viewer);
  const [campaigns, withForms] = await Promise.all([campaignYears(db, [unit.countyId]), projectYears(db, scope, unit.id)]);
  const year = requestedYear ?? campaigns[0] ?? withForms[0] ?? new Date().getFullYear() - 1;
  const [projects, cross] = await Promise.all([listUnitProjects(db, scope, unit.id, year), crossChecksFor(db, viewer, unit.id, year)]);
  const staff = decide(viewer, "report.edit", { countyId: unit.countyId, unitId: unit.id }) !== "denied";
  const open = campaigns.includes(year);
  const draft = { countyId: unit.countyId, unitId: unit.id, status: "draft" as const };
  const crossOf = (id: string) => {
    const flags = cross?.forms[id] ?? [];
    return (staff ? flagsForStaff(flags) : flags).length;
  };
  return {
    year,
    years: [...new Set([...campaigns, ...withForms, year])].sort((a, b) => b - a),
    perspective: staff ? ("staff" as const) : ("bureau" as const),
    campaignOpen: open,
    rights: { create: open && can(viewer, "report.edit", draft), import: open && can(viewer, "report.import", draft) },
    projects: projects.map((p) => ({ ...p, crossFlags: crossOf(p.id) })),
    totals: totalsByKind(projects),
    cross: cross ? { report: cross.report, flags: cross.reportFlags, drafts: cross.drafts } : null,
  };
}

// ——— the write path ——————————————————————————————————————————————————————————————————

const big = (v: bigint | null) => (v == null ? null : v.toString());

function rowColumns(state: Partial<ProjectRowState>) {
  const row: Record<string, unknown> = {};
  if (state.status !== undefined) row.status = state.status;
  if (state.version !== undefined) row.version = state.version;
  if (state.document !== undefined) row.document = toJson(state.document);
  if (state.explanations !== undefined) row.explanations = toJson(state.explanations);
  if (state.currentRevision !== undefined) row.current_revision = state.currentRevision;
  if (state.source !== undefined) row.source = state.source;
  if (state.sourceFileName !== undefined) row.source_file_name = state.sourceFileName?.slice(0, 255) ?? null;
  if (state.isDemo !== undefined) row.is_demo = state.isDemo ? 1 : 0;
  if (state.createdAt !== undefined) row.created_at = state.createdAt;
  if (state.createdBy !== undefined) row.created_by = state.createdBy;
  if (state.updatedAt !== undefined) row.updated_at = state.updatedAt;
  if (state.updatedBy !== undefined) row.updated_by = state.updatedBy;
  if (state.submittedAt !== undefined) row.submitted_at = state.submittedAt;
  return row;
}

/** The row's derived columns: what lists and cross-checks read instead of the document. */
export function derivedColumns(d: ProjectDerived) {
  return {
    project_code: d.projectCode, project_name: d.projectName.slice(0, 200), kind: d.kind, flags: toJson(projectFlagsOnly(d.flags)),
    errors: d.errors, warnings: d.warnings, infos: d.infos, unexplained_warnings: d.unexplainedWarnings, total_score: d.totalScore,
    adjusted_budget_fen: big(d.adjustedBudgetFen), executed_fen: big(d.executedFen),
  };
}

/**
 * Writes a plan in the caller's transaction (which holds the county's lock). False when the
 * guarded update or delete found the form changed (another version or status): nothing written.
 */
export async function persistProjectPlan(trx: Transaction<Database>, plan: ProjectPlan): Promise<boolean> {
  const { subject, write } = plan;
  if (write.kind === "insert") {
    await trx.insertInto("project_evaluations").values({
      id: subject.id, county_id: subject.countyId, unit_id: subject.unitId, year: subject.year,
      ...rowColumns(write.row), ...derivedColumns(plan.derived!),
    } as never).execute();
  } else if (write.kind === "update") {
    const result = await trx
      .updateTable("project_evaluations")
      .set({ ...rowColumns(write.set), ...(plan.derived ? derivedColumns(plan.derived) : {}) })
      .where("id", "=", subject.id)
      .where("version", "=", write.expectedVersion)
      .where("status", "in", write.expectedStatuses)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
  } else {
    const result = await trx
      .deleteFrom("project_evaluations")
      .where("id", "=", subject.id)
      .where("version", "=", write.expectedVersion)
      .where("status", "in", write.expectedStatuses)
      .where("current_revision", "=", 0)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) return false;
  }
  await insertMany(trx, "project_revisions", plan.revisions.map((r) => ({
    id: r.id, project_id: subject.id, number: r.number, document: toJson(r.document), flags: toJson(r.flags), explanations: toJson(r.explanations),
    source_file_name: r.sourceFileName?.slice(0, 255) ?? null, submitted_by: r.submittedBy, submitted_by_name: r.submittedByName?.slice(0, 100) ?? null, submitted_at: r.submittedAt,
  })));
  await insertMany(trx, "project_reviews", plan.reviews.map((r) => ({
    id: r.id, project_id: subject.id, revision: r.revision, action: r.action, reason: r.reason, author_id: r.authorId,
    author_name: r.authorName.slice(0, 100), created_at: r.createdAt,
  })));
  await appendAuditEvents(trx, plan.audit);
  return true;
}

/** Forms as the planner sees them, by id or by unit-year; `lock`: FOR UPDATE on MySQL. */
export async function loadStoredProjects(db: Executor, where: { id: string } | { unitId: string; year: number }, lock = false): Promise<StoredProject[]> {
  let query = db
    .selectFrom("project_evaluations")
    .innerJoin("units", "units.id", "project_evaluations.unit_id")
    .select([
      "project_evaluations.id", "project_evaluations.county_id", "project_evaluations.unit_id", "project_evaluations.year", "project_evaluations.status",
      "project_evaluations.version", "project_evaluations.document", "project_evaluations.explanations", "project_evaluations.current_revision",
      "project_evaluations.source", "project_evaluations.source_file_name", "project_evaluations.submitted_at", "units.name as unit_name",
    ]);
  query = "id" in where
    ? query.where("project_evaluations.id", "=", where.id)
    : query.where("project_evaluations.unit_id", "=", where.unitId).where("project_evaluations.year", "=", where.year);
  const rows = await (lock ? forUpdate(db, query) : query).orderBy("project_evaluations.id").execute();
  return rows.map((r) => ({
    id: r.id, countyId: r.county_id, unitId: r.unit_id, unitName: r.unit_name, year: Number(r.year), status: r.status as ProjectStatus,
    version: Number(r.version), document: fromJson<ProjectEvaluation>(r.document, emptyProjectEvaluation()),
    explanations: fromJson<Explanations>(r.explanations, {}), currentRevision: Number(r.current_revision), source: r.source,
    sourceFileName: r.source_file_name, submittedAt: r.submitted_at == null ? null : toNumber(r.submitted_at),
  }));
}

const env = () => ({ newId, now: now() });
const planActor = (actor: Actor): PlanActor => ({ userId: actor.userId, name: actor.name, address: actor.address ?? null });

/**
 * A change to one unit-year's forms: in a transaction holding the county's lock, with the
 * unit-year's stored forms (locked) and the campaign's rule settings.
 */
function underCountyLock<T>(
  db: Kysely<Database>,
  target: { countyId: string; unitId: string; year: number },
  change: (trx: Transaction<Database>, stored: StoredProject[], settings: Awaited<ReturnType<typeof campaignSettings>>["settings"]) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await lockCounty(trx, target.countyId);
    const stored = await loadStoredProjects(trx, { unitId: target.unitId, year: target.year }, true);
    const { settings } = await campaignSettings(trx, target.countyId, target.year);
    return change(trx, stored, settings);
  });
}

const siblingsOf = (stored: StoredProject[]) => stored.map((s) => ({ id: s.id, code: s.document.project.code }));

export type CreateOutcome = { ok: true; id: string } | { ok: false; status: 400 | 404; message: string; errors?: Record<string, string> };

/**
 * A new draft form for the unit-year, added by hand: the unit's staff only (the rule for
 * editing a draft), in a year the county has opened.
 */
export async function createProject(
  db: Kysely<Database>,
  viewer: Viewer,
  unit: InScope<ProjectUnit>,
  year: number,
  input: { name: string; code: string | null; kind: ProjectKind | null },
  actor: Actor,
): Promise<CreateOutcome> {
  if (!can(viewer, "report.edit", { countyId: unit.countyId, unitId: unit.id, status: "draft" })) return { ok: false, status: 404, message: "未找到该单位" };
  if (!(await campaignOpen(db, unit.countyId, year))) return { ok: false, status: 400, message: `${unit.countyName}尚未开放${year}年度的填报` };
  const document: ProjectEvaluation = { ...emptyProjectEvaluation(), project: { code: input.code, name: input.name, kind: input.kind } };
  const subject: ProjectSubject = { id: newId(), countyId: unit.countyId, unitId: unit.id, unitName: unit.name, year };
  return underCountyLock(db, { countyId: unit.countyId, unitId: unit.id, year }, async (trx, stored, settings) => {
    const planned = planNewProject(subject, { document, source: "form" }, { settings, siblings: siblingsOf(stored) }, planActor(actor), env());
    if (!planned.ok) return { ok: false as const, status: 400 as const, message: planned.invalid, errors: planned.errors };
    await persistProjectPlan(trx, planned.plan);
    return { ok: true as const, id: subject.id };
  });
}

export type ProjectSaveOutcome =
  | { ok: true; version: number; flags: Flag[] }
  | { ok: false; conflict: { status: ProjectStatus; version: number } }
  | { ok: false; invalid: string; errors: Record<string, string> };

/** Saves the form over `expectedVersion`; a form changed meanwhile or no longer editable gets its current state back. */
export async function saveProject(
  db: Kysely<Database>,
  project: InScope<ProjectRecord>,
  input: { expectedVersion: number; document: unknown; explanations: Explanations },
  actor: Actor,
): Promise<ProjectSaveOutcome> {
  return underCountyLock(db, project, async (trx, stored, settings) => {
    const self = stored.find((s) => s.id === project.id);
    if (!self) return { ok: false as const, conflict: { status: project.status, version: -1 } };
    const planned = planProjectSave(self, { ...input, source: "form" }, { settings, siblings: siblingsOf(stored) }, planActor(actor), env());
    if (!planned.ok) return planned;
    if (!(await persistProjectPlan(trx, planned.plan))) return { ok: false as const, conflict: { status: self.status, version: self.version } };
    return { ok: true as const, version: input.expectedVersion + 1, flags: projectFlagsOnly(planned.plan.derived!.flags) };
  });
}

export type ProjectTransitionOutcome =
  | { ok: true; status: ProjectStatus; version: number; revision: number }
  | { ok: false; message: string; conflict?: { status: ProjectStatus; version: number } };

/** Applies a workflow transition over `expectedVersion` (projectPlan.ts planProjectTransition). */
export async function transitionProject(
  db: Kysely<Database>,
  project: InScope<ProjectRecord>,
  input: { transition: Transition; expectedVersion: number; reason?: string | null; role: "staff" | "reviewer" },
  actor: Actor,
): Promise<ProjectTransitionOutcome> {
  return underCountyLock(db, project, async (trx, stored, settings) => {
    const self = stored.find((s) => s.id === project.id);
    if (!self) return { ok: false as const, message: "该项目自评表已被删除" };
    const planned = planProjectTransition(self, input, { settings }, planActor(actor), env());
    if (!planned.ok) return planned;
    if (!(await persistProjectPlan(trx, planned.plan))) return { ok: false as const, message: "该项目自评表已被他人修改", conflict: { status: self.status, version: self.version } };
    return { ok: true as const, status: planned.status, version: planned.version, revision: planned.revision };
  });
}

/** Removes a draft never submitted. */
export async function deleteProject(db: Kysely<Database>, project: InScope<ProjectRecord>, input: { expectedVersion: number }, actor: Actor) {
  return underCountyLock(db, project, async (trx, stored) => {
    const self = stored.find((s) => s.id === project.id);
    if (!self) return { ok: false as const, message: "该项目自评表已被删除" };
    const planned = planProjectDelete(self, input, planActor(actor));
    if (!planned.ok) return planned;
    if (!(await persistProjectPlan(trx, planned.plan))) return { ok: false as const, message: "该项目自评表已被他人修改" };
    return { ok: true as const };
  });
}

// ——— import ————————————————————————————————————————————————————————————————————————————

export type ProjectUploadRead =
  | { ok: true; fileName: string | null; forms: ProjectFormImport[]; lines: string[] }
  | { ok: false; field: "file" | "text"; error: string };

/**
 * An uploaded file (.docx/.xlsx/.txt/.pdf/.html) or pasted text holding one or several project
 * forms, read in a convert worker (decision 0006). Refused when no form is found in it.
 */
export async function readProjectUpload(form: FormData): Promise<ProjectUploadRead> {
  const uploaded = await uploadedBytes(form);
  if (!uploaded) return { ok: false, field: "text", error: "请选择要导入的文件或粘贴项目自评表文本" };
  return readProjectBytes(uploaded.fileName, uploaded.bytes);
}

/** The same for bytes in hand (a test, the intake). */
export async function readProjectBytes(fileName: string | null, bytes: Uint8Array): Promise<ProjectUploadRead> {
  const field = fileName ? "file" : "text";
  const read = await readReportUntrusted(fileName ?? "粘贴的文本.txt", bytes);
  if (!read.ok) return { ok: false, field, error: read.error };
  if (!read.projects?.length) return { ok: false, field, error: "未在其中找到项目支出绩效自评表（应含“项目支出绩效自评表”标题、项目名称和绩效指标）" };
  return { ok: true, fileName, forms: read.projects, lines: read.text.split(/\r\n|\r|\n/) };
}

/** What became of each accepted form, in the order given. */
export interface ImportedForm {
  index: number;
  outcome: ImportOutcome["outcome"];
  projectId: string | null;
  name: string;
  /** Why a form was skipped. */
  message?: string;
}

export type ImportResult = { ok: true; outcomes: ImportedForm[] } | { ok: false; status: 400 | 404; message: string };

/**
 * Several forms (accepted from a preview) into the unit-year: each matched to a stored form by
 * project code, else created as a draft, all in one transaction under the county's lock. The
 * unit's staff only (the import rule, for a draft).
 */
export async function importProjects(
  db: Kysely<Database>,
  viewer: Viewer,
  unit: InScope<ProjectUnit>,
  year: number,
  input: { forms: unknown[]; fileName: string | null },
  actor: Actor,
): Promise<ImportResult> {
  if (!can(viewer, "report.import", { countyId: unit.countyId, unitId: unit.id, status: "draft" })) return { ok: false, status: 404, message: "未找到该单位" };
  if (!(await campaignOpen(db, unit.countyId, year))) return { ok: false, status: 400, message: `${unit.countyName}尚未开放${year}年度的填报` };
  if (!input.forms.length) return { ok: false, status: 400, message: "请至少选择一份项目自评表" };
  return underCountyLock(db, { countyId: unit.countyId, unitId: unit.id, year }, async (trx, stored, settings) => {
    const outcomes = planProjectImport(stored, input.forms, {
      sourceFileName: input.fileName, settings,
      newSubject: () => ({ id: newId(), countyId: unit.countyId, unitId: unit.id, unitName: unit.name, year }),
    }, planActor(actor), env());
    for (const o of outcomes) if (o.outcome !== "skipped" && !(await persistProjectPlan(trx, o.plan))) throw new Error("project changed under the county lock");
    return {
      ok: true as const,
      outcomes: outcomes.map((o): ImportedForm => (o.outcome === "skipped"
        ? { index: o.index, outcome: o.outcome, projectId: o.projectId, name: o.name, message: o.message }
        : { index: o.index, outcome: o.outcome, projectId: o.projectId, name: o.name })),
    };
  });
}

/**
 * Recomputes the flags and figures of a county-year's forms with its current settings, in the
 * caller's transaction, which holds the county's lock: for a change of the campaign's rule
 * settings (campaigns.server.ts updateCampaign), as recomputeReports does for reports.
 */
export async function recomputeProjects(trx: Transaction<Database>, countyId: string, year: number): Promise<number> {
  const { settings } = await campaignSettings(trx, countyId, year);
  const ids = await trx.selectFrom("project_evaluations").select("id").where("county_id", "=", countyId).where("year", "=", year).orderBy("id").execute();
  let n = 0;
  for (const { id } of ids) {
    const [stored] = await loadStoredProjects(trx, { id }, true);
    if (stored && (await persistProjectPlan(trx, planProjectRecompute(stored, { settings })))) n++;
  }
  return n;
}

/** What became of each received form. */
export type ReceivedProject = { index: number; name: string; projectId: string } | { index: number; name: string; projectId: null; message: string };

/**
 * Forms the bureau received in a file (批量接收), stored for their unit-year as submitted
 * forms (planIncomingProject), in the caller's transaction, which holds the county's lock
 * (as insertReport for a received report). The caller has matched the unit within a county the
 * viewer may receive for (`can(viewer, "intake.receive", { countyId })`) and checked the year.
 * A form whose code the unit-year already has, or that breaks the schema, is refused with the reason.
 */
export async function receiveProjectForms(
  trx: Transaction<Database>,
  input: { countyId: string; unit: { id: string; name: string }; year: number; forms: unknown[]; fileName: string | null },
  actor: Actor,
): Promise<ReceivedProject[]> {
  const stored = await loadStoredProjects(trx, { unitId: input.unit.id, year: input.year }, true);
  const { settings } = await campaignSettings(trx, input.countyId, input.year);
  const siblings = siblingsOf(stored);
  const outcomes: ReceivedProject[] = [];
  for (const [index, form] of input.forms.entries()) {
    const subject: ProjectSubject = { id: newId(), countyId: input.countyId, unitId: input.unit.id, unitName: input.unit.name, year: input.year };
    const planned = planIncomingProject(subject, { document: form, sourceFileName: input.fileName }, { settings, siblings }, planActor(actor), env());
    const name = (form as ProjectEvaluation | null)?.project?.name ?? "";
    if (!planned.ok) {
      outcomes.push({ index, name, projectId: null, message: planned.invalid });
      continue;
    }
    await persistProjectPlan(trx, planned.plan);
    siblings.push({ id: subject.id, code: planned.plan.derived!.projectCode });
    outcomes.push({ index, name: planned.plan.derived!.projectName, projectId: subject.id });
  }
  return outcomes;
}

/** One form found in a file, as the preview lists it. */
export interface ImportPreviewItem {
  index: number;
  evaluation: ProjectEvaluation;
  /** Paths a complete form has and this one lacks. */
  missing: string[];
  /** Input line of the project's name, when known. */
  nameLine: number | null;
  /** The 实施单位 as written differs from the unit importing it. */
  unitMismatch: boolean;
  /** The form's year differs from the year chosen: it cannot be accepted. */
  yearMismatch: boolean;
  /** What accepting it would do, from a dry run of the import's own planner. */
  outcome: ImportOutcome["outcome"];
  projectId: string | null;
  message: string | null;
  errors: number;
  warnings: number;
}

const squash = (name: string) => name.replace(/[\s\u3000（）()]/g, "");

/**
 * What importing these forms into the unit-year would do, without writing: the import's
 * planner run on the stored forms (so the preview says "new", "replaces the draft" or "skipped,
 * already submitted" exactly as the import will), with each form's flag counts.
 */
export async function previewProjectImport(db: Kysely<Database>, unit: InScope<ProjectUnit>, year: number, imported: ProjectFormImport[], fileName: string | null): Promise<ImportPreviewItem[]> {
  const [stored, { settings }] = await Promise.all([loadStoredProjects(db, { unitId: unit.id, year }), campaignSettings(db, unit.countyId, year)]);
  let k = 0;
  const outcomes = planProjectImport(stored, imported.map((f) => f.evaluation), {
    sourceFileName: fileName, settings, newSubject: () => ({ id: `preview-${k++}`, countyId: unit.countyId, unitId: unit.id, unitName: unit.name, year }),
  }, { userId: null, name: "预览" }, { newId: () => `preview-${k++}`, now: 0 });
  return imported.map((form, index) => {
    const o = outcomes[index];
    const written = squash(form.evaluation.unit.name);
    const derived = o.outcome === "skipped" ? null : o.plan.derived;
    return {
      index, evaluation: form.evaluation, missing: form.missing, nameLine: form.sources["project.name"]?.line ?? null,
      unitMismatch: written !== "" && !written.includes(squash(unit.name)) && !squash(unit.name).includes(written),
      yearMismatch: form.evaluation.year != null && form.evaluation.year !== year,
      outcome: o.outcome, projectId: o.outcome === "created" ? null : o.projectId, message: o.outcome === "skipped" ? o.message : null,
      errors: derived?.errors ?? 0, warnings: derived?.warnings ?? 0,
    };
  });
}
