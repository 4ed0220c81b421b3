/**
 * The viewer's scope in SQL, derived from the one table of permission rules
 * (app/domain/permissions.ts): a query filtered by `reportsInScope` returns exactly the reports
 * `can(viewer, action, report)` allows, and the county lists below are where `can` grants an
 * action by county. Models put these into their WHERE clauses; routes pass them to models.
 */
import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { Database } from "#db/schema";
import { countiesHolding, scopeOf, scopeReach, type Action, type Scope, type Viewer } from "~/domain/permissions";

/** A WHERE clause over `reports` (alone or joined with other tables). */
export type ReportsPredicate = (eb: ExpressionBuilder<Database, "reports">) => Expression<SqlBool>;

/**
 * The reports a scope reaches for `action` (by default seeing them): for "report.view", the
 * own unit's always; reviewer and admin counties' from submission on (never drafts); leader
 * counties' submitted and approved ones. A scope that reaches nothing matches no row.
 */
export function reportsInScope(scope: Scope, action: Action = "report.view"): ReportsPredicate {
  const reaches = scopeReach(scope, action);
  return (eb) => {
    const ors = reaches.map((reach) => {
      const where = eb(reach.via === "unit" ? "reports.unit_id" : "reports.county_id", "in", reach.ids);
      return reach.statuses ? eb.and([where, eb("reports.status", "in", [...reach.statuses])]) : where;
    });
    return ors.length ? eb.or(ors) : eb.lit(false);
  };
}

/** The counties where the viewer holds `action` by county (the bureau's roles), in the table's order. */
export function countyIdsFor(viewer: Viewer, action: Action): string[] {
  return countiesHolding(scopeOf(viewer), action);
}
