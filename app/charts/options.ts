/**
 * Pure ECharts option builders for the dashboards: plain rows in, an option object out.
 * No DOM, no I/O, no runtime dependency (the echarts imports below are types only), so the
 * same option renders in the browser (<EChart>) and on the server (renderChartSvg).
 *
 * Escaping: unit names, county names, rule titles and status labels come from tenants. Axis
 * labels, titles and series labels are drawn as SVG text (ECharts/zrender escape them), so
 * they get the raw string. Tooltips are HTML, so every tooltip is a `formatter` function that
 * looks the row up by dataIndex in its own closure and escapes every string with escapeHtml.
 * Markers (markLine/markArea) are `silent`, so they never get ECharts' default tooltip.
 *
 * Projector defaults: 14 px minimum text, a blue/orange high-contrast pair (distinguishable
 * with the common colour-vision deficiencies) for "normal"/"needs attention", fonts quoted
 * with single quotes only (a double quote inside the SVG style attribute breaks the markup).
 */
import type { ComposeOption } from "echarts/core";
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption, ScatterSeriesOption } from "echarts/charts";
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from "echarts/components";

/** The option type of exactly the modules app/charts/echarts.client.ts registers. */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | MarkLineComponentOption
  | TitleComponentOption
  | TooltipComponentOption
>;

// ─── shared look ────────────────────────────────────────────────────────────

export const FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

export const COLORS = {
  primary: "#1f5fa8",
  warning: "#d9480f",
  ok: "#2b8a3e",
  text: "#212529",
  muted: "#495057",
  grid: "#dee2e6",
  band: "rgba(43, 138, 62, 0.12)",
  reference: "#343a40",
} as const;

export const GRADE_COLORS: Record<Grade, string> = { 优: "#2b8a3e", 良: "#1f5fa8", 中: "#e67700", 差: "#c92a2a" };
export const SEVERITY_COLORS: Record<Severity, string> = { error: "#c92a2a", warning: "#e67700", info: "#1f5fa8" };
export const SEVERITY_LABELS: Record<Severity, string> = { error: "错误（强制）", warning: "警告（需说明）", info: "提示" };

const PALETTE = ["#1f5fa8", "#d9480f", "#2b8a3e", "#7048e8", "#c2255c", "#0c8599", "#5c940d", "#868e96"];
const FONT_SIZE = 14;
const TITLE_SIZE = 18;

const collator = new Intl.Collator("zh-CN");
const numberFormats = new Map<number, Intl.NumberFormat>();

/** Same replacements as echarts.format.encodeHTML, kept local so the builders stay dependency-free. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}
const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** 1234.5 → "1,234.5" (at most `digits` decimals); non-finite → "—". */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value == null || !Number.isFinite(value)) return "—";
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format.format(value);
}

const pct = (value: number | null | undefined, digits = 2) => (value == null || !Number.isFinite(value) ? "—" : `${formatNumber(value, digits)}%`);
const isNum = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const share = (part: number, total: number) => (total > 0 ? pct((part / total) * 100, 1) : "—");

/**
 * A height (px) that gives each bar of a horizontal bar list about 32 px, so a county with
 * 80 units stays readable on a projector instead of squeezing all bars into 360 px.
 */
export function barListHeight(count: number, { min = 320, perItem = 32, chrome = 140 } = {}): number {
  return Math.max(min, chrome + Math.max(0, count) * perItem);
}

function baseOption(title: string, subtitle?: string): ChartOption {
  return {
    color: PALETTE,
    textStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, color: COLORS.text },
    title: {
      text: title,
      subtext: subtitle ?? "",
      left: 8,
      top: 4,
      textStyle: { fontFamily: FONT_FAMILY, fontSize: TITLE_SIZE, fontWeight: "bold", color: COLORS.text },
      subtextStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, color: COLORS.muted },
    },
  };
}

/** The option for "nothing to draw": a centred title saying what is missing, no axes. */
export function emptyOption(message: string, detail?: string): ChartOption {
  return {
    color: PALETTE,
    textStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, color: COLORS.text },
    title: {
      text: message,
      subtext: detail ?? "",
      left: "center",
      top: "middle",
      textStyle: { fontFamily: FONT_FAMILY, fontSize: TITLE_SIZE, fontWeight: "normal", color: COLORS.muted },
      subtextStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, color: COLORS.muted },
    },
    series: [],
  };
}

/**
 * ECharts 6 deprecates `grid.containLabel`; this is its documented equivalent, with axis names
 * kept inside too, and needs no legacy module in the client build.
 */
function grid(top: number, extra: GridComponentOption = {}): GridComponentOption {
  return { left: 16, right: 40, top, bottom: 16, outerBoundsMode: "same", outerBoundsContain: "all", ...extra };
}

const axisLabel = { fontSize: FONT_SIZE, color: COLORS.text, fontFamily: FONT_FAMILY };
const axisName = { fontSize: FONT_SIZE, color: COLORS.muted, fontFamily: FONT_FAMILY };
const splitLine = { lineStyle: { color: COLORS.grid } };
/** Long unit names are cut on the axis (the tooltip shows them whole). */
const categoryLabel = { ...axisLabel, width: 240, overflow: "truncate" as const };

function tooltip(trigger: "item" | "axis", formatter: (params: unknown) => string): TooltipComponentOption {
  return {
    trigger,
    confine: true,
    formatter,
    textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text },
    ...(trigger === "axis" ? { axisPointer: { type: "shadow" as const } } : {}),
  };
}

function markerLabel(color: string) {
  return { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color, fontWeight: "bold" as const };
}

// ─── tooltip HTML helpers (every interpolated string goes through escapeHtml) ─

interface TipTarget {
  seriesIndex: number;
  dataIndex: number;
}

/** The series item a tooltip is about, or null for markers and anything unexpected. */
function tipTarget(params: unknown): TipTarget | null {
  const first: unknown = Array.isArray(params) ? params[0] : params;
  if (!first || typeof first !== "object") return null;
  const p = first as Record<string, unknown>;
  if (p.componentType != null && p.componentType !== "series") return null;
  if (!Number.isInteger(p.dataIndex) || (p.dataIndex as number) < 0) return null;
  const seriesIndex = Number.isInteger(p.seriesIndex) ? (p.seriesIndex as number) : 0;
  return { seriesIndex, dataIndex: p.dataIndex as number };
}

const SAFE_COLOR = /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,]+\))$/i;
function dot(color: string): string {
  const safe = SAFE_COLOR.test(color) ? color : COLORS.muted;
  return `<span style="display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;background:${safe}"></span>`;
}
const tipHead = (text: string) => `<div style="font-weight:bold;margin-bottom:4px">${escapeHtml(text)}</div>`;
const tipRow = (label: string, value: string, color?: string) =>
  `<div>${color ? dot(color) : ""}${escapeHtml(label)}：<strong>${escapeHtml(value)}</strong></div>`;
const tipNote = (text: string) => `<div style="color:${COLORS.muted}">${escapeHtml(text)}</div>`;

// ─── execution rate ─────────────────────────────────────────────────────────

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
    tooltip: tooltip("item", (params) => {
      const t = tipTarget(params);
      const row = t && t.seriesIndex === 0 ? plotted[t.dataIndex] : undefined;
      if (!row) return "";
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
    tooltip: tooltip("item", (params) => {
      const t = tipTarget(params);
      const bin = t && t.seriesIndex === 0 ? bins[t.dataIndex] : undefined;
      if (!bin) return "";
      const names = bin.units.slice(0, MAX_NAMES).map((u) => escapeHtml(u.unitName));
      const more = bin.units.length > MAX_NAMES ? `等 ${bin.units.length} 个单位` : "";
      return (
        tipHead(`执行率 ${bin.label}`) +
        tipRow("单位数", `${bin.units.length} 个（${share(bin.units.length, plotted.length)}）`, warn(t!.dataIndex) ? COLORS.warning : COLORS.primary) +
        (names.length ? `<div style="max-width:320px;white-space:normal">${names.join("、")}${escapeHtml(more)}</div>` : "")
      );
    }),
    xAxis: {
      type: "category",
      name: "执行率区间",
      nameLocation: "middle",
      nameGap: 36,
      nameTextStyle: axisName,
      data: bins.map((b) => b.label),
      axisLabel: { ...axisLabel, interval: 0 },
      axisTick: { alignWithLabel: true },
    },
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

// ─── deviation ──────────────────────────────────────────────────────────────

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
    legend: { top: 58, right: 16, textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text } },
    tooltip: tooltip("item", (params) => {
      const target = tipTarget(params);
      const row = target ? groups[target.seriesIndex]?.[target.dataIndex] : undefined;
      if (!row) return "";
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

// ─── scores ─────────────────────────────────────────────────────────────────

export type Grade = "优" | "良" | "中" | "差";
export const GRADES: readonly Grade[] = ["优", "良", "中", "差"];
export const GRADE_BANDS: Record<Grade, string> = { 优: "≥90", 良: "80–90", 中: "60–80", 差: "<60" };

export interface GradeCountRow {
  grade: Grade;
  count: number;
}

/** Reports per total-score band (优 ≥90, 良 80–90, 中 60–80, 差 <60), always in that order, in the band colours. */
export function scoreDistribution(rows: readonly GradeCountRow[]): ChartOption {
  const counts: Record<Grade, number> = { 优: 0, 良: 0, 中: 0, 差: 0 };
  for (const row of rows) if (GRADES.includes(row.grade) && isNum(row.count) && row.count > 0) counts[row.grade] += row.count;
  const total = GRADES.reduce((sum, g) => sum + counts[g], 0);
  if (!total) return emptyOption("暂无自评得分", "单位提交报告后将在此显示自评得分分布");

  return {
    ...baseOption("自评得分等级分布", `共 ${total} 份报告`),
    grid: grid(76),
    tooltip: tooltip("item", (params) => {
      const t = tipTarget(params);
      const grade = t && t.seriesIndex === 0 ? GRADES[t.dataIndex] : undefined;
      if (!grade) return "";
      return tipHead(`${grade}（${GRADE_BANDS[grade]} 分）`) + tipRow("报告数", `${counts[grade]} 份（${share(counts[grade], total)}）`, GRADE_COLORS[grade]);
    }),
    xAxis: {
      type: "category",
      data: GRADES.map((g) => `${g}（${GRADE_BANDS[g]}）`),
      axisLabel: { ...axisLabel, interval: 0 },
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: "value", name: "报告数（份）", nameTextStyle: axisName, minInterval: 1, axisLabel, splitLine },
    series: [
      {
        type: "bar",
        name: "报告数",
        barMaxWidth: 72,
        data: GRADES.map((g) => ({ value: counts[g], grade: g, itemStyle: { color: GRADE_COLORS[g] } })),
        label: {
          show: true,
          position: "top",
          fontSize: FONT_SIZE,
          color: COLORS.text,
          formatter: (p: { value?: unknown }) => (isNum(p.value) ? `${p.value}（${share(p.value, total)}）` : ""),
        },
      },
    ],
  };
}

export interface ScoreVsFormulaRow {
  unitId: string;
  unitName: string;
  selfScore: number | null;
  /** What the standard scoring formula gives for the same indicators. */
  formulaScore: number | null;
}

/**
 * Self score (y) against the standard formula's score (x), with the y = x diagonal: a point
 * above it by more than `tolerance` points is a unit scoring itself higher than its own numbers
 * support, drawn as its own warning-coloured series.
 */
export function scoreVsFormula(rows: readonly ScoreVsFormulaRow[], tolerance = 0.5): ChartOption {
  if (!rows.length) return emptyOption("暂无已提交的报告", "单位提交报告后将在此对比自评得分与公式得分");
  const plotted = rows.filter((r): r is ScoreVsFormulaRow & { selfScore: number; formulaScore: number } => isNum(r.selfScore) && isNum(r.formulaScore));
  const missing = rows.length - plotted.length;
  if (!plotted.length) return emptyOption("暂无可比较的自评得分", `${missing} 个单位缺少自评得分或无法按公式计算`);

  const inflated = (r: (typeof plotted)[number]) => r.selfScore - r.formulaScore > tolerance;
  const groups = [plotted.filter((r) => !inflated(r)), plotted.filter(inflated)];
  const all = plotted.flatMap((r) => [r.selfScore, r.formulaScore]);
  const lo = Math.max(0, Math.min(60, Math.floor(Math.min(...all) / 10) * 10));
  const hi = Math.max(100, Math.ceil(Math.max(...all) / 10) * 10);
  const subtitle = [`共 ${plotted.length} 个单位`, `自评高于公式得分：${groups[1].length} 个`];
  if (missing) subtitle.push(`另有 ${missing} 个单位无法比较`);
  const axis = (name: string) => ({
    type: "value" as const,
    name,
    nameLocation: "middle" as const,
    nameGap: 36,
    nameTextStyle: axisName,
    min: lo,
    max: hi,
    axisLabel,
    splitLine,
  });
  const item = (r: (typeof plotted)[number]) => ({ value: [r.formulaScore, r.selfScore], name: r.unitName, unitId: r.unitId, unitName: r.unitName });

  return {
    ...baseOption("自评得分与标准公式得分", subtitle.join("；")),
    grid: grid(96),
    legend: { top: 58, right: 16, textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text } },
    tooltip: tooltip("item", (params) => {
      const t = tipTarget(params);
      const row = t ? groups[t.seriesIndex]?.[t.dataIndex] : undefined;
      if (!row) return "";
      const diff = row.selfScore - row.formulaScore;
      return (
        tipHead(row.unitName) +
        tipRow("自评得分", formatNumber(row.selfScore, 2), inflated(row) ? COLORS.warning : COLORS.primary) +
        tipRow("公式得分", formatNumber(row.formulaScore, 2)) +
        tipRow("差值", `${diff > 0 ? "+" : ""}${formatNumber(diff, 2)} 分`)
      );
    }),
    xAxis: axis("标准公式得分（分）"),
    yAxis: { ...axis("自评得分（分）"), nameLocation: "end", nameGap: 12 },
    series: [
      {
        type: "scatter",
        name: "自评不高于公式得分",
        symbolSize: 12,
        itemStyle: { color: COLORS.primary, opacity: 0.85 },
        data: groups[0].map(item),
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", width: 2, color: COLORS.reference },
          label: { ...markerLabel(COLORS.reference), position: "insideEndTop", formatter: "自评 = 公式" },
          data: [[{ coord: [lo, lo] }, { coord: [hi, hi] }]],
        },
      },
      {
        type: "scatter",
        name: "自评高于公式得分",
        symbolSize: 14,
        itemStyle: { color: COLORS.warning },
        data: groups[1].map(item),
      },
    ],
  };
}

// ─── flags ──────────────────────────────────────────────────────────────────

export type Severity = "error" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

export interface FlagCountRow {
  rule: string;
  title: string;
  severity: Severity;
  count: number;
}

/**
 * Flags per rule as horizontal bars stacked by severity (a county may configure one rule's
 * severity differently over the years, hence the stack), the most frequent rule on top. Each
 * item carries `rule` and `severity` for drill-down.
 */
export function flagsByRule(rows: readonly FlagCountRow[]): ChartOption {
  const byRule = new Map<string, { rule: string; title: string; counts: Record<Severity, number>; total: number }>();
  for (const row of rows) {
    if (!SEVERITIES.includes(row.severity) || !isNum(row.count) || row.count <= 0) continue;
    const entry = byRule.get(row.rule) ?? { rule: row.rule, title: row.title || row.rule, counts: { error: 0, warning: 0, info: 0 }, total: 0 };
    entry.counts[row.severity] += row.count;
    entry.total += row.count;
    byRule.set(row.rule, entry);
  }
  const list = [...byRule.values()].sort((a, b) => b.total - a.total || a.rule.localeCompare(b.rule));
  if (!list.length) return emptyOption("暂无审核提示", "尚无已提交的报告，或报告均未触发规则");

  // Two rules may share a title (county-edited titles): keep the categories distinct.
  const seen = new Set<string>();
  const categories = list.map((r) => {
    const label = seen.has(r.title) ? `${r.title}（${r.rule}）` : r.title;
    seen.add(label);
    return label;
  });
  const total = list.reduce((sum, r) => sum + r.total, 0);

  return {
    ...baseOption("审核提示（按规则与严重程度）", `共 ${total} 条，涉及 ${list.length} 条规则`),
    grid: grid(96),
    legend: { top: 58, right: 16, textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text } },
    tooltip: tooltip("axis", (params) => {
      const t = tipTarget(params);
      const entry = t ? list[t.dataIndex] : undefined;
      if (!entry) return "";
      return (
        tipHead(entry.title) +
        tipNote(entry.rule) +
        SEVERITIES.filter((s) => entry.counts[s] > 0)
          .map((s) => tipRow(SEVERITY_LABELS[s], `${entry.counts[s]} 条`, SEVERITY_COLORS[s]))
          .join("") +
        tipRow("合计", `${entry.total} 条`)
      );
    }),
    xAxis: { type: "value", name: "提示数（条）", nameLocation: "middle", nameGap: 32, nameTextStyle: axisName, minInterval: 1, axisLabel, splitLine },
    yAxis: { type: "category", inverse: true, data: categories, axisLabel: categoryLabel, axisTick: { show: false } },
    series: SEVERITIES.map((severity) => ({
      type: "bar" as const,
      name: SEVERITY_LABELS[severity],
      stack: "flags",
      barMaxWidth: 24,
      itemStyle: { color: SEVERITY_COLORS[severity] },
      data: list.map((r) => ({ value: r.counts[severity], rule: r.rule, severity })),
      label: {
        show: true,
        position: "inside" as const,
        fontSize: FONT_SIZE,
        color: "#fff",
        formatter: (p: { value?: unknown }) => (isNum(p.value) && p.value > 0 ? String(p.value) : ""),
      },
    })),
  };
}

// ─── expenditure ────────────────────────────────────────────────────────────

export interface ExpenditureClassRow {
  /** 类, the first 3 digits of the function code (201). */
  classCode: string;
  className: string;
  amountWan: number;
}

/**
 * Expenditure by function class (类). A sorted horizontal bar rather than a pie: a county has
 * up to ~27 classes, most of them thin slices that a pie on a projector turns into unlabelled
 * slivers; bar lengths compare more accurately than angles, and long Chinese class names fit
 * on a category axis. Each item carries `classCode`.
 */
export function expenditureByClass(rows: readonly ExpenditureClassRow[]): ChartOption {
  const byClass = new Map<string, { classCode: string; className: string; amountWan: number }>();
  for (const row of rows) {
    if (!isNum(row.amountWan) || row.amountWan <= 0) continue;
    const entry = byClass.get(row.classCode) ?? { classCode: row.classCode, className: row.className || row.classCode, amountWan: 0 };
    entry.amountWan += row.amountWan;
    byClass.set(row.classCode, entry);
  }
  const list = [...byClass.values()].sort((a, b) => b.amountWan - a.amountWan || a.classCode.localeCompare(b.classCode));
  if (!list.length) return emptyOption("暂无支出数据", "已提交报告的支出明细将按功能分类在此汇总");
  const total = list.reduce((sum, r) => sum + r.amountWan, 0);

  return {
    ...baseOption("支出按功能分类（类）", `合计 ${formatNumber(total, 2)} 万元，共 ${list.length} 类`),
    grid: grid(76, { right: 150 }),
    tooltip: tooltip("item", (params) => {
      const t = tipTarget(params);
      const entry = t && t.seriesIndex === 0 ? list[t.dataIndex] : undefined;
      if (!entry) return "";
      return tipHead(`${entry.classCode} ${entry.className}`) + tipRow("决算数", `${formatNumber(entry.amountWan, 2)} 万元`, COLORS.primary) + tipRow("占比", share(entry.amountWan, total));
    }),
    xAxis: { type: "value", name: "万元", nameTextStyle: axisName, axisLabel, splitLine },
    yAxis: { type: "category", inverse: true, data: list.map((r) => r.className), axisLabel: categoryLabel, axisTick: { show: false } },
    series: [
      {
        type: "bar",
        name: "决算数",
        barMaxWidth: 24,
        itemStyle: { color: COLORS.primary },
        data: list.map((r) => ({ value: r.amountWan, classCode: r.classCode, className: r.className })),
        label: {
          show: true,
          position: "right",
          fontSize: FONT_SIZE,
          color: COLORS.text,
          formatter: (p: { value?: unknown }) => (isNum(p.value) ? `${formatNumber(p.value, 2)}（${share(p.value, total)}）` : ""),
        },
      },
    ],
  };
}

// ─── submission progress ────────────────────────────────────────────────────

export interface SubmissionDayRow {
  /** 'YYYY-MM-DD' (Asia/Shanghai calendar day). */
  date: string;
  /** Units whose report was first submitted on that day (not cumulative). */
  submitted: number;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** About 10 % above `value`, on a multiple of 5 (small counts: one more). */
function headroom(value: number): number {
  return value < 10 ? value + 1 : Math.ceil((value * 1.1) / 5) * 5;
}

/**
 * Cumulative submissions over time on a time axis (gaps between days keep their real width),
 * a step line because the count only changes when a report arrives. markLines: the deadline
 * (x) and the number of units that must report (y).
 */
export function submissionProgress(rows: readonly SubmissionDayRow[], deadline: string | null, totalUnits: number): ChartOption {
  const validDeadline = deadline && ISO_DATE.test(deadline) ? deadline : null;
  const total = isNum(totalUnits) && totalUnits > 0 ? Math.floor(totalUnits) : 0;
  const perDay = new Map<string, number>();
  for (const row of rows) {
    if (!ISO_DATE.test(row.date) || !isNum(row.submitted) || row.submitted <= 0) continue;
    perDay.set(row.date, (perDay.get(row.date) ?? 0) + row.submitted);
  }
  const days = [...perDay.keys()].sort();
  const context = [validDeadline ? `截止日期 ${validDeadline}` : null, total ? `应报 ${total} 个单位` : null].filter(Boolean).join("；");
  if (!days.length) return emptyOption("暂无已提交的报告", context || undefined);

  let running = 0;
  const points = days.map((date) => {
    const count = perDay.get(date)!;
    running += count;
    return { date, count, cumulative: running };
  });
  const first = validDeadline && validDeadline < days[0] ? validDeadline : days[0];
  const last = validDeadline && validDeadline > days[days.length - 1] ? validDeadline : days[days.length - 1];
  const subtitle = [`已提交 ${running}${total ? ` / ${total}` : ""} 个单位${total ? `（${share(running, total)}）` : ""}`];
  if (validDeadline) subtitle.push(`截止日期 ${validDeadline}`);

  const markData: NonNullable<LineSeriesOption["markLine"]>["data"] = [];
  if (validDeadline) {
    markData.push({ xAxis: validDeadline, lineStyle: { color: COLORS.warning }, label: { ...markerLabel(COLORS.warning), position: "end", formatter: `截止 ${validDeadline.slice(5)}` } });
  }
  if (total) {
    markData.push({ yAxis: total, lineStyle: { color: COLORS.ok }, label: { ...markerLabel(COLORS.ok), position: "insideStartTop", formatter: `应报 ${total} 个单位` } });
  }

  return {
    ...baseOption("报告提交进度", subtitle.join("；")),
    grid: grid(76, { right: 56 }),
    tooltip: tooltip("axis", (params) => {
      const t = tipTarget(params);
      const point = t && t.seriesIndex === 0 ? points[t.dataIndex] : undefined;
      if (!point) return "";
      return (
        tipHead(point.date) +
        tipRow("当日提交", `${point.count} 个`) +
        tipRow("累计提交", `${point.cumulative} 个${total ? `（${share(point.cumulative, total)}）` : ""}`, COLORS.primary)
      );
    }),
    xAxis: {
      type: "time",
      ...(first !== last ? { min: first, max: last } : {}),
      axisLabel: { ...axisLabel, formatter: "{MM}-{dd}", hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: "value",
      name: "累计提交（个）",
      nameTextStyle: axisName,
      min: 0,
      // Headroom above the "应报" line so its label clears the axis name.
      max: headroom(Math.max(total, running)),
      minInterval: 1,
      axisLabel,
      splitLine,
    },
    series: [
      {
        type: "line",
        name: "累计提交",
        step: "end",
        symbol: "circle",
        symbolSize: 8,
        lineStyle: { width: 3, color: COLORS.primary },
        itemStyle: { color: COLORS.primary },
        areaStyle: { color: "rgba(31, 95, 168, 0.12)" },
        data: points.map((p) => ({ value: [p.date, p.cumulative], date: p.date, submitted: p.count })),
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", width: 2 }, data: markData },
      },
    ],
  };
}

// ─── year-over-year ─────────────────────────────────────────────────────────

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
    legend: { top: 58, right: 16, textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text } },
    tooltip: tooltip("axis", (params) => {
      const t = tipTarget(params);
      const row = t ? list[t.dataIndex] : undefined;
      if (!row) return "";
      return (
        tipHead(`${row.year} 年`) +
        TREND_SERIES.map((s) => {
          const v = row[s.key];
          return tipRow(s.name, isNum(v) ? `${formatNumber(v, 2)}${s.unit}` : "—", s.color);
        }).join("")
      );
    }),
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

// ─── status ─────────────────────────────────────────────────────────────────

export interface StatusCountRow {
  /** What to show: "已提交", "未填报"… */
  status: string;
  count: number;
  /** A stable key for drill-down and colour (draft/submitted/returned/approved/not_started); defaults to `status`. */
  key?: string;
}

const STATUS_COLORS: Record<string, string> = {
  not_started: "#adb5bd",
  未填报: "#adb5bd",
  未开始: "#adb5bd",
  draft: "#7048e8",
  草稿: "#7048e8",
  submitted: "#1f5fa8",
  已提交: "#1f5fa8",
  returned: "#d9480f",
  已退回: "#d9480f",
  approved: "#2b8a3e",
  已通过: "#2b8a3e",
};

/** Units by report status as a donut: a handful of categories that add up to the whole county. */
export function statusPie(rows: readonly StatusCountRow[]): ChartOption {
  const list = rows.filter((r) => isNum(r.count) && r.count > 0);
  const total = list.reduce((sum, r) => sum + r.count, 0);
  if (!total) return emptyOption("暂无填报数据", "本年度尚无单位开始填报");

  return {
    ...baseOption("填报状态", `共 ${total} 个单位`),
    tooltip: tooltip("item", (params) => {
      const t = tipTarget(params);
      const row = t && t.seriesIndex === 0 ? list[t.dataIndex] : undefined;
      if (!row) return "";
      const key = row.key ?? row.status;
      return tipRow(row.status, `${row.count} 个（${share(row.count, total)}）`, STATUS_COLORS[key] ?? STATUS_COLORS[row.status] ?? COLORS.muted);
    }),
    legend: { bottom: 8, textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text } },
    series: [
      {
        type: "pie",
        name: "填报状态",
        radius: ["38%", "62%"],
        center: ["50%", "52%"],
        avoidLabelOverlap: true,
        data: list.map((r, i) => ({
          name: r.status,
          value: r.count,
          status: r.key ?? r.status,
          itemStyle: { color: STATUS_COLORS[r.key ?? r.status] ?? STATUS_COLORS[r.status] ?? PALETTE[i % PALETTE.length], borderColor: "#fff", borderWidth: 2 },
        })),
        label: {
          fontSize: FONT_SIZE,
          color: COLORS.text,
          formatter: (p: { dataIndex?: unknown }) => {
            const row = typeof p.dataIndex === "number" ? list[p.dataIndex] : undefined;
            return row ? `${row.status}\n${row.count} 个（${share(row.count, total)}）` : "";
          },
        },
        labelLine: { length: 12, length2: 12 },
      },
    ],
  };
}
