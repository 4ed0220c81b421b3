/** The list behind a dashboard chart element: the counted reports matching the filter, by unit name. */
import type { Kysely } from "kysely";
import { toBigInt } from "#db/codecs";
import type { Database } from "#db/schema";
import { plottedWan } from "~/domain/figures";
import { counted, type DashboardFilters } from "./dashboardQuery.server";

export async function drillDownRows(db: Kysely<Database>, f: DashboardFilters & { grade?: string; rule?: string }) {
  let q = counted(db, f)
    .innerJoin("counties as c", "c.id", "m.county_id")
    .select(["m.report_id", "m.unit_name", "c.name as county_name", "m.status", "m.execution_rate", "m.deviation", "m.self_score", "m.grade", "m.errors", "m.warnings", "m.expenditure_fen"]);
  if (f.grade) q = q.where("m.grade", "=", f.grade);
  if (f.rule) {
    const rule = f.rule;
    q = q.where((eb) => eb.exists(eb.selectFrom("report_flags as fl").select("fl.id").whereRef("fl.report_id", "=", "m.report_id").where("fl.rule", "=", rule)));
  }
  const rows = await q.orderBy("m.unit_name").limit(5000).execute();
  return rows.map((r) => ({
    reportId: r.report_id, unitName: r.unit_name, countyName: r.county_name, status: r.status, executionRate: r.execution_rate, deviation: r.deviation,
    selfScore: r.self_score, grade: r.grade, errors: Number(r.errors), warnings: Number(r.warnings), expenditureWan: r.expenditure_fen == null ? null : plottedWan(toBigInt(r.expenditure_fen)),
  }));
}
