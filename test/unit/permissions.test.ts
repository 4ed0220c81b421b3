import { describe, expect, it } from "vitest";
import { can, homePath, scopeOf, type Action, type Viewer } from "~/domain/permissions";

const viewer = (role: Viewer["grants"][number]["role"], countyId = "A", unitId: string | null = null): Viewer => ({
  userId: "u", username: "u", displayName: "u", grants: [{ role, countyId, unitId }],
});
const staff = viewer("staff", "A", "unit1");
const reviewer = viewer("reviewer");
const leader = viewer("leader");
const admin = viewer("admin");

describe("can", () => {
  it.each<[string, Viewer, Action, Parameters<typeof can>[2], boolean]>([
    ["staff views own draft", staff, "report.view", { countyId: "A", unitId: "unit1", status: "draft" }, true],
    ["staff views another unit's report", staff, "report.view", { countyId: "A", unitId: "unit2", status: "submitted" }, false],
    ["staff edits own returned report", staff, "report.edit", { countyId: "A", unitId: "unit1", status: "returned" }, true],
    ["staff edits own submitted report", staff, "report.edit", { countyId: "A", unitId: "unit1", status: "submitted" }, false],
    ["reviewer views a draft", reviewer, "report.view", { countyId: "A", unitId: "unit1", status: "draft" }, false],
    ["reviewer views a submitted report", reviewer, "report.view", { countyId: "A", unitId: "unit1", status: "submitted" }, true],
    ["reviewer of another county", reviewer, "report.view", { countyId: "B", unitId: "x", status: "submitted" }, false],
    ["reviewer reviews", reviewer, "report.review", { countyId: "A", status: "submitted" }, true],
    ["reviewer edits", reviewer, "report.edit", { countyId: "A", unitId: "unit1", status: "draft" }, false],
    ["leader views approved", leader, "report.view", { countyId: "A", status: "approved" }, true],
    ["leader views returned", leader, "report.view", { countyId: "A", status: "returned" }, false],
    ["leader reviews", leader, "report.review", { countyId: "A", status: "submitted" }, false],
    ["leader sees dashboard", leader, "dashboard.view", { countyId: "A" }, true],
    ["staff sees dashboard", staff, "dashboard.view", { countyId: "A" }, false],
    ["admin administers own county", admin, "county.administer", { countyId: "A" }, true],
    ["admin administers another county", admin, "county.administer", { countyId: "B" }, false],
  ])("%s → %s", (_name, who, action, resource, expected) => {
    expect(can(who, action, resource)).toBe(expected);
  });

  it("derives scope and home pages", () => {
    expect(scopeOf(staff).staffUnitIds).toEqual(["unit1"]);
    expect(homePath(staff)).toBe("/unit");
    expect(homePath(reviewer)).toBe("/review");
    expect(homePath(leader)).toBe("/dashboard");
    expect(homePath(admin)).toBe("/admin");
    expect(homePath({ ...staff, grants: [] })).toBe("/no-access");
  });
});
