/**
 * Everything the leadership dashboard shows for a viewer and a filter: the headline, the chart
 * data and the drill-down links, assembled from per-county figures (dashboardFigures.server.ts)
 * kept while each county's data version stands (figureCache.server.ts). Only submitted and
 * approved reports count in the figures; drafts and returned reports count only as "not yet".
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { z } from "zod";
import type { DashboardData } from "~/charts/dashboard";
import { average, chinaDay, deviationPct, emptyDetail, emptySums, executionRatePct, plottedWan, totalDetail, totalSums, type FigureSums } from "~/domain/figures";
import { scopeOf, type Viewer } from "~/domain/permissions";
import { COUNTED_STATUSES, outstandingUnits } from "~/domain/submission";
import { PROGRESS_LABELS, REPORT_STATUSES, SCORE_GRADES, type Severity, type UnitProgress } from "~/domain/vocabulary";
import { LruCache } from "~/utils/lru";
import { campaignYears, findCampaign } from "./campaigns.server";
import { computeCountyYearFigures, computeUnitRows, computeYearSums, type UnitRow } from "./dashboardFigures.server";
import { entry, filterKey, type DashboardFilters } from "./dashboardQuery.server";
import { dataVersions, perCounty, type CountyVersions } from "./figureCache.server";
import { latestReportedYear } from "./reportingYear.server";
import { unitCounts } from "./submissionProgress.server";
import { countyIdsOf, listCounties } from "./units.server";

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
  data: DashboardData;
  /** Drill-down target per plotted id: a report (unit view) or a county (city view). */
  links: Record<string, string>;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whole views by filter and county versions, per database: a view is up to ~100 KB. */
const views = new WeakMap<Kysely<Database>, LruCache<string, DashboardView>>();

function viewsOf(db: Kysely<Database>) {
  let cache = views.get(db);
  if (!cache) views.set(db, (cache = new LruCache(100)));
  return cache;
}

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
  const known = viewsOf(db).get(viewKey);
  if (known) return known;
  const view = await buildView(db, f, options, versions, threshold, filters);
  viewsOf(db).set(viewKey, view);
  return view;
}

async function buildView(
  db: Kysely<Database>,
  f: DashboardFilters,
  options: { byCounty: boolean; deviationPct: number; executionPct: number; deadline: number | null },
  versions: CountyVersions,
  threshold: number,
  filters: string,
): Promise<DashboardView> {
  const trendFilters = filterKey({ ...f, status: undefined }, threshold);
  const [unitsByCounty, figures, yearSums, rows] = await Promise.all([
    unitCounts(db, versions, f.unitKind),
    perCounty(db, versions, (c) => `year|${c}|${f.year}|${filters}`, (stale) => computeCountyYearFigures(db, { ...f, countyIds: stale }, threshold), () => ({ sums: emptySums(), detail: emptyDetail() })),
    perCounty(db, versions, (c) => `trend|${c}|${trendFilters}`, (stale) => computeYearSums(db, { ...f, status: undefined, countyIds: stale }, threshold), (): Record<number, FigureSums> => ({})),
    options.byCounty ? null : perCounty(db, versions, (c) => `units|${c}|${f.year}|${filters}`, (stale) => computeUnitRows(db, { ...f, countyIds: stale }), (): UnitRow[] => []),
  ]);
  const units = [...unitsByCounty.values()].reduce((a, b) => a + b, 0);
  const sums = totalSums([...figures.values()].map((fig) => fig.sums));
  const detail = totalDetail([...figures.values()].map((fig) => fig.detail));
  const head = {
    units,
    submitted: detail.statuses.submitted ?? 0,
    approved: detail.statuses.approved ?? 0,
    returned: detail.statuses.returned ?? 0,
    notYet: outstandingUnits(units, detail.statuses),
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
  const progress: Array<{ key: UnitProgress; count: number }> = [
    { key: "not_started", count: Math.max(0, units - started) },
    ...REPORT_STATUSES.map((key) => ({ key, count: detail.statuses[key] ?? 0 })),
  ];
  const statusRows = progress.map((s) => ({ ...s, status: PROGRESS_LABELS[s.key] }));
  return {
    headline: head,
    links,
    data: {
      units: unitsData,
      grades: SCORE_GRADES.map((grade) => ({ grade, count: detail.grades[grade] ?? 0 })),
      flags: Object.entries(detail.flags).sort(([a], [b]) => byText(a, b)).map(([key, count]) => {
        const [rule, severity] = key.split("|");
        return { rule, severity: severity as Severity, count };
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
  status: z.enum(COUNTED_STATUSES).optional().catch(undefined),
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
