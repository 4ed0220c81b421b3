/**
 * Run as a child process by render.test.ts: renders every sample chart (and one option that
 * makes echarts throw) and then simply ends. If renderChartSvg left a chart undisposed, its
 * timer would keep this process alive and the test would see a timeout instead of an exit.
 */
import { renderChartSvg } from "../../../app/charts/render.server";
import { emptyCharts, sampleCharts } from "./fixtures";

let rendered = 0;
for (const [, option] of [...sampleCharts(), ...emptyCharts()]) {
  if (renderChartSvg(option, { width: 800, height: 400 }).startsWith("<svg")) rendered++;
}
let threw = false;
try {
  const boom = () => {
    throw new Error("formatter failed");
  };
  renderChartSvg(
    { xAxis: { type: "category", data: ["甲"] }, yAxis: {}, series: [{ type: "bar", data: [1], label: { show: true, formatter: boom } }] },
    { width: 800, height: 400 },
  );
} catch {
  threw = true;
}
process.stdout.write(JSON.stringify({ rendered, threw }));
