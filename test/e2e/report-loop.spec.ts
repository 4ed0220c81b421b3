import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectNoConsoleErrors, login, watchConsole } from "./support";

const REFERENCE = readFileSync("test/fixtures/luxian-trade-union-2023.txt", "utf8");
const field = (page: Page, path: string) => page.locator(`[id="field-${path}"]`);

test.describe.configure({ mode: "serial" });

let reportUrl = "";

test("a unit imports the reference report, sees its flags, fixes, explains and submits", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, "jiaotiju");
  await page.getByRole("button", { name: "开始填报2023年度报告" }).click();
  await expect(page).toHaveURL(/\/reports\/[a-z0-9]+$/);
  reportUrl = new URL(page.url()).pathname;

  await page.getByRole("link", { name: "导入报告" }).click();
  await page.getByLabel("或粘贴报告全文").fill(REFERENCE);
  await page.getByRole("button", { name: "识别并预览" }).click();
  await expect(page.getByRole("heading", { name: /识别结果/ })).toBeVisible();
  await expect(page.locator("tr[data-path='income.initialBudget']")).toContainText("455.67");
  await page.getByRole("button", { name: "接受并保存到草稿" }).click();
  await expect(page).toHaveURL(/imported=1/);

  // The error sits beside its field, and submitting is refused.
  await expect(field(page, "targets.indicators[4].score")).toHaveValue("110");
  await expect(page.locator("[id='field-targets.indicators[4].score-messages']")).toContainText("指标得分110超过权重10");
  await expect(page.getByRole("button", { name: "提交审核" })).toBeDisabled();

  // Reload: everything imported was saved.
  await page.goto(reportUrl);
  await expect(field(page, "income.initialBudget")).toHaveValue("455.67");
  await expect(field(page, "expenditure.lines[8].code")).toHaveValue("2210201");
  await expect(field(page, "staffing.actual.admin")).toHaveValue("7");

  // Fix the two errors, explain every warning, submit.
  await field(page, "targets.indicators[4].score").fill("10");
  await field(page, "selfScore").fill("98");
  await expect(page.getByRole("button", { name: "提交审核" })).toBeDisabled();
  const explanations = page.locator("textarea[id^='explanation-']");
  await expect(explanations.first()).toBeVisible();
  for (const box of await explanations.all()) await box.fill("年中追加预算已报批，情况属实。");
  await expect(page.getByRole("button", { name: "提交审核" })).toBeEnabled();
  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.getByTestId("report-status")).toHaveText("已提交");
  await expectNoConsoleErrors(problems);
});

test("another unit's staff get 404 for that report", async ({ page }) => {
  await login(page, "zonggonghui");
  const response = await page.goto(reportUrl);
  expect(response?.status()).toBe(404);
});

test("the reviewer finds it in the queue, comments on an indicator and returns it", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, "luxian_reviewer");
  await page.goto("/review?rule=NATURE_INVALID");
  const row = page.locator("tr", { hasText: "泸县教育和体育局" });
  await expect(row).toBeVisible();
  await expect(row).toContainText("偏离度");
  await row.getByRole("link", { name: "泸县教育和体育局" }).click();
  await expect(page).toHaveURL(new RegExp(`${reportUrl}$`));

  await page.getByLabel("针对").selectOption("targets.indicators[6].nature");
  await page.getByLabel("批注内容").fill("指标性质“满意率”不规范，请改为≥。");
  await page.getByRole("button", { name: "添加批注" }).click();
  await expect(page.locator(".comment")).toContainText("针对：绩效指标第7行·指标性质");

  await page.getByRole("button", { name: "退回", exact: true }).click();
  await page.getByRole("button", { name: "确认退回" }).click();
  // A return without a reason is refused by the server, in Chinese, and changes nothing.
  await expect(page.getByRole("alert").filter({ hasText: "退回时必须填写原因" })).toBeVisible();
  await expect(page.getByTestId("report-status")).toHaveText("已提交");
  await page.getByRole("button", { name: "退回", exact: true }).click();
  await page.getByLabel(/退回原因/).fill("请按批注修改指标性质后重新提交。");
  await page.getByRole("button", { name: "确认退回" }).click();
  await expect(page.getByTestId("report-status")).toHaveText("已退回");
  await expectNoConsoleErrors(problems);
});

test("the unit sees the reason, answers, fixes and resubmits", async ({ page }) => {
  await login(page, "jiaotiju");
  await expect(page.getByText("2023年度报告已被退回")).toBeVisible();
  await page.getByRole("link", { name: "立即处理" }).first().click();
  await expect(page.locator(".return-reason")).toContainText("请按批注修改指标性质后重新提交。");
  await page.getByPlaceholder("回复此意见").fill("已改为≥。");
  await page.getByRole("button", { name: "回复" }).click();
  await expect(page.locator(".answer")).toContainText("已改为≥。");

  await field(page, "targets.indicators[6].nature").selectOption("≥");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByText(/草稿已保存/)).toBeVisible();
  await expect(page.getByRole("button", { name: "提交审核" })).toBeEnabled();
  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.getByTestId("report-status")).toHaveText("已提交");
});

test("the reviewer sees what changed and approves; the leader sees it approved", async ({ page, browser }) => {
  await login(page, "luxian_reviewer");
  await page.goto(reportUrl);
  const changes = page.locator(".changes");
  await expect(changes).toContainText("第2次提交相对第1次的修改");
  await expect(changes.locator("tr[data-path='targets.indicators[6].nature']")).toContainText("满意率");
  await expect(page.locator(".answer")).toContainText("已改为≥。");
  await page.getByRole("button", { name: "通过", exact: true }).click();
  await page.getByRole("button", { name: "确认通过" }).click();
  await expect(page.getByTestId("report-status")).toHaveText("已通过");

  const leader = await browser.newPage();
  await login(leader, "luxian_leader");
  await leader.goto(reportUrl);
  await expect(leader.getByTestId("report-status")).toHaveText("已通过");
  await leader.close();
});
