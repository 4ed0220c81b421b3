/**
 * County-wide figures for leadership, read from the read model only (report_metrics and its
 * per-class and per-flag companions), filtered by county and year on indexed columns: the
 * cost stays flat however many years of history accumulate. Only submitted and approved
 * reports count in the figures; drafts and returned reports count only as "not yet".
 */
import { sql, type Kysely } from "kysely";
import { toBigInt, toNumber } from "#db/codecs";
import type { Database, ReportStatus } from "#db/schema";
import { z } from "zod";
import {
  average, chinaDay, deviationPct, emptyDetail, emptySums, executionRatePct, plottedWan, totalDetail, totalSums, type CountyYearFigures, type FigureSums,
} from "~/domain/figures";
import { scopeOf, type Viewer } from "~/domain/permissions";
import { LruCache } from "~/utils/lru";
import { campaignYears, findCampaign } from "./campaigns.server";
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

/** The read model rows of the filter; `year: null` spans every year (the trend chart). */
function metrics(db: Kysely<Database>, f: Omit<DashboardFilters, "year"> & { year: number | null }) {
  let q = db.selectFrom("report_metrics as m").where("m.county_id", "in", f.countyIds.length ? f.countyIds : ["-"]);
  if (f.year != null) q = q.where("m.year", "=", f.year);
  if (f.unitKind) q = q.where("m.unit_kind", "=", f.unitKind);
  if (f.functionClass) q = q.where("m.main_class", "=", f.functionClass);
  return q;
}

function counted(db: Kysely<Database>, f: Omit<DashboardFilters, "year"> & { year: number | null }) {
  return metrics(db, f).where("m.status", "in", f.status ? [f.status] : [...COUNTED]);
}

/**
 * Cached county figures and whole views, per database (tests open several), bounded: a
 * county's figures are a few hundred bytes (its unit rows ~20 KB), a view up to ~100 KB.
 */
const caches = new WeakMap<Kysely<Database>, { counties: LruCache<string, { version: string; value: unknown }>; views: LruCache<string, DashboardView> }>();

function cachesOf(db: Kysely<Database>) {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { counties: new LruCache(5_000), views: new LruCache(100) }));
  return cache;
}

/**
 * Each county's data version (counties.data_version) and name, in county code order, read
 * before any figure so a cached figure is never older than its label.
 */
async function dataVersions(db: Kysely<Database>, countyIds: string[]): Promise<Map<string, { version: string; name: string }>> {
  if (!countyIds.length) return new Map();
  const rows = await db.selectFrom("counties").select(["id", "name", "data_version"]).where("id", "in", countyIds).orderBy("code").execute();
  return new Map(rows.map((r) => [r.id, { version: String(r.data_version), name: r.name }]));
}

/**
 * The triage queue's tabs (reports per status, drafts included) and, per county in code order,
 * the units not yet submitted (neither submitted nor approved), for the year: from the same
 * version-checked cache as the figures, so a city's 200 counties are not recounted (20,000 rows)
 * on every request.
 */
export async function queueProgress(db: Kysely<Database>, countyIds: string[], year: number) {
  const versions = await dataVersions(db, countyIds);
  const [units, statuses] = await Promise.all([
    perCounty(db, versions, (c) => `unitCount|${c}|`, (stale) => computeUnitCounts(db, { countyIds: stale }), () => 0),
    perCounty(db, versions, (c) => `statuses|${c}|${year}`, (stale) => computeStatusCounts(db, { countyIds: stale, year }), (): StatusCounts => ({})),
  ]);
  const counts: StatusCounts = {};
  for (const perStatus of statuses.values()) {
    for (const [status, count] of Object.entries(perStatus) as Array<[ReportStatus, number]>) counts[status] = (counts[status] ?? 0) + count;
  }
  const notSubmittedByCounty = [...versions]
    .map(([countyId, v]) => ({ countyName: v.name, units: units.get(countyId)! - (statuses.get(countyId)!.submitted ?? 0) - (statuses.get(countyId)!.approved ?? 0) }))
    .filter((c) => c.units > 0);
  return { counts, notSubmittedByCounty };
}

type StatusCounts = Partial<Record<ReportStatus, number>>;

/** Reports per status for each county (the filters, not the status filter, apply). */
async function computeStatusCounts(db: Kysely<Database>, f: Omit<DashboardFilters, "status">): Promise<Map<string, StatusCounts>> {
  const rows = await metrics(db, f).select(["m.county_id", "m.status", (eb) => eb.fn.countAll().as("n")]).groupBy(["m.county_id", "m.status"]).execute();
  const out = new Map<string, StatusCounts>();
  for (const r of rows) entry(out, r.county_id, (): StatusCounts => ({}))[r.status as ReportStatus] = n(r.n);
  return out;
}

/**
 * Per county, the cached value if its version still stands, else computed for all stale
 * counties at once by `compute` (one grouped query, however many counties) and cached.
 */
async function perCounty<T>(
  db: Kysely<Database>,
  versions: Map<string, { version: string }>,
  key: (countyId: string) => string,
  compute: (countyIds: string[]) => Promise<Map<string, T>>,
  empty: () => T,
): Promise<Map<string, T>> {
  const cache = cachesOf(db).counties;
  const out = new Map<string, T>();
  const stale: string[] = [];
  for (const [countyId, { version }] of versions) {
    const hit = cache.get(key(countyId));
    if (hit && hit.version === version) out.set(countyId, hit.value as T);
    else stale.push(countyId);
  }
  if (stale.length) {
    const fresh = await compute(stale);
    for (const countyId of stale) {
      const value = fresh.get(countyId) ?? empty();
      cache.set(key(countyId), { version: versions.get(countyId)!.version, value });
      out.set(countyId, value);
    }
  }
  return out;
}

function filterKey(f: Omit<DashboardFilters, "countyIds" | "year">, threshold: number) {
  return `${f.unitKind ?? ""}|${f.functionClass ?? ""}|${f.status ?? ""}|${threshold}`;
}

function entry<K, T>(map: Map<K, T>, key: K, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

const n = (v: unknown) => toNumber(v as number | string | null);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The summed figures of counted reports, grouped by county and year. */
async function sumsByCountyYear(db: Kysely<Database>, f: Omit<DashboardFilters, "year"> & { year: number | null }, threshold: number) {
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
      reports: n(r.reports), adjustedBudgetFen: toBigInt(r.budget), expenditureFen: toBigInt(r.expenditure), initialBudgetFen: toBigInt(r.initial),
      selfScoreSum: Number(r.self_sum), selfScoreCount: n(r.self_count), formulaScoreSum: Number(r.formula_sum), formulaScoreCount: n(r.formula_count),
      deviating: n(r.deviating), openFlags: n(r.open_flags),
    } satisfies FigureSums,
  }));
}

/** One county-year's figures for every county in `f.countyIds`, in six grouped queries. */
async function computeCountyYearFigures(db: Kysely<Database>, f: DashboardFilters, threshold: number): Promise<Map<string, CountyYearFigures>> {
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
  for (const r of grades) of(r.county_id).detail.grades[r.grade!] = n(r.n);
  for (const r of flags) of(r.county_id).detail.flags[`${r.rule}|${r.severity}`] = n(r.n);
  for (const r of classes) of(r.county_id).detail.classFen[r.class_code] = toBigInt(r.amount);
  for (const r of submissions) {
    const perDay = of(r.county_id).detail.submissionsByDay;
    const day = chinaDay(toNumber(r.submitted_at));
    perDay[day] = (perDay[day] ?? 0) + 1;
  }
  return out;
}

/** Counted sums per year (all years) for each county: the trend chart. */
async function computeYearSums(db: Kysely<Database>, f: Omit<DashboardFilters, "year">, threshold: number): Promise<Map<string, Record<number, FigureSums>>> {
  const out = new Map<string, Record<number, FigureSums>>();
  for (const r of await sumsByCountyYear(db, { ...f, year: null }, threshold)) entry(out, r.countyId, (): Record<number, FigureSums> => ({}))[r.year] = r.sums;
  return out;
}

interface UnitRow {
  reportId: string;
  unitName: string;
  executionRatePct: number | null;
  deviationPct: number | null;
  initialBudgetWan: number | null;
  selfScore: number | null;
  formulaScore: number | null;
}

/** One row per counted report, by county: the per-unit charts (bars, scatter) and their drill-down. */
async function computeUnitRows(db: Kysely<Database>, f: DashboardFilters): Promise<Map<string, UnitRow[]>> {
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

/** Units per county (of the kind filtered on): the denominator of "not yet submitted". */
async function computeUnitCounts(db: Kysely<Database>, f: Pick<DashboardFilters, "countyIds" | "unitKind">): Promise<Map<string, number>> {
  let q = db.selectFrom("units").select(["county_id", (eb) => eb.fn.countAll().as("n")]).where("county_id", "in", f.countyIds).groupBy("county_id");
  if (f.unitKind) q = q.where("kind", "=", f.unitKind);
  return new Map((await q.execute()).map((r) => [r.county_id, n(r.n)]));
}

export interface DashboardView {
  headline: {
    units: number;
    submitted: number;
    approved: number;
    returned: number;
    notYet: number;
    budgetWan: number;
    expenditureWan: number;
    executionRate: number | null;
    deviatingUnits: number;
    averageScore: number | null;
    openFlags: number;
  };
  data: import("~/charts/dashboard").DashboardData;
  /** Drill-down target per plotted id: a report (unit view) or a county (city view). */
  links: Record<string, string>;
}

const STATUS_NAMES: Record<string, string> = { not_started: "未填报", draft: "草稿", submitted: "已提交", returned: "已退回", approved: "已通过" };

/**
 * Everything the dashboard shows for a filter. `byCounty` compares counties (a city bureau's
 * view) instead of units. Figures come per county from the cache while the county's data
 * version stands (perCounty), so only counties changed since the last view are re-read.
 */
export async function loadDashboard(
  db: Kysely<Database>,
  f: DashboardFilters,
  options: { byCounty: boolean; deviationPct: number; executionPct: number; deadline: number | null },
): Promise<DashboardView> {
  const threshold = options.deviationPct / 100;
  const filters = filterKey(f, threshold);
  // Versions first: a figure computed after this read can only be newer than its label.
  const versions = await dataVersions(db, f.countyIds);
  // Nothing changed in any of the counties since this very view was built: the same object
  // (whose chart SVGs are then found without hashing the data again).
  const viewKey = [f.year, filters, options.byCounty, options.executionPct, options.deadline, ...[...versions].map(([id, v]) => `${id}:${v.version}`)].join("|");
  const known = cachesOf(db).views.get(viewKey);
  if (known) return known;
  const view = await buildView(db, f, options, versions, threshold, filters);
  cachesOf(db).views.set(viewKey, view);
  return view;
}

async function buildView(
  db: Kysely<Database>,
  f: DashboardFilters,
  options: { byCounty: boolean; deviationPct: number; executionPct: number; deadline: number | null },
  versions: Map<string, { version: string; name: string }>,
  threshold: number,
  filters: string,
): Promise<DashboardView> {
  const trendFilters = filterKey({ ...f, status: undefined }, threshold);
  const [unitCounts, figures, yearSums, rows] = await Promise.all([
    perCounty(db, versions, (c) => `unitCount|${c}|${f.unitKind ?? ""}`, (stale) => computeUnitCounts(db, { countyIds: stale, unitKind: f.unitKind }), () => 0),
    perCounty(db, versions, (c) => `year|${c}|${f.year}|${filters}`, (stale) => computeCountyYearFigures(db, { ...f, countyIds: stale }, threshold), () => ({ sums: emptySums(), detail: emptyDetail() })),
    perCounty(db, versions, (c) => `trend|${c}|${trendFilters}`, (stale) => computeYearSums(db, { ...f, status: undefined, countyIds: stale }, threshold), (): Record<number, FigureSums> => ({})),
    options.byCounty ? null : perCounty(db, versions, (c) => `units|${c}|${f.year}|${filters}`, (stale) => computeUnitRows(db, { ...f, countyIds: stale }), (): UnitRow[] => []),
  ]);
  const units = [...unitCounts.values()].reduce((a, b) => a + b, 0);
  const sums = totalSums([...figures.values()].map((fig) => fig.sums));
  const detail = totalDetail([...figures.values()].map((fig) => fig.detail));
  const reported = (detail.statuses.submitted ?? 0) + (detail.statuses.approved ?? 0) + (detail.statuses.returned ?? 0);
  const head = {
    units,
    submitted: detail.statuses.submitted ?? 0,
    approved: detail.statuses.approved ?? 0,
    returned: detail.statuses.returned ?? 0,
    notYet: Math.max(0, units - reported),
    budgetWan: plottedWan(sums.adjustedBudgetFen),
    expenditureWan: plottedWan(sums.expenditureFen),
    executionRate: sums.adjustedBudgetFen > 0n ? Number(sums.expenditureFen) / Number(sums.adjustedBudgetFen) : null,
    deviatingUnits: sums.deviating,
    averageScore: average(sums.selfScoreSum, sums.selfScoreCount),
    openFlags: sums.openFlags,
  };

  const links: Record<string, string> = {};
  let unitsData: DashboardView["data"]["units"];
  if (options.byCounty) {
    const counties = [...figures].filter(([, fig]) => fig.sums.reports > 0).map(([countyId, fig]) => ({ countyId, name: versions.get(countyId)!.name, s: fig.sums }));
    counties.sort((a, b) => byText(a.name, b.name));
    unitsData = counties.map(({ countyId, name, s }) => ({
      id: countyId, name, executionRatePct: executionRatePct(s), deviationPct: deviationPct(s), initialBudgetWan: plottedWan(s.initialBudgetFen),
      selfScore: average(s.selfScoreSum, s.selfScoreCount), formulaScore: average(s.formulaScoreSum, s.formulaScoreCount),
    }));
    for (const c of counties) links[c.countyId] = `/dashboard?year=${f.year}&county=${c.countyId}`;
  } else {
    // One county: its rows as the query ordered them.
    const all = [...rows!.values()].flat();
    unitsData = all.map((r) => ({ id: r.reportId, name: r.unitName, executionRatePct: r.executionRatePct, deviationPct: r.deviationPct, initialBudgetWan: r.initialBudgetWan, selfScore: r.selfScore, formulaScore: r.formulaScore }));
    for (const r of all) links[r.reportId] = `/reports/${r.reportId}`;
  }

  const perYear = new Map<number, FigureSums[]>();
  for (const byYear of yearSums.values()) {
    for (const [year, s] of Object.entries(byYear)) entry(perYear, Number(year), () => []).push(s);
  }
  const trendSums = [...perYear].sort(([a], [b]) => a - b).map(([year, parts]) => [year, totalSums(parts)] as const);
  const started = Object.values(detail.statuses).reduce((a, b) => a + b, 0);
  const statusRows = [
    { key: "not_started", count: Math.max(0, units - started) },
    ...["draft", "submitted", "returned", "approved"].map((key) => ({ key, count: detail.statuses[key] ?? 0 })),
  ].map((s) => ({ ...s, status: STATUS_NAMES[s.key] }));
  return {
    headline: head,
    links,
    data: {
      units: unitsData,
      grades: (["优", "良", "中", "差"] as const).map((grade) => ({ grade, count: detail.grades[grade] ?? 0 })),
      flags: Object.entries(detail.flags).sort(([a], [b]) => byText(a, b)).map(([key, count]) => {
        const [rule, severity] = key.split("|");
        return { rule, severity: severity as "error" | "warning" | "info", count };
      }),
      classes: Object.entries(detail.classFen).sort(([a], [b]) => byText(a, b)).map(([classCode, fen]) => ({ classCode, amountWan: plottedWan(fen) })),
      submissions: Object.entries(detail.submissionsByDay).sort(([a], [b]) => byText(a, b)).map(([date, submitted]) => ({ date, submitted })),
      trend: trendSums.filter(([, s]) => s.reports > 0).map(([year, s]) => {
        const avg = average(s.selfScoreSum, s.selfScoreCount);
        return { year, executionRatePct: executionRatePct(s), avgSelfScore: avg == null ? null : Math.round(avg * 10) / 10, deviatingUnits: s.deviating };
      }),
      statuses: statusRows,
      deadline: options.deadline == null ? null : chinaDay(options.deadline),
      totalUnits: units, deviationPct: options.deviationPct, executionPct: options.executionPct,
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
  const [counties, years] = await Promise.all([listCounties(db, allCountyIds), campaignYears(db, allCountyIds)]);
  // A county filter outside the viewer's scope simply matches nothing.
  const countyIds = params.county ? allCountyIds.filter((id) => id === params.county) : allCountyIds;
  const year = params.year ?? (await latestReportedYear(db, countyIds)) ?? years[0] ?? new Date().getFullYear() - 1;
  const campaign = await findCampaign(db, countyIds, year);
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
    selfScore: r.self_score, grade: r.grade, errors: Number(r.errors), warnings: Number(r.warnings), expenditureWan: r.expenditure_fen == null ? null : plottedWan(toBigInt(r.expenditure_fen)),
  }));
}
