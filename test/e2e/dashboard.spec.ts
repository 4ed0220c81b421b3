import { readFileSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectNoConsoleErrors, login, watchConsole } from "./support";

// The ten charts of app/charts/dashboard.ts (CHARTS), in page order.
const CHART_IDS = ["status", "progress", "execution", "executionHistogram", "deviation", "grades", "inflation", "flags", "classes", "trend"];
const BAR_COLOURS = ["#1f5fa8", "#d9480f"];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const chart = (page: Page, id: string) => page.locator(`section[data-chart="${id}"]`);
/** The chart the browser drew (the host <EChart> hands to echarts.init), not the server placeholder. */
const liveSvg = (page: Page, id: string) => chart(page, id).locator("div[_echarts_instance_] svg");

/** Waits until every chart has been drawn by echarts in the browser and the server placeholders are gone. */
async function expectChartsHydrated(page: Page) {
  await expect(page.locator("section[data-chart]")).toHaveCount(CHART_IDS.length);
  for (const id of CHART_IDS) {
    await expect(liveSvg(page, id), `chart ${id} drawn in the browser`).toHaveCount(1);
    await expect(chart(page, id).locator("div[aria-hidden=true] svg"), `chart ${id}: placeholder removed`).toHaveCount(0);
  }
}

/**
 * What a chart shows: every drawn shape and text (path geometry, fills, text and its position),
 * without the ids zrender numbers per render and regardless of DOM order. Read until two reads agree, so an animation
 * in progress is not mistaken for the chart.
 */
async function chartFingerprint(page: Page, id: string): Promise<string> {
  const read = () =>
    liveSvg(page, id).evaluate((svg) =>
      [...svg.querySelectorAll("path, text, circle, rect, polyline, polygon, line")]
        .filter((el) => !el.closest("defs, clipPath"))
        .map((el) => [el.tagName, el.getAttribute("d"), el.getAttribute("fill"), el.getAttribute("transform"), el.getAttribute("points"), el.tagName === "text" ? el.textContent : ""].join("|"))
        // Sorted: after an update echarts may keep the same shapes in another DOM order.
        .sort()
        .join("\n"),
    );
  let previous = await read();
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(250);
    const current = await read();
    if (current === previous) return current;
    previous = current;
  }
  throw new Error(`chart ${id} never settled`);
}

/** The category labels (unit or county names) of a horizontal bar chart, top to bottom. */
async function categoryLabels(page: Page, id: string): Promise<string[]> {
  return liveSvg(page, id).evaluate((svg) =>
    [...svg.querySelectorAll("text[text-anchor=end]")]
      .map((t) => ({ text: t.textContent ?? "", y: t.getBoundingClientRect().y }))
      .sort((a, b) => a.y - b.y)
      .map((t) => t.text),
  );
}

/**
 * The centre (viewport coordinates) of the bar drawn beside the category label `name` in a
 * horizontal bar chart: echarts draws the bar as a filled <path> on the label's row.
 */
async function barCentre(page: Page, id: string, name: string): Promise<{ x: number; y: number }> {
  const label = liveSvg(page, id).locator("text", { hasText: name }).first();
  await label.scrollIntoViewIfNeeded();
  const centre = await liveSvg(page, id).evaluate(
    (svg, { name, colours }) => {
      const text = [...svg.querySelectorAll("text")].find((t) => t.textContent === name);
      if (!text) return null;
      const row = text.getBoundingClientRect();
      const rowY = row.y + row.height / 2;
      const bar = [...svg.querySelectorAll("path")]
        .filter((p) => colours.includes(p.getAttribute("fill") ?? ""))
        .map((p) => p.getBoundingClientRect())
        .find((r) => r.width > 2 && r.y <= rowY && rowY <= r.y + r.height && r.x >= row.x + row.width - 1);
      return bar ? { x: bar.x + Math.min(bar.width / 2, 60), y: bar.y + bar.height / 2 } : null;
    },
    { name, colours: BAR_COLOURS },
  );
  expect(centre, `a bar beside “${name}”`).not.toBeNull();
  return centre!;
}

async function headlineFigure(page: Page, label: string): Promise<Locator> {
  return page.locator("section.headline .figure").filter({ has: page.locator(".figure-label", { hasText: new RegExp(`^${label}$`) }) }).locator(".figure-value");
}

test("the leader's dashboard draws every chart after hydration, without a console error", async ({ page, request }) => {
  const problems = watchConsole(page);
  await login(page, "luxian_leader");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("全县概览 · 泸县");

  // First paint: the server sent an SVG for every chart (the page has charts without JavaScript).
  const html = await (await page.request.get("/dashboard")).text();
  for (const id of CHART_IDS) expect(html, `server SVG of ${id}`).toMatch(new RegExp(`data-chart="${id}"[\\s\\S]*?<svg`));
  // Each exactly once: the SVGs are not loader data (they would come a second time, escaped, in the hydration script).
  expect(html.match(/<svg\b/g)).toHaveLength(CHART_IDS.length);
  expect(html).not.toMatch(/\\u003csvg/i);
  const loaderData = await (await page.request.get("/dashboard.data")).text();
  expect(loaderData).toContain("泸县");
  expect(loaderData).not.toContain("<svg");

  await expectChartsHydrated(page);
  for (const id of CHART_IDS) {
    // Each chart really has content: shapes and texts, not an empty canvas.
    expect(await liveSvg(page, id).locator("path").count(), `shapes in ${id}`).toBeGreaterThan(0);
    expect(await liveSvg(page, id).locator("text").count(), `texts in ${id}`).toBeGreaterThan(0);
  }
  // The execution chart has one bar per unit with a rate: the same units as its data download.
  const csv = (await (await page.request.get("/dashboard/data?chart=execution&format=csv")).text()).replace(/^\ufeff/, "");
  const withRate = csv.split("\r\n").slice(1).filter((line) => /,\d/.test(line)).map((line) => line.slice(0, line.lastIndexOf(",")));
  expect(withRate.length).toBeGreaterThan(5);
  expect((await categoryLabels(page, "execution")).sort()).toEqual(withRate.sort());
  await expectNoConsoleErrors(problems);
});

test("clicking a unit's bar in the execution chart opens that unit's report", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, "luxian_leader");
  await expectChartsHydrated(page);
  const labels = await categoryLabels(page, "execution");
  expect(labels.length).toBeGreaterThan(5);
  // A unit in the middle of the list, so the bar is neither the first nor the last one drawn.
  const name = labels[Math.floor(labels.length / 2)];
  const { x, y } = await barCentre(page, "execution", name);
  await page.mouse.move(x, y);
  // Hovering shows that unit's tooltip (echarts' hit test found the bar we meant).
  await expect(chart(page, "execution").locator("div[_echarts_instance_] > div:not(:has(svg))")).toContainText(name);
  await page.mouse.click(x, y);
  await expect(page).toHaveURL(/\/reports\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(new RegExp(`^${escapeRegExp(name)} \\d{4}年度绩效自评报告$`));
  await expectNoConsoleErrors(problems);
});

test("a filter changes every chart and the headline figures", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, "luxian_leader");
  await expectChartsHydrated(page);
  const unitsFigure = await headlineFigure(page, "预算单位");
  const unitsBefore = Number(await unitsFigure.textContent());
  const before = Object.fromEntries(await Promise.all(CHART_IDS.map(async (id) => [id, await chartFingerprint(page, id)] as const)));
  const namesBefore = await categoryLabels(page, "execution");
  expect(namesBefore.some((n) => !/(镇人民政府|街道办事处)$/.test(n))).toBe(true);

  const filters = page.getByRole("form", { name: "筛选（作用于全部图表）" });
  await filters.getByLabel("单位类型").selectOption({ label: "乡镇（街道）" });
  await filters.getByRole("button", { name: "应用筛选" }).click();
  await expect(page).toHaveURL(/unitKind=township/);

  // The headline counts only townships now.
  await expect(unitsFigure).not.toHaveText(String(unitsBefore));
  const unitsAfter = Number(await unitsFigure.textContent());
  expect(unitsAfter).toBeGreaterThan(0);
  expect(unitsAfter).toBeLessThan(unitsBefore);

  // Every chart shows something else.
  await expectChartsHydrated(page);
  await expect.poll(() => categoryLabels(page, "execution")).not.toEqual(namesBefore);
  for (const id of CHART_IDS) {
    expect(await chartFingerprint(page, id), `chart ${id} after the filter`).not.toEqual(before[id]);
  }
  // …and the unit bars are townships only.
  const namesAfter = await categoryLabels(page, "execution");
  expect(namesAfter.length).toBeGreaterThan(0);
  for (const name of namesAfter) expect(name).toMatch(/(镇人民政府|街道办事处)$/);

  // Back to 全部: every chart is drawn exactly as before (so the comparison above is about the data).
  await filters.getByLabel("单位类型").selectOption({ label: "全部" });
  await filters.getByRole("button", { name: "应用筛选" }).click();
  await expect(page).toHaveURL(/unitKind=(&|$)/);
  await expect(unitsFigure).toHaveText(String(unitsBefore));
  await expect.poll(() => categoryLabels(page, "execution")).toEqual(namesBefore);
  for (const id of CHART_IDS) {
    expect(await chartFingerprint(page, id), `chart ${id} with the filter reset`).toEqual(before[id]);
  }
  await expectNoConsoleErrors(problems);
});

test("a chart's CSV download has a UTF-8 BOM and a Chinese header, and follows the filter", async ({ page }) => {
  await login(page, "luxian_leader");
  await page.goto("/dashboard?unitKind=township");
  const downloading = page.waitForEvent("download");
  await chart(page, "execution").getByRole("link", { name: "数据 CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("泸县-2023-各单位预算执行率.csv");
  const bytes = readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString("utf8").split("\r\n").filter(Boolean);
  expect(lines[0]).toBe("单位,预算执行率(%)");
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) expect(line).toMatch(/^.+(镇人民政府|街道办事处),(\d+\.\d{2})?$/);
});

test("the city leader's dashboard compares the two counties", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, "city_leader");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("2 个县区");
  await expectChartsHydrated(page);
  expect((await categoryLabels(page, "execution")).sort()).toEqual(["合江县", "泸县"].sort());
  await expectNoConsoleErrors(problems);
});

test("a reviewer of 合江县 sees nothing of 泸县 on the dashboard", async ({ page }) => {
  await login(page, "hejiang_reviewer");
  const response = await page.goto("/dashboard");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("全县概览 · 合江县");
  await expectChartsHydrated(page);
  // Its own units are there (so the check below is not passing on an empty page)…
  const names = await categoryLabels(page, "execution");
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(name).toMatch(/^合江/);
  // …and nothing of the other county: neither in the server's HTML (which carries the loader data) nor in the live DOM.
  const served = await response!.text();
  expect(served).toContain("合江县");
  expect(served).not.toContain("泸县");
  expect(await page.content()).not.toContain("泸县");
  const csv = await page.request.get("/dashboard/data?chart=execution&format=csv");
  expect(await csv.text()).not.toContain("泸县");
});

