/**
 * A dashboard filter as a query on the read model (report_metrics), filtered by county and
 * year on indexed columns, and the few helpers the figure queries share. Only counted
 * (submitted or approved) reports feed the figures; the status counts see every report.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { CountedStatus } from "~/domain/submission";
import { countedStatus } from "./submissionSql.server";

export interface DashboardFilters {
  countyIds: string[];
  year: number;
  unitKind?: string;
  functionClass?: string;
  status?: CountedStatus;
}

/** A filter over one year, or over every year (`year: null`, the trend chart). */
export type SpanFilters = Omit<DashboardFilters, "year"> & { year: number | null };

/** The read model rows of the filter, whatever their status. */
export function metrics(db: Kysely<Database>, f: Omit<SpanFilters, "status">) {
  let q = db.selectFrom("report_metrics as m").where("m.county_id", "in", f.countyIds.length ? f.countyIds : ["-"]);
  if (f.year != null) q = q.where("m.year", "=", f.year);
  if (f.unitKind) q = q.where("m.unit_kind", "=", f.unitKind);
  if (f.functionClass) q = q.where("m.main_class", "=", f.functionClass);
  return q;
}

/** The counted rows of the filter: submitted and approved, or the one of them filtered on. */
export function counted(db: Kysely<Database>, f: SpanFilters) {
  const status = f.status;
  return metrics(db, f).where((eb) => (status ? eb("m.status", "=", status) : countedStatus(eb, "m.status")));
}

/** The cache key part of a filter (counties and year aside) and the deviation threshold. */
export function filterKey(f: Omit<DashboardFilters, "countyIds" | "year">, threshold: number) {
  return `${f.unitKind ?? ""}|${f.functionClass ?? ""}|${f.status ?? ""}|${threshold}`;
}

/** The map's value for `key`, made and stored by `make` the first time. */
export function entry<K, T>(map: Map<K, T>, key: K, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
