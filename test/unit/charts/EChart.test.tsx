// @vitest-environment happy-dom
/**
 * <EChart>'s lifecycle against a stand-in for the trimmed echarts build: server SVG first,
 * then init → setOption (notMerge, no animation) → resize on container resize → click →
 * dispose. The real build is covered by client-build.test.ts.
 */
import { act, StrictMode } from "react";
import { hydrateRoot, type Root } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import type { EChartsCoreOption } from "echarts/core";
import { EChart, type ChartItemClick } from "~/charts/EChart";

const fake = vi.hoisted(() => {
  const handlers: Record<string, (params: unknown) => void> = {};
  const chart = {
    setOption: vi.fn(),
    resize: vi.fn(),
    dispose: vi.fn(),
    on: vi.fn((event: string, handler: (params: unknown) => void) => {
      handlers[event] = handler;
    }),
  };
  return { chart, handlers, init: vi.fn((..._args: unknown[]) => chart) };
});
vi.mock("~/charts/echarts.client", () => ({ init: fake.init }));

class FakeResizeObserver {
  static instances: FakeResizeObserver[] = [];
  observed: Element[] = [];
  disconnect = vi.fn();
  constructor(public callback: () => void) {
    FakeResizeObserver.instances.push(this);
  }
  observe(el: Element) {
    this.observed.push(el);
  }
  unobserve() {}
}

const SVG = '<svg width="800" height="360" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 360"><text>&lt;img src=x&gt;</text></svg>';
const option = { title: { text: "各单位预算执行率" }, series: [] };

let errors: MockInstance;
let container: HTMLDivElement;
let root: Root | null = null;

beforeEach(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  vi.stubGlobal("ResizeObserver", FakeResizeObserver);
  vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => {
    cb(0);
    return 1;
  });
  FakeResizeObserver.instances = [];
  fake.init.mockClear();
  for (const fn of [fake.chart.setOption, fake.chart.resize, fake.chart.dispose, fake.chart.on]) fn.mockClear();
  errors = vi.spyOn(console, "error");
  container = document.createElement("div");
  document.body.appendChild(container);
});

afterEach(() => {
  if (root) act(() => root!.unmount());
  root = null;
  container.remove();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Lets the dynamic import of the chart build resolve. */
const settle = () => act(async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
});

async function hydrate(element: JSX.Element) {
  container.innerHTML = renderToString(element);
  await act(async () => {
    root = hydrateRoot(container, element);
  });
  await settle();
}

describe("<EChart>", () => {
  it("renders the server SVG inside an img-role container on the server", () => {
    const html = renderToString(<EChart option={option} svg={SVG} height={420} ariaLabel="各单位预算执行率柱状图" />);
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-label="各单位预算执行率柱状图"');
    expect(html).toContain("height:420px");
    expect(html).toContain('<svg style="display:block;width:100%;height:100%" width="800"');
    expect(html).toContain("&lt;img src=x&gt;");
  });

  it("ignores an svg prop that is not an SVG document", () => {
    const html = renderToString(<EChart option={option} svg={'<img src=x onerror="alert(1)">'} ariaLabel="图" />);
    expect(html).not.toContain("<img");
  });

  it("hydrates cleanly, then inits the SVG renderer and sets the option once without animation", async () => {
    await hydrate(<EChart option={option} svg={SVG} ariaLabel="图" />);
    expect(errors).not.toHaveBeenCalled();
    expect(fake.init).toHaveBeenCalledTimes(1);
    const [host, theme, opts] = fake.init.mock.calls[0];
    expect(container.querySelector('[role="img"]')?.contains(host as Node)).toBe(true);
    expect(theme).toBeNull();
    expect(opts).toEqual({ renderer: "svg", locale: "ZH" });
    expect(fake.chart.setOption).toHaveBeenCalledTimes(1);
    expect(fake.chart.setOption).toHaveBeenCalledWith({ ...option, animation: false }, { notMerge: true });
    // The server SVG gives way to the live chart.
    expect(container.querySelector("svg")).toBeNull();
  });

  it("keeps the server's SVG through hydration without the browser being given it", async () => {
    container.innerHTML = renderToString(<EChart svg={SVG} ariaLabel="图" />);
    act(() => {
      root = hydrateRoot(container, <EChart option={option} ariaLabel="图" />);
    });
    // Hydrated, the chart build not arrived yet: the server's picture is still there.
    expect(container.querySelector("div[aria-hidden=true] svg text")?.textContent).toBe("<img src=x>");
    await settle();
    expect(errors).not.toHaveBeenCalled();
    expect(fake.chart.setOption).toHaveBeenCalledWith({ ...option, animation: false }, { notMerge: true });
    expect(container.querySelector("svg")).toBeNull();
  });

  it("re-sets the option when it changes, not when it is the same object", async () => {
    const element = (o: EChartsCoreOption) => <EChart option={o} ariaLabel="图" />;
    await hydrate(element(option));
    act(() => root!.render(element(option)));
    expect(fake.chart.setOption).toHaveBeenCalledTimes(1);
    const next = { title: { text: "预算执行率分布" }, series: [] };
    act(() => root!.render(element(next)));
    expect(fake.chart.setOption).toHaveBeenCalledTimes(2);
    expect(fake.chart.setOption).toHaveBeenLastCalledWith(next, { notMerge: true });
  });

  it("resizes with its container and disposes on unmount", async () => {
    await hydrate(<EChart option={option} ariaLabel="图" />);
    const [observer] = FakeResizeObserver.instances;
    expect(observer.observed).toEqual([fake.init.mock.calls[0][0]]);
    observer.callback();
    expect(fake.chart.resize).toHaveBeenCalledTimes(1);
    act(() => root!.unmount());
    root = null;
    expect(fake.chart.dispose).toHaveBeenCalledTimes(1);
    expect(observer.disconnect).toHaveBeenCalled();
  });

  it("reports clicks on data items to the latest onItemClick, and ignores markers", async () => {
    const first = vi.fn<(p: ChartItemClick) => void>();
    const second = vi.fn<(p: ChartItemClick) => void>();
    await hydrate(<EChart option={option} onItemClick={first} ariaLabel="图" />);
    act(() => root!.render(<EChart option={option} onItemClick={second} ariaLabel="图" />));
    const click = fake.handlers.click;
    click({ componentType: "series", name: "泸县教育局", dataIndex: 2, seriesIndex: 0, data: { value: 85.5, unitId: "u2" } });
    click({ componentType: "markLine", name: "90%", dataIndex: 0, seriesIndex: 0, data: { xAxis: 90 } });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledWith({ name: "泸县教育局", dataIndex: 2, seriesIndex: 0, data: { value: 85.5, unitId: "u2" } });
  });

  it("never inits a chart for a component unmounted before the build arrived", async () => {
    const element = <EChart option={option} ariaLabel="图" />;
    container.innerHTML = renderToString(element);
    act(() => {
      root = hydrateRoot(container, element);
    });
    act(() => root!.unmount());
    root = null;
    await settle();
    expect(fake.init).not.toHaveBeenCalled();
  });

  it("gives each chart of a page its own instance", async () => {
    await hydrate(
      <>
        <EChart option={option} ariaLabel="图一" />
        <EChart option={option} ariaLabel="图二" />
      </>,
    );
    expect(fake.init).toHaveBeenCalledTimes(2);
    expect(fake.init.mock.calls[0][0]).not.toBe(fake.init.mock.calls[1][0]);
  });

  it("inits one chart under StrictMode's mount–unmount–mount", async () => {
    await hydrate(
      <StrictMode>
        <EChart option={option} ariaLabel="图" />
      </StrictMode>,
    );
    expect(fake.init).toHaveBeenCalledTimes(1);
    expect(fake.chart.setOption).toHaveBeenCalledTimes(1);
    expect(FakeResizeObserver.instances).toHaveLength(1);
    expect(errors).not.toHaveBeenCalled();
  });
});
