/**
 * The permission table: the actions routes check, the three-way decision behind `can`, and the
 * same table read out for SQL (scopeReach / reportVisibilityRules) — checked against `can` on
 * every role × relation × status, so the SQL predicate and the check cannot drift apart.
 */
import { describe, expect, it } from "vitest";
import {
  can, countiesHolding, decide, holdsAnywhere, PERMISSIONS, reportVisibilityRules, scopeOf, scopeReach,
  type Action, type Resource, type Role, type Viewer,
} from "~/domain/permissions";
import { REPORT_STATUSES } from "~/domain/vocabulary";

const viewer = (...grants: Array<[Role, string, string | null]>): Viewer => ({
  userId: "u", username: "u", displayName: "u", grants: grants.map(([role, countyId, unitId]) => ({ role, countyId, unitId })),
});
const staff = viewer(["staff", "A", "unit1"]);
const reviewer = viewer(["reviewer", "A", null]);
const leader = viewer(["leader", "A", null]);
const admin = viewer(["admin", "A", null]);
const cityLeader = viewer(["leader", "A", null], ["leader", "B", null]);
const nobody = viewer();

describe("the actions routes check", () => {
  it.each<[string, Viewer, Action, Resource, boolean]>([
    ["staff imports into own draft", staff, "report.import", { countyId: "A", unitId: "unit1", status: "draft" }, true],
    ["staff imports into own approved report", staff, "report.import", { countyId: "A", unitId: "unit1", status: "approved" }, false],
    ["reviewer imports", reviewer, "report.import", { countyId: "A", unitId: "unit1", status: "submitted" }, false],
    ["staff comments on own submitted report", staff, "report.comment", { countyId: "A", unitId: "unit1", status: "submitted" }, true],
    ["staff comments on own draft", staff, "report.comment", { countyId: "A", unitId: "unit1", status: "draft" }, false],
    ["leader comments", leader, "report.comment", { countyId: "A", unitId: "unit1", status: "submitted" }, false],
    ["admin comments", admin, "report.comment", { countyId: "A", unitId: "unit1", status: "submitted" }, false],
    ["reviewer resolves", reviewer, "comment.resolve", { countyId: "A", unitId: "unit1", status: "approved" }, true],
    ["staff resolves on own report", staff, "comment.resolve", { countyId: "A", unitId: "unit1", status: "returned" }, true],
    ["leader resolves", leader, "comment.resolve", { countyId: "A", unitId: "unit1", status: "approved" }, false],
    ["reviewer receives files", reviewer, "intake.receive", { countyId: "A" }, true],
    ["admin receives files", admin, "intake.receive", { countyId: "A" }, true],
    ["admin receives another county's files", admin, "intake.receive", { countyId: "B" }, false],
    ["leader receives files", leader, "intake.receive", { countyId: "A" }, false],
    ["staff receives files", staff, "intake.receive", { countyId: "A" }, false],
    ["admin views a submitted report", admin, "report.view", { countyId: "A", unitId: "unit1", status: "submitted" }, true],
    ["admin views a draft", admin, "report.view", { countyId: "A", unitId: "unit1", status: "draft" }, false],
    ["staff starts a report (no status yet)", staff, "report.edit", { countyId: "A", unitId: "unit1" }, true],
    ["reviewer has no report without a status", reviewer, "report.view", { countyId: "A", unitId: "unit1" }, false],
    ["staff of a unit with the same id elsewhere is matched by unit", staff, "report.view", { countyId: "B", unitId: "unit1", status: "draft" }, true],
    ["a resource without a unit is no staff's", staff, "report.view", { countyId: "A", unitId: null, status: "draft" }, false],
  ])("%s → %s", (_name, who, action, resource, expected) => {
    expect(can(who, action, resource)).toBe(expected);
  });

  it("tells a refusal by status from a refusal by role", () => {
    expect(decide(staff, "report.edit", { countyId: "A", unitId: "unit1", status: "submitted" })).toBe("status");
    expect(decide(staff, "report.edit", { countyId: "A", unitId: "unit2", status: "draft" })).toBe("denied");
    expect(decide(staff, "report.comment", { countyId: "A", unitId: "unit1", status: "draft" })).toBe("status");
    expect(decide(reviewer, "report.review", { countyId: "A", unitId: "unit1", status: "approved" })).toBe("granted");
    expect(decide(leader, "report.review", { countyId: "A", unitId: "unit1", status: "submitted" })).toBe("denied");
    expect(decide(reviewer, "report.edit", { countyId: "A", unitId: "unit1", status: "draft" })).toBe("denied");
  });

  it("says where a viewer holds an action, for whole pages and county lists", () => {
    expect(holdsAnywhere(staff, "report.edit")).toBe(true);
    expect(holdsAnywhere(staff, "dashboard.view")).toBe(false);
    expect(holdsAnywhere(reviewer, "report.review")).toBe(true);
    expect(holdsAnywhere(leader, "report.review")).toBe(false);
    expect(holdsAnywhere(nobody, "report.view")).toBe(false);
    // A staff grant without a unit reaches no report.
    expect(holdsAnywhere(viewer(["staff", "A", null]), "report.edit")).toBe(false);
    expect(countiesHolding(scopeOf(cityLeader), "dashboard.view")).toEqual(["A", "B"]);
    expect(countiesHolding(scopeOf(viewer(["reviewer", "A", null], ["admin", "B", null])), "intake.receive")).toEqual(["A", "B"]);
    expect(countiesHolding(scopeOf(viewer(["reviewer", "A", null], ["admin", "B", null])), "county.administer")).toEqual(["B"]);
    expect(countiesHolding(scopeOf(staff), "report.view")).toEqual([]);
  });
});

describe("the table read out for SQL", () => {
  it("report visibility: own unit's always, the bureau's from submission on, leaders' submitted and approved", () => {
    const scope = scopeOf(viewer(["staff", "A", "unit1"], ["reviewer", "A", null], ["admin", "B", null], ["leader", "C", null]));
    expect(reportVisibilityRules(scope)).toEqual([
      { via: "unit", ids: ["unit1"], statuses: undefined },
      { via: "county", ids: ["A", "B"], statuses: ["submitted", "returned", "approved"] },
      { via: "county", ids: ["C"], statuses: ["submitted", "approved"] },
    ]);
    expect(reportVisibilityRules(scopeOf(nobody))).toEqual([]);
  });

  // Every action, role, relation and status: the rules read out for a scope decide exactly as `can`.
  const viewers: Record<string, Viewer> = { staff, reviewer, leader, admin, cityLeader, nobody, mixed: viewer(["staff", "B", "unitB"], ["reviewer", "A", null]) };
  const resources: Resource[] = [];
  for (const countyId of ["A", "B", "C"]) {
    for (const unitId of ["unit1", "unitB", "unit9", null]) {
      resources.push({ countyId, unitId });
      for (const status of REPORT_STATUSES) resources.push({ countyId, unitId, status });
    }
  }
  it.each(Object.keys(PERMISSIONS) as Action[])("%s: scopeReach matches can on every resource", (action) => {
    for (const [name, who] of Object.entries(viewers)) {
      const reaches = scopeReach(scopeOf(who), action);
      for (const r of resources) {
        const status = r.status ?? "draft";
        const bySql = reaches.some((reach) =>
          (reach.via === "unit" ? r.unitId != null && reach.ids.includes(r.unitId) : reach.ids.includes(r.countyId)) &&
          (!reach.statuses || reach.statuses.includes(status)),
        );
        expect(bySql, `${name} ${action} ${JSON.stringify(r)}`).toBe(can(who, action, r));
      }
    }
  });
});
