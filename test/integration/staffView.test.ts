/**
 * A unit's staff get what their report's rules concluded, never their peers' figures: the
 * report page sends staff no county sample (it feeds COUNTY_OUTLIER only) and no info flags
 * (reviewers only, and the cross-report ones quote county medians). The reviewer of the same
 * report does get both, so the difference is the viewer, not the data.
 */
import { describe, expect, it } from "vitest";
import { toFormDocument } from "~/domain/formDocument";
import { action as reportAction, loader as reportLoader } from "~/routes/reports.$reportId._index";
import { DEMO_PASSWORD, referenceDocument, seedDemo } from "../../scripts/lib/seed";
import { TEST_DIALECT, useTestDatabase } from "./support/db";
import { get, loginCookie, post, run } from "./support/requests";

const t = useTestDatabase();
type View = Awaited<ReturnType<typeof reportLoader>>;
let seeded: ReturnType<typeof seedDemo> | undefined;
const seedOnce = () => (seeded ??= seedDemo(t.db));

describe(`the report page for staff and for the reviewer (${TEST_DIALECT})`, () => {
  it("staff: no county figures and no info flags; reviewer: both", async () => {
    const seed = await seedOnce();
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

  it("staff's save response carries no info flags either, though the stored flags have them", async () => {
    const seed = await seedOnce();
    const own = await t.db.selectFrom("reports").select(["id", "version"]).where("unit_id", "=", seed.unitIds["泸县总工会"]).where("year", "=", 2023).executeTakeFirstOrThrow();
    // A self score far from last year's and from the county's: SCORE_JUMP and COUNTY_OUTLIER (info) fire.
    const doc = referenceDocument();
    doc.selfScore = "40";
    const cookie = await loginCookie("zonggonghui", DEMO_PASSWORD);
    const response = (await run(reportAction, post(`/reports/${own.id}`, {
      intent: "save", version: String(own.version), document: JSON.stringify(toFormDocument(doc)), explanations: "{}",
    }, cookie, { reportId: own.id }))) as { ok: boolean; flags: Array<{ severity: string; message: string }> };
    expect(response.ok).toBe(true);
    const stored = await t.db.selectFrom("report_flags").select(["severity", "rule"]).where("report_id", "=", own.id).execute();
    expect(stored.filter((f) => f.severity === "info").length).toBeGreaterThan(0);
    expect(response.flags.length).toBeGreaterThan(0);
    expect(response.flags.filter((f) => f.severity === "info")).toEqual([]);
    expect(JSON.stringify(response)).not.toMatch(/全县中位数|上年/);
  });

  it("what the page offers comes from the same rules as the actions: the staff side in every status, the reviewer's, a reader's", async () => {
    const seed = await seedOnce();
    const reports = await t.db.selectFrom("reports").select(["id", "status", "unit_id"]).where("county_id", "=", seed.luxianId).execute();
    const draft = reports.find((r) => r.unit_id === seed.unitIds["泸县总工会"] && r.status === "draft")!;
    const submittedOwn = reports.find((r) => r.unit_id === seed.unitIds["泸县总工会"] && r.status !== "draft")!;
    const view = async (username: string, id: string) => (await run(reportLoader, get(`/reports/${id}`, await loginCookie(username, DEMO_PASSWORD), { reportId: id }))) as View;
    const ownDraft = await view("zonggonghui", draft.id);
    expect([ownDraft.perspective, ownDraft.editable, ownDraft.rights]).toEqual(["staff", true, { comment: false, resolve: true }]);
    const ownSubmitted = await view("zonggonghui", submittedOwn.id);
    expect([ownSubmitted.perspective, ownSubmitted.editable, ownSubmitted.rights]).toEqual(["staff", false, { comment: true, resolve: true }]);
    expect(ownSubmitted.ruleContext.county).toBeNull();
    const reviewer = await view("luxian_reviewer", submittedOwn.id);
    expect([reviewer.perspective, reviewer.editable, reviewer.rights]).toEqual(["reviewer", false, { comment: true, resolve: true }]);
    const leaderTarget = reports.find((r) => r.status === "approved" || r.status === "submitted")!;
    const leader = await view("luxian_leader", leaderTarget.id);
    expect([leader.perspective, leader.editable, leader.rights, leader.transitions]).toEqual(["reader", false, { comment: false, resolve: false }, []]);
  });
});
