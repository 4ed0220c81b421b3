/**
 * Who may do what. The one permission check: routes call it (through the guard) and the UI
 * calls it to hide what the server would refuse. Scope in SQL comes from `scopeOf`.
 */
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

export function hasRole(viewer: Viewer, role: Role): boolean {
  return viewer.grants.some((g) => g.role === role);
}

/** Where a role lands after login; the first role in this order wins. */
export function homePath(viewer: Viewer): string {
  if (hasRole(viewer, "admin")) return "/admin";
  if (hasRole(viewer, "reviewer")) return "/review";
  if (hasRole(viewer, "leader")) return "/dashboard";
  if (hasRole(viewer, "staff")) return "/unit";
  return "/no-access";
}

export type ReportStatus = "draft" | "submitted" | "returned" | "approved";

export type Action =
  | "report.view"
  | "report.edit"
  | "report.submit"
  | "report.review"
  | "report.comment"
  | "dashboard.view"
  | "county.administer";

export interface Resource {
  countyId: string;
  unitId?: string | null;
  status?: ReportStatus;
}

/**
 * Pure permission decision. Staff see and edit their own unit's reports; reviewers see a
 * county's reports from submission on (never drafts) and review them; leaders see submitted
 * and approved reports and the county dashboards, read-only; admins administer their county.
 */
export function can(viewer: Viewer, action: Action, resource: Resource): boolean {
  const scope = scopeOf(viewer);
  const ownUnit = !!resource.unitId && scope.staffUnitIds.includes(resource.unitId);
  const reviewer = scope.reviewerCountyIds.includes(resource.countyId);
  const leader = scope.leaderCountyIds.includes(resource.countyId);
  const admin = scope.adminCountyIds.includes(resource.countyId);
  const status = resource.status;
  const beyondDraft = status !== undefined && status !== "draft";
  switch (action) {
    case "report.view":
      return ownUnit || ((reviewer || admin) && beyondDraft) || (leader && (status === "submitted" || status === "approved"));
    case "report.edit":
    case "report.submit":
      return ownUnit && (status === "draft" || status === "returned" || status === undefined);
    case "report.review":
      return reviewer && beyondDraft;
    case "report.comment":
      return (reviewer && beyondDraft) || (ownUnit && beyondDraft);
    case "dashboard.view":
      return reviewer || leader || admin;
    case "county.administer":
      return admin;
  }
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
