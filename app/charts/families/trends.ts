/** Year-over-year trends. */
import {
  axisLabel, axisName, baseOption, COLORS, emptyOption, formatNumber, grid, isNum, rowTooltip, splitLine, tipHead, tipRow, topLegend, type ChartOption,
} from "../base";

export interface YearTrendRow {
  year: number;
  executionRatePct: number | null;
  avgSelfScore: number | null;
  /** Units with abs(deviation) above the threshold that year. */
  deviatingUnits: number | null;
}

const TREND_SERIES = [
  { key: "executionRatePct", name: "预算执行率（%）", color: COLORS.primary, unit: "%", axis: 0 },
  { key: "avgSelfScore", name: "平均自评得分（分）", color: COLORS.ok, unit: " 分", axis: 0 },
  { key: "deviatingUnits", name: "偏离度超标单位（个）", color: COLORS.warning, unit: " 个", axis: 1 },
] as const;

/** Execution rate and average self score (left axis) and deviating units (right axis) per year; a missing value is a gap. */
export function yearTrend(rows: readonly YearTrendRow[]): ChartOption {
  const byYear = new Map<number, YearTrendRow>();
  for (const row of rows) if (Number.isInteger(row.year)) byYear.set(row.year, row);
  const list = [...byYear.values()].sort((a, b) => a.year - b.year);
  const hasValue = (r: YearTrendRow) => TREND_SERIES.some((s) => isNum(r[s.key]));
  if (!list.some(hasValue)) return emptyOption("暂无历年数据", "至少一个年度有已提交的报告后将在此显示趋势");

  const leftValues = list.flatMap((r) => [r.executionRatePct, r.avgSelfScore]).filter(isNum);
  const leftMin = leftValues.length ? Math.max(0, Math.floor(Math.min(...leftValues) / 10) * 10 - 10) : 0;
  const leftMax = leftValues.length ? Math.max(100, Math.ceil(Math.max(...leftValues) / 10) * 10) : 100;

  return {
    ...baseOption("历年趋势", `${list[0].year}—${list[list.length - 1].year} 年`),
    grid: grid(96, { right: 24 }),
    legend: topLegend(),
    tooltip: rowTooltip("axis", () => list, (row) => (
      tipHead(`${row.year} 年`) +
      TREND_SERIES.map((s) => {
        const v = row[s.key];
        return tipRow(s.name, isNum(v) ? `${formatNumber(v, 2)}${s.unit}` : "—", s.color);
      }).join("")
    )),
    xAxis: { type: "category", data: list.map((r) => `${r.year}年`), axisLabel: { ...axisLabel, interval: 0 }, boundaryGap: true },
    yAxis: [
      { type: "value", name: "执行率 % / 得分", nameTextStyle: axisName, min: leftMin, max: leftMax, axisLabel, splitLine },
      { type: "value", name: "单位数（个）", nameTextStyle: axisName, min: 0, minInterval: 1, axisLabel, splitLine: { show: false } },
    ],
    series: TREND_SERIES.map((s) => ({
      type: "line" as const,
      name: s.name,
      yAxisIndex: s.axis,
      symbol: "circle",
      symbolSize: 10,
      connectNulls: false,
      lineStyle: { width: 3, color: s.color, ...(s.axis === 1 ? { type: "dashed" as const } : {}) },
      itemStyle: { color: s.color },
      data: list.map((r) => {
        const v = r[s.key];
        return { value: isNum(v) ? v : "-", year: r.year };
      }),
    })),
  };
}
