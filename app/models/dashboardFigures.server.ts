/**
 * The dashboard's figures from the read model (report_metrics and its per-class and per-flag
 * companions), each computed for many counties at once in grouped queries and returned per
 * county, so figureCache.server.ts can keep them while a county's data version stands.
 */
import { sql, type Kysely } from "kysely";
import { toBigInt, toNumber } from "#db/codecs";
import type { Database } from "#db/schema";
import { chinaDay, emptyDetail, emptySums, plottedWan, type CountyYearFigures, type FigureSums } from "~/domain/figures";
import { counted, entry, metrics, type DashboardFilters, type SpanFilters } from "./dashboardQuery.server";
import { computeStatusCounts } from "./submissionProgress.server";

/** The summed figures of counted reports, grouped by county and year. */
async function sumsByCountyYear(db: Kysely<Database>, f: SpanFilters, threshold: number) {
  const rows = await counted(db, f)
    .select([
      "m.county_id", "m.year",
      (eb) => eb.fn.countAll().as("reports"),
      sql<string>`CAST(COALESCE(SUM(m.adjusted_budget_fen), 0) AS SIGNED)`.as("budget"),
      sql<string>`CAST(COALESCE(SUM(m.expenditure_fen), 0) AS SIGNED)`.as("expenditure"),
      sql<string>`CAST(COALESCE(SUM(m.initial_budget_fen), 0) AS SIGNED)`.as("initial"),
      sql<number>`COALESCE(SUM(m.self_score), 0)`.as("self_sum"),
      (eb) => eb.fn.count("m.self_score").as("self_count"),
      sql<number>`COALESCE(SUM(m.formula_score), 0)`.as("formula_sum"),
      (eb) => eb.fn.count("m.formula_score").as("formula_count"),
      sql<number>`SUM(CASE WHEN ABS(m.deviation) > ${threshold} THEN 1 ELSE 0 END)`.as("deviating"),
      sql<number>`SUM(m.errors + m.warnings)`.as("open_flags"),
    ])
    .groupBy(["m.county_id", "m.year"])
    .execute();
  return rows.map((r) => ({
    countyId: r.county_id, year: Number(r.year),
    sums: {
      reports: toNumber(r.reports), adjustedBudgetFen: toBigInt(r.budget), expenditureFen: toBigInt(r.expenditure), initialBudgetFen: toBigInt(r.initial),
      selfScoreSum: Number(r.self_sum), selfScoreCount: toNumber(r.self_count), formulaScoreSum: Number(r.formula_sum), formulaScoreCount: toNumber(r.formula_count),
      deviating: toNumber(r.deviating), openFlags: toNumber(r.open_flags),
    } satisfies FigureSums,
  }));
}

/** One county-year's figures for every county in `f.countyIds`, in six grouped queries. */
export async function computeCountyYearFigures(db: Kysely<Database>, f: DashboardFilters, threshold: number): Promise<Map<string, CountyYearFigures>> {
  const out = new Map<string, CountyYearFigures>();
  const of = (countyId: string) => entry(out, countyId, () => ({ sums: emptySums(), detail: emptyDetail() }));
  const [sums, statuses, grades, flags, classes, submissions] = await Promise.all([
    sumsByCountyYear(db, f, threshold),
    computeStatusCounts(db, f),
    counted(db, f).select(["m.county_id", "m.grade", (eb) => eb.fn.countAll().as("n")]).where("m.grade", "is not", null).groupBy(["m.county_id", "m.grade"]).execute(),
    counted(db, f)
      .innerJoin("report_flags as fl", "fl.report_id", "m.report_id")
      .select(["m.county_id", "fl.rule", "fl.severity", (eb) => eb.fn.countAll().as("n")])
      .groupBy(["m.county_id", "fl.rule", "fl.severity"])
      .execute(),
    counted(db, f)
      .innerJoin("report_class_amounts as a", "a.report_id", "m.report_id")
      .select(["m.county_id", "a.class_code", sql<string>`CAST(SUM(a.final_fen) AS SIGNED)`.as("amount")])
      .groupBy(["m.county_id", "a.class_code"])
      .execute(),
    metrics(db, f).select(["m.county_id", "m.submitted_at"]).where("m.submitted_at", "is not", null).where("m.status", "!=", "draft").execute(),
  ]);
  for (const r of sums) of(r.countyId).sums = r.sums;
  for (const [countyId, counts] of statuses) of(countyId).detail.statuses = counts;
  for (const r of grades) of(r.county_id).detail.grades[r.grade!] = toNumber(r.n);
  for (const r of flags) of(r.county_id).detail.flags[`${r.rule}|${r.severity}`] = toNumber(r.n);
  for (const r of classes) of(r.county_id).detail.classFen[r.class_code] = toBigInt(r.amount);
  for (const r of submissions) {
    const perDay = of(r.county_id).detail.submissionsByDay;
    const day = chinaDay(toNumber(r.submitted_at));
    perDay[day] = (perDay[day] ?? 0) + 1;
  }
  return out;
}

/** Counted sums per year (all years) for each county: the trend chart. */
export async function computeYearSums(db: Kysely<Database>, f: Omit<DashboardFilters, "year">, threshold: number): Promise<Map<string, Record<number, FigureSums>>> {
  const out = new Map<string, Record<number, FigureSums>>();
  for (const r of await sumsByCountyYear(db, { ...f, year: null }, threshold)) entry(out, r.countyId, (): Record<number, FigureSums> => ({}))[r.year] = r.sums;
  return out;
}

export interface UnitRow {
  reportId: string;
  unitName: string;
  executionRatePct: number | null;
  deviationPct: number | null;
  initialBudgetWan: number | null;
  selfScore: number | null;
  formulaScore: number | null;
}

/** One row per counted report, by county: the per-unit charts (bars, scatter) and their drill-down. */
export async function computeUnitRows(db: Kysely<Database>, f: DashboardFilters): Promise<Map<string, UnitRow[]>> {
  const rows = await counted(db, f)
    .select(["m.county_id", "m.report_id", "m.unit_name", "m.execution_rate", "m.deviation", "m.initial_budget_fen", "m.self_score", "m.formula_score"])
    .orderBy("m.unit_name")
    .limit(5000)
    .execute();
  const out = new Map<string, UnitRow[]>();
  for (const r of rows) {
    entry(out, r.county_id, () => []).push({
      reportId: r.report_id, unitName: r.unit_name,
      executionRatePct: r.execution_rate == null ? null : r.execution_rate * 100,
      deviationPct: r.deviation == null ? null : r.deviation * 100,
      initialBudgetWan: r.initial_budget_fen == null ? null : plottedWan(toBigInt(r.initial_budget_fen)),
      selfScore: r.self_score, formulaScore: r.formula_score,
    });
  }
  return out;
}
