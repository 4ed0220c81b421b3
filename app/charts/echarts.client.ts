/** The browser's entry to the trimmed echarts build (echartsCore.ts), loaded dynamically by <EChart>. */
export { init } from "./echartsCore";
export type { ECElementEvent, EChartsType } from "./echartsCore";
