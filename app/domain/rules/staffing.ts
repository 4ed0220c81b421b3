/** Headcount rules (exact: no rounding tolerance for people). */
import type { Headcount } from "../report";
import { flag } from "./catalog";
import type { Check } from "./context";

const KINDS = { authorized: "编制数", actual: "实有人数" } as const;
const CATEGORIES = { admin: "行政", institution: "事业", total: "合计" } as const;

/** admin + institution = total, for the authorized and the actual headcount. */
export const staffSum: Check = (doc) =>
  (Object.keys(KINDS) as (keyof typeof KINDS)[]).flatMap((kind) => {
    const h: Headcount = doc.staffing[kind];
    if (h.admin == null || h.institution == null || h.total == null) return [];
    const computed = h.admin + h.institution;
    if (computed === h.total) return [];
    return [
      flag("STAFF_SUM", `staffing.${kind}.total`,
        `${KINDS[kind]}：行政${h.admin}人加事业${h.institution}人为${computed}人，与合计${h.total}人不符`,
        { admin: h.admin, institution: h.institution, total: h.total, computed }),
    ];
  });

/** actual > authorized, per category. */
export const staffOverQuota: Check = (doc) =>
  (Object.keys(CATEGORIES) as (keyof typeof CATEGORIES)[]).flatMap((cat) => {
    const actual = doc.staffing.actual[cat], authorized = doc.staffing.authorized[cat];
    if (actual == null || authorized == null || actual <= authorized) return [];
    const label = cat === "total" ? "实有人数合计" : `实有${CATEGORIES[cat]}人数`;
    return [
      flag("STAFF_OVER_QUOTA", `staffing.actual.${cat}`,
        `${label}${actual}人超过编制${authorized}人`,
        { actual, authorized, excess: actual - authorized, threshold: authorized }),
    ];
  });
