import { describe, expect, it } from "vitest";
import { loader as adminUserLoader, action as adminUserAction } from "~/routes/admin.users.$userId";
import { action as newUnitAction } from "~/routes/admin.units.new";
import { action as newUserAction } from "~/routes/admin.users.new";
import { loader as adminLoader } from "~/routes/admin._index";
import { loader as reviewLoader } from "~/routes/review._index";
import { loader as unitLoader } from "~/routes/unit._index";
import { loader as dashboardLoader } from "~/routes/dashboard._index";
import { can, scopeOf, type Action } from "~/domain/permissions";
import { reportsInScope } from "~/models/scope.server";
import { loadViewer } from "~/models/users.server";
import { seedDemo, DEMO_PASSWORD, type DemoSeed } from "../../scripts/lib/seed";
import { useTestDatabase, TEST_DIALECT } from "./support/db";
import { get, loginCookie, post, run, statusOf } from "./support/requests";

const t = useTestDatabase();
let seed: DemoSeed;
const cookies: Record<string, string> = {};

async function cookie(username: string) {
  cookies[username] ??= await loginCookie(username, DEMO_PASSWORD);
  return cookies[username];
}

describe(`tenant scope (${TEST_DIALECT})`, () => {
  it("seeds", async () => {
    seed = await seedDemo(t.db);
    expect(Object.keys(seed.unitIds).length).toBeGreaterThan(40);
  });

  it("sends an anonymous visitor to the login page", async () => {
    const result = await run(reviewLoader, get("/review"));
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get("Location")).toBe("/login?redirectTo=%2Freview");
  });

  it("shows a reviewer only the reports and units of their own county", async () => {
    for (const year of ["2022", "2023"]) {
      const result = (await run(reviewLoader, get(`/review?status=all&year=${year}`, await cookie("hejiang_reviewer")))) as Awaited<ReturnType<typeof reviewLoader>>;
      expect(result.rows.length).toBeGreaterThan(0);
      expect(new Set(result.rows.map((r) => r.countyName))).toEqual(new Set(["合江县"]));
      expect(result.rows.some((r) => r.unitName.startsWith("泸县"))).toBe(false);
      expect(result.notSubmitted.some((u) => u.unitName.startsWith("泸县"))).toBe(false);
    }
  });

  it("shows a city-level leader both counties, a county leader one", async () => {
    const city = (await run(dashboardLoader, get("/dashboard", await cookie("city_leader")))) as Awaited<ReturnType<typeof dashboardLoader>>;
    const county = (await run(dashboardLoader, get("/dashboard", await cookie("luxian_leader")))) as Awaited<ReturnType<typeof dashboardLoader>>;
    expect(city.counties.map((c) => c.name).sort()).toEqual(["合江县", "泸县"].sort());
    expect(county.counties.map((c) => c.name)).toEqual(["泸县"]);
  });

  it("shows staff only their own unit and refuses them other roles' pages", async () => {
    const home = (await run(unitLoader, get("/unit", await cookie("zonggonghui")))) as Awaited<ReturnType<typeof unitLoader>>;
    expect(home.units.map((u) => u.name)).toEqual(["泸县总工会"]);
    expect(statusOf(await run(reviewLoader, get("/review", await cookie("zonggonghui"))))).toBe(403);
    expect(statusOf(await run(adminLoader, get("/admin", await cookie("zonggonghui"))))).toBe(403);
  });

  it("answers 404 for a user of another county, on read and on write", async () => {
    const foreign = await t.db.selectFrom("users").select("id").where("username", "=", "hejiang_staff").executeTakeFirstOrThrow();
    const admin = await cookie("luxian_admin");
    expect(statusOf(await run(adminUserLoader, get(`/admin/users/${foreign.id}`, admin, { userId: foreign.id })))).toBe(404);
    const disable = await run(adminUserAction, post(`/admin/users/${foreign.id}`, { intent: "disable" }, admin, { userId: foreign.id }));
    expect(statusOf(disable)).toBe(404);
    const row = await t.db.selectFrom("users").select("disabled").where("id", "=", foreign.id).executeTakeFirstOrThrow();
    expect(Number(row.disabled)).toBe(0);
    expect(statusOf(await run(adminUserLoader, get(`/admin/users/nonexistent`, admin, { userId: "nonexistent" })))).toBe(404);
  });

  it("refuses a tampered county or unit id in a form body", async () => {
    const admin = await cookie("luxian_admin");
    const before = await t.db.selectFrom("units").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    const unitInOtherCounty = await run(newUnitAction, post("/admin/units/new", { countyId: seed.hejiangId, code: "999", name: "伪造单位", kind: "department" }, admin));
    expect(statusOf(unitInOtherCounty)).toBe(404);
    const staffOfOtherUnit = await run(
      newUserAction,
      post("/admin/users/new", { username: "sneaky", displayName: "伪造", role: "staff", countyId: seed.luxianId, unitId: seed.unitIds["合江县总工会"], password: "a-long-enough-password" }, admin),
    );
    expect(statusOf(staffOfOtherUnit)).toBe(400);
    const after = await t.db.selectFrom("units").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await t.db.selectFrom("users").select("id").where("username", "=", "sneaky").executeTakeFirst()).toBeUndefined();
  });

  it("lets an admin create a unit and a user, disable and re-enable them, all audited", async () => {
    const admin = await cookie("luxian_admin");
    const created = await run(newUnitAction, post("/admin/units/new", { countyId: seed.luxianId, code: "105001", name: "泸县测试局", kind: "department" }, admin));
    expect(statusOf(created)).toBe(302);
    const unit = await t.db.selectFrom("units").select("id").where("name", "=", "泸县测试局").executeTakeFirstOrThrow();
    const short = await run(newUserAction, post("/admin/users/new", { username: "ceshi", displayName: "测试", role: "staff", countyId: seed.luxianId, unitId: unit.id, password: "short" }, admin));
    expect(statusOf(short)).toBe(400);
    expect((short as { data: { errors: Record<string, string> } }).data.errors.password).toContain("12");
    const made = await run(newUserAction, post("/admin/users/new", { username: "ceshi", displayName: "测试", role: "staff", countyId: seed.luxianId, unitId: unit.id, password: "correct horse battery" }, admin));
    expect(statusOf(made)).toBe(302);
    const user = await t.db.selectFrom("users").select("id").where("username", "=", "ceshi").executeTakeFirstOrThrow();
    const staffCookie = await loginCookie("ceshi", "correct horse battery");
    expect(statusOf(await run(unitLoader, get("/unit", staffCookie)))).toBe(200);
    await run(adminUserAction, post(`/admin/users/${user.id}`, { intent: "disable" }, admin, { userId: user.id }));
    expect(statusOf(await run(unitLoader, get("/unit", staffCookie)))).toBe(302);
    const actions = (await t.db.selectFrom("audit_log").select("action").execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["unit.create", "user.create", "user.disable", "permission.denied"]));
  });

  // The SQL predicate is derived from the permission table: for every persona and every report,
  // the rows it selects (in a query joined as the report loaders join) are exactly those `can` allows.
  it("selects in SQL exactly the reports can() allows, for every persona", async () => {
    const all = await t.db.selectFrom("reports").select(["id", "county_id", "unit_id", "status"]).execute();
    const statuses = new Set(all.map((r) => r.status));
    expect(statuses.size).toBe(4);
    const users = await t.db.selectFrom("users").select(["id", "username"]).where("username", "in", ["zonggonghui", "jiaotiju", "hejiang_staff", "luxian_reviewer", "hejiang_reviewer", "luxian_leader", "city_leader", "luxian_admin"]).execute();
    expect(users.length).toBe(8);
    for (const user of users) {
      const viewer = (await loadViewer(t.db, user.id))!;
      for (const action of ["report.view", "report.review", "report.edit", "report.comment"] as Action[]) {
        const rows = await t.db
          .selectFrom("reports")
          .innerJoin("units", "units.id", "reports.unit_id")
          .innerJoin("counties", "counties.id", "reports.county_id")
          .select("reports.id")
          .where(reportsInScope(scopeOf(viewer), action))
          .execute();
        const expected = all.filter((r) => can(viewer, action, { countyId: r.county_id, unitId: r.unit_id, status: r.status })).map((r) => r.id);
        expect(rows.map((r) => r.id).sort(), `${user.username} ${action}`).toEqual(expected.sort());
        if (action === "report.view") expect(rows.length, user.username).toBeGreaterThan(0);
      }
    }
    // A scope that reaches nothing selects nothing (and is valid SQL).
    const nobody = scopeOf({ userId: "-", username: "-", displayName: "-", grants: [] });
    expect(await t.db.selectFrom("reports").select("id").where(reportsInScope(nobody)).execute()).toEqual([]);
  });
});
