import { readFileSync, writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectNoConsoleErrors, login, watchConsole } from "./support";

// 合江县总工会 (hejiang_staff) has no 2023 report in the demo data; no other browser test uses it.
const USER = "hejiang_staff";
const DOCX = "test/fixtures/luxian-trade-union-2023.docx";
const XLSX = "test/fixtures/luxian-trade-union-2023-targets.xlsx";
const NOT_A_DOCX = "test/fixtures/not-a-docx.docx";
const REFERENCE = JSON.parse(readFileSync("test/fixtures/luxian-trade-union-2023.expected.json", "utf8"));

const field = (page: Page, path: string) => page.locator(`[id="field-${path}"]`);
const expenditureCodes = (page: Page) => page.locator('[id^="field-expenditure.lines["][id$="].code"]');
const fileError = (page: Page) => page.locator(".field", { has: page.locator("#import-file") }).locator(".field-error");

test.describe.configure({ mode: "serial" });

let reportUrl = "";

/** The figures the .docx brings, as the report form shows them. */
async function expectReferenceAmounts(page: Page) {
  await expect(field(page, "income.initialBudget")).toHaveValue("455.67");
  await expect(field(page, "income.adjustedBudget")).toHaveValue("575.65");
  await expect(expenditureCodes(page)).toHaveCount(9);
  await expect(field(page, "expenditure.lines[0].code")).toHaveValue("2012901");
  await expect(field(page, "expenditure.lines[0].final")).toHaveValue("186.84");
  await expect(field(page, "expenditure.lines[8].code")).toHaveValue("2210201");
  await expect(field(page, "staffing.actual.admin")).toHaveValue("7");
  await expect(field(page, "selfScore")).toHaveValue("93.4");
}

/** The 绩效目标自评表 exactly as in the reference report. */
async function expectReferenceTargets(page: Page) {
  const targets = REFERENCE.targets;
  await expect(field(page, "targets.totalFunds")).toHaveValue(targets.totalFunds);
  await expect(field(page, "targets.overallGoal")).toHaveValue(targets.overallGoal);
  for (const [i, task] of targets.tasks.entries()) {
    await expect(field(page, `targets.tasks[${i}].name`)).toHaveValue(task.name);
    await expect(field(page, `targets.tasks[${i}].content`)).toHaveValue(task.content);
  }
  await expect(page.locator('[id^="field-targets.indicators["][id$="].name"]')).toHaveCount(targets.indicators.length);
  for (const [i, indicator] of targets.indicators.entries()) {
    for (const key of ["level1", "level2", "name", "nature", "target", "unit", "weightPct", "actual", "score"]) {
      await expect(field(page, `targets.indicators[${i}].${key}`), `indicator ${i + 1} ${key}`).toHaveValue(indicator[key] ?? "");
    }
  }
}

async function openImport(page: Page) {
  await page.goto(reportUrl);
  await page.getByRole("link", { name: "导入报告" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("导入报告 · 合江县总工会 2023年度");
}

test("a .docx report is imported through the file field and every figure is saved", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, USER);
  await expect(page).toHaveURL(/\/unit$/);
  await page.getByRole("button", { name: "开始填报2023年度报告" }).click();
  await expect(page).toHaveURL(/\/reports\/[a-z0-9]+$/);
  reportUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("合江县总工会 2023年度绩效自评报告");
  await expect(field(page, "income.initialBudget")).toHaveValue("");

  await openImport(page);
  await page.getByLabel(/选择文件/).setInputFiles(DOCX);
  await page.getByRole("button", { name: "识别并预览" }).click();
  await expect(page.getByRole("heading", { name: "识别结果（luxian-trade-union-2023.docx）" })).toBeVisible();
  await expect(page.locator("tr[data-path='income.initialBudget']")).toContainText("455.67");
  await page.getByRole("button", { name: "接受并保存到草稿" }).click();
  await expect(page).toHaveURL(new RegExp(`${reportUrl}\\?imported=1$`));
  await expect(page.getByRole("status")).toContainText("导入的内容已保存到草稿");

  // Reload: all of it was saved, and the report is still this unit's.
  await page.goto(reportUrl);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("合江县总工会 2023年度绩效自评报告");
  await expectReferenceAmounts(page);
  await expect(field(page, "targets.indicators[4].score")).toHaveValue("110");
  await expectReferenceTargets(page);
  // The prose sections came with it, editable: 文字说明.
  await expect(field(page, "narrative[0].title")).toHaveValue("部门（单位）基本情况");
  await expect(field(page, "narrative[0].text")).toHaveValue(/泸县总工会/);
  await expectNoConsoleErrors(problems);
});

test("an .xlsx 自评表 replaces only the targets; the amounts imported before stay", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, USER);
  await page.goto(reportUrl);
  // Change a target first, so the import has to put it back.
  await field(page, "targets.indicators[4].score").fill("10");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByText(/草稿已保存/)).toBeVisible();
  await page.goto(reportUrl);
  await expect(field(page, "targets.indicators[4].score")).toHaveValue("10");

  await openImport(page);
  await page.getByLabel(/选择文件/).setInputFiles(XLSX);
  await page.getByRole("button", { name: "识别并预览" }).click();
  await expect(page.getByRole("heading", { name: "识别结果（luxian-trade-union-2023-targets.xlsx）" })).toBeVisible();
  await expect(page.getByText(/^将更新：/)).toHaveText("将更新：绩效目标自评表；其余内容保持不变。");
  await page.getByRole("button", { name: "接受并保存到草稿" }).click();
  await expect(page).toHaveURL(/\?imported=1$/);

  await page.goto(reportUrl);
  await expect(field(page, "targets.indicators[4].score")).toHaveValue("110");
  await expectReferenceTargets(page);
  await expectReferenceAmounts(page);
  await expectNoConsoleErrors(problems);
});

test("a file that is not a .docx gets a Chinese error beside the field and changes nothing", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, USER);
  await openImport(page);
  await page.getByLabel(/选择文件/).setInputFiles(NOT_A_DOCX);
  const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(`${reportUrl}/import`));
  await page.getByRole("button", { name: "识别并预览" }).click();
  expect((await answer).status()).toBe(400);
  await expect(fileError(page)).toHaveText("不是有效的 .docx 文件");
  await expect(page.locator("#import-file")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("heading", { name: /识别结果/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "接受并保存到草稿" })).toHaveCount(0);

  await page.goto(reportUrl);
  await expectReferenceAmounts(page);
  await expectReferenceTargets(page);
  await expectNoConsoleErrors(problems);
});

test("a file over 20 MB is refused in the browser, before anything is sent", async ({ page }, testInfo) => {
  const big = testInfo.outputPath("too-big.txt");
  writeFileSync(big, Buffer.alloc(21 * 1024 * 1024, "x"));
  await login(page, USER);
  await openImport(page);
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() !== "GET") posts.push(`${request.method()} ${request.url()}`);
  });

  await page.getByLabel(/选择文件/).setInputFiles(big);
  await expect(fileError(page)).toHaveText("文件过大（21.0 MB），上限 20 MB");
  await expect(page.locator("#import-file")).toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "识别并预览" }).click();
  // Give a submission time to leave: nothing may go out, and the page stays as it was.
  await page.waitForTimeout(1500);
  expect(posts).toEqual([]);
  await expect(fileError(page)).toContainText("文件过大");
  await expect(page.getByRole("heading", { name: /识别结果/ })).toHaveCount(0);
});
