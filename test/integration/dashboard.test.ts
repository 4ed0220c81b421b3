/**
 * The dashboard's figures equal a plain recompute from the read model's rows, for the county
 * view, the city view and filters — and stay equal after writes, including writes made through
 * another connection (another server process), which the per-county figure cache must notice
 * through counties.data_version.
 */
import { describe, expect, it } from "vitest";
import { createDb, type DB } from "#db/client";
import { toNumber } from "#db/codecs";
import { scopeOf, type Viewer } from "~/domain/permissions";
import { dashboardPage } from "~/models/dashboard.server";
import { findVisibleReport } from "~/models/reports.server";
import { applyTransition } from "~/models/reportWrites.server";
import { insertUnit } from "~/models/units.server";
import { loadViewer } from "~/models/users.server";
import { seedDemo } from "../../scripts/lib/seed";
import { TEST_DIALECT, useTestDatabase } from "./support/db";

const t = useTestDatabase();

const COUNTED = ["submitted", "approved"];

/** The figures recomputed row by row, independently of dashboard.server.ts's queries. */
async function recompute(db: DB, countyIds: string[], year: number, threshold: number, f: { unitKind?: string; functionClass?: string; status?: string } = {}) {
  const all = await db.selectFrom("report_metrics").selectAll().where("county_id", "in", countyIds).execute();
  const matches = (r: (typeof all)[number]) => (!f.unitKind || r.unit_kind === f.unitKind) && (!f.functionClass || r.main_class === f.functionClass);
  const ofYear = all.filter((r) => Number(r.year) === year && matches(r));
  const counted = ofYear.filter((r) => (f.status ? r.status === f.status : COUNTED.includes(r.status)));
  const ids = counted.map((r) => r.report_id);
  const flags = ids.length ? await db.selectFrom("report_flags").select(["rule", "severity"]).where("report_id", "in", ids).execute() : [];
  const classes = ids.length ? await db.selectFrom("report_class_amounts").select(["class_code", "final_fen"]).where("report_id", "in", ids).execute() : [];
  const fen = (rows: typeof all, key: "adjusted_budget_fen" | "expenditure_fen") => rows.reduce((s, r) => s + BigInt(r[key] ?? 0), 0n);
  const countBy = <T,>(items: T[], key: (item: T) => string) => items.reduce<Record<string, number>>((m, i) => ({ ...m, [key(i)]: (m[key(i)] ?? 0) + 1 }), {});
  const scores = counted.filter((r) => r.self_score != null).map((r) => Number(r.self_score));
  const statuses = countBy(ofYear, (r) => r.status);
  const trendYears = [...new Set(all.filter((r) => matches(r) && COUNTED.includes(r.status)).map((r) => Number(r.year)))].sort();
  return {
    headline: {
      submitted: statuses.submitted ?? 0, approved: statuses.approved ?? 0, returned: statuses.returned ?? 0,
      budgetWan: Number(fen(counted, "adjusted_budget_fen")) / 1e6, expenditureWan: Number(fen(counted, "expenditure_fen")) / 1e6,
      deviatingUnits: counted.filter((r) => r.deviation != null && Math.abs(r.deviation) > threshold).length,
      averageScore: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      openFlags: counted.reduce((s, r) => s + Number(r.errors) + Number(r.warnings), 0),
    },
    grades: countBy(counted.filter((r) => r.grade != null), (r) => r.grade!),
    flags: countBy(flags, (x) => `${x.rule}|${x.severity}`),
    classes: classes.reduce<Record<string, number>>((m, c) => ({ ...m, [c.class_code]: (m[c.class_code] ?? 0) + toNumber(c.final_fen) / 1e6 }), {}),
    submissions: countBy(ofYear.filter((r) => r.status !== "draft" && r.submitted_at != null), (r) => new Date(toNumber(r.submitted_at) + 8 * 3_600_000).toISOString().slice(0, 10)),
    trendYears,
    countyReports: countBy(counted, (r) => r.county_id),
    unitReports: counted.map((r) => r.report_id).sort(),
  };
}

type Page = Awaited<ReturnType<typeof dashboardPage>>;

function expectSame(page: Page, expected: Awaited<ReturnType<typeof recompute>>) {
  const h = page.headline;
  expect({ submitted: h.submitted, approved: h.approved, returned: h.returned, deviatingUnits: h.deviatingUnits, openFlags: h.openFlags }).toEqual({
    submitted: expected.headline.submitted, approved: expected.headline.approved, returned: expected.headline.returned,
    deviatingUnits: expected.headline.deviatingUnits, openFlags: expected.headline.openFlags,
  });
  expect(h.budgetWan).toBeCloseTo(expected.headline.budgetWan, 6);
  expect(h.expenditureWan).toBeCloseTo(expected.headline.expenditureWan, 6);
  if (expected.headline.averageScore == null) expect(h.averageScore).toBeNull();
  else expect(h.averageScore).toBeCloseTo(expected.headline.averageScore, 9);
  expect(Object.fromEntries(page.data.grades.filter((g) => g.count).map((g) => [g.grade, g.count]))).toEqual(expected.grades);
  expect(Object.fromEntries(page.data.flags.map((x) => [`${x.rule}|${x.severity}`, x.count]))).toEqual(expected.flags);
  const classes = Object.fromEntries(page.data.classes.map((c) => [c.classCode, c.amountWan]));
  expect(Object.keys(classes).sort()).toEqual(Object.keys(expected.classes).sort());
  for (const [code, wan] of Object.entries(expected.classes)) expect(classes[code]).toBeCloseTo(wan, 6);
  expect(Object.fromEntries(page.data.submissions.map((s) => [s.date, s.submitted]))).toEqual(expected.submissions);
  expect(page.data.trend.map((y) => y.year)).toEqual(expected.trendYears);
}

async function viewer(db: DB, username: string): Promise<Viewer> {
  const { id } = await db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return (await loadViewer(db, id))!;
}

describe(`dashboard figures (${TEST_DIALECT})`, () => {
  it("equal a row-by-row recompute in the county and city views, with filters, before and after writes from another connection", async () => {
    const seed = await seedDemo(t.db);
    const county = await viewer(t.db, "luxian_leader");
    const city = await viewer(t.db, "city_leader");
    const countyIds = [seed.luxianId];
    const cityIds = [seed.luxianId, seed.hejiangId];
    const year = 2023;
    const search = (q: Record<string, string> = {}) => new URLSearchParams({ year: String(year), ...q });

    const check = async () => {
      const countyPage = await dashboardPage(t.db, county, search());
      expectSame(countyPage, await recompute(t.db, countyIds, year, 0.1));
      const expected = await recompute(t.db, countyIds, year, 0.1);
      expect(countyPage.data.units.map((u) => u.id).sort()).toEqual(expected.unitReports);

      const cityPage = await dashboardPage(t.db, city, search());
      const cityExpected = await recompute(t.db, cityIds, year, 0.1);
      expectSame(cityPage, cityExpected);
      expect(cityPage.byCounty).toBe(true);
      expect(Object.fromEntries(cityPage.data.units.map((u) => [u.id, true]))).toEqual(Object.fromEntries(Object.keys(cityExpected.countyReports).map((id) => [id, true])));

      for (const filter of [{ status: "approved" }, { unitKind: "administrative" }, { functionClass: "208" }] as Array<Record<string, string>>) {
        expectSame(await dashboardPage(t.db, city, search(filter)), await recompute(t.db, cityIds, year, 0.1, filter));
      }
      return { countyPage, cityPage };
    };

    const before = await check();
    // Served twice: the second answer comes from the cache and must be the same.
    expect(await dashboardPage(t.db, city, search())).toEqual(before.cityPage);

    // Another server process (its own connection and cache) approves every submitted report of 泸县.
    const other = createDb(t.url);
    try {
      const reviewer = await viewer(other, "luxian_reviewer");
      const submitted = await other.selectFrom("reports").select("id").where("county_id", "=", seed.luxianId).where("year", "=", year).where("status", "=", "submitted").execute();
      expect(submitted.length).toBeGreaterThan(0);
      for (const { id } of submitted) {
        const report = (await findVisibleReport(other, scopeOf(reviewer), id))!;
        const outcome = await applyTransition(other, report, { transition: "approve", expectedVersion: report.version, reason: "批量核对通过", role: "reviewer" }, { userId: reviewer.userId, name: reviewer.displayName });
        expect(outcome.ok).toBe(true);
      }
      const after = await check();
      expect(after.countyPage.headline.approved).toBe(before.countyPage.headline.approved + submitted.length);
      expect(after.countyPage.headline.submitted).toBe(0);

      // A new unit counts as "not yet submitted" at once.
      await other.transaction().execute((trx) => insertUnit(trx, { countyId: seed.luxianId, parentId: null, code: "999001", name: "泸县新设单位", kind: "administrative" }, null));
      const withUnit = await dashboardPage(t.db, city, search());
      expect(withUnit.headline.units).toBe(after.cityPage.headline.units + 1);
      expect(withUnit.headline.notYet).toBe(after.cityPage.headline.notYet + 1);
    } finally {
      await other.destroy();
    }
  });
});
