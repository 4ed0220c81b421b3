/**
 * Everything the report page shows, assembled for one viewer: the staff member sees their
 * working draft; the bureau sees the frozen revision it is reviewing, what changed since the
 * previous revision, and the thread of comments.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { diffDocuments, fieldLabel } from "~/domain/diff";
import { can, decide, scopeOf, type Viewer } from "~/domain/permissions";
import { allowedTransitions, type Transition } from "~/domain/workflow";
import { listComments } from "./comments.server";
import { notFound } from "~/auth/guard.server";
import { flagsForStaff } from "~/domain/rules";
import { currentFlags, findVisibleReport, listRevisions, type ReportRecord } from "./reports.server";
import { loadRuleContext } from "./reportContext.server";

export type Perspective = "staff" | "reviewer" | "reader";

/**
 * The side a viewer takes on a report, from the permission rules: whoever holds the right to
 * edit it (in some status: the unit's own staff) works on it; whoever holds the right to review
 * it (the county's reviewers) reviews it; anyone else who can see it reads it.
 */
export function perspectiveOf(viewer: Viewer, report: ReportRecord): Perspective {
  if (decide(viewer, "report.edit", report) !== "denied") return "staff";
  if (decide(viewer, "report.review", report) !== "denied") return "reviewer";
  return "reader";
}

export async function loadReportView(db: Kysely<Database>, viewer: Viewer, report: ReportRecord) {
  const perspective = perspectiveOf(viewer, report);
  const [revisions, comments, ctx] = await Promise.all([listRevisions(db, report.id), listComments(db, report.id), loadRuleContext(db, report)]);
  const latest = revisions.at(-1) ?? null;
  const previous = revisions.length >= 2 ? revisions[revisions.length - 2] : null;
  // Staff work on the draft; the bureau always sees what was submitted.
  const showDraft = perspective === "staff" || !latest;
  const allFlags = showDraft ? await currentFlags(db, report.id) : latest.flags.map((f) => ({ ...f, explanation: latest.explanations[`${f.rule}@${f.path}`] ?? null }));
  // Info flags are for reviewers (docs/domain.md), and the cross-report ones quote county
  // figures: staff get their rules' verdicts, never their peers' numbers.
  const flags = perspective === "staff" ? flagsForStaff(allFlags) : allFlags;
  const transitions: Transition[] =
    perspective === "staff" ? allowedTransitions(report.status, "staff") : perspective === "reviewer" ? allowedTransitions(report.status, "reviewer") : [];
  const returnComment = [...comments].reverse().find((c) => c.kind === "return");
  return {
    perspective,
    editable: can(viewer, "report.edit", report),
    document: showDraft ? report.draft : latest.document,
    explanations: showDraft ? report.explanations : latest.explanations,
    flags,
    // The county sample feeds only COUNTY_OUTLIER, an info flag staff are not shown.
    ruleContext: { settings: ctx.settings, previousSelfScore: ctx.previousSelfScore ?? null, county: perspective === "staff" ? null : ctx.county ?? null },
    comments,
    revisions: revisions.map((r) => ({ number: r.number, submittedAt: r.submittedAt, submittedByName: r.submittedByName, sourceFileName: r.sourceFileName })),
    changes: latest && previous
      ? diffDocuments(previous.document, latest.document).map((c) => ({ ...c, label: fieldLabel(c.path) }))
      : [],
    comparedRevisions: latest && previous ? { from: previous.number, to: latest.number } : null,
    transitions,
    // What the viewer may do here, from the rules the actions check: the page offers nothing else.
    rights: { comment: can(viewer, "report.comment", report), resolve: can(viewer, "comment.resolve", report) },
    returnReason: report.status === "returned" && returnComment ? { body: returnComment.body, authorName: returnComment.authorName, at: returnComment.createdAt } : null,
  };
}

/** The document a viewer is entitled to: staff their draft, the bureau the latest revision. */
export async function documentForViewer(db: Kysely<Database>, viewer: Viewer, report: ReportRecord) {
  if (perspectiveOf(viewer, report) === "staff") return report.draft;
  const revisions = await listRevisions(db, report.id);
  return revisions.at(-1)?.document ?? report.draft;
}

/** Loads a report within the viewer's scope, or answers 404 (audited). */
export async function requireVisibleReport(db: Kysely<Database>, request: Request, context: unknown, viewer: Viewer, reportId: string) {
  const report = await findVisibleReport(db, scopeOf(viewer), reportId);
  if (!report) return notFound(request, context, viewer, `report:${reportId}`);
  return report;
}
