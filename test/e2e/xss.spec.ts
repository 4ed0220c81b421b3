import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectNoConsoleErrors, login, watchConsole } from "./support";

// A tenant-chosen unit name that is markup. Everywhere it is shown it must stay text.
const NAME = "<img src=x onerror=alert(1)>";
const DISPLAY_NAME = "<img src=x onerror=alert(2)>";
const CODE = "199001";
const STAFF = "xss_staff_199001";
const STAFF_PASSWORD = "Xss-Probe-Passw0rd-2023";
const REFERENCE = readFileSync("test/fixtures/luxian-trade-union-2023.txt", "utf8");
const BAR_COLOURS = ["#1f5fa8", "#d9480f"];

const field = (page: Page, path: string) => page.locator(`[id="field-${path}"]`);

test.describe.configure({ mode: "serial" });

let reportUrl = "";

/**
 * Records every dialog, every request for the image "x", and (from before the first byte of each document) every <img> with
 * src=x or an onerror attribute that is ever inserted into the DOM — by the parser, by React or
 * by echarts — so an element that exists only for a moment is caught too.
 */
async function guard(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  // An injected <img src=x> would also be fetched, relative to the page.
  const fetched: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.endsWith("/x")) fetched.push(request.url());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __injected: string[] }).__injected = seen;
    const check = (node: Node) => {
      if (!(node instanceof Element)) return;
      for (const el of [node, ...node.querySelectorAll("*")]) {
        if (el.localName === "img" && (el.getAttribute("src") === "x" || el.hasAttribute("onerror"))) seen.push(el.outerHTML);
      }
    };
    new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach(check))).observe(document, { childList: true, subtree: true });
  });
  return async function expectNothingInjected() {
    expect(dialogs, "dialogs opened").toEqual([]);
    expect(fetched, "requests for the injected image").toEqual([]);
    await expect(page.locator('img[src="x"], img[onerror]')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __injected: string[] }).__injected), "img elements inserted").toEqual([]);
  };
}

test("the admin creates a unit whose name is markup, and a staff user for it", async ({ page }) => {
  const expectNothingInjected = await guard(page);
  await login(page, "luxian_admin");
  await expect(page).toHaveURL(/\/admin$/);

  await page.getByRole("link", { name: "新建单位" }).click();
  await expect(page.getByLabel("所属县区").locator("option:checked")).toHaveText("泸县");
  await page.getByLabel("单位编码").fill(CODE);
  await page.getByLabel("单位名称").fill(NAME);
  await page.getByLabel("单位类型").selectOption({ label: "行政单位" });
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  const row = page.locator("tr", { has: page.getByRole("cell", { name: CODE, exact: true }) });
  await expect(row.getByRole("cell").nth(1)).toHaveText(NAME);
  await expectNothingInjected();

  await page.getByRole("link", { name: "新建用户" }).click();
  await page.getByLabel("用户名（登录用）").fill(STAFF);
  await page.getByLabel("姓名").fill(DISPLAY_NAME);
  await page.getByLabel("角色").selectOption("staff");
  await page.getByLabel("县区").selectOption({ label: "泸县" });
  await page.getByLabel("所属单位（仅单位填报人员）").selectOption({ label: NAME });
  await page.getByLabel("初始密码").fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "创建用户" }).click();
  await expect(page).toHaveURL(/\/admin\/users\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${DISPLAY_NAME}（${STAFF}）`);
  await expectNothingInjected();

  // The user list names the user and the unit as text.
  await page.goto("/admin");
  const userRow = page.locator("tr", { has: page.getByRole("cell", { name: STAFF, exact: true }) });
  await expect(userRow.getByRole("cell").nth(1)).toHaveText(DISPLAY_NAME);
  await expect(userRow.getByRole("cell").nth(3)).toHaveText(`泸县 / ${NAME}`);
  await expectNothingInjected();
});

test("its staff import the reference report, fix it, explain it and submit", async ({ page }) => {
  const problems = watchConsole(page);
  const expectNothingInjected = await guard(page);
  await login(page, STAFF, STAFF_PASSWORD);
  await expect(page).toHaveURL(/\/unit$/);
  await expect(page.getByRole("heading", { level: 2 })).toHaveText(NAME);
  await page.getByRole("button", { name: "开始填报2023年度报告" }).click();
  await expect(page).toHaveURL(/\/reports\/[a-z0-9]+$/);
  reportUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${NAME} 2023年度绩效自评报告`);

  await page.getByRole("link", { name: "导入报告" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`导入报告 · ${NAME} 2023年度`);
  await page.getByLabel("或粘贴报告全文").fill(REFERENCE);
  await page.getByRole("button", { name: "识别并预览" }).click();
  await expect(page.getByRole("heading", { name: /识别结果/ })).toBeVisible();
  await page.getByRole("button", { name: "接受并保存到草稿" }).click();
  await expect(page).toHaveURL(/imported=1/);

  // The report keeps the unit's own name (the reference text is 泸县总工会's).
  await page.goto(reportUrl);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${NAME} 2023年度绩效自评报告`);
  await expect(field(page, "unit.name")).toHaveValue(NAME);
  await expect(field(page, "income.initialBudget")).toHaveValue("455.67");

  await field(page, "targets.indicators[4].score").fill("10");
  await field(page, "selfScore").fill("98");
  const explanations = page.locator("textarea[id^='explanation-']");
  await expect(explanations.first()).toBeVisible();
  for (const box of await explanations.all()) await box.fill("年中追加预算已报批，情况属实。");
  await expect(page.getByRole("button", { name: "提交审核" })).toBeEnabled();
  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.getByTestId("report-status")).toHaveText("已提交");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${NAME} 2023年度绩效自评报告`);
  await expectNothingInjected();
  await expectNoConsoleErrors(problems);
});

test("the reviewer's queue and report page show the name as text", async ({ page }) => {
  const problems = watchConsole(page);
  const expectNothingInjected = await guard(page);
  await login(page, "luxian_reviewer");
  await expect(page).toHaveURL(/\/review$/);
  const link = page.getByRole("link", { name: NAME, exact: true });
  await expect(link).toHaveCount(1);
  await expectNothingInjected();

  await link.click();
  await expect(page).toHaveURL(new RegExp(`${reportUrl}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${NAME} 2023年度绩效自评报告`);
  await expect(page.getByTestId("report-status")).toHaveText("已提交");
  await expect(page).toHaveTitle(`${NAME} 2023年度绩效自评报告`);
  await expectNothingInjected();
  await expectNoConsoleErrors(problems);
});

test("the leader's dashboard shows the name as text: axis, tooltip, unit table, first paint", async ({ page, browser, baseURL }) => {
  const problems = watchConsole(page);
  const expectNothingInjected = await guard(page);
  await login(page, "luxian_leader");
  await expect(page).toHaveURL(/\/dashboard$/);
  const execution = page.locator('section[data-chart="execution"] div[_echarts_instance_]');
  const svg = execution.locator("svg");
  await expect(svg).toHaveCount(1);

  // The bar's label on the category axis is the literal name.
  const label = svg.locator("text").filter({ hasText: "onerror" });
  await expect(label).toHaveText(NAME);
  await label.scrollIntoViewIfNeeded();

  // Hover its bar: the tooltip names the unit as text and holds no <img>.
  const centre = await svg.evaluate(
    (el, { name, colours }) => {
      const text = [...el.querySelectorAll("text")].find((t) => t.textContent === name)!;
      const row = text.getBoundingClientRect();
      const rowY = row.y + row.height / 2;
      const bar = [...el.querySelectorAll("path")]
        .filter((p) => colours.includes(p.getAttribute("fill") ?? ""))
        .map((p) => p.getBoundingClientRect())
        .find((r) => r.width > 2 && r.y <= rowY && rowY <= r.y + r.height && r.x >= row.x + row.width - 1);
      return bar ? { x: bar.x + Math.min(bar.width / 2, 60), y: bar.y + bar.height / 2 } : null;
    },
    { name: NAME, colours: BAR_COLOURS },
  );
  expect(centre, "the bar of the unit").not.toBeNull();
  await page.mouse.move(centre!.x, centre!.y);
  const tooltip = execution.locator("> div:not(:has(svg))");
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText(NAME);
  await expect(tooltip).toContainText("预算执行率");
  await expect(tooltip.locator("img")).toHaveCount(0);
  await expectNothingInjected();

  // The unit table behind the charts.
  await page.getByRole("link", { name: "查看全部单位明细表 →" }).click();
  await expect(page).toHaveURL(/\/dashboard\/units/);
  await expect(page.getByRole("link", { name: NAME, exact: true })).toHaveCount(1);
  await expectNothingInjected();
  await expectNoConsoleErrors(problems);

  // First paint: the server-rendered SVG (put into the page as markup) with JavaScript off.
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const plain = await context.newPage();
  await login(plain, "luxian_leader");
  await plain.goto("/dashboard");
  const serverSvg = plain.locator('section[data-chart="execution"] svg');
  await expect(serverSvg).toHaveCount(1);
  await expect(serverSvg.locator("text").filter({ hasText: "onerror" })).toHaveText(NAME);
  await expect(plain.locator('img[src="x"], img[onerror]')).toHaveCount(0);
  await context.close();
});
