/**
 * What every chart family shares: the option type, the projector look, the empty chart, and
 * the tooltip helpers. Pure and dependency-free at run time (the echarts imports below are
 * types only), so an option renders alike in the browser (<EChart>) and on the server
 * (renderChartSvg).
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

export const PALETTE = ["#1f5fa8", "#d9480f", "#2b8a3e", "#7048e8", "#c2255c", "#0c8599", "#5c940d", "#868e96"];
export const FONT_SIZE = 14;
const TITLE_SIZE = 18;

export const collator = new Intl.Collator("zh-CN");
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

export const pct = (value: number | null | undefined, digits = 2) => (value == null || !Number.isFinite(value) ? "—" : `${formatNumber(value, digits)}%`);
export const isNum = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
export const share = (part: number, total: number) => (total > 0 ? pct((part / total) * 100, 1) : "—");

/**
 * A height (px) that gives each bar of a horizontal bar list about 32 px, so a county with
 * 80 units stays readable on a projector instead of squeezing all bars into 360 px.
 */
export function barListHeight(count: number, { min = 320, perItem = 32, chrome = 140 } = {}): number {
  return Math.max(min, chrome + Math.max(0, count) * perItem);
}

function titled(position: Pick<TitleComponentOption, "left" | "top">, text: string, subtext: string | undefined, { bold }: { bold: boolean }): ChartOption {
  return {
    color: PALETTE,
    textStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, color: COLORS.text },
    title: {
      ...position,
      text,
      subtext: subtext ?? "",
      textStyle: { fontFamily: FONT_FAMILY, fontSize: TITLE_SIZE, fontWeight: bold ? "bold" : "normal", color: bold ? COLORS.text : COLORS.muted },
      subtextStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, color: COLORS.muted },
    },
  };
}

/** A chart's title and subtitle, top left; the family adds axes and series. */
export function baseOption(title: string, subtitle?: string): ChartOption {
  return titled({ left: 8, top: 4 }, title, subtitle, { bold: true });
}

/** The option for "nothing to draw": a centred title saying what is missing, no axes. */
export function emptyOption(message: string, detail?: string): ChartOption {
  return { ...titled({ left: "center", top: "middle" }, message, detail, { bold: false }), series: [] };
}

/**
 * ECharts 6 deprecates `grid.containLabel`; this is its documented equivalent, with axis names
 * kept inside too, and needs no legacy module in the client build.
 */
export function grid(top: number, extra: GridComponentOption = {}): GridComponentOption {
  return { left: 16, right: 40, top, bottom: 16, outerBoundsMode: "same", outerBoundsContain: "all", ...extra };
}

/** A category axis of columns (bins, grades): every label shown, ticks between the columns. */
export function columnAxis(data: string[]) {
  return { type: "category" as const, data, axisLabel: { ...axisLabel, interval: 0 }, axisTick: { alignWithLabel: true } };
}

/** The legend of a chart with several series, below the subtitle (grid top 96 leaves it room). */
export function topLegend(): LegendComponentOption {
  return { top: 58, right: 16, textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text } };
}

export const axisLabel = { fontSize: FONT_SIZE, color: COLORS.text, fontFamily: FONT_FAMILY };
export const axisName = { fontSize: FONT_SIZE, color: COLORS.muted, fontFamily: FONT_FAMILY };
export const splitLine = { lineStyle: { color: COLORS.grid } };
/** Long unit names are cut on the axis (the tooltip shows them whole). */
export const categoryLabel = { ...axisLabel, width: 240, overflow: "truncate" as const };

export function markerLabel(color: string) {
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

/**
 * The tooltip of a chart: the row it is about is looked up by dataIndex in `rows` (series 0's
 * rows, or a function giving each series' rows), and `render` builds the HTML from it with
 * the tip helpers below. Markers and anything unexpected get no tooltip.
 */
export function rowTooltip<T>(
  trigger: "item" | "axis",
  rows: readonly T[] | ((seriesIndex: number) => readonly T[] | undefined),
  render: (row: T, dataIndex: number) => string,
): TooltipComponentOption {
  return {
    trigger,
    confine: true,
    formatter: (params: unknown) => {
      const t = tipTarget(params);
      if (!t) return "";
      const list = typeof rows === "function" ? rows(t.seriesIndex) : t.seriesIndex === 0 ? rows : undefined;
      const row = list?.[t.dataIndex];
      return row === undefined ? "" : render(row, t.dataIndex);
    },
    textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text },
    ...(trigger === "axis" ? { axisPointer: { type: "shadow" as const } } : {}),
  };
}

const SAFE_COLOR = /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,]+\))$/i;
function dot(color: string): string {
  const safe = SAFE_COLOR.test(color) ? color : COLORS.muted;
  return `<span style="display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;background:${safe}"></span>`;
}
export const tipHead = (text: string) => `<div style="font-weight:bold;margin-bottom:4px">${escapeHtml(text)}</div>`;
export const tipRow = (label: string, value: string, color?: string) =>
  `<div>${color ? dot(color) : ""}${escapeHtml(label)}：<strong>${escapeHtml(value)}</strong></div>`;
export const tipNote = (text: string) => `<div style="color:${COLORS.muted}">${escapeHtml(text)}</div>`;
