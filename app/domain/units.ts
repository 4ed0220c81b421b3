/** Kinds of budget unit, as the admin picks them and the dashboards filter by them. */
export const UNIT_KINDS: Record<string, string> = {
  department: "行政单位",
  institution: "事业单位",
  group: "群团组织",
  township: "乡镇（街道）",
  other: "其他",
};
