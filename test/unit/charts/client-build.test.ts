/**
 * The trimmed browser build (echarts.client.ts) must register everything the builders use:
 * echarts reports a missing chart type or component on the console ("… is used but not
 * imported") and draws nothing for it. This file must not import the full "echarts" build,
 * which registers everything.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { init } from "~/charts/echarts.client";
import { emptyCharts, EVIL, sampleCharts } from "./fixtures";

let errors: MockInstance;
let warnings: MockInstance;
beforeEach(() => {
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
  warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

function render(option: object): string {
  const chart = init(null, null, { renderer: "svg", ssr: true, width: 800, height: 420, locale: "ZH" });
  try {
    chart.setOption({ ...option, animation: false }, { notMerge: true });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

describe("trimmed client build", () => {
  it("is trimmed: a chart type we do not use is reported missing", () => {
    render({ radar: { indicator: [{ name: "甲" }] }, series: [{ type: "radar", data: [{ value: [1] }] }] });
    expect([...errors.mock.calls, ...warnings.mock.calls].join("\n")).toMatch(/not imported|Unknown series/);
  });

  it.each([...sampleCharts(), ...sampleCharts(EVIL), ...emptyCharts()])("draws %s with what it registers, silently", (_name, option) => {
    const svg = render(option);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).not.toHaveBeenCalled();
  });
});
