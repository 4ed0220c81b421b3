/**
 * "Not yet submitted" is one definition (~/domain/submission: no report, a draft, or returned)
 * wherever it is shown: the dashboard's headline and status chart with their drill-down lists,
 * the triage queue's list and per-county counts. Two fresh counties, one unit in each state.
 */
import { describe, expect, it } from "vitest";
import { createAccount } from "~/auth/accounts.server";
import { isOutstanding } from "~/domain/submission";
import type { ReportStatus } from "~/domain/vocabulary";
import { insertCampaign } from "~/models/campaigns.server";
import { dashboardPage } from "~/models/dashboard.server";
import { insertReport } from "~/models/reportWrites.server";
import { queueProgress, unitsNotSubmitted } from "~/models/submissionProgress.server";
import { insertCounty, insertUnit } from "~/models/units.server";
import { loadViewer } from "~/models/users.server";
import { loader as drillDownLoader } from "~/routes/dashboard.units";
import { loader as reviewLoader } from "~/routes/review._index";
import { seededRandom, syntheticReport } from "../../scripts/lib/synthetic";
import { TEST_DIALECT, useTestDatabase } from "./support/db";
import { get, loginCookie, run } from "./support/requests";

const t = useTestDatabase();
const YEAR = 2023;
const PASSWORD = "not-submitted-Test-2023";

/** Per county: its units, each with the status of its report (null: no report). */
const COUNTIES: Array<{ code: string; name: string; units: Array<ReportStatus | null> }> = [
  { code: "519901", name: "甲县", units: [null, "draft", "submitted", "returned", "approved"] },
  { code: "519902", name: "乙县", units: ["submitted", "returned"] },
];

async function seedCounties() {
  const rnd = seededRandom(13);
  const ids: string[] = [];
  await t.db.transaction().execute(async (trx) => {
    for (const county of COUNTIES) {
      const countyId = await insertCounty(trx, { code: county.code, name: county.name }, null);
      ids.push(countyId);
      await insertCampaign(trx, { countyId, year: YEAR, deadline: null }, null);
      for (const [i, status] of county.units.entries()) {
        const name = `${county.name}单位${i + 1}`;
        const unitId = await insertUnit(trx, { countyId, parentId: null, code: `${county.code}${i}`, name, kind: "department" }, null);
        if (status == null) continue;
        await insertReport(trx, {
          countyId, unit: { id: unitId, name, kind: "department" }, year: YEAR, document: syntheticReport({ unitName: name, year: YEAR, rnd }).document,
          status, source: "demo", submittedAt: status === "draft" ? undefined : Date.UTC(YEAR + 1, 2, 1),
        }, { userId: null, name: "测试" });
      }
    }
  });
  const grants = (role: "leader" | "reviewer", countyIds: string[]) => countyIds.map((countyId) => ({ role, countyId, unitId: null }));
  for (const [username, role, countyIds] of [
    ["ns_leader_a", "leader", ids.slice(0, 1)], ["ns_leader_both", "leader", ids],
    ["ns_reviewer_a", "reviewer", ids.slice(0, 1)], ["ns_reviewer_both", "reviewer", ids],
  ] as const) {
    const result = await createAccount(t.db, { username, displayName: username, password: PASSWORD, grants: grants(role, countyIds) }, null);
    expect(result.ok).toBe(true);
  }
  return ids;
}

async function viewer(username: string) {
  const { id } = await t.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return (await loadViewer(t.db, id))!;
}

describe(`units not yet submitted (${TEST_DIALECT})`, () => {
  it("agree everywhere: no report, a draft and a returned report are outstanding; submitted and approved are not", async () => {
    const [a, b] = await seedCounties();
    const expected = COUNTIES.map((c) => c.units.filter(isOutstanding).length);
    expect(expected).toEqual([3, 1]);

    // The lists: exactly the units without a report, with a draft or returned.
    const listA = await unitsNotSubmitted(t.db, [a], YEAR);
    expect(listA.map((u) => u.status)).toEqual([null, "draft", "returned"]);
    expect((await unitsNotSubmitted(t.db, [b], YEAR)).map((u) => u.status)).toEqual(["returned"]);

    // The queue's counts per county, and its tabs.
    const progress = await queueProgress(t.db, [a, b], YEAR);
    expect(progress.notSubmittedByCounty).toEqual([{ countyName: "甲县", units: 3 }, { countyName: "乙县", units: 1 }]);
    expect(progress.counts).toEqual({ draft: 1, submitted: 2, returned: 2, approved: 1 });

    // The dashboard: one county, then both.
    const search = new URLSearchParams({ year: String(YEAR) });
    const county = await dashboardPage(t.db, await viewer("ns_leader_a"), search);
    expect(county.headline).toMatchObject({ units: 5, submitted: 1, approved: 1, returned: 1, notYet: 3 });
    const byStatus = Object.fromEntries(county.data.statuses.map((s) => [s.key, s.count]));
    expect(byStatus).toEqual({ not_started: 1, draft: 1, submitted: 1, returned: 1, approved: 1 });
    expect(byStatus.not_started + byStatus.draft + byStatus.returned).toBe(county.headline.notYet);
    const city = await dashboardPage(t.db, await viewer("ns_leader_both"), search);
    expect(city.headline).toMatchObject({ units: 7, notYet: 4 });

    // The review page: a one-county reviewer's list, a two-county reviewer's counts.
    const one = (await run(reviewLoader, get(`/review?year=${YEAR}`, await loginCookie("ns_reviewer_a", PASSWORD)))) as Awaited<ReturnType<typeof reviewLoader>>;
    expect(one.notSubmittedByCounty).toBeNull();
    expect(one.notSubmitted.map((u) => u.unitId)).toEqual(listA.map((u) => u.unitId));
    const both = (await run(reviewLoader, get(`/review?year=${YEAR}`, await loginCookie("ns_reviewer_both", PASSWORD)))) as Awaited<ReturnType<typeof reviewLoader>>;
    expect(both.notSubmittedByCounty).toEqual(progress.notSubmittedByCounty);

    // The status chart's drill-down lists add up to the headline.
    const cookie = await loginCookie("ns_leader_a", PASSWORD);
    let pending = 0;
    for (const status of ["not_started", "draft", "returned"]) {
      const data = (await run(drillDownLoader, get(`/dashboard/units?year=${YEAR}&status=${status}`, cookie))) as Awaited<ReturnType<typeof drillDownLoader>>;
      expect(data.pending).toHaveLength(1);
      pending += data.pending.length;
    }
    expect(pending).toBe(county.headline.notYet);
  });
});
