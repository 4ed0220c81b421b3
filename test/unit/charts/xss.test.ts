/**
 * A unit (or rule title, or status label) named like an HTML tag must come out of every
 * tooltip escaped: tooltips are HTML on the leadership dashboard.
 */
import { describe, expect, it } from "vitest";
import type { ChartOption } from "~/charts/base";
import { EVIL, sampleCharts, seriesOf, tooltipFormatter, type Loose } from "./fixtures";

/** Builders whose tooltip shows a tenant-supplied string (the others only show numbers, dates and fixed labels). */
const SHOWS_TENANT_TEXT = new Set(["executionRateBars", "executionRateHistogram", "deviationScatter", "scoreVsFormula", "flagsByRule", "expenditureByClass", "statusPie"]);

/** What ECharts passes to a tooltip formatter for each item, in the item and the axis form. */
function tooltipOutputs(option: ChartOption): string[] {
  const formatter = tooltipFormatter(option);
  const outputs: string[] = [];
  seriesOf(option).forEach((series, seriesIndex) => {
    (series.data as Loose[]).forEach((data, dataIndex) => {
      const params = { componentType: "series", seriesType: series.type, seriesIndex, seriesName: EVIL, dataIndex, name: EVIL, data, value: data?.value, marker: EVIL };
      outputs.push(formatter(params), formatter([params]));
    });
  });
  return outputs;
}

describe.each(sampleCharts(EVIL))("%s tooltip", (name, option) => {
  const outputs = tooltipOutputs(option);

  it("answers for every item", () => {
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.every((html) => html.length > 0)).toBe(true);
  });

  it("never contains the raw tag", () => {
    for (const html of outputs) {
      expect(html).not.toContain("<img");
      expect(html).not.toMatch(/<[a-z][^>]*\son\w+\s*=/i);
    }
  });

  if (SHOWS_TENANT_TEXT.has(name)) {
    it("shows the name escaped", () => {
      expect(outputs.join("\n")).toContain("&lt;img src=x onerror=alert(1)&gt;");
    });
  } else {
    it("does not echo what ECharts passes in (names, markers)", () => {
      expect(outputs.join("\n")).not.toContain("onerror");
    });
  }

  it("shows nothing for markers and unexpected params", () => {
    const formatter = tooltipFormatter(option);
    expect(formatter({ componentType: "markLine", name: EVIL, dataIndex: 0, seriesIndex: 0 })).toBe("");
    expect(formatter({ componentType: "markArea", name: EVIL, dataIndex: 0, seriesIndex: 0 })).toBe("");
    expect(formatter(null)).toBe("");
    expect(formatter({ name: EVIL })).toBe("");
    expect(formatter({ componentType: "series", seriesIndex: 0, dataIndex: 999, name: EVIL })).toBe("");
  });
});
