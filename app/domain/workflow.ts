/**
 * The review workflow as a pure state machine:
 *
 *   draft ──submit──▶ submitted ──approve──▶ approved
 *     ▲                  │  ▲                    │
 *     └──── returned ◀───┘  └──── reopen ────────┘
 *
 * A returned report is edited and submitted again. The UI asks it which actions to show;
 * the server asks it again before every transition.
 */
import type { Role } from "./permissions";
import { STATUS_LABELS, type ReportStatus } from "./vocabulary";

// The model layer, scripts and tests import the status type from here too.
export type { ReportStatus };
export type Transition = "submit" | "return" | "approve" | "reopen";

export const TRANSITION_LABELS: Record<Transition, string> = {
  submit: "提交",
  return: "退回",
  approve: "通过",
  reopen: "重新打开",
};

interface TransitionRule {
  from: ReportStatus[];
  to: ReportStatus;
  role: Role;
  /** A written reason is required (return, reopen). */
  needsReason: boolean;
}

export const TRANSITIONS: Record<Transition, TransitionRule> = {
  submit: { from: ["draft", "returned"], to: "submitted", role: "staff", needsReason: false },
  return: { from: ["submitted"], to: "returned", role: "reviewer", needsReason: true },
  approve: { from: ["submitted"], to: "approved", role: "reviewer", needsReason: false },
  reopen: { from: ["approved"], to: "submitted", role: "reviewer", needsReason: true },
};

export function allowedTransitions(status: ReportStatus, role: Role): Transition[] {
  return (Object.keys(TRANSITIONS) as Transition[]).filter((t) => TRANSITIONS[t].role === role && TRANSITIONS[t].from.includes(status));
}

export const isEditable = (status: ReportStatus) => status === "draft" || status === "returned";

export const MAX_REASON_LENGTH = 5000;

export type TransitionDecision =
  | { ok: true; to: ReportStatus }
  | { ok: false; code: "not_allowed" | "reason_required" | "reason_too_long" | "errors_block" | "explanations_missing" | "override_required"; message: string };

export interface TransitionInput {
  status: ReportStatus;
  role: Role;
  transition: Transition;
  reason?: string | null;
  /** Open error-severity flags on what is being submitted or approved. */
  errorCount?: number;
  /** Warnings without the unit's explanation (submit only). */
  unexplainedWarningCount?: number;
}

/**
 * Decides a transition. Errors block a unit's submit; every warning needs an explanation to
 * submit; a reviewer may approve over remaining errors only with a written override reason.
 */
export function decideTransition(input: TransitionInput): TransitionDecision {
  const rule = TRANSITIONS[input.transition];
  const label = TRANSITION_LABELS[input.transition];
  if (rule.role !== input.role || !rule.from.includes(input.status)) {
    return { ok: false, code: "not_allowed", message: `当前状态为“${STATUS_LABELS[input.status]}”，不能执行“${label}”操作` };
  }
  const reason = input.reason?.trim() ?? "";
  if (reason.length > MAX_REASON_LENGTH) return { ok: false, code: "reason_too_long", message: `说明不能超过${MAX_REASON_LENGTH}个字` };
  if (rule.needsReason && !reason) return { ok: false, code: "reason_required", message: `${label}时必须填写原因` };
  if (input.transition === "submit") {
    if ((input.errorCount ?? 0) > 0) return { ok: false, code: "errors_block", message: `报告还有${input.errorCount}个强制性错误，修正后才能提交` };
    if ((input.unexplainedWarningCount ?? 0) > 0) {
      return { ok: false, code: "explanations_missing", message: `还有${input.unexplainedWarningCount}个提示性问题未填写情况说明` };
    }
  }
  if (input.transition === "approve" && (input.errorCount ?? 0) > 0 && !reason) {
    return { ok: false, code: "override_required", message: `该报告仍有${input.errorCount}个强制性错误，通过前须填写审核意见说明理由` };
  }
  return { ok: true, to: rule.to };
}
