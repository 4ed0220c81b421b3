/**
 * The one write path for reports, as pure functions. Every change to a report — creating it,
 * saving its draft, each workflow transition, receiving a whole report (intake, demo, the
 * data generator), recomputing it after its county-year changed — is planned here: the
 * planner takes the report's current state, the change and the county-year's context, and
 * returns every record to write (the report row, new revisions and comments, the derived
 * flags, metrics and class amounts) and the audit events. The model layer persists a plan
 * in one transaction (reportWrites.server.ts); nothing else builds report rows. See
 * docs/decisions/0012-one-write-path-and-one-permission-check.md.
 */
import { computeMetrics, explanationKey, triage, type ReportMetrics } from "./metrics";
import { dec } from "./money";
import { validateReport, type Flag, type ReportDocument } from "./report";
import { checkReport, executionRateOf, type RuleContext, type RuleSettings } from "./rules";
import { MIN_COUNTY_PEERS } from "./rules/crossReport";
import { isLate, isSubmitted } from "./submission";
import { REPORT_STATUSES } from "./vocabulary";
import { decideTransition, isEditable, type ReportStatus, type Transition } from "./workflow";

export type Explanations = Record<string, string>;

// ——— the county-year context ————————————————————————————————————————————————————————

/** A counted report's figures, as the cross-report rules compare them. */
export interface Peer {
  reportId: string;
  /** A fraction (0.985), as report_metrics stores it. */
  executionRate: number | null;
  selfScore: number | null;
}

/**
 * Everything about a county-year that a report's derived rows depend on beyond the report
 * itself: its campaign's settings and deadline, the counted reports' figures (COUNTY_OUTLIER)
 * and last year's counted self scores by unit (SCORE_JUMP).
 */
export interface CountyYearContext {
  settings: RuleSettings;
  deadline: number | null;
  peers: Peer[];
  previousScores: Map<string, string>;
}

const EDITABLE_STATUSES = REPORT_STATUSES.filter(isEditable);

/** The figures a counted report contributes to its county-year's peers (as its metrics row holds them). */
export function peerOf(reportId: string, document: ReportDocument): Peer {
  return { reportId, executionRate: executionRateOf(document)?.toNumber() ?? null, selfScore: dec(document.selfScore)?.toNumber() ?? null };
}

/** The rule context of one report: its county-year without the report itself. */
export function ruleContextFor(ctx: CountyYearContext, report: { id: string; unitId: string }): RuleContext {
  const others = ctx.peers.filter((p) => p.reportId !== report.id);
  const executionRates = others.map((p) => p.executionRate).filter((v): v is number => v != null).map((v) => v * 100);
  const selfScores = others.map((p) => p.selfScore).filter((v): v is number => v != null);
  return {
    settings: ctx.settings,
    previousSelfScore: ctx.previousScores.get(report.unitId) ?? null,
    county: executionRates.length >= MIN_COUNTY_PEERS ? { executionRates, selfScores } : undefined,
  };
}

// ——— records to write ———————————————————————————————————————————————————————————————

/** Who a report is: fixed for its lifetime. */
export interface ReportSubject {
  id: string;
  countyId: string;
  unitId: string;
  unitName: string;
  unitKind: string;
  year: number;
}

export interface Author {
  userId: string | null;
  name: string | null;
}

/** An audit event of a report's change (the chain itself is the model's: audit.server.ts). */
export interface AuditRecord {
  actorUserId: string | null;
  actorName: string | null;
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  countyId?: string | null;
  fromState?: string | null;
  toState?: string | null;
  detail?: Record<string, unknown> | null;
  address?: string | null;
  /** Event time (a history written after the fact); the persisting transaction's clock when absent. */
  at?: number;
  id?: string;
}

/** The mutable columns of a report row. */
export interface ReportRowState {
  status: ReportStatus;
  version: number;
  document: ReportDocument;
  explanations: Explanations;
  currentRevision: number;
  source: string;
  isDemo: boolean;
  updatedAt: number;
  updatedBy: string | null;
  createdAt: number;
}

export interface RevisionRecord {
  id: string;
  number: number;
  document: ReportDocument;
  flags: Flag[];
  explanations: Explanations;
  sourceFileName: string | null;
  submittedBy: string | null;
  submittedByName: string | null;
  submittedAt: number;
}

export interface CommentRecord {
  id: string;
  revision: number;
  kind: string;
  path: string | null;
  replyTo: string | null;
  authorId: string | null;
  authorName: string | null;
  authorSide: string;
  body: string;
  resolved: boolean;
  createdAt: number;
}

/** The read model of one report: what the queue, the dashboards and the rules' peers read. */
export interface DerivedRecords {
  flags: Array<Flag & { explanation: string | null }>;
  metrics: ReportMetrics;
  status: ReportStatus;
  triageScore: number;
  submittedAt: number | null;
  late: boolean;
  updatedAt: number;
}

export type ReportWrite =
  | { kind: "insert"; row: ReportRowState }
  /** Applied only if the stored row still has `expectedVersion` and one of `expectedStatuses`. */
  | { kind: "update"; expectedVersion: number; expectedStatuses: ReportStatus[]; set: Partial<ReportRowState> }
  /** The report row stays as it is (a recompute). */
  | { kind: "none" };

export interface ReportPlan {
  subject: ReportSubject;
  write: ReportWrite;
  revisions: RevisionRecord[];
  comments: CommentRecord[];
  derived: DerivedRecords;
  audit: AuditRecord[];
  /**
   * The report entered or left the county's counted set (or may have changed its figures in
   * it): the other reports' cross-report flags must be recomputed.
   */
  affectsPeers: boolean;
}

/** Ids and the clock come from the caller, so a plan is a pure function of its inputs. */
export interface PlanEnv {
  newId: () => string;
  now: number;
}

/** The document failed the schema or its limits: nothing may be written. */
export interface InvalidDocument {
  ok: false;
  invalid: string;
  errors: Record<string, string>;
}

// ——— derivation ——————————————————————————————————————————————————————————————————————

type DerivedState = { status: ReportStatus; document: ReportDocument; explanations: Explanations; submittedAt: number | null };

/** Flags, metrics and the triage score of a report in a state. */
export function derive(subject: ReportSubject, state: DerivedState, ctx: CountyYearContext, at: number): DerivedRecords {
  return deriveFromFlags(checkReport(state.document, ruleContextFor(ctx, subject)), state, ctx, at);
}

/** The same, for flags already computed (a whole history planned at once checks each document once). */
function deriveFromFlags(flags: Flag[], state: DerivedState, ctx: CountyYearContext, at: number): DerivedRecords {
  const metrics = computeMetrics(state.document, flags, state.explanations);
  return {
    flags: flags.map((f) => ({ ...f, explanation: state.explanations[explanationKey(f)] ?? null })),
    metrics,
    status: state.status,
    triageScore: triage(metrics, ctx.settings.deviationPct).score,
    submittedAt: state.submittedAt,
    late: isLate(state.submittedAt, ctx.deadline),
    updatedAt: at,
  };
}

/** Explanations as stored: trimmed, bounded, empty ones dropped. */
export function cleanExplanations(explanations: Explanations): Explanations {
  const clean: Explanations = {};
  for (const [key, value] of Object.entries(explanations)) {
    const text = String(value ?? "").trim().slice(0, 5000);
    if (text && key.length <= 260) clean[key] = text;
  }
  return clean;
}

/** Flags as a rule states them, without the unit's explanations (a revision's, a save's answer). */
export const withoutExplanations = (flags: DerivedRecords["flags"]): Flag[] => flags.map(({ explanation: _explanation, ...flag }) => flag);

// ——— the current state of a stored report ———————————————————————————————————————————

export interface StoredReport extends ReportSubject {
  status: ReportStatus;
  version: number;
  document: ReportDocument;
  explanations: Explanations;
  currentRevision: number;
  /** The last revision's submission time (a returned report keeps it while it is edited). */
  lastSubmittedAt: number | null;
}

// ——— the planners ——————————————————————————————————————————————————————————————————————

/** A report recomputed from its stored state: only its derived records change. */
export function planRecompute(report: StoredReport, ctx: CountyYearContext, env: PlanEnv): ReportPlan {
  return {
    subject: report,
    write: { kind: "none" },
    revisions: [],
    comments: [],
    derived: derive(report, { ...report, submittedAt: report.lastSubmittedAt }, ctx, env.now),
    audit: [],
    affectsPeers: false,
  };
}

/** A draft saved over `expectedVersion` (refused as invalid before anything is written). */
export function planSave(
  report: StoredReport,
  input: { expectedVersion: number; document: unknown; explanations: Explanations; source?: string },
  ctx: CountyYearContext,
  actor: Author & { address?: string | null },
  env: PlanEnv,
): { ok: true; plan: ReportPlan } | InvalidDocument {
  const checked = validateReport(input.document);
  if (!checked.ok) return { ok: false, invalid: checked.message, errors: checked.errors };
  const document = checked.document;
  const explanations = cleanExplanations(input.explanations);
  const version = input.expectedVersion + 1;
  const derived = derive(report, { status: report.status, document, explanations, submittedAt: report.lastSubmittedAt }, ctx, env.now);
  const explained = Object.keys(explanations).filter((k) => explanations[k] !== report.explanations[k]);
  return {
    ok: true,
    plan: {
      subject: report,
      write: {
        kind: "update", expectedVersion: input.expectedVersion, expectedStatuses: EDITABLE_STATUSES,
        set: { document, explanations, version, updatedAt: env.now, updatedBy: actor.userId, ...(input.source ? { source: input.source } : {}) },
      },
      revisions: [],
      comments: [],
      derived,
      audit: [{
        actorUserId: actor.userId, actorName: actor.name, action: "report.save", entityType: "report", entityId: report.id, countyId: report.countyId,
        fromState: report.status, toState: report.status,
        detail: { version, errors: derived.metrics.errors, warnings: derived.metrics.warnings, explanationsChanged: explained },
        address: actor.address ?? null,
      }],
      // A counted report cannot be saved; its figures in the county sample stay as they are.
      affectsPeers: false,
    },
  };
}

export type TransitionPlan =
  | { ok: true; plan: ReportPlan; status: ReportStatus; version: number; revision: number }
  | { ok: false; message: string; stale?: true };

/**
 * A workflow transition over `expectedVersion`. Submit freezes the draft as a new revision
 * with its flags and explanations; a reviewer's reason becomes a comment.
 */
export function planTransition(
  report: StoredReport,
  input: { transition: Transition; expectedVersion: number; reason?: string | null; role: "staff" | "reviewer"; sourceFileName?: string | null },
  ctx: CountyYearContext,
  actor: Author & { address?: string | null },
  env: PlanEnv,
): TransitionPlan {
  if (report.version !== input.expectedVersion) return { ok: false, message: "该报告已被他人修改", stale: true };
  // A submit freezes the draft as a revision: a draft stored before the limits existed
  // must be corrected first.
  if (input.transition === "submit") {
    const checked = validateReport(report.document);
    if (!checked.ok) return { ok: false, message: `${checked.message}，请修改后再提交` };
  }
  const before = derive(report, { ...report, submittedAt: report.lastSubmittedAt }, ctx, env.now);
  const decision = decideTransition({
    status: report.status, role: input.role, transition: input.transition, reason: input.reason,
    errorCount: before.metrics.errors, unexplainedWarningCount: before.metrics.unexplainedWarnings,
  });
  if (!decision.ok) return { ok: false, message: decision.message };

  const version = input.expectedVersion + 1;
  const submit = input.transition === "submit";
  const revision = submit ? report.currentRevision + 1 : report.currentRevision;
  const reason = input.reason?.trim() || null;
  const submittedAt = submit ? env.now : report.lastSubmittedAt;
  const derived = { ...before, status: decision.to, submittedAt, late: isLate(submittedAt, ctx.deadline) };
  return {
    ok: true, status: decision.to, version, revision,
    plan: {
      subject: report,
      write: {
        kind: "update", expectedVersion: input.expectedVersion, expectedStatuses: [report.status],
        set: { status: decision.to, version, updatedAt: env.now, updatedBy: actor.userId, currentRevision: revision },
      },
      revisions: submit
        ? [{
          id: env.newId(), number: revision, document: report.document, flags: withoutExplanations(before.flags), explanations: report.explanations,
          sourceFileName: input.sourceFileName ?? null, submittedBy: actor.userId, submittedByName: actor.name, submittedAt: env.now,
        }]
        : [],
      comments: reason && !submit
        ? [{
          id: env.newId(), revision, kind: input.transition, path: null, replyTo: null, authorId: actor.userId, authorName: actor.name,
          authorSide: "bureau", body: reason, resolved: false, createdAt: env.now,
        }]
        : [],
      derived,
      audit: [{
        actorUserId: actor.userId, actorName: actor.name, action: `report.${input.transition}`, entityType: "report", entityId: report.id,
        countyId: report.countyId, fromState: report.status, toState: decision.to, detail: { version, revision, reason }, address: actor.address ?? null,
      }],
      affectsPeers: isSubmitted(report.status) !== isSubmitted(decision.to),
    },
  };
}

/** Explanations given outright, or chosen after seeing the document's flags (the data generator). */
export type ExplanationsFor = Explanations | ((flags: Flag[]) => Explanations);

/**
 * A whole report arriving at once — an empty draft on a unit's first visit, a received file
 * (intake), the demo, the data generator's histories — with its revisions and comments, as
 * the step-by-step path would have left it. `documents` are checked (schema, limits) and
 * their flags computed once each; revisions and the draft refer to them by index.
 */
export interface NewReportInput {
  status: ReportStatus;
  version: number;
  source: string;
  isDemo?: boolean;
  createdAt: number;
  updatedAt: number;
  updatedBy: string | null;
  documents: unknown[];
  draft: { document: number; explanations: ExplanationsFor };
  revisions: Array<{ id: string; number: number; document: number; explanations: ExplanationsFor; sourceFileName: string | null; by: Author; submittedAt: number }>;
  comments: CommentRecord[];
  audit: AuditRecord[] | ((flagsByDocument: Flag[][]) => AuditRecord[]);
}

export function planNewReport(
  subject: ReportSubject,
  input: NewReportInput,
  ctx: CountyYearContext,
  env: PlanEnv,
): { ok: true; plan: ReportPlan; flagsByDocument: Flag[][] } | InvalidDocument {
  const documents: ReportDocument[] = [];
  for (const value of input.documents) {
    const checked = validateReport(value);
    if (!checked.ok) return { ok: false, invalid: checked.message, errors: checked.errors };
    documents.push(checked.document);
  }
  const ruleCtx = ruleContextFor(ctx, subject);
  const flagsByDocument = documents.map((d) => checkReport(d, ruleCtx));
  const explain = (given: ExplanationsFor, doc: number) => cleanExplanations(typeof given === "function" ? given(flagsByDocument[doc]) : given);
  const document = documents[input.draft.document];
  const explanations = explain(input.draft.explanations, input.draft.document);
  const revisions: RevisionRecord[] = input.revisions.map((r) => ({
    id: r.id, number: r.number, document: documents[r.document], flags: flagsByDocument[r.document], explanations: explain(r.explanations, r.document),
    sourceFileName: r.sourceFileName, submittedBy: r.by.userId, submittedByName: r.by.name, submittedAt: r.submittedAt,
  }));
  const submittedAt = revisions.at(-1)?.submittedAt ?? null;
  return {
    ok: true,
    flagsByDocument,
    plan: {
      subject,
      write: {
        kind: "insert",
        row: {
          status: input.status, version: input.version, document, explanations, currentRevision: revisions.at(-1)?.number ?? 0, source: input.source,
          isDemo: !!input.isDemo, updatedAt: input.updatedAt, updatedBy: input.updatedBy, createdAt: input.createdAt,
        },
      },
      revisions,
      comments: input.comments,
      derived: deriveFromFlags(flagsByDocument[input.draft.document], { status: input.status, document, explanations, submittedAt }, ctx, input.updatedAt),
      audit: typeof input.audit === "function" ? input.audit(flagsByDocument) : input.audit,
      affectsPeers: isSubmitted(input.status),
    },
  };
}

/** The received, demo or first-visit report in its simplest form: one document, at most one revision. */
export interface IncomingReportInput {
  document: unknown;
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

export function planIncomingReport(
  subject: ReportSubject,
  input: IncomingReportInput,
  ctx: CountyYearContext,
  actor: Author & { address?: string | null },
  env: PlanEnv,
) {
  const t = input.submittedAt ?? env.now;
  const submitted = input.status !== "draft";
  const note = input.reviewNote && (input.status === "returned" || input.status === "approved") ? input.reviewNote : null;
  return planNewReport(subject, {
    status: input.status, version: 1, source: input.source, isDemo: input.isDemo, createdAt: t, updatedAt: t, updatedBy: actor.userId,
    documents: [input.document],
    draft: { document: 0, explanations: input.explanations ?? {} },
    revisions: submitted ? [{ id: env.newId(), number: 1, document: 0, explanations: input.explanations ?? {}, sourceFileName: input.sourceFileName ?? null, by: actor, submittedAt: t }] : [],
    comments: note
      ? [{
        id: env.newId(), revision: 1, kind: input.status === "returned" ? "return" : "approve", path: null, replyTo: null, authorId: actor.userId,
        authorName: actor.name, authorSide: "bureau", body: note, resolved: false, createdAt: t,
      }]
      : [],
    audit: (flagsByDocument) => [{
      actorUserId: actor.userId, actorName: actor.name, action: input.source === "intake" ? "report.intake" : "report.create", entityType: "report", entityId: subject.id,
      countyId: subject.countyId, toState: input.status,
      detail: { year: subject.year, source: input.source, file: input.sourceFileName ?? null, errors: flagsByDocument[0].filter((f) => f.severity === "error").length },
      address: actor.address ?? null,
    }],
  }, ctx, env);
}
