import { describe, expect, it } from "vitest";
import { createAccount } from "~/auth/accounts.server";
import { getAuthenticated } from "~/auth/guard.server";
import { campaignYears, ruleSettingsByCounty, updateCampaign } from "~/models/campaigns.server";
import { decodeCursor, queuePage, type QueueCursor, type QueueFilters } from "~/models/queue.server";
import { latestReportedYear } from "~/models/reportingYear.server";
import { queueProgress, unitsNotSubmitted } from "~/models/submissionProgress.server";
import { loader as reviewLoader } from "~/routes/review._index";
import { sessions } from "~/services.server";
import { DEMO_PASSWORD, seedDemo, type DemoSeed } from "../../scripts/lib/seed";
import { useTestDatabase, TEST_DIALECT } from "./support/db";
import { BASE, get, loginCookie, run } from "./support/requests";

const t = useTestDatabase();
let seed: DemoSeed;
let both: string[];

/** Every page of the queue, followed by its cursors. */
async function allPages(countyIds: string[], filters: QueueFilters, pageSize: number) {
  const rows: Awaited<ReturnType<typeof queuePage>>["rows"] = [];
  let after: QueueCursor | null = null;
  for (let i = 0; i < 200; i++) {
    const page = await queuePage(t.db, countyIds, filters, after, pageSize);
    rows.push(...page.rows);
    if (!page.next) return rows;
    after = decodeCursor(page.next);
  }
  throw new Error("the queue never ended");
}

/** The queue's order: riskiest first, then longest waiting, then id. */
function queueOrder(a: { triageScore: number; submittedAt: number | null; reportId: string }, b: typeof a) {
  return b.triageScore - a.triageScore || (a.submittedAt ?? 0) - (b.submittedAt ?? 0) || (a.reportId < b.reportId ? -1 : a.reportId > b.reportId ? 1 : 0);
}

describe(`triage queue (${TEST_DIALECT})`, () => {
  it("seeds, with a reviewer over both counties", async () => {
    seed = await seedDemo(t.db);
    both = [seed.luxianId, seed.hejiangId];
    const result = await createAccount(t.db, {
      username: "two_county_reviewer", displayName: "两县审核", password: DEMO_PASSWORD,
      grants: both.map((countyId) => ({ role: "reviewer" as const, countyId, unitId: null })),
    }, null);
    expect(result.ok).toBe(true);
  });

  it.each([
    ["submitted", {}],
    ["all", {}],
    ["all", { severity: "warning" }],
    ["approved", { clean: true }],
  ] as const)("pages several counties (%s %o) as the merge of each county's queue, in order", async (status, extra) => {
    const year = (await latestReportedYear(t.db, both))!;
    for (const y of [year, year - 1]) {
      const filters: QueueFilters = { year: y, status, ...extra };
      const merged = await allPages(both, filters, 3);
      const separate = [...(await allPages([seed.luxianId], filters, 3)), ...(await allPages([seed.hejiangId], filters, 3))].sort(queueOrder);
      expect(merged.map((r) => r.reportId)).toEqual(separate.map((r) => r.reportId));
      expect([...merged].sort(queueOrder).map((r) => r.reportId)).toEqual(merged.map((r) => r.reportId));
      expect(new Set(merged.map((r) => r.reportId)).size).toBe(merged.length);
    }
  });

  it("filters by rule to exactly the reports the rule flagged", async () => {
    const year = (await latestReportedYear(t.db, both))!;
    const flagged = await t.db.selectFrom("report_flags").select(["rule", "report_id"]).where("county_id", "in", both).where("year", "=", year).execute();
    const rules = [...new Set(flagged.map((f) => f.rule))];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of [...rules, "NO_SUCH_RULE"]) {
      const rows = await allPages(both, { year, status: "all", rule }, 4);
      const expected = await t.db.selectFrom("report_metrics").select("report_id").where("county_id", "in", both).where("year", "=", year)
        .where("status", "!=", "draft").where("report_id", "in", [...new Set(flagged.filter((f) => f.rule === rule).map((f) => f.report_id)), ""]).execute();
      expect(rows.map((r) => r.reportId).sort()).toEqual(expected.map((r) => r.report_id).sort());
    }
  });

  it("counts the units not yet submitted per county, as the unit lists do", async () => {
    for (const year of [2022, 2023, 2024, 2030]) {
      const { notSubmittedByCounty } = await queueProgress(t.db, both, year);
      const counties = await t.db.selectFrom("counties").select(["id", "name"]).where("id", "in", both).orderBy("code").execute();
      const lists = await Promise.all(counties.map((c) => unitsNotSubmitted(t.db, [c.id], year)));
      expect(notSubmittedByCounty).toEqual(counties.map((c, i) => ({ countyName: c.name, units: lists[i].length })).filter((c) => c.units > 0));
    }
    expect(await queueProgress(t.db, [], 2023)).toEqual({ counts: {}, notSubmittedByCounty: [] });
  });

  it("finds the latest year with a submitted report, the campaign years and each county's settings", async () => {
    const max = await t.db.selectFrom("report_metrics").select((eb) => eb.fn.max("year").as("y")).where("status", "!=", "draft").executeTakeFirstOrThrow();
    expect(await latestReportedYear(t.db, both)).toBe(Number(max.y));
    expect(await latestReportedYear(t.db, ["no-such-county"])).toBeNull();
    expect(await campaignYears(t.db, both)).toEqual([2024, 2023, 2022]);
    const settings = await ruleSettingsByCounty(t.db, [seed.hejiangId], 2023);
    expect([...settings.keys()]).toEqual([seed.hejiangId]);
    expect(settings.get(seed.hejiangId)?.deviationPct).toBe(10);
  });

  it("explains every row of a several-county queue with its own county's threshold", async () => {
    const campaign = await t.db.selectFrom("campaigns").select(["id", "settings"]).where("county_id", "=", seed.hejiangId).where("year", "=", 2023).executeTakeFirstOrThrow();
    const settings = (await ruleSettingsByCounty(t.db, [seed.hejiangId], 2023)).get(seed.hejiangId)!;
    await t.db.transaction().execute((trx) => updateCampaign(trx, { id: campaign.id, countyId: seed.hejiangId, deadline: null, settings: { ...settings, deviationPct: 1 } }, { userId: null, name: "测试" }));
    try {
      const cookie = await loginCookie("two_county_reviewer", DEMO_PASSWORD);
      type Data = Awaited<ReturnType<typeof reviewLoader>>;
      const rows: Data["rows"] = [];
      let data = (await run(reviewLoader, get("/review?status=all&year=2023", cookie))) as Data;
      rows.push(...data.rows);
      while (data.next) {
        data = (await run(reviewLoader, get(`/review?status=all&year=2023&after=${data.next}`, cookie))) as Data;
        rows.push(...data.rows);
      }
      // Deviating by 1–10%: beyond 合江县's threshold (now 1%), within 泸县's (10%).
      const between = rows.filter((r) => r.deviation != null && Math.abs(r.deviation) > 0.01 && Math.abs(r.deviation) <= 0.1);
      expect(new Set(between.map((r) => r.countyName))).toEqual(new Set(["泸县", "合江县"]));
      for (const r of between) expect(r.why.some((p) => p.label.startsWith("偏离度"))).toBe(r.countyName === "合江县");
      expect(data.notSubmitted).toEqual([]);
      const counties = await t.db.selectFrom("counties").select(["id", "name"]).where("id", "in", both).orderBy("code").execute();
      const lists = await Promise.all(counties.map((c) => unitsNotSubmitted(t.db, [c.id], 2023)));
      expect(data.notSubmittedByCounty).toEqual(counties.map((c, i) => ({ countyName: c.name, units: lists[i].length })).filter((c) => c.units > 0));
    } finally {
      await t.db.updateTable("campaigns").set({ settings: campaign.settings }).where("id", "=", campaign.id).execute();
    }
  });

  it("lists a one-county reviewer's units by name, without counts per county", async () => {
    const data = (await run(reviewLoader, get("/review?year=2023", await loginCookie("luxian_reviewer", DEMO_PASSWORD)))) as Awaited<ReturnType<typeof reviewLoader>>;
    expect(data.notSubmittedByCounty).toBeNull();
    expect(data.notSubmitted.map((u) => u.unitId)).toEqual((await unitsNotSubmitted(t.db, [seed.luxianId], 2023)).map((u) => u.unitId));
  });

  it("shares one session lookup between the loaders of a request, and never an old one", async () => {
    const cookie = await loginCookie("luxian_reviewer", DEMO_PASSWORD);
    const request = () => new Request(`${BASE}/review`, { headers: { Cookie: cookie } });
    const context = {};
    const root = getAuthenticated(request(), context);
    expect(getAuthenticated(request(), context)).toBe(root);
    expect(getAuthenticated(request(), {})).not.toBe(root);
    expect((await root)?.viewer.username).toBe("luxian_reviewer");
    const other = await loginCookie("hejiang_reviewer", DEMO_PASSWORD);
    expect((await getAuthenticated(new Request(`${BASE}/review`, { headers: { Cookie: other } }), context))?.viewer.username).toBe("hejiang_reviewer");
    // Settled lookups are not kept: a context used again sees the session end.
    await sessions().invalidateSession((await root)!.sessionId);
    expect(await getAuthenticated(request(), context)).toBeNull();
  });
});
