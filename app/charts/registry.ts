/**
 * The dashboard's charts, in page order: for each chart id its title, its option (built from
 * the model's DashboardData by a family's pure builder), its height and the rows of its
 * download. The server renders the options to SVG for the first paint (svgCache.server.ts);
 * the browser builds the same options again for the live charts.
 */
import { FUNCTION_CLASSES, RULES } from "~/domain/rules";
import { barListHeight, type ChartOption } from "./base";
import type { DashboardData } from "./dashboard";
import { expenditureByClass } from "./families/classes";
import { deviationScatter } from "./families/deviation";
import { executionRateBars, executionRateHistogram } from "./families/execution";
import { flagsByRule } from "./families/flags";
import { submissionProgress } from "./families/progress";
import { scoreDistribution, scoreVsFormula } from "./families/scores";
import { statusPie } from "./families/status";
import { yearTrend } from "./families/trends";

interface ChartDefinition {
  id: string;
  title: string;
  build(data: DashboardData): ChartOption;
  /** In px, without building the option: the server and the browser lay the page out alike. */
  height(data: DashboardData): number;
  /** Rows behind the chart, for the .csv/.xlsx download: header first. */
  table(data: DashboardData): string[][];
}

const RULE_TITLES = new Map<string, string>(RULES.map((r) => [r.id, r.title]));
const ruleTitle = (rule: string) => RULE_TITLES.get(rule) ?? rule;
const unitRows = (d: DashboardData) => d.units.map((u) => ({ ...u, unitId: u.id, unitName: u.name }));
const fixed = (px: number) => () => px;
/** A table cell: a number with `digits` decimals, blank when absent. */
const n = (v: number | null | undefined, digits = 2) => (v == null ? "" : v.toFixed(digits));
const executionTable = (d: DashboardData) => [["单位", "预算执行率(%)"], ...d.units.map((u) => [u.name, n(u.executionRatePct)])];

export const CHARTS = [
  {
    id: "status",
    title: "填报进度（按状态）",
    build: (d) => statusPie(d.statuses),
    height: fixed(340),
    table: (d) => [["状态", "数量"], ...d.statuses.map((s) => [s.status, String(s.count)])],
  },
  {
    id: "progress",
    title: "提交进度与截止日期",
    build: (d) => submissionProgress(d.submissions, d.deadline, d.totalUnits),
    height: fixed(340),
    table: (d) => [["日期", "当日提交"], ...d.submissions.map((s) => [s.date, String(s.submitted)])],
  },
  {
    id: "execution",
    title: "各单位预算执行率",
    build: (d) => executionRateBars(unitRows(d), d.executionPct),
    height: (d) => barListHeight(d.units.length),
    table: executionTable,
  },
  {
    id: "executionHistogram",
    title: "预算执行率分布",
    build: (d) => executionRateHistogram(unitRows(d)),
    height: fixed(340),
    table: executionTable,
  },
  {
    id: "deviation",
    title: "偏离度与预算规模",
    build: (d) => deviationScatter(unitRows(d), d.deviationPct),
    height: fixed(420),
    table: (d) => [["单位", "年初预算(万元)", "偏离度(%)"], ...d.units.map((u) => [u.name, n(u.initialBudgetWan, 6), n(u.deviationPct)])],
  },
  {
    id: "grades",
    title: "自评得分等级分布",
    build: (d) => scoreDistribution(d.grades),
    height: fixed(340),
    table: (d) => [["等级", "单位数"], ...d.grades.map((g) => [g.grade, String(g.count)])],
  },
  {
    id: "inflation",
    title: "自评得分与标准公式得分",
    build: (d) => scoreVsFormula(unitRows(d).filter((u): u is typeof u & { selfScore: number; formulaScore: number } => u.selfScore != null && u.formulaScore != null)),
    height: fixed(420),
    table: (d) => [["单位", "自评得分", "标准公式得分"], ...d.units.map((u) => [u.name, n(u.selfScore, 1), n(u.formulaScore, 1)])],
  },
  {
    id: "flags",
    title: "问题按规则与严重程度",
    build: (d) => flagsByRule(d.flags.map((f) => ({ ...f, title: ruleTitle(f.rule) }))),
    height: (d) => barListHeight(new Set(d.flags.map((f) => f.rule)).size),
    table: (d) => [["规则", "名称", "严重程度", "数量"], ...d.flags.map((f) => [f.rule, ruleTitle(f.rule), f.severity, String(f.count)])],
  },
  {
    id: "classes",
    title: "支出按功能分类（类）",
    build: (d) => expenditureByClass(d.classes.map((c) => ({ ...c, className: FUNCTION_CLASSES[c.classCode] ?? c.classCode }))),
    height: (d) => barListHeight(d.classes.length),
    table: (d) => [["类", "名称", "决算数(万元)"], ...d.classes.map((c) => [c.classCode, FUNCTION_CLASSES[c.classCode] ?? "", n(c.amountWan, 6)])],
  },
  {
    id: "trend",
    title: "历年趋势",
    build: (d) => yearTrend(d.trend),
    height: fixed(340),
    table: (d) => [
      ["年度", "预算执行率(%)", "平均自评得分", "偏离度超标单位数"],
      ...d.trend.map((t) => [String(t.year), n(t.executionRatePct), n(t.avgSelfScore, 1), String(t.deviatingUnits)]),
    ],
  },
] as const satisfies readonly ChartDefinition[];

export type ChartId = (typeof CHARTS)[number]["id"];

const BY_ID = new Map<ChartId, ChartDefinition>(CHARTS.map((chart) => [chart.id, chart]));
const chart = (id: ChartId) => BY_ID.get(id)!;

/** A chart's option: built in the browser for the live chart, on the server only to draw an SVG not in the cache yet. */
export const chartOption = (id: ChartId, data: DashboardData): ChartOption => chart(id).build(data);
export const chartHeight = (id: ChartId, data: DashboardData): number => chart(id).height(data);
export const chartTable = (id: ChartId, data: DashboardData): string[][] => chart(id).table(data);
