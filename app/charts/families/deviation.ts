/** Deviation (偏离度) against the initial budget, per unit. */
import {
  axisLabel, axisName, baseOption, COLORS, emptyOption, FONT_SIZE, formatNumber, grid, isNum, markerLabel, pct, rowTooltip, splitLine, tipHead, tipNote,
  tipRow, topLegend, type ChartOption,
} from "../base";

export interface DeviationRow {
  unitId: string;
  unitName: string;
  /** (finalAmount − initialBudget) / initialBudget in percent, null when undefined. */
  deviationPct: number | null;
  initialBudgetWan: number | null;
}

/**
 * Deviation against the initial budget, one point per unit. The ±threshold band (DEVIATION_OVER,
 * default 10 %) is shaded; units outside it form their own series in the warning colour (so the
 * legend explains the colour) and are named on the chart when there are few of them. The x axis
 * turns logarithmic when budgets span two orders of magnitude or more (a township next to the
 * education bureau). Units without a computable deviation are counted in the subtitle.
 */
export function deviationScatter(rows: readonly DeviationRow[], thresholdPct = 10): ChartOption {
  if (!rows.length) return emptyOption("暂无已提交的报告", "单位提交报告后将在此显示预算偏离度");
  const plotted = rows.filter(
    (r): r is DeviationRow & { deviationPct: number; initialBudgetWan: number } =>
      isNum(r.deviationPct) && isNum(r.initialBudgetWan) && r.initialBudgetWan > 0,
  );
  const missing = rows.length - plotted.length;
  if (!plotted.length) return emptyOption("暂无可计算的偏离度", `${missing} 个单位年初预算为0或缺失，偏离度为“—”`);

  const t = Math.abs(thresholdPct);
  const isOutside = (r: { deviationPct: number }) => Math.abs(r.deviationPct) > t;
  const groups = [plotted.filter((r) => !isOutside(r)), plotted.filter(isOutside)];
  const budgets = plotted.map((r) => r.initialBudgetWan);
  const deviations = plotted.map((r) => r.deviationPct);
  const minBudget = Math.min(...budgets);
  const maxBudget = Math.max(...budgets);
  const logScale = maxBudget / minBudget >= 100;
  const yMin = Math.min(-2 * t, Math.floor(Math.min(...deviations) / t) * t);
  const yMax = Math.max(2 * t, Math.ceil(Math.max(...deviations) / t) * t);
  const tLabel = `±${formatNumber(t)}%`;
  const subtitle = [`共 ${plotted.length} 个单位`, `偏离度超过${tLabel}：${groups[1].length} 个`];
  if (missing) subtitle.push(`另有 ${missing} 个单位偏离度为“—”（年初预算为0或缺失）`);

  const item = (r: (typeof plotted)[number]) => ({
    value: [r.initialBudgetWan, r.deviationPct],
    name: r.unitName,
    unitId: r.unitId,
    unitName: r.unitName,
  });
  const names = (p: { data?: unknown }) => {
    const data = p.data as { unitName?: unknown } | undefined;
    return typeof data?.unitName === "string" ? data.unitName : "";
  };

  return {
    ...baseOption("预算偏离度（决算数相对年初预算）", subtitle.join("；")),
    grid: grid(96),
    legend: topLegend(),
    tooltip: rowTooltip("item", (series) => groups[series], (row) => {
      const outside = isOutside(row);
      return (
        tipHead(row.unitName) +
        tipRow("年初预算", `${formatNumber(row.initialBudgetWan, 2)} 万元`) +
        tipRow("偏离度", pct(row.deviationPct), outside ? COLORS.warning : COLORS.primary) +
        (outside ? tipNote(`超过${tLabel}`) : "")
      );
    }),
    xAxis: logScale
      ? { type: "log", logBase: 10, name: "年初预算（万元，对数刻度）", nameLocation: "middle", nameGap: 32, nameTextStyle: axisName, axisLabel, splitLine }
      : { type: "value", name: "年初预算（万元）", nameLocation: "middle", nameGap: 32, nameTextStyle: axisName, min: 0, axisLabel, splitLine },
    yAxis: { type: "value", name: "偏离度（%）", nameTextStyle: axisName, min: yMin, max: yMax, axisLabel: { ...axisLabel, formatter: "{value}%" }, splitLine },
    series: [
      {
        type: "scatter",
        name: `偏离度在${tLabel}以内`,
        symbolSize: 12,
        itemStyle: { color: COLORS.primary, opacity: 0.85 },
        data: groups[0].map(item),
        markArea: {
          silent: true,
          itemStyle: { color: COLORS.band },
          label: { ...markerLabel(COLORS.ok), position: "insideTopLeft", formatter: `${tLabel}以内` },
          data: [[{ yAxis: -t }, { yAxis: t }]],
        },
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", width: 2, color: COLORS.ok },
          label: { ...markerLabel(COLORS.ok), formatter: "{c}%" },
          data: [{ yAxis: t }, { yAxis: -t }],
        },
      },
      {
        type: "scatter",
        name: `偏离度超过${tLabel}`,
        symbolSize: 14,
        itemStyle: { color: COLORS.warning },
        data: groups[1].map(item),
        label: {
          show: groups[1].length <= 12,
          position: "right",
          fontSize: FONT_SIZE,
          color: COLORS.text,
          width: 160,
          overflow: "truncate",
          formatter: names,
        },
      },
    ],
  };
}
