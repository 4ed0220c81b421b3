/**
 * The dashboard's SVG cache: keyed by the content of the page data, so equal data is drawn
 * once however many requests load it, and a changed number is drawn again (never a stale chart).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { CHARTS } from "~/charts/registry";
import { renderChartSvg } from "~/charts/render.server";
import { chartSvg, pageChartSvgs } from "~/charts/svgCache.server";
import { sampleDashboardData } from "./fixtures";

vi.mock("~/charts/render.server", async (importOriginal) => {
  const actual = await importOriginal<typeof import("~/charts/render.server")>();
  return { renderChartSvg: vi.fn(actual.renderChartSvg) };
});
const draws = vi.mocked(renderChartSvg);

// Each test draws from data of its own (the cache lives as long as the module).
let seed = 0;
function freshData() {
  const data = sampleDashboardData();
  data.totalUnits += ++seed;
  return data;
}

beforeEach(() => {
  draws.mockClear();
});

describe("chartSvg", () => {
  it("draws equal data once, whichever copy of it a request loaded", () => {
    const data = freshData();
    const first = chartSvg("execution", data, { width: 560 });
    expect(chartSvg("execution", structuredClone(data), { width: 560 })).toBe(first);
    expect(draws).toHaveBeenCalledTimes(1);
    expect(first).toContain("泸县教育局");
  });

  it("draws again when a number changes", () => {
    const data = freshData();
    const before = chartSvg("execution", data, { width: 560 });
    const changed = structuredClone(data);
    changed.units[1].executionRatePct = 55;
    const after = chartSvg("execution", changed, { width: 560 });
    expect(draws).toHaveBeenCalledTimes(2);
    expect(after).not.toBe(before);
  });

  it("keeps each chart and size apart", () => {
    const data = freshData();
    const page = chartSvg("grades", data, { width: 560 });
    const download = chartSvg("grades", data, { width: 1200, minHeight: 480 });
    expect(chartSvg("status", data, { width: 560 })).not.toBe(page);
    expect(page).toContain('width="560" height="340"');
    expect(download).toContain('width="1200" height="480"');
    expect(draws).toHaveBeenCalledTimes(3);
  });
});

describe("pageChartSvgs", () => {
  it("draws every chart of whatever data it is given, at the page's width", () => {
    const svgOf = pageChartSvgs;
    const [a, b] = [freshData(), freshData()];
    b.units[0].name = "泸县审计局";
    for (const { id } of CHARTS) {
      expect(svgOf(id, a)).toBe(chartSvg(id, a, { width: 560 }));
      expect(svgOf(id, b)).toBe(chartSvg(id, b, { width: 560 }));
    }
    expect(svgOf("execution", b)).toContain("泸县审计局");
    expect(svgOf("execution", a)).not.toContain("泸县审计局");
    expect(draws).toHaveBeenCalledTimes(2 * CHARTS.length);
  });
});
