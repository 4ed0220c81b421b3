/**
 * The dashboard's charts, built from plain loader data by the pure builders: the server
 * renders them to SVG for the first paint (svgCache.server.ts) and the browser builds the
 * same options again for the live charts.
 */
import { FUNCTION_CLASSES, RULES } from "~/domain/rules";
import {
  deviationScatter, executionRateBars, executionRateHistogram, expenditureByClass, flagsByRule, scoreDistribution, scoreVsFormula, statusPie,
  submissionProgress, yearTrend, barListHeight, type ChartOption,
} from "./options";

export interface DashboardData {
  /** Unit rows (one per counted report), or county rows in the city view. */
  units: Array<{ id: string; name: string; executionRatePct: number | null; deviationPct: number | null; initialBudgetWan: number | null; selfScore: number | null; formulaScore: number | null }>;
  grades: Array<{ grade: "优" | "良" | "中" | "差"; count: number }>;
  flags: Array<{ rule: string; severity: "error" | "warning" | "info"; count: number }>;
  classes: Array<{ classCode: string; amountWan: number }>;
  submissions: Array<{ date: string; submitted: number }>;
  trend: Array<{ year: number; executionRatePct: number | null; avgSelfScore: number | null; deviatingUnits: number }>;
  statuses: Array<{ key: string; status: string; count: number }>;
  deadline: string | null;
  totalUnits: number;
  deviationPct: number;
  executionPct: number;
}

export const CHARTS = [
  { id: "status", title: "填报进度（按状态）" },
  { id: "progress", title: "提交进度与截止日期" },
  { id: "execution", title: "各单位预算执行率" },
  { id: "executionHistogram", title: "预算执行率分布" },
  { id: "deviation", title: "偏离度与预算规模" },
  { id: "grades", title: "自评得分等级分布" },
  { id: "inflation", title: "自评得分与标准公式得分" },
  { id: "flags", title: "问题按规则与严重程度" },
  { id: "classes", title: "支出按功能分类（类）" },
  { id: "trend", title: "历年趋势" },
] as const;
export type ChartId = (typeof CHARTS)[number]["id"];

const RULE_TITLES = new Map<string, string>(RULES.map((r) => [r.id, r.title]));

/** A chart's option: built in the browser for the live chart, on the server only to draw an SVG not in the cache yet. */
export function chartOption(id: ChartId, d: DashboardData): ChartOption {
  const unitRows = d.units.map((u) => ({ ...u, unitId: u.id, unitName: u.name }));
  switch (id) {
    case "status":
      return statusPie(d.statuses);
    case "progress":
      return submissionProgress(d.submissions, d.deadline, d.totalUnits);
    case "execution":
      return executionRateBars(unitRows, d.executionPct);
    case "executionHistogram":
      return executionRateHistogram(unitRows);
    case "deviation":
      return deviationScatter(unitRows, d.deviationPct);
    case "grades":
      return scoreDistribution(d.grades);
    case "inflation":
      return scoreVsFormula(unitRows.filter((u): u is typeof u & { selfScore: number; formulaScore: number } => u.selfScore != null && u.formulaScore != null));
    case "flags":
      return flagsByRule(d.flags.map((f) => ({ ...f, title: RULE_TITLES.get(f.rule) ?? f.rule })));
    case "classes":
      return expenditureByClass(d.classes.map((c) => ({ ...c, className: FUNCTION_CLASSES[c.classCode] ?? c.classCode })));
    case "trend":
      return yearTrend(d.trend);
  }
}

/** A chart's height (px), without building its option: the server and the browser lay the page out alike. */
export function chartHeight(id: ChartId, d: DashboardData): number {
  switch (id) {
    case "execution":
      return barListHeight(d.units.length);
    case "flags":
      return barListHeight(new Set(d.flags.map((f) => f.rule)).size);
    case "classes":
      return barListHeight(d.classes.length);
    case "deviation":
    case "inflation":
      return 420;
    default:
      return 340;
  }
}

/** Rows behind a chart, for the .csv/.xlsx download: header first. */
export function chartTable(id: ChartId, d: DashboardData): string[][] {
  const n = (v: number | null | undefined, digits = 2) => (v == null ? "" : v.toFixed(digits));
  switch (id) {
    case "status":
      return [["状态", "数量"], ...d.statuses.map((s) => [s.status, String(s.count)])];
    case "progress":
      return [["日期", "当日提交"], ...d.submissions.map((s) => [s.date, String(s.submitted)])];
    case "execution":
    case "executionHistogram":
      return [["单位", "预算执行率(%)"], ...d.units.map((u) => [u.name, n(u.executionRatePct)])];
    case "deviation":
      return [["单位", "年初预算(万元)", "偏离度(%)"], ...d.units.map((u) => [u.name, n(u.initialBudgetWan, 6), n(u.deviationPct)])];
    case "grades":
      return [["等级", "单位数"], ...d.grades.map((g) => [g.grade, String(g.count)])];
    case "inflation":
      return [["单位", "自评得分", "标准公式得分"], ...d.units.map((u) => [u.name, n(u.selfScore, 1), n(u.formulaScore, 1)])];
    case "flags":
      return [["规则", "名称", "严重程度", "数量"], ...d.flags.map((f) => [f.rule, RULE_TITLES.get(f.rule) ?? f.rule, f.severity, String(f.count)])];
    case "classes":
      return [["类", "名称", "决算数(万元)"], ...d.classes.map((c) => [c.classCode, FUNCTION_CLASSES[c.classCode] ?? "", n(c.amountWan, 6)])];
    case "trend":
      return [["年度", "预算执行率(%)", "平均自评得分", "偏离度超标单位数"], ...d.trend.map((t) => [String(t.year), n(t.executionRatePct), n(t.avgSelfScore, 1), String(t.deviatingUnits)])];
  }
}
