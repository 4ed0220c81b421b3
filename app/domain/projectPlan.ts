/**
 * The one write path for project self-evaluations (项目支出绩效自评表), as pure functions —
 * the counterpart of reportPlan.ts for the second kind of document. Every change to a form
 * (creating it by hand or by import, saving it, each workflow transition, deleting a draft
 * never submitted) is planned here from the form's stored state: the planner validates the
 * document (validateProjectEvaluation), derives its flags (rules P1–P12) and the figures its
 * row carries, decides the transition with the report workflow's own rules
 * (workflow.ts decideTransition: the same statuses, roles and reasons) and returns every
 * record to write with its audit events. The model (projects.server.ts) persists a plan under
 * the county lock; nothing else builds project rows.
 *
 * The cross-checks X1–X4 are not part of a plan: they depend on the unit's report and all its
 * forms, and are computed when read (projects.server.ts crossChecksFor).
 */
import { explanationKey } from "./metrics";
import { canonical, dec, wanToFen } from "./money";
import { fundsTotal, validateProjectEvaluation, type ProjectEvaluation, type ProjectKind } from "./projectEvaluation";
import type { Flag } from "./report";
import { cleanExplanations, type AuditRecord, type Author, type Explanations, type InvalidDocument, type PlanEnv } from "./reportPlan";
import type { RuleSettings } from "./rules";
import { checkProjectEvaluation } from "./rules/project";
import { REPORT_STATUSES } from "./vocabulary";
import { decideTransition, isEditable, type ReportStatus, type Transition } from "./workflow";

/** A project form moves through the department report's workflow (workflow.ts). */
export type ProjectStatus = ReportStatus;

export const EDITABLE_PROJECT_STATUSES: ReportStatus[] = REPORT_STATUSES.filter(isEditable);

// ——— records ——————————————————————————————————————————————————————————————————————————

/** Whose form it is: fixed for its lifetime. */
export interface ProjectSubject {
  id: string;
  countyId: string;
  unitId: string;
  unitName: string;
  year: number;
}

/** A stored form as the planner sees it. */
export interface StoredProject extends ProjectSubject {
  status: ProjectStatus;
  version: number;
  document: ProjectEvaluation;
  explanations: Explanations;
  currentRevision: number;
  source: string;
  sourceFileName: string | null;
  /** The last submission's time (a returned form keeps it while it is edited). */
  submittedAt: number | null;
}

/** The mutable columns of a form's row (the derived ones come with `derived`). */
export interface ProjectRowState {
  status: ProjectStatus;
  version: number;
  document: ProjectEvaluation;
  explanations: Explanations;
  currentRevision: number;
  source: string;
  sourceFileName: string | null;
  isDemo: boolean;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  updatedBy: string | null;
  submittedAt: number | null;
}

/** What the row carries about its document: the flags and the figures lists and cross-checks read. */
export interface ProjectDerived {
  flags: Array<Flag & { explanation: string | null }>;
  projectCode: string | null;
  projectName: string;
  kind: ProjectKind | null;
  errors: number;
  warnings: number;
  infos: number;
  unexplainedWarnings: number;
  totalScore: number | null;
  adjustedBudgetFen: bigint | null;
  executedFen: bigint | null;
}

export interface ProjectRevisionRecord {
  id: string;
  number: number;
  document: ProjectEvaluation;
  flags: Flag[];
  explanations: Explanations;
  sourceFileName: string | null;
  submittedBy: string | null;
  submittedByName: string | null;
  submittedAt: number;
}

/** A reviewer's decision with its reason. */
export interface ProjectReviewRecord {
  id: string;
  revision: number;
  action: Exclude<Transition, "submit">;
  reason: string | null;
  authorId: string | null;
  authorName: string;
  createdAt: number;
}

export type ProjectWrite =
  | { kind: "insert"; row: ProjectRowState }
  /** Applied only if the stored row still has `expectedVersion` and one of `expectedStatuses`. */
  | { kind: "update"; expectedVersion: number; expectedStatuses: ProjectStatus[]; set: Partial<ProjectRowState> }
  /** A draft never submitted, removed with the same guard. */
  | { kind: "delete"; expectedVersion: number; expectedStatuses: ProjectStatus[] };

export interface ProjectPlan {
  subject: ProjectSubject;
  write: ProjectWrite;
  /** Null for a delete. */
  derived: ProjectDerived | null;
  revisions: ProjectRevisionRecord[];
  reviews: ProjectReviewRecord[];
  audit: AuditRecord[];
}

/** What a plan needs of the unit-year beyond the form: the campaign's settings, the unit's other forms. */
export interface ProjectContext {
  settings: RuleSettings;
  /** The unit-year's other forms (the form itself may be listed: it is skipped by id). */
  siblings: ReadonlyArray<{ id: string; code: string | null }>;
}

export type Actor = Author & { name: string; address?: string | null };

export type Conflict = { ok: false; conflict: { status: ProjectStatus; version: number } };

// ——— derivation ——————————————————————————————————————————————————————————————————————

const fenOf = (value: string | null | undefined): bigint | null => (dec(value) ? wanToFen(value!) : null);

/** The flags and figures of a form with its explanations, as its row stores them. */
export function deriveProject(document: ProjectEvaluation, explanations: Explanations, settings: RuleSettings): ProjectDerived {
  const flags = checkProjectEvaluation(document, { settings });
  const count = (p: (f: Flag) => boolean) => flags.filter(p).length;
  const total = fundsTotal(document);
  return {
    flags: flags.map((f) => ({ ...f, explanation: explanations[explanationKey(f)] ?? null })),
    projectCode: document.project.code,
    projectName: document.project.name,
    kind: document.project.kind,
    errors: count((f) => f.severity === "error"),
    warnings: count((f) => f.severity === "warning"),
    infos: count((f) => f.severity === "info"),
    unexplainedWarnings: count((f) => f.severity === "warning" && !explanations[explanationKey(f)]?.trim()),
    totalScore: dec(document.totalScore)?.toNumber() ?? null,
    adjustedBudgetFen: fenOf(total?.adjustedBudget),
    executedFen: fenOf(total?.executed),
  };
}

/** Flags as the rules state them, without the unit's explanations (a revision's, a save's answer). */
export const projectFlagsOnly = (flags: ProjectDerived["flags"]): Flag[] => flags.map(({ explanation: _explanation, ...flag }) => flag);

/**
 * The form as the unit's own: the unit and the year come from the record, never from the
 * file or the browser (the 实施单位 as written may name a sub-unit or be misspelt). Codes and
 * names are trimmed, and a blank code is no code.
 */
export function ownedDocument(document: ProjectEvaluation, subject: Pick<ProjectSubject, "unitName" | "year">): ProjectEvaluation {
  const code = document.project.code?.trim() || null;
  return {
    ...document,
    project: { ...document.project, code, name: document.project.name.trim() },
    unit: { ...document.unit, name: subject.unitName },
    year: subject.year,
  };
}

/** A form the unit can keep: it has a name, and its code (if any) is not another form's of the unit-year. */
function identityProblems(document: ProjectEvaluation, selfId: string, ctx: ProjectContext): InvalidDocument | null {
  const errors: Record<string, string> = {};
  if (!document.project.name) errors["project.name"] = "请填写项目名称";
  const code = document.project.code;
  if (code && ctx.siblings.some((s) => s.id !== selfId && s.code === code)) errors["project.code"] = `本单位该年度已有项目编码为“${code}”的自评表`;
  const [first] = Object.values(errors);
  return first ? { ok: false, invalid: first, errors } : null;
}

function validated(value: unknown, subject: Pick<ProjectSubject, "id" | "unitName" | "year">, ctx: ProjectContext): { ok: true; document: ProjectEvaluation } | InvalidDocument {
  const checked = validateProjectEvaluation(value);
  if (!checked.ok) return { ok: false, invalid: checked.message, errors: checked.errors };
  const document = ownedDocument(checked.evaluation, subject);
  return identityProblems(document, subject.id, ctx) ?? { ok: true, document };
}

const auditOf = (subject: ProjectSubject, actor: Actor, event: Pick<AuditRecord, "action" | "fromState" | "toState"> & { detail: Record<string, unknown> }): AuditRecord => ({
  actorUserId: actor.userId, actorName: actor.name, entityType: "project", entityId: subject.id, countyId: subject.countyId,
  address: actor.address ?? null, ...event, detail: { unitId: subject.unitId, year: subject.year, ...event.detail },
});

// ——— the planners ——————————————————————————————————————————————————————————————————————

export interface NewProjectInput {
  document: unknown;
  explanations?: Explanations;
  source: "form" | "import" | "intake" | "demo";
  sourceFileName?: string | null;
  isDemo?: boolean;
}

/** A new draft: added by hand (an empty form with a name), or one form of an imported file. */
export function planNewProject(subject: ProjectSubject, input: NewProjectInput, ctx: ProjectContext, actor: Actor, env: PlanEnv): { ok: true; plan: ProjectPlan } | InvalidDocument {
  const checked = validated(input.document, subject, ctx);
  if (!checked.ok) return checked;
  const explanations = cleanExplanations(input.explanations ?? {});
  const derived = deriveProject(checked.document, explanations, ctx.settings);
  return {
    ok: true,
    plan: {
      subject,
      write: {
        kind: "insert",
        row: {
          status: "draft", version: 1, document: checked.document, explanations, currentRevision: 0, source: input.source,
          sourceFileName: input.sourceFileName ?? null, isDemo: !!input.isDemo, createdAt: env.now, createdBy: actor.userId,
          updatedAt: env.now, updatedBy: actor.userId, submittedAt: null,
        },
      },
      derived,
      revisions: [],
      reviews: [],
      audit: [auditOf(subject, actor, {
        action: "project.create", fromState: null, toState: "draft",
        detail: { code: derived.projectCode, name: derived.projectName, source: input.source, file: input.sourceFileName ?? null, errors: derived.errors },
      })],
    },
  };
}

export interface ProjectSaveInput {
  expectedVersion: number;
  document: unknown;
  explanations: Explanations;
  /** "import": the save replaced the form with one read from a file. */
  source?: "form" | "import";
  sourceFileName?: string | null;
}

/** A draft (or returned form) saved over `expectedVersion`. */
export function planProjectSave(stored: StoredProject, input: ProjectSaveInput, ctx: ProjectContext, actor: Actor, env: PlanEnv): { ok: true; plan: ProjectPlan } | InvalidDocument | Conflict {
  if (stored.version !== input.expectedVersion || !isEditable(stored.status)) return { ok: false, conflict: { status: stored.status, version: stored.version } };
  const checked = validated(input.document, stored, ctx);
  if (!checked.ok) return checked;
  const explanations = cleanExplanations(input.explanations);
  const derived = deriveProject(checked.document, explanations, ctx.settings);
  const version = input.expectedVersion + 1;
  const explained = Object.keys(explanations).filter((k) => explanations[k] !== stored.explanations[k]);
  const fromFile = input.source === "import";
  return {
    ok: true,
    plan: {
      subject: stored,
      write: {
        kind: "update", expectedVersion: input.expectedVersion, expectedStatuses: EDITABLE_PROJECT_STATUSES,
        set: {
          document: checked.document, explanations, version, updatedAt: env.now, updatedBy: actor.userId,
          ...(fromFile ? { source: "import", sourceFileName: input.sourceFileName ?? null } : {}),
        },
      },
      derived,
      revisions: [],
      reviews: [],
      audit: [auditOf(stored, actor, {
        action: "project.save", fromState: stored.status, toState: stored.status,
        detail: {
          version, errors: derived.errors, warnings: derived.warnings, explanationsChanged: explained,
          ...(fromFile ? { source: "import", file: input.sourceFileName ?? null } : {}),
        },
      })],
    },
  };
}

export interface ProjectTransitionInput {
  transition: Transition;
  expectedVersion: number;
  reason?: string | null;
  role: "staff" | "reviewer";
}

export type ProjectTransitionPlan =
  | { ok: true; plan: ProjectPlan; status: ProjectStatus; version: number; revision: number }
  | { ok: false; message: string; conflict?: { status: ProjectStatus; version: number } };

/** The workflow's refusals in the words of a project form (the workflow's own say 报告). */
function projectMessage(code: string, message: string, errors: number): string {
  if (code === "errors_block") return `项目自评表还有${errors}个强制性错误，修正后才能提交`;
  if (code === "override_required") return `该项目自评表仍有${errors}个强制性错误，通过前须填写审核意见说明理由`;
  return message;
}

/**
 * A workflow transition over `expectedVersion`, decided by workflow.ts on the form's current
 * flags: errors block a submit, every warning needs the unit's explanation, return and reopen
 * need a reason, an approval over errors needs one too. Submit freezes the form as a new
 * revision; a reviewer's decision is kept with its reason.
 */
export function planProjectTransition(stored: StoredProject, input: ProjectTransitionInput, ctx: Pick<ProjectContext, "settings">, actor: Actor, env: PlanEnv): ProjectTransitionPlan {
  if (stored.version !== input.expectedVersion) {
    return { ok: false, message: "该项目自评表已被他人修改", conflict: { status: stored.status, version: stored.version } };
  }
  const submit = input.transition === "submit";
  if (submit) {
    // A form stored before a limit existed must be corrected before it is frozen.
    const checked = validateProjectEvaluation(stored.document);
    if (!checked.ok) return { ok: false, message: `${checked.message}，请修改后再提交` };
  }
  const derived = deriveProject(stored.document, stored.explanations, ctx.settings);
  const decision = decideTransition({
    status: stored.status, role: input.role, transition: input.transition, reason: input.reason,
    errorCount: derived.errors, unexplainedWarningCount: derived.unexplainedWarnings,
  });
  if (!decision.ok) return { ok: false, message: projectMessage(decision.code, decision.message, derived.errors) };
  const version = input.expectedVersion + 1;
  const revision = submit ? stored.currentRevision + 1 : stored.currentRevision;
  const reason = input.reason?.trim() || null;
  return {
    ok: true, status: decision.to, version, revision,
    plan: {
      subject: stored,
      write: {
        kind: "update", expectedVersion: input.expectedVersion, expectedStatuses: [stored.status],
        set: { status: decision.to, version, currentRevision: revision, updatedAt: env.now, updatedBy: actor.userId, ...(submit ? { submittedAt: env.now } : {}) },
      },
      derived,
      revisions: submit
        ? [{
          id: env.newId(), number: revision, document: stored.document, flags: projectFlagsOnly(derived.flags), explanations: stored.explanations,
          sourceFileName: stored.sourceFileName, submittedBy: actor.userId, submittedByName: actor.name, submittedAt: env.now,
        }]
        : [],
      reviews: submit
        ? []
        : [{ id: env.newId(), revision, action: input.transition as ProjectReviewRecord["action"], reason, authorId: actor.userId, authorName: actor.name, createdAt: env.now }],
      audit: [auditOf(stored, actor, {
        action: `project.${input.transition}`, fromState: stored.status, toState: decision.to,
        detail: { version, revision, reason, code: derived.projectCode, errors: derived.errors },
      })],
    },
  };
}

/**
 * A form's derived columns recomputed from its stored state (its county-year's settings
 * changed): only the flags and figures move; no version, no audit event (as planRecompute).
 */
export function planProjectRecompute(stored: StoredProject, ctx: Pick<ProjectContext, "settings">): ProjectPlan {
  return {
    subject: stored,
    write: { kind: "update", expectedVersion: stored.version, expectedStatuses: [stored.status], set: {} },
    derived: deriveProject(stored.document, stored.explanations, ctx.settings),
    revisions: [],
    reviews: [],
    audit: [],
  };
}

/** A draft that was never submitted may be removed (imported by mistake, added twice). */
export function planProjectDelete(stored: StoredProject, input: { expectedVersion: number }, actor: Actor): { ok: true; plan: ProjectPlan } | { ok: false; message: string; conflict?: { status: ProjectStatus; version: number } } {
  if (stored.version !== input.expectedVersion) return { ok: false, message: "该项目自评表已被他人修改", conflict: { status: stored.status, version: stored.version } };
  if (stored.status !== "draft" || stored.currentRevision > 0) return { ok: false, message: "已提交过的项目自评表不能删除" };
  return {
    ok: true,
    plan: {
      subject: stored,
      write: { kind: "delete", expectedVersion: input.expectedVersion, expectedStatuses: ["draft"] },
      derived: null,
      revisions: [],
      reviews: [],
      audit: [auditOf(stored, actor, {
        action: "project.delete", fromState: "draft", toState: null,
        detail: { code: stored.document.project.code, name: stored.document.project.name },
      })],
    },
  };
}

/**
 * A form the bureau received as a file (批量接收): it enters as submitted, with revision 1 and
 * every flag, errors included, and no explanations required — like a received report
 * (docs/decisions/0009), so the log never claims the unit submitted it (`project.intake`).
 * Refused when the unit-year already has a form with its project code.
 */
export function planIncomingProject(
  subject: ProjectSubject,
  input: { document: unknown; sourceFileName: string | null },
  ctx: ProjectContext,
  actor: Actor,
  env: PlanEnv,
): { ok: true; plan: ProjectPlan } | InvalidDocument {
  const checked = validated(input.document, subject, ctx);
  if (!checked.ok) return checked;
  const derived = deriveProject(checked.document, {}, ctx.settings);
  return {
    ok: true,
    plan: {
      subject,
      write: {
        kind: "insert",
        row: {
          status: "submitted", version: 1, document: checked.document, explanations: {}, currentRevision: 1, source: "intake",
          sourceFileName: input.sourceFileName, isDemo: false, createdAt: env.now, createdBy: actor.userId, updatedAt: env.now,
          updatedBy: actor.userId, submittedAt: env.now,
        },
      },
      derived,
      revisions: [{
        id: env.newId(), number: 1, document: checked.document, flags: projectFlagsOnly(derived.flags), explanations: {},
        sourceFileName: input.sourceFileName, submittedBy: actor.userId, submittedByName: actor.name, submittedAt: env.now,
      }],
      reviews: [],
      audit: [auditOf(subject, actor, {
        action: "project.intake", fromState: null, toState: "submitted",
        detail: { code: derived.projectCode, name: derived.projectName, source: "intake", file: input.sourceFileName, errors: derived.errors },
      })],
    },
  };
}

// ——— import ——————————————————————————————————————————————————————————————————————————

export type ImportOutcome =
  | { index: number; outcome: "created" | "updated"; projectId: string; name: string; plan: ProjectPlan }
  | { index: number; outcome: "skipped"; projectId: string | null; name: string; message: string };

/**
 * Several forms of one file for one unit-year: each is matched to a stored form by project
 * code (a form without a code: by name, among the stored forms without a code), which it
 * replaces if that form is still editable; otherwise it becomes a new draft. A form that
 * cannot be matched safely or is invalid is skipped with the reason; the others go ahead.
 * `newSubject` gives the subject of a new form (its id).
 */
export function planProjectImport(
  stored: ReadonlyArray<StoredProject>,
  forms: ReadonlyArray<unknown>,
  input: { sourceFileName: string | null; settings: RuleSettings; newSubject: () => ProjectSubject },
  actor: Actor,
  env: PlanEnv,
): ImportOutcome[] {
  const siblings: Array<{ id: string; code: string | null }> = stored.map((s) => ({ id: s.id, code: s.document.project.code }));
  const claimed = new Set<string>();
  return forms.map((form, index): ImportOutcome => {
    const checked = validateProjectEvaluation(form);
    const rawName = checked.ok ? checked.evaluation.project.name.trim() : "";
    if (!checked.ok) return { index, outcome: "skipped", projectId: null, name: rawName, message: checked.message };
    const code = checked.evaluation.project.code?.trim() || null;
    const match = code
      ? stored.find((s) => s.document.project.code === code)
      : stored.find((s) => !s.document.project.code && s.document.project.name === rawName);
    if (match && claimed.has(match.id)) {
      return { index, outcome: "skipped", projectId: match.id, name: rawName, message: code ? `文件中项目编码“${code}”出现了不止一次，只导入了第一份` : `文件中项目“${rawName}”出现了不止一次，只导入了第一份` };
    }
    const ctx = { settings: input.settings, siblings };
    if (match) {
      claimed.add(match.id);
      if (!isEditable(match.status)) return { index, outcome: "skipped", projectId: match.id, name: rawName, message: `“${rawName}”已提交，不能用导入的内容覆盖` };
      const planned = planProjectSave(match, {
        expectedVersion: match.version, document: checked.evaluation, explanations: match.explanations, source: "import", sourceFileName: input.sourceFileName,
      }, ctx, actor, env);
      if (!planned.ok) return { index, outcome: "skipped", projectId: match.id, name: rawName, message: "conflict" in planned ? "该项目自评表已被他人修改" : planned.invalid };
      return { index, outcome: "updated", projectId: match.id, name: rawName, plan: planned.plan };
    }
    const subject = input.newSubject();
    const planned = planNewProject(subject, { document: checked.evaluation, source: "import", sourceFileName: input.sourceFileName }, ctx, actor, env);
    if (!planned.ok) return { index, outcome: "skipped", projectId: null, name: rawName, message: planned.invalid };
    siblings.push({ id: subject.id, code });
    return { index, outcome: "created", projectId: subject.id, name: rawName, plan: planned.plan };
  });
}

// ——— figures of a unit-year's forms ———————————————————————————————————————————————————

/** What a unit's forms of one kind add up to, as the report's 项目情况 states it (X1–X4 compare the two). */
export interface KindTotals {
  count: number;
  /** Σ 调整后预算 in 万元; null when a form has none. */
  adjustedBudget: string | null;
  executed: string | null;
  /** Σ 执行数 / Σ 调整后预算 in percent (2 decimals); null when undefined. */
  executionPct: string | null;
  /** Forms with (调整后预算 − 执行数) / 调整后预算 > 10%; null when a form lacks either figure. */
  overBalanceCount: number | null;
}

export type KindKey = ProjectKind | "unknown";

/** Totals per kind (forms of no stated kind apart), from the figures a list carries. */
export function totalsByKind(forms: ReadonlyArray<{ kind: ProjectKind | null; adjustedBudget: string | null; executed: string | null }>): Record<KindKey, KindTotals> {
  const of = (kind: KindKey): KindTotals => {
    const mine = forms.filter((f) => (f.kind ?? "unknown") === kind);
    const adjusted = mine.map((f) => dec(f.adjustedBudget));
    const executed = mine.map((f) => dec(f.executed));
    const all = <T>(values: Array<T | null>): values is T[] => values.every((v) => v !== null);
    const sumOf = (values: NonNullable<ReturnType<typeof dec>>[]) => values.reduce((acc, v) => acc.plus(v), dec("0")!);
    const adjustedSum = mine.length && all(adjusted) ? sumOf(adjusted) : null;
    const executedSum = mine.length && all(executed) ? sumOf(executed) : null;
    const rate = adjustedSum && executedSum && !adjustedSum.isZero() ? executedSum.dividedBy(adjustedSum).times(100).toFixed(2) : null;
    const over = all(adjusted) && all(executed)
      ? mine.filter((_, i) => !adjusted[i].isZero() && adjusted[i].minus(executed[i]).dividedBy(adjusted[i]).gt("0.1")).length
      : null;
    return {
      count: mine.length, adjustedBudget: adjustedSum ? canonical(adjustedSum) : null, executed: executedSum ? canonical(executedSum) : null,
      executionPct: rate, overBalanceCount: over,
    };
  };
  return { recurring: of("recurring"), oneOff: of("oneOff"), unknown: of("unknown") };
}
