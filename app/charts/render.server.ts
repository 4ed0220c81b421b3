/**
 * Server-side rendering of a chart option to an SVG string: for print/export and for the first
 * paint of <EChart> before (or without) JavaScript. Uses the full echarts build, which the
 * server can afford; the browser loads the trimmed build in echarts.client.ts.
 *
 * The SVG may be put into the page as markup because zrender escapes every text node, the
 * attributes it writes carry only numbers, colours and our font list, and the option builders
 * keep tenant strings out of anything but text. Callers pass options from app/charts/options.ts
 * only — never an option assembled from request data.
 */
import * as echarts from "echarts";
import type { EChartsCoreOption } from "echarts/core";

export interface RenderSize {
  width: number;
  height: number;
}

export function renderChartSvg(option: EChartsCoreOption, { width, height }: RenderSize): string {
  if (!(Number.isFinite(width) && width > 0 && Number.isFinite(height) && height > 0)) {
    throw new RangeError(`renderChartSvg: invalid size ${width}×${height}`);
  }
  const chart = echarts.init(null, null, {
    renderer: "svg",
    ssr: true,
    width: Math.round(width),
    height: Math.round(height),
    locale: "ZH",
  });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    // An undisposed SSR chart keeps its animation timer alive: the process never exits.
    chart.dispose();
  }
}
