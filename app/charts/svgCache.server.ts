/**
 * Server-rendered dashboard chart SVGs, cached by chart, size and a content hash of the data the
 * chart is drawn from (chartOption is pure): a changed number changes the key, so the cache can
 * never serve a stale chart, and a hit builds no option at all. Bounded by total length, least
 * recently used out first.
 */
import { createHash } from "node:crypto";
import type { DashboardData } from "./dashboard";
import { chartHeight, chartOption, type ChartId } from "./registry";
import { renderChartSvg } from "./render.server";
import type { ChartSvgs } from "./serverSvg";

/** Characters kept (≤ 24 MB: 2 bytes each once a chart has Chinese text): ten charts of a county page take about 0.12 M, of a 200-county page 0.2 M. */
const MAX_CHARS = 12_000_000;
/** The page draws each chart at this width; the SVG then scales to its card (it has a viewBox). */
const PAGE_WIDTH = 560;

const cache = new Map<string, string>();
let cachedChars = 0;

/** The dashboard model hands out the same data object while nothing changed: hash each object once. */
const keys = new WeakMap<DashboardData, string>();

function dataKey(data: DashboardData): string {
  let key = keys.get(data);
  if (key === undefined) keys.set(data, (key = createHash("sha1").update(JSON.stringify(data)).digest("base64")));
  return key;
}

/** Chart `id` drawn from `data` at `width`, at least `minHeight` tall; `key` is dataKey(data), when the caller has it already. */
export function chartSvg(id: ChartId, data: DashboardData, { width, minHeight = 0 }: { width: number; minHeight?: number }, key = dataKey(data)): string {
  const cacheKey = `${key} ${id} ${width} ${minHeight}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) {
    cache.delete(cacheKey);
    cache.set(cacheKey, hit);
    return hit;
  }
  const svg = renderChartSvg(chartOption(id, data), { width, height: Math.max(chartHeight(id, data), minHeight) });
  cache.set(cacheKey, svg);
  cachedChars += svg.length;
  for (const [oldest, old] of cache) {
    if (cachedChars <= MAX_CHARS) break;
    cache.delete(oldest);
    cachedChars -= old.length;
  }
  return svg;
}

/** The page's charts in the server render: each data object is hashed once, however many charts are drawn from it. */
export const pageChartSvgs: ChartSvgs = (id, data) => chartSvg(id, data, { width: PAGE_WIDTH }, dataKey(data));
