/**
 * The trimmed echarts build shared by the browser (echarts.client.ts, loaded dynamically by
 * <EChart>) and the server's SVG rendering (render.server.ts): the core, the SVG renderer and
 * exactly the chart types and components the builders in families/ use — keep this list and
 * the `ChartOption` type of base.ts in step. A module used by an option but not registered here is
 * reported by echarts ("… is used but not imported") and covered by
 * test/unit/charts/client-build.test.ts. (The full build cost the server ~40 MB of memory.)
 */
import { init, use } from "echarts/core";
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
]);

export { init };
export type { ECElementEvent, EChartsType } from "echarts/core";
