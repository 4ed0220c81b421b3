/**
 * A unit's staff get what their report's rules concluded, never their peers' figures: the
 * report page sends staff no county sample (it feeds COUNTY_OUTLIER only) and no info flags
 * (reviewers only, and the cross-report ones quote county medians). The reviewer of the same
 * report does get both, so the difference is the viewer, not the data.
 */
import { describe, expect, it } from "vitest";
import { loader as reportLoader } from "~/routes/reports.$reportId._index";
import { DEMO_PASSWORD, seedDemo } from "../../scripts/lib/seed";
import { TEST_DIALECT, useTestDatabase } from "./support/db";
import { get, loginCookie, run } from "./support/requests";

const t = useTestDatabase();
type View = Awaited<ReturnType<typeof reportLoader>>;

describe(`the report page for staff and for the reviewer (${TEST_DIALECT})`, () => {
  it("staff: no county figures and no info flags; reviewer: both", async () => {
    const seed = await seedDemo(t.db);
    const own = await t.db.selectFrom("reports").select("id").where("unit_id", "=", seed.unitIds["泸县总工会"]).where("year", "=", 2023).executeTakeFirstOrThrow();
    const path = `/reports/${own.id}`;
    const staff = (await run(reportLoader, get(path, await loginCookie("zonggonghui", DEMO_PASSWORD), { reportId: own.id }))) as View;
    expect(staff.perspective).toBe("staff");
    expect(staff.ruleContext.county).toBeNull();
    expect(staff.flags.filter((f) => f.severity === "info")).toEqual([]);
    expect(JSON.stringify(staff)).not.toMatch(/全县中位数/);

    // The reviewer's view of a submitted report in the same county carries the sample.
    const submitted = await t.db.selectFrom("reports").select("id").where("county_id", "=", seed.luxianId).where("year", "=", 2023).where("status", "=", "submitted").executeTakeFirstOrThrow();
    const reviewer = (await run(reportLoader, get(`/reports/${submitted.id}`, await loginCookie("luxian_reviewer", DEMO_PASSWORD), { reportId: submitted.id }))) as View;
    expect(reviewer.perspective).toBe("reviewer");
    expect(reviewer.ruleContext.county?.executionRates.length).toBeGreaterThan(4);
  });
});
