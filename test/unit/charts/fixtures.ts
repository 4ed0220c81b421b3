/** Sample rows for every builder; `name` is put into every tenant-supplied string slot. */
import type { DashboardData } from "~/charts/dashboard";
import type { ChartOption } from "~/charts/base";
import { expenditureByClass } from "~/charts/families/classes";
import { deviationScatter } from "~/charts/families/deviation";
import { executionRateBars, executionRateHistogram } from "~/charts/families/execution";
import { flagsByRule } from "~/charts/families/flags";
import { submissionProgress } from "~/charts/families/progress";
import { scoreDistribution, scoreVsFormula } from "~/charts/families/scores";
import { statusPie } from "~/charts/families/status";
import { yearTrend } from "~/charts/families/trends";

export const EVIL = "<img src=x onerror=alert(1)>";

export function sampleCharts(name?: string): Array<[string, ChartOption]> {
  const n = (plain: string) => name ?? plain;
  return [
    [
      "executionRateBars",
      executionRateBars([
        { unitId: "u1", unitName: n("泸县总工会"), executionRatePct: 100 },
        { unitId: "u2", unitName: n("泸县教育局"), executionRatePct: 85.5 },
        { unitId: "u3", unitName: n("福集镇人民政府"), executionRatePct: 97.2 },
        { unitId: "u4", unitName: n("泸县财政局"), executionRatePct: null },
      ]),
    ],
    [
      "executionRateHistogram",
      executionRateHistogram([
        { unitId: "u1", unitName: n("泸县总工会"), executionRatePct: 100 },
        { unitId: "u2", unitName: n("泸县教育局"), executionRatePct: 55 },
        { unitId: "u3", unitName: n("福集镇人民政府"), executionRatePct: 92 },
        { unitId: "u4", unitName: n("泸县财政局"), executionRatePct: 110 },
      ]),
    ],
    [
      "deviationScatter",
      deviationScatter([
        { unitId: "u1", unitName: n("泸县总工会"), deviationPct: 26.33, initialBudgetWan: 455.67 },
        { unitId: "u2", unitName: n("泸县教育局"), deviationPct: -3.2, initialBudgetWan: 52_000 },
        { unitId: "u3", unitName: n("福集镇人民政府"), deviationPct: 8, initialBudgetWan: 120 },
        { unitId: "u4", unitName: n("泸县财政局"), deviationPct: null, initialBudgetWan: 0 },
      ]),
    ],
    ["scoreDistribution", scoreDistribution([{ grade: "优", count: 12 }, { grade: "良", count: 5 }, { grade: "差", count: 1 }])],
    [
      "scoreVsFormula",
      scoreVsFormula([
        { unitId: "u1", unitName: n("泸县总工会"), selfScore: 93.4, formulaScore: 88.1 },
        { unitId: "u2", unitName: n("泸县教育局"), selfScore: 85, formulaScore: 85 },
      ]),
    ],
    [
      "flagsByRule",
      flagsByRule([
        { rule: "DEVIATION_OVER", title: n("偏离度过大"), severity: "warning", count: 7 },
        { rule: "TOTAL_SCORE", title: n("自评总分"), severity: "error", count: 3 },
        { rule: "OVER_ACHIEVED", title: n("大幅超额完成"), severity: "info", count: 11 },
      ]),
    ],
    [
      "expenditureByClass",
      expenditureByClass([
        { classCode: "201", className: n("一般公共服务"), amountWan: 575.65 },
        { classCode: "205", className: n("教育"), amountWan: 12_345.6 },
        { classCode: "208", className: n("社会保障和就业"), amountWan: 88 },
      ]),
    ],
    [
      "submissionProgress",
      submissionProgress(
        [
          { date: "2024-03-04", submitted: 3 },
          { date: "2024-03-11", submitted: 10 },
          { date: "2024-03-29", submitted: 20 },
        ],
        "2024-03-31",
        40,
      ),
    ],
    [
      "yearTrend",
      yearTrend([
        { year: 2022, executionRatePct: 91.2, avgSelfScore: 90.1, deviatingUnits: 6 },
        { year: 2023, executionRatePct: 94.8, avgSelfScore: 92.3, deviatingUnits: 4 },
        { year: 2024, executionRatePct: null, avgSelfScore: 93, deviatingUnits: 3 },
      ]),
    ],
    [
      "statusPie",
      statusPie([
        { status: n("已通过"), key: "approved", count: 20 },
        { status: n("已提交"), key: "submitted", count: 10 },
        { status: n("未填报"), key: "not_started", count: 4 },
      ]),
    ],
  ];
}

/** The dashboard's loader data for a small county. */
export function sampleDashboardData(): DashboardData {
  return {
    units: [
      { id: "r1", name: "泸县总工会", executionRatePct: 100, deviationPct: 26.33, initialBudgetWan: 455.67, selfScore: 93.4, formulaScore: 88.1 },
      { id: "r2", name: "泸县教育局", executionRatePct: 85.5, deviationPct: -3.2, initialBudgetWan: 52_000, selfScore: 85, formulaScore: 85 },
      { id: "r3", name: "福集镇人民政府", executionRatePct: null, deviationPct: null, initialBudgetWan: null, selfScore: null, formulaScore: null },
    ],
    grades: [{ grade: "优", count: 1 }, { grade: "良", count: 1 }, { grade: "中", count: 0 }, { grade: "差", count: 0 }],
    flags: [{ rule: "DEVIATION_OVER", severity: "warning", count: 1 }],
    classes: [{ classCode: "201", amountWan: 575.65 }],
    submissions: [{ date: "2024-03-04", submitted: 2 }],
    trend: [{ year: 2023, executionRatePct: 94.8, avgSelfScore: 89.2, deviatingUnits: 1 }],
    statuses: [{ key: "submitted", status: "已提交", count: 2 }, { key: "not_started", status: "未填报", count: 1 }],
    deadline: "2024-03-31",
    totalUnits: 3,
    deviationPct: 10,
    executionPct: 90,
  };
}

export function emptyCharts(): Array<[string, ChartOption]> {
  return [
    ["executionRateBars", executionRateBars([])],
    ["executionRateHistogram", executionRateHistogram([])],
    ["deviationScatter", deviationScatter([])],
    ["scoreDistribution", scoreDistribution([])],
    ["scoreVsFormula", scoreVsFormula([])],
    ["flagsByRule", flagsByRule([])],
    ["expenditureByClass", expenditureByClass([])],
    ["submissionProgress", submissionProgress([], "2024-03-31", 40)],
    ["yearTrend", yearTrend([])],
    ["statusPie", statusPie([])],
  ];
}

// Loose views of an option for assertions (the ECharts option types are unions of everything).
export type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export const seriesOf = (option: ChartOption): Loose[] => {
  const s = (option as Loose).series;
  return Array.isArray(s) ? s : s ? [s] : [];
};
export const one = (value: unknown): Loose => (Array.isArray(value) ? value[0] : value) as Loose;
export const titleOf = (option: ChartOption): Loose => one((option as Loose).title);
export const tooltipFormatter = (option: ChartOption) => one((option as Loose).tooltip).formatter as (params: unknown) => string;
