/**
 * The submitted / outstanding definition of ~/domain/submission as SQL conditions on a status
 * column, so that every count in SQL is derived from COUNTED_STATUSES and nothing else.
 */
import type { Expression, ExpressionBuilder, SqlBool, StringReference } from "kysely";
import { COUNTED_STATUSES } from "~/domain/submission";
import type { ReportStatus } from "~/domain/vocabulary";

/** `status` counts as submitted (submitted or approved). */
export function countedStatus<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, status: StringReference<DB, TB>): Expression<SqlBool> {
  return eb(statusOf(eb, status), "in", [...COUNTED_STATUSES]);
}

/** `status` is outstanding: no report (NULL, as a left join leaves it), a draft, or returned. */
export function outstandingStatus<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, status: StringReference<DB, TB>): Expression<SqlBool> {
  const column = statusOf(eb, status);
  return eb.or([eb(column, "is", null), eb(column, "not in", [...COUNTED_STATUSES])]);
}

/** The column as a report status (a generic reference's type is not known to the compiler). */
function statusOf<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, status: StringReference<DB, TB>) {
  return eb.ref(status).$castTo<ReportStatus | null>();
}
