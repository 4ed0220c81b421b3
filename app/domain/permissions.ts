/**
 * Who may do what. The one permission check, `can`, evaluates one table of rules (PERMISSIONS);
 * routes call it (through the guard), the UI calls it to hide what the server would refuse, and
 * the SQL scope predicates (app/models/scope.server.ts) are derived from the same table.
 */
import type { ReportStatus } from "./vocabulary";

export type Role = "staff" | "reviewer" | "leader" | "admin";

export const ROLE_LABELS: Record<Role, string> = {
  staff: "单位填报人员",
  reviewer: "财政局审核人员",
  leader: "局领导",
  admin: "系统管理员",
};

export interface MembershipGrant {
  role: Role;
  countyId: string;
  /** Unit staff only. */
  unitId: string | null;
}

export interface Viewer {
  userId: string;
  username: string;
  displayName: string;
  grants: MembershipGrant[];
}

/** The ids a viewer reaches per role, as the model layer puts them into SQL. */
export interface Scope {
  staffUnitIds: string[];
  reviewerCountyIds: string[];
  leaderCountyIds: string[];
  adminCountyIds: string[];
}

export function scopeOf(viewer: Viewer): Scope {
  const pick = (role: Role, key: "countyId" | "unitId") =>
    [...new Set(viewer.grants.filter((g) => g.role === role).map((g) => g[key]).filter((v): v is string => !!v))];
  return {
    staffUnitIds: pick("staff", "unitId"),
    reviewerCountyIds: pick("reviewer", "countyId"),
    leaderCountyIds: pick("leader", "countyId"),
    adminCountyIds: pick("admin", "countyId"),
  };
}

/** Where a viewer lands after login: the first page in this order whose action they hold somewhere. */
const HOME_PAGES: Array<[Action, string]> = [["county.administer", "/admin"], ["report.review", "/review"], ["dashboard.view", "/dashboard"], ["report.edit", "/unit"]];

export function homePath(viewer: Viewer): string {
  return HOME_PAGES.find(([action]) => holdsAnywhere(viewer, action))?.[1] ?? "/no-access";
}

export type Action =
  | "report.view"
  | "report.edit"
  | "report.submit"
  | "report.import"
  | "report.review"
  | "report.comment"
  | "comment.resolve"
  | "dashboard.view"
  | "intake.receive"
  | "county.administer";

export interface Resource {
  countyId: string;
  unitId?: string | null;
  /** A report's status; absent for a report yet to be started, which is a draft. */
  status?: ReportStatus;
}

/** How a grant reaches a resource: its unit (staff) or its county (the bureau). */
export type Reach = "unit" | "county";

export interface PermissionRule {
  role: Role;
  via: Reach;
  /** The report statuses in which the role holds the action; absent: any (or no report at all). */
  statuses?: readonly ReportStatus[];
}

const SUBMITTED_ON: readonly ReportStatus[] = ["submitted", "returned", "approved"];
const EDITABLE: readonly ReportStatus[] = ["draft", "returned"];
const PUBLISHED: readonly ReportStatus[] = ["submitted", "approved"];
const unitStaff = (statuses?: readonly ReportStatus[]): PermissionRule => ({ role: "staff", via: "unit", statuses });
const county = (role: Role, statuses?: readonly ReportStatus[]): PermissionRule => ({ role, via: "county", statuses });

/**
 * The rules, as data: for each action, the roles that hold it, by own unit or by county, and in
 * which report statuses. Staff see and edit their own unit's reports; reviewers see a county's
 * reports from submission on (never drafts) and review them; leaders see submitted and
 * approved reports and the county dashboards, read-only; admins see their county's reports from
 * submission on and administer it. `can` evaluates this table and the SQL scope predicate
 * (app/models/scope.server.ts) is built from it, so the two cannot disagree. Order within an
 * action is the order county lists come out in.
 */
export const PERMISSIONS: Readonly<Record<Action, readonly PermissionRule[]>> = {
  "report.view": [unitStaff(), county("reviewer", SUBMITTED_ON), county("admin", SUBMITTED_ON), county("leader", PUBLISHED)],
  "report.edit": [unitStaff(EDITABLE)],
  "report.submit": [unitStaff(EDITABLE)],
  "report.import": [unitStaff(EDITABLE)],
  "report.review": [county("reviewer", SUBMITTED_ON)],
  // Adding and answering comments; resolving one is possible in any status.
  "report.comment": [county("reviewer", SUBMITTED_ON), unitStaff(SUBMITTED_ON)],
  "comment.resolve": [county("reviewer"), unitStaff()],
  "dashboard.view": [county("admin"), county("reviewer"), county("leader")],
  "intake.receive": [county("reviewer"), county("admin")],
  "county.administer": [county("admin")],
};

/** What one rule of the table reaches for a scope: these units' or counties' reports, in these statuses. */
export interface ScopeReach {
  via: Reach;
  ids: string[];
  /** Absent: any status. */
  statuses?: readonly ReportStatus[];
}

const SCOPE_IDS: Record<Role, keyof Scope> = { staff: "staffUnitIds", reviewer: "reviewerCountyIds", leader: "leaderCountyIds", admin: "adminCountyIds" };

/**
 * The table's rules for `action`, applied to a scope: rules that reach the same way in the same
 * statuses are merged (reviewer and admin county ids, say), rules reaching nothing are dropped.
 * An empty list: the scope holds the action nowhere.
 */
export function scopeReach(scope: Scope, action: Action): ScopeReach[] {
  const reaches: ScopeReach[] = [];
  for (const rule of PERMISSIONS[action]) {
    const ids = scope[SCOPE_IDS[rule.role]];
    if (!ids.length) continue;
    const same = reaches.find((r) => r.via === rule.via && r.statuses?.join() === rule.statuses?.join());
    if (same) same.ids = [...new Set([...same.ids, ...ids])];
    else reaches.push({ via: rule.via, ids: [...ids], statuses: rule.statuses });
  }
  return reaches;
}

/** Report visibility for SQL: the "report.view" rules as unit and county ids with their statuses. */
export function reportVisibilityRules(scope: Scope): ScopeReach[] {
  return scopeReach(scope, "report.view");
}

/** The counties where the scope holds `action` by county (in some status), in the table's order. */
export function countiesHolding(scope: Scope, action: Action): string[] {
  return [...new Set(scopeReach(scope, action).filter((r) => r.via === "county").flatMap((r) => r.ids))];
}

/**
 * Why a permission holds or not. `granted`; `status`: the viewer holds the action on this
 * resource, but not in its current status (a workflow refusal: the report is already
 * submitted, a draft cannot be commented yet); `denied`: no rule gives the viewer the action on
 * this resource.
 */
export type Decision = "granted" | "status" | "denied";

export function decide(viewer: Viewer, action: Action, resource: Resource): Decision {
  const status = resource.status ?? "draft";
  const holding = scopeReach(scopeOf(viewer), action).filter((r) =>
    r.via === "unit" ? !!resource.unitId && r.ids.includes(resource.unitId) : r.ids.includes(resource.countyId),
  );
  if (!holding.length) return "denied";
  return holding.some((r) => !r.statuses || r.statuses.includes(status)) ? "granted" : "status";
}

/** The one permission decision: does the table give the viewer `action` on `resource` in its status? */
export function can(viewer: Viewer, action: Action, resource: Resource): boolean {
  return decide(viewer, action, resource) === "granted";
}

/** Whether the viewer holds `action` anywhere (a whole page such as the admin area or the review queue). */
export function holdsAnywhere(viewer: Viewer, action: Action): boolean {
  return scopeReach(scopeOf(viewer), action).length > 0;
}

declare const inScopeBrand: unique symbol;
/**
 * A record that was loaded through the viewer's scope (the SQL predicate derived from the
 * rules above). Model writes take this type, so a write cannot be handed a record the
 * viewer never had the right to load.
 */
export type InScope<T> = T & { readonly [inScopeBrand]: true };

/** Only scoped loaders call this: the record came out of a query filtered by the viewer's scope. */
export function markInScope<T>(record: T): InScope<T> {
  return record as InScope<T>;
}
