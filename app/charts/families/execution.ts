/** Execution rate (预算执行率) per unit: bars lowest first, and the distribution over bins. */
import {
  axisLabel, axisName, baseOption, categoryLabel, collator, COLORS, columnAxis, emptyOption, escapeHtml, FONT_SIZE, formatNumber, grid, isNum, markerLabel,
  pct, rowTooltip, share, splitLine, tipHead, tipNote, tipRow, type ChartOption,
} from "../base";

export interface ExecutionRateRow {
  unitId: string;
  unitName: string;
  /** finalAmount / adjustedBudget in percent (98.5), null when undefined (shown as "—"). */
  executionRatePct: number | null;
}

function splitRates(rows: readonly ExecutionRateRow[]) {
  const plotted = rows
    .filter((r): r is ExecutionRateRow & { executionRatePct: number } => isNum(r.executionRatePct))
    .slice()
    .sort((a, b) => a.executionRatePct - b.executionRatePct || collator.compare(a.unitName, b.unitName));
  return { plotted, missing: rows.length - plotted.length };
}

const missingRateNote = (missing: number) => `${missing} 个单位调整预算为0或缺失，执行率为“—”`;
const moreMissingRateNote = (missing: number) => `另有 ${missingRateNote(missing)}`;

/**
 * Execution rate per unit as horizontal bars, lowest first (at the top): the bureau's question
 * is "who spent too little", so the units below the threshold are what the eye meets first.
 * Bars below `lowPct` (EXECUTION_LOW, default 90) are in the warning colour; markLines at
 * `lowPct` and 100 %. Each item carries `unitId` for drill-down.
 */
export function executionRateBars(rows: readonly ExecutionRateRow[], lowPct = 90): ChartOption {
  if (!rows.length) return emptyOption("暂无已提交的报告", "单位提交报告后将在此显示预算执行率");
  const { plotted, missing } = splitRates(rows);
  if (!plotted.length) return emptyOption("暂无可计算的预算执行率", missingRateNote(missing));

  const low = plotted.filter((r) => r.executionRatePct < lowPct).length;
  const maxRate = Math.max(...plotted.map((r) => r.executionRatePct));
  const subtitle = [`共 ${plotted.length} 个单位`, `低于${formatNumber(lowPct)}%：${low} 个`];
  if (missing) subtitle.push(`${moreMissingRateNote(missing)}，未列出`);

  return {
    ...baseOption("各单位预算执行率", subtitle.join("；")),
    grid: grid(76),
    tooltip: rowTooltip("item", plotted, (row) => {
      const below = row.executionRatePct < lowPct;
      return (
        tipHead(row.unitName) +
        tipRow("预算执行率", pct(row.executionRatePct), below ? COLORS.warning : COLORS.primary) +
        (below ? tipNote(`低于${formatNumber(lowPct)}%`) : "")
      );
    }),
    xAxis: {
      type: "value",
      name: "执行率（%）",
      nameLocation: "middle",
      nameGap: 32,
      nameTextStyle: axisName,
      min: 0,
      max: Math.max(110, Math.ceil(maxRate / 10) * 10),
      axisLabel: { ...axisLabel, formatter: "{value}%" },
      splitLine,
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: plotted.map((r) => r.unitName),
      axisLabel: categoryLabel,
      axisTick: { show: false },
    },
    series: [
      {
        type: "bar",
        name: "预算执行率",
        barMaxWidth: 24,
        data: plotted.map((r) => ({
          value: r.executionRatePct,
          unitId: r.unitId,
          unitName: r.unitName,
          itemStyle: { color: r.executionRatePct < lowPct ? COLORS.warning : COLORS.primary },
        })),
        label: {
          show: true,
          position: "right",
          fontSize: FONT_SIZE,
          color: COLORS.text,
          formatter: (p: { value?: unknown }) => (isNum(p.value) ? pct(p.value) : ""),
        },
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", width: 2 },
          label: { ...markerLabel(COLORS.reference), formatter: "{c}%" },
          data: [
            { name: `${lowPct}%`, xAxis: lowPct, lineStyle: { color: COLORS.warning }, label: markerLabelWith(COLORS.warning) },
            { name: "100%", xAxis: 100, lineStyle: { color: COLORS.ok }, label: markerLabelWith(COLORS.ok) },
          ],
        },
      },
    ],
  };
}

/** On the inverted category axis a vertical markLine starts at the top: label there, clear of the x axis labels. */
function markerLabelWith(color: string) {
  return { ...markerLabel(color), position: "start" as const, formatter: "{c}%" };
}

/** The execution-rate bins of the distribution chart, left-closed except 100–105 (105 itself is "100–105"). */
export const EXECUTION_BINS = [
  { label: "<60%", low: -Infinity, high: 60 },
  { label: "60–70%", low: 60, high: 70 },
  { label: "70–80%", low: 70, high: 80 },
  { label: "80–90%", low: 80, high: 90 },
  { label: "90–95%", low: 90, high: 95 },
  { label: "95–100%", low: 95, high: 100 },
  { label: "100–105%", low: 100, high: 105 },
  { label: ">105%", low: 105, high: Infinity },
] as const;

/** Index into EXECUTION_BINS; rounded to 6 decimals first so 89.99999999997 (float noise) counts as 90. */
export function executionBinOf(ratePct: number): number {
  const rate = Math.round(ratePct * 1e6) / 1e6;
  if (rate > 105) return 7;
  if (rate >= 100) return 6;
  return EXECUTION_BINS.findIndex((bin) => rate < bin.high);
}

/** How many units fall in each execution-rate bin; bins below 90 % in the warning colour. Items carry the units' ids. */
export function executionRateHistogram(rows: readonly ExecutionRateRow[]): ChartOption {
  if (!rows.length) return emptyOption("暂无已提交的报告", "单位提交报告后将在此显示执行率分布");
  const { plotted, missing } = splitRates(rows);
  if (!plotted.length) return emptyOption("暂无可计算的预算执行率", missingRateNote(missing));

  const bins = EXECUTION_BINS.map((bin) => ({ ...bin, units: [] as Array<{ unitId: string; unitName: string }> }));
  for (const row of plotted) bins[executionBinOf(row.executionRatePct)].units.push({ unitId: row.unitId, unitName: row.unitName });
  const warn = (i: number) => EXECUTION_BINS[i].high <= 90;
  const subtitle = [`共 ${plotted.length} 个单位`];
  if (missing) subtitle.push(moreMissingRateNote(missing));
  const MAX_NAMES = 8;

  return {
    ...baseOption("预算执行率分布", subtitle.join("；")),
    grid: grid(76),
    tooltip: rowTooltip("item", bins, (bin, index) => {
      const names = bin.units.slice(0, MAX_NAMES).map((u) => escapeHtml(u.unitName));
      const more = bin.units.length > MAX_NAMES ? `等 ${bin.units.length} 个单位` : "";
      return (
        tipHead(`执行率 ${bin.label}`) +
        tipRow("单位数", `${bin.units.length} 个（${share(bin.units.length, plotted.length)}）`, warn(index) ? COLORS.warning : COLORS.primary) +
        (names.length ? `<div style="max-width:320px;white-space:normal">${names.join("、")}${escapeHtml(more)}</div>` : "")
      );
    }),
    xAxis: { ...columnAxis(bins.map((b) => b.label)), name: "执行率区间", nameLocation: "middle", nameGap: 36, nameTextStyle: axisName },
    yAxis: { type: "value", name: "单位数（个）", nameTextStyle: axisName, minInterval: 1, axisLabel, splitLine },
    series: [
      {
        type: "bar",
        name: "单位数",
        barMaxWidth: 56,
        data: bins.map((b, i) => ({
          value: b.units.length,
          bin: b.label,
          unitIds: b.units.map((u) => u.unitId),
          itemStyle: { color: warn(i) ? COLORS.warning : COLORS.primary },
        })),
        label: { show: true, position: "top", fontSize: FONT_SIZE, color: COLORS.text, formatter: (p: { value?: unknown }) => (isNum(p.value) && p.value > 0 ? String(p.value) : "") },
      },
    ],
  };
}
