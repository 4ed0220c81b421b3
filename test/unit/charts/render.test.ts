import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FONT_FAMILY } from "~/charts/base";
import { renderChartSvg } from "~/charts/render.server";
import { emptyCharts, EVIL, sampleCharts } from "./fixtures";

const SIZE = { width: 800, height: 420 };
/** Builders that draw a tenant string as SVG text (axis category, point or slice label). */
const DRAWS_TENANT_TEXT = new Set(["executionRateBars", "deviationScatter", "flagsByRule", "expenditureByClass", "statusPie"]);

function expectSafeSvg(svg: string) {
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  expect(svg).not.toContain("<img");
  expect(svg).not.toContain("<script");
  expect(svg).not.toMatch(/<[a-z][^>]*\son\w+\s*=/i); // no event-handler attribute on any element
  expect(svg).not.toMatch(/font-family:[^;>]*"/); // a double quote here would end the style attribute
}

describe("renderChartSvg", () => {
  it.each(sampleCharts())("%s renders to SVG", (_name, option) => {
    const svg = renderChartSvg(option, SIZE);
    expectSafeSvg(svg);
    expect(svg).toContain('width="800"');
    expect(svg).toContain("viewBox");
  });

  it.each(emptyCharts())("%s without rows renders its message", (_name, option) => {
    const svg = renderChartSvg(option, SIZE);
    expectSafeSvg(svg);
    expect(svg).toContain("暂无");
  });

  it.each(sampleCharts(EVIL))("%s with a unit named like a tag renders it as escaped text", (name, option) => {
    const svg = renderChartSvg(option, SIZE);
    expectSafeSvg(svg);
    if (DRAWS_TENANT_TEXT.has(name)) expect(svg).toContain("&lt;img");
  });

  it.each(sampleCharts())("%s is a plain picture: the font set once on the root, no echarts hydration metadata or hover styles", (_name, option) => {
    const svg = renderChartSvg(option, SIZE);
    expect(svg.startsWith(`<svg font-family="${FONT_FAMILY}" `)).toBe(true);
    expect(svg.split("font-family")).toHaveLength(2);
    expect(svg).toMatch(/<text [^>]*style="font-size:\d+px;/);
    expect(svg).not.toContain("ecmeta_");
    expect(svg).not.toContain("<style");
    expect(svg).not.toContain(" class=");
  });

  it("does not animate on the server", () => {
    const [, option] = sampleCharts()[0];
    expect(renderChartSvg(option, SIZE)).not.toContain("@keyframes");
  });

  it("refuses a size it cannot draw", () => {
    const [, option] = sampleCharts()[0];
    expect(() => renderChartSvg(option, { width: 0, height: 400 })).toThrow(RangeError);
    expect(() => renderChartSvg(option, { width: Number.NaN, height: 400 })).toThrow(RangeError);
  });

  it("disposes every chart, even after an error: a process that renders charts still exits", () => {
    const script = fileURLToPath(new URL("./render-exit.ts", import.meta.url));
    const child = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
    expect(child.error).toBeUndefined(); // ETIMEDOUT if a timer kept it alive
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ rendered: 20, threw: true });
  }, 40_000);

  it("takes a few milliseconds per chart once warm (printed, not asserted)", () => {
    const charts = sampleCharts();
    for (const [, option] of charts) renderChartSvg(option, SIZE); // warm-up
    const runs = 20;
    const timings = charts.map(([name, option]) => {
      const start = performance.now();
      for (let i = 0; i < runs; i++) renderChartSvg(option, SIZE);
      return { chart: name, msPerRender: Number(((performance.now() - start) / runs).toFixed(2)) };
    });
    console.log(`renderChartSvg ${SIZE.width}×${SIZE.height}, mean of ${runs} after warm-up:\n${timings.map((t) => `  ${t.chart.padEnd(24)} ${t.msPerRender} ms`).join("\n")}`);
    expect(timings.every((t) => t.msPerRender > 0)).toBe(true);
  });
});
