/**
 * Server-side rendering of a chart option to an SVG string: for print/export and for the first
 * paint of <EChart> before (or without) JavaScript, with the same trimmed echarts build the
 * browser loads (echartsCore.ts).
 *
 * The SVG may be put into the page as markup because zrender escapes every text node, the
 * attributes it writes carry only numbers, colours and our font list, and the option builders
 * keep tenant strings out of anything but text. Callers pass options from the chart families
 * (app/charts/registry.ts) only — never an option assembled from request data.
 */
import { init } from "./echartsCore";
import type { EChartsCoreOption } from "echarts/core";
import { FONT_FAMILY } from "./base";

export interface RenderSize {
  width: number;
  height: number;
}

export function renderChartSvg(option: EChartsCoreOption, { width, height }: RenderSize): string {
  if (!(Number.isFinite(width) && width > 0 && Number.isFinite(height) && height > 0)) {
    throw new RangeError(`renderChartSvg: invalid size ${width}×${height}`);
  }
  const chart = init(null, null, {
    renderer: "svg",
    ssr: true,
    width: Math.round(width),
    height: Math.round(height),
    locale: "ZH",
  });
  try {
    chart.setOption({ ...option, animation: false });
    return plainPicture(chart.renderToSVGString());
  } finally {
    // An undisposed SSR chart keeps its animation timer alive: the process never exits.
    chart.dispose();
  }
}

/**
 * The SVG as a plain picture, about a third smaller. zrender repeats our font list in the style
 * of every text: set once on the root, every text inherits it just the same. And it writes what
 * only echarts' own SSR hydration uses, which neither the first paint (replaced by the live
 * chart) nor a download needs: ecmeta_* attributes on every data item and hover styles (a
 * <style> of zrN-cls-M:hover rules and those classes). Text content cannot match: zrender
 * escapes its quotes and angle brackets.
 */
function plainPicture(svg: string): string {
  const inlineFont = `font-family:${FONT_FAMILY};`;
  return svg
    .replaceAll(inlineFont, "")
    .replace(/^<svg\b/, `<svg font-family="${FONT_FAMILY}"`)
    .replace(/ (ecmeta_\w+|class)="[^"]*"/g, "")
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, "");
}
