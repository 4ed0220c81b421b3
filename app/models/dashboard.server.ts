/**
 * County-wide figures for leadership, read from the read model only (report_metrics and its
 * per-class and per-flag companions), filtered by county and year on indexed columns: the
 * cost stays flat however many years of history accumulate. Only submitted and approved
 * reports count in the figures; drafts and returned reports count only as "not yet".
 */
import { sql, type Kysely } from "kysely";
import { toNumber } from "#db/codecs";
import type { Database } from "#db/schema";
import { z } from "zod";
import { scopeOf, type Viewer } from "~/domain/permissions";
import { listCampaigns } from "./campaigns.server";
import { latestReportedYear } from "./queue.server";
import { countyIdsOf, listCounties } from "./units.server";

export interface DashboardFilters {
  countyIds: string[];
  year: number;
  unitKind?: string;
  functionClass?: string;
  status?: "submitted" | "approved";
}

const COUNTED = ["submitted", "approved"] as const;

function metrics(db: Kysely<Database>, f: DashboardFilters) {
  let q = db.selectFrom("report_metrics as m").where("m.county_id", "in", f.countyIds.length ? f.countyIds : ["-"]).where("m.year", "=", f.year);
  if (f.unitKind) q = q.where("m.unit_kind", "=", f.unitKind);
  if (f.functionClass) q = q.where("m.main_class", "=", f.functionClass);
  return q;
}

function counted(db: Kysely<Database>, f: DashboardFilters) {
  return metrics(db, f).where("m.status", "in", f.status ? [f.status] : [...COUNTED]);
}

const fenToWan = (fen: unknown) => toNumber(fen as number | string | null) / 1_000_000;

export async function headline(db: Kysely<Database>, f: DashboardFilters, deviationThreshold = 0.1) {
  let units = db.selectFrom("units").select((eb) => eb.fn.countAll().as("n")).where("county_id", "in", f.countyIds.length ? f.countyIds : ["-"]);
  if (f.unitKind) units = units.where("kind", "=", f.unitKind);
  const [unitRow, statusRows, sums] = await Promise.all([
    units.executeTakeFirst(),
    metrics(db, f).select(["m.status", (eb) => eb.fn.countAll().as("n")]).groupBy("m.status").execute(),
    counted(db, f)
      .select([
        (eb) => eb.fn.countAll().as("reports"),
        sql<string>`CAST(COALESCE(SUM(m.adjusted_budget_fen), 0) AS SIGNED)`.as("budget"),
        sql<string>`CAST(COALESCE(SUM(m.expenditure_fen), 0) AS SIGNED)`.as("expenditure"),
        sql<number>`SUM(CASE WHEN ABS(m.deviation) > ${deviationThreshold} THEN 1 ELSE 0 END)`.as("deviating"),
        sql<number>`AVG(m.self_score)`.as("avg_score"),
        sql<number>`SUM(m.errors + m.warnings)`.as("open_flags"),
      ])
      .executeTakeFirst(),
  ]);
  const byStatus = Object.fromEntries(statusRows.map((r) => [r.status, toNumber(r.n as number)]));
  const totalUnits = toNumber(unitRow?.n as number);
  const budget = fenToWan(sums?.budget);
  const expenditure = fenToWan(sums?.expenditure);
  const reported = (byStatus.submitted ?? 0) + (byStatus.approved ?? 0) + (byStatus.returned ?? 0);
  return {
    units: totalUnits,
    submitted: byStatus.submitted ?? 0,
    approved: byStatus.approved ?? 0,
    returned: byStatus.returned ?? 0,
    notYet: Math.max(0, totalUnits - reported),
    budgetWan: budget,
    expenditureWan: expenditure,
    executionRate: budget > 0 ? expenditure / budget : null,
    deviatingUnits: toNumber(sums?.deviating ?? 0),
    averageScore: sums?.avg_score == null ? null : Number(sums.avg_score),
    openFlags: toNumber(sums?.open_flags ?? 0),
  };
}

/** One row per counted report: the per-unit charts (bars, scatter) and their drill-down. */
export async function unitRows(db: Kysely<Database>, f: DashboardFilters) {
  const rows = await counted(db, f)
    .innerJoin("counties as c", "c.id", "m.county_id")
    .select(["m.report_id", "m.unit_id", "m.unit_name", "c.name as county_name", "m.execution_rate", "m.deviation", "m.initial_budget_fen", "m.self_score", "m.formula_score", "m.grade", "m.status"])
    .orderBy("m.unit_name")
    .limit(5000)
    .execute();
  return rows.map((r) => ({
    reportId: r.report_id, unitId: r.unit_id, unitName: r.unit_name, countyName: r.county_name, status: r.status,
    executionRatePct: r.execution_rate == null ? null : r.execution_rate * 100,
    deviationPct: r.deviation == null ? null : r.deviation * 100,
    initialBudgetWan: r.initial_budget_fen == null ? null : fenToWan(r.initial_budget_fen),
    selfScore: r.self_score, formulaScore: r.formula_score, grade: r.grade as "优" | "良" | "中" | "差" | null,
  }));
}

/** Per county, for a city-level view: the same figures with counties as the units of comparison. */
export async function countyRows(db: Kysely<Database>, f: DashboardFilters, deviationThreshold = 0.1) {
  const rows = await counted(db, f)
    .innerJoin("counties as c", "c.id", "m.county_id")
    .select([
      "c.id", "c.name",
      (eb) => eb.fn.countAll().as("reports"),
      sql<string>`CAST(COALESCE(SUM(m.adjusted_budget_fen), 0) AS SIGNED)`.as("budget"),
      sql<string>`CAST(COALESCE(SUM(m.expenditure_fen), 0) AS SIGNED)`.as("expenditure"),
      sql<string>`CAST(COALESCE(SUM(m.initial_budget_fen), 0) AS SIGNED)`.as("initial"),
      sql<number>`AVG(m.self_score)`.as("avg_score"),
      sql<number>`AVG(m.formula_score)`.as("avg_formula"),
      sql<number>`SUM(CASE WHEN ABS(m.deviation) > ${deviationThreshold} THEN 1 ELSE 0 END)`.as("deviating"),
    ])
    .groupBy(["c.id", "c.name"])
    .orderBy("c.name")
    .execute();
  return rows.map((r) => {
    const budget = fenToWan(r.budget), expenditure = fenToWan(r.expenditure), initial = fenToWan(r.initial);
    return {
      countyId: r.id, countyName: r.name, reports: toNumber(r.reports as number),
      executionRatePct: budget > 0 ? (expenditure / budget) * 100 : null,
      deviationPct: initial > 0 ? ((expenditure - initial) / initial) * 100 : null,
      initialBudgetWan: initial, averageScore: r.avg_score == null ? null : Number(r.avg_score),
      averageFormulaScore: r.avg_formula == null ? null : Number(r.avg_formula), deviatingUnits: toNumber(r.deviating),
    };
  });
}

export async function gradeCounts(db: Kysely<Database>, f: DashboardFilters) {
  const rows = await counted(db, f).select(["m.grade", (eb) => eb.fn.countAll().as("n")]).where("m.grade", "is not", null).groupBy("m.grade").execute();
  const counts = Object.fromEntries(rows.map((r) => [r.grade, toNumber(r.n as number)]));
  return (["优", "良", "中", "差"] as const).map((grade) => ({ grade, count: counts[grade] ?? 0 }));
}

export async function flagCounts(db: Kysely<Database>, f: DashboardFilters) {
  const rows = await counted(db, f)
    .innerJoin("report_flags as fl", "fl.report_id", "m.report_id")
    .select(["fl.rule", "fl.severity", (eb) => eb.fn.countAll().as("n")])
    .groupBy(["fl.rule", "fl.severity"])
    .execute();
  return rows.map((r) => ({ rule: r.rule, severity: r.severity as "error" | "warning" | "info", count: toNumber(r.n as number) }));
}

export async function classAmounts(db: Kysely<Database>, f: DashboardFilters) {
  const rows = await counted(db, f)
    .innerJoin("report_class_amounts as a", "a.report_id", "m.report_id")
    .select(["a.class_code", sql<string>`CAST(SUM(a.final_fen) AS SIGNED)`.as("amount")])
    .groupBy("a.class_code")
    .execute();
  return rows.map((r) => ({ classCode: r.class_code, amountWan: fenToWan(r.amount) }));
}

/** Reports submitted per day (by their latest submission) for the progress line. */
export async function submissionsByDay(db: Kysely<Database>, f: DashboardFilters) {
  const rows = await metrics(db, f).select("m.submitted_at").where("m.submitted_at", "is not", null).where("m.status", "!=", "draft").execute();
  const perDay = new Map<string, number>();
  for (const r of rows) {
    // Days in China Standard Time, as the bureau counts them.
    const day = new Date(toNumber(r.submitted_at) + 8 * 3_600_000).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  return [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, submitted]) => ({ date, submitted }));
}

/** Headline figures per year for the trend chart (all years of the counties). */
export async function yearTrend(db: Kysely<Database>, f: Omit<DashboardFilters, "year">, deviationThreshold = 0.1) {
  let q = db.selectFrom("report_metrics as m").where("m.county_id", "in", f.countyIds.length ? f.countyIds : ["-"]).where("m.status", "in", [...COUNTED]);
  if (f.unitKind) q = q.where("m.unit_kind", "=", f.unitKind);
  if (f.functionClass) q = q.where("m.main_class", "=", f.functionClass);
  const rows = await q
    .select([
      "m.year",
      sql<string>`CAST(COALESCE(SUM(m.adjusted_budget_fen), 0) AS SIGNED)`.as("budget"),
      sql<string>`CAST(COALESCE(SUM(m.expenditure_fen), 0) AS SIGNED)`.as("expenditure"),
      sql<number>`AVG(m.self_score)`.as("avg_score"),
      sql<number>`SUM(CASE WHEN ABS(m.deviation) > ${deviationThreshold} THEN 1 ELSE 0 END)`.as("deviating"),
    ])
    .groupBy("m.year")
    .orderBy("m.year")
    .execute();
  return rows.map((r) => {
    const budget = fenToWan(r.budget);
    return {
      year: Number(r.year),
      executionRatePct: budget > 0 ? (fenToWan(r.expenditure) / budget) * 100 : null,
      avgSelfScore: r.avg_score == null ? null : Math.round(Number(r.avg_score) * 10) / 10,
      deviatingUnits: toNumber(r.deviating),
    };
  });
}

export interface DashboardView {
  headline: Awaited<ReturnType<typeof headline>>;
  data: import("~/charts/dashboard").DashboardData;
  /** Drill-down target per plotted id: a report (unit view) or a county (city view). */
  links: Record<string, string>;
}

const STATUS_NAMES: Record<string, string> = { not_started: "未填报", draft: "草稿", submitted: "已提交", returned: "已退回", approved: "已通过" };

/**
 * Everything the dashboard shows for a filter. `byCounty` compares counties (a city bureau's
 * view) instead of units.
 */
export async function loadDashboard(
  db: Kysely<Database>,
  f: DashboardFilters,
  options: { byCounty: boolean; deviationPct: number; executionPct: number; deadline: number | null },
): Promise<DashboardView> {
  const threshold = options.deviationPct / 100;
  const [head, grades, flags, classes, submissions, trend, statuses] = await Promise.all([
    headline(db, f, threshold),
    gradeCounts(db, f),
    flagCounts(db, f),
    classAmounts(db, f),
    submissionsByDay(db, f),
    yearTrend(db, f, threshold),
    metrics(db, f).select(["m.status", (eb) => eb.fn.countAll().as("n")]).groupBy("m.status").execute(),
  ]);
  const links: Record<string, string> = {};
  let units: DashboardView["data"]["units"];
  if (options.byCounty) {
    const rows = await countyRows(db, f, threshold);
    units = rows.map((r) => ({ id: r.countyId, name: r.countyName, executionRatePct: r.executionRatePct, deviationPct: r.deviationPct, initialBudgetWan: r.initialBudgetWan, selfScore: r.averageScore, formulaScore: r.averageFormulaScore }));
    for (const r of rows) links[r.countyId] = `/dashboard?year=${f.year}&county=${r.countyId}`;
  } else {
    const rows = await unitRows(db, f);
    units = rows.map((r) => ({ id: r.reportId, name: r.unitName, executionRatePct: r.executionRatePct, deviationPct: r.deviationPct, initialBudgetWan: r.initialBudgetWan, selfScore: r.selfScore, formulaScore: r.formulaScore }));
    for (const r of rows) links[r.reportId] = `/reports/${r.reportId}`;
  }
  const counts = Object.fromEntries(statuses.map((s) => [s.status, toNumber(s.n as number)]));
  const started = Object.values(counts).reduce((a, b) => a + b, 0);
  const statusRows = [
    { key: "not_started", count: Math.max(0, head.units - started) },
    ...["draft", "submitted", "returned", "approved"].map((key) => ({ key, count: counts[key] ?? 0 })),
  ].map((s) => ({ ...s, status: STATUS_NAMES[s.key] }));
  return {
    headline: head,
    links,
    data: {
      units, grades, flags, classes, submissions, trend, statuses: statusRows,
      deadline: options.deadline == null ? null : new Date(options.deadline + 8 * 3_600_000).toISOString().slice(0, 10),
      totalUnits: head.units, deviationPct: options.deviationPct, executionPct: options.executionPct,
    },
  };
}

const pageFilterSchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  county: z.string().max(40).optional().catch(undefined),
  unitKind: z.string().max(32).optional().catch(undefined),
  functionClass: z.string().regex(/^\d{3}$/).optional().catch(undefined),
  status: z.enum(["submitted", "approved"]).optional().catch(undefined),
});

/** The dashboard for a viewer and the page's query string (shared by the page and its downloads). */
export async function dashboardPage(db: Kysely<Database>, viewer: Viewer, search: URLSearchParams) {
  const allCountyIds = countyIdsOf(scopeOf(viewer));
  const params = pageFilterSchema.parse(Object.fromEntries(search));
  const [counties, campaigns] = await Promise.all([listCounties(db, allCountyIds), listCampaigns(db, allCountyIds)]);
  // A county filter outside the viewer's scope simply matches nothing.
  const countyIds = params.county ? allCountyIds.filter((id) => id === params.county) : allCountyIds;
  const years = [...new Set(campaigns.map((c) => c.year))].sort((a, b) => b - a);
  const year = params.year ?? (await latestReportedYear(db, countyIds)) ?? years[0] ?? new Date().getFullYear() - 1;
  const campaign = campaigns.find((c) => countyIds.includes(c.countyId) && c.year === year);
  const byCounty = countyIds.length > 1;
  const view = await loadDashboard(
    db,
    { countyIds, year, unitKind: params.unitKind || undefined, functionClass: params.functionClass || undefined, status: params.status },
    { byCounty, deviationPct: campaign?.settings.deviationPct ?? 10, executionPct: campaign?.settings.executionPct ?? 90, deadline: byCounty ? null : campaign?.deadline ?? null },
  );
  return {
    year, years, byCounty, params, countyIds,
    counties: counties.map((c) => ({ id: c.id, name: c.name })),
    scopeName: byCounty ? `${counties.length} 个县区` : counties.find((c) => countyIds.includes(c.id))?.name ?? "",
    headline: view.headline, data: view.data, links: view.links,
  };
}

/** The drill-down list behind a chart element: counted reports matching the filter. */
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
    selfScore: r.self_score, grade: r.grade, errors: Number(r.errors), warnings: Number(r.warnings), expenditureWan: r.expenditure_fen == null ? null : fenToWan(r.expenditure_fen),
  }));
}
