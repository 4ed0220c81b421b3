/**
 * A change of a year's rule thresholds or deadline recomputes that county-year's read model
 * in the same transaction: metrics:verify finds nothing to repair afterwards, the flags follow
 * the new thresholds, and other county-years are left as they were.
 */
import { describe, expect, it } from "vitest";
import { ruleSettingsByCounty, updateCampaign } from "~/models/campaigns.server";
import { checkMetrics } from "~/models/metricsCheck.server";
import { seedDemo } from "../../scripts/lib/seed";
import { TEST_DIALECT, useTestDatabase } from "./support/db";

const t = useTestDatabase();
const actor = { userId: null, name: "测试管理员" };

async function flagCount(countyId: string, rule: string) {
  const row = await t.db.selectFrom("report_flags").select((eb) => eb.fn.countAll().as("n")).where("county_id", "=", countyId).where("year", "=", 2023).where("rule", "=", rule).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe(`changing a year's settings (${TEST_DIALECT})`, () => {
  it("recomputes the county-year: 0 mismatches after, flags follow the thresholds, the other county untouched", async () => {
    const seed = await seedDemo(t.db);
    expect((await checkMetrics(t.db)).mismatches).toEqual([]);
    const campaign = await t.db.selectFrom("campaigns").select(["id"]).where("county_id", "=", seed.luxianId).where("year", "=", 2023).executeTakeFirstOrThrow();
    const settings = (await ruleSettingsByCounty(t.db, [seed.luxianId], 2023)).get(seed.luxianId)!;
    const deviationBefore = await flagCount(seed.luxianId, "DEVIATION_OVER");
    const hejiangMetrics = () => t.db.selectFrom("report_metrics").selectAll().where("county_id", "=", seed.hejiangId).orderBy("report_id").execute();
    const hejiangBefore = await hejiangMetrics();

    // Every deviation over 1% now counts, no execution rate is low, and the deadline is long past.
    const changed = await t.db.transaction().execute((trx) =>
      updateCampaign(trx, { id: campaign.id, countyId: seed.luxianId, deadline: Date.UTC(2020, 0, 1), settings: { ...settings, deviationPct: 1, executionPct: 1 } }, actor),
    );
    expect(changed).toBe(true);
    expect((await checkMetrics(t.db)).mismatches).toEqual([]);
    expect(await flagCount(seed.luxianId, "DEVIATION_OVER")).toBeGreaterThan(deviationBefore);
    expect(await flagCount(seed.luxianId, "EXECUTION_LOW")).toBe(0);
    const late = await t.db.selectFrom("report_metrics").select("late").where("county_id", "=", seed.luxianId).where("year", "=", 2023).where("submitted_at", "is not", null).execute();
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((r) => Number(r.late) === 1)).toBe(true);
    expect(await hejiangMetrics()).toEqual(hejiangBefore);
  });
});
