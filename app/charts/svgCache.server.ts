/**
 * Server-rendered chart SVG, cached by the content of the option itself: a changed number
 * changes the key, so the cache can never serve a stale chart. Bounded (least recently used).
 */
import { createHash } from "node:crypto";
import type { EChartsCoreOption } from "echarts/core";
import { renderChartSvg } from "./render.server";

const MAX_ENTRIES = 500;
const cache = new Map<string, string>();

export function cachedChartSvg(option: EChartsCoreOption, size: { width: number; height: number }): string {
  const key = createHash("sha1").update(JSON.stringify([option, size], (_k, v) => (typeof v === "function" ? String(v) : v))).digest("base64");
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const svg = renderChartSvg(option, size);
  cache.set(key, svg);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return svg;
}
