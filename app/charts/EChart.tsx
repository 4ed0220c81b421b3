/**
 * The one chart component: it only inits, sets the option, resizes and disposes (the shape of
 * Superset's ECharts plugin). What a chart shows is decided by the pure builders in families/.
 *
 * First paint: `svg` (rendered on the server by renderChartSvg from the same option) is shown
 * until the browser has loaded the trimmed echarts build and drawn the interactive chart, so
 * the page has its charts without JavaScript and does not jump when it arrives. The browser
 * is not given the SVG again: hydration leaves the server's markup of the placeholder alone.
 */
import { useEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import type { EChartsCoreOption } from "echarts/core";
import type { ECElementEvent, EChartsType } from "./echarts.client";

export interface ChartItemClick {
  name: string;
  dataIndex: number;
  seriesIndex: number;
  /** The data item as the builder wrote it (carries unitId, rule, classCode… for drill-down). */
  data: unknown;
}

export interface EChartProps {
  /** Absent in the server render, which shows `svg` only. */
  option?: EChartsCoreOption;
  height?: number;
  /** Server-rendered SVG (renderChartSvg) for the first paint; only the server render has it. */
  svg?: string;
  onItemClick?: (params: ChartItemClick) => void;
  ariaLabel: string;
}

const layer: CSSProperties = { position: "absolute", inset: 0 };

/** One import of the chart build shared by every chart on the page; forgotten on failure so a later mount retries. */
let chartBuild: Promise<typeof import("./echarts.client")> | null = null;
function loadChartBuild() {
  chartBuild ??= import("./echarts.client").catch((error: unknown) => {
    chartBuild = null;
    throw error;
  });
  return chartBuild;
}

/** Lets the fixed-size server SVG scale to the container (it has a viewBox). */
function responsiveSvg(svg: string): string {
  return svg.replace(/^<svg\b/, '<svg style="display:block;width:100%;height:100%"');
}

export function EChart({ option, height = 360, svg, onItemClick, ariaLabel }: EChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<EChartsType | null>(null);
  const optionRef = useRef(option);
  const clickRef = useRef(onItemClick);
  const [ready, setReady] = useState(false);
  // In the browser the placeholder is empty: React does not patch innerHTML while hydrating, so
  // the server's SVG stays there until the live chart is drawn.
  const placeholder = useMemo(() => ({ __html: svg && svg.startsWith("<svg") ? responsiveSvg(svg) : "" }), [svg]);

  useEffect(() => {
    clickRef.current = onItemClick;
  }, [onItemClick]);

  useEffect(() => {
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    let frame = 0;
    const onWindowResize = () => chartRef.current?.resize();

    loadChartBuild()
      .then(({ init }) => {
        const host = hostRef.current;
        if (cancelled || !host) return;
        const chart = init(host, null, { renderer: "svg", locale: "ZH" });
        chartRef.current = chart;
        // First render without animation: the server SVG is already on screen, bars growing from 0 would flash.
        chart.setOption({ ...optionRef.current, animation: false }, { notMerge: true });
        chart.on("click", (params: ECElementEvent) => {
          if (params.componentType !== "series" || typeof params.dataIndex !== "number") return;
          clickRef.current?.({
            name: String(params.name ?? ""),
            dataIndex: params.dataIndex,
            seriesIndex: params.seriesIndex ?? 0,
            data: params.data,
          });
        });
        if (typeof ResizeObserver === "function") {
          // Resize in the next frame: resizing inside the callback can trigger "ResizeObserver loop" errors.
          observer = new ResizeObserver(() => {
            cancelAnimationFrame(frame);
            frame = requestAnimationFrame(() => chartRef.current?.resize());
          });
          observer.observe(host);
        } else {
          window.addEventListener("resize", onWindowResize);
        }
        setReady(true);
      })
      .catch((error: unknown) => {
        // The server SVG stays; the chart is just not interactive.
        if (!cancelled) console.warn("图表脚本加载失败，保留静态图表", error);
      });

    return () => {
      cancelled = true;
      observer?.disconnect();
      cancelAnimationFrame(frame);
      window.removeEventListener("resize", onWindowResize);
      chartRef.current?.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (optionRef.current === option || !option) return;
    optionRef.current = option;
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div role="img" aria-label={ariaLabel} style={{ position: "relative", width: "100%", height }}>
      {ready ? null : <div aria-hidden="true" style={layer} dangerouslySetInnerHTML={placeholder} suppressHydrationWarning />}
      <div ref={hostRef} style={layer} />
    </div>
  );
}
