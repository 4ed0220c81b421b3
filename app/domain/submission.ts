/**
 * Whether a unit has handed in its report for a year, and whether in time: defined once for
 * every count the bureau sees (docs/domain.md, "Review workflow").
 *
 * A report counts as submitted while it is submitted or approved; only those reports feed the
 * figures (dashboards, the peers of COUNTY_OUTLIER). A unit is outstanding (未提交) otherwise:
 * no report yet, a draft, or a returned report, which must be edited and submitted again.
 */
import type { ReportStatus } from "./vocabulary";

export const COUNTED_STATUSES = ["submitted", "approved"] as const satisfies readonly ReportStatus[];
export type CountedStatus = (typeof COUNTED_STATUSES)[number];

/** The report counts as handed in (submitted or approved); no report (null) does not. */
export function isSubmitted(status: ReportStatus | null | undefined): status is CountedStatus {
  return status != null && (COUNTED_STATUSES as readonly string[]).includes(status);
}

/** Still to be (re)submitted: no report (null), a draft, or returned. */
export function isOutstanding(status: ReportStatus | null | undefined): boolean {
  return !isSubmitted(status);
}

/**
 * How many of `units` units are outstanding, given their reports per status (any statuses,
 * drafts and returned included): every unit less those whose report counts as submitted.
 */
export function outstandingUnits(units: number, reportsByStatus: Partial<Record<ReportStatus, number>>): number {
  const submitted = COUNTED_STATUSES.reduce((sum, status) => sum + (reportsByStatus[status] ?? 0), 0);
  return Math.max(0, units - submitted);
}

/**
 * Submitted after the campaign's deadline (epoch milliseconds; submitted exactly at the
 * deadline is in time). Without a submission or without a deadline nothing is late.
 */
export function isLate(submittedAt: number | null | undefined, deadline: number | null | undefined): boolean {
  return submittedAt != null && deadline != null && submittedAt > deadline;
}
