/**
 * The import preview on the files units really send: a PDF (the reference report printed by
 * Chromium, with its 自评表 as a drawn table) and a saved government web page holding a
 * Hunan excerpt inside page chrome. Each shows the template it looked like, what was found
 * with its source, and what was not found; the breadcrumb's unit never becomes the unit.
 * Preview only: nothing is accepted, so the draft stays as the other specs expect it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { htmlToPdf } from "../support/pdf";
import { expectNoConsoleErrors, login, watchConsole } from "./support";

async function openImport(page: Page) {
  await login(page, "zonggonghui");
  await page.getByRole("link", { name: "我的填报" }).click();
  await page.getByRole("link", { name: "填报", exact: true }).first().click();
  await page.getByRole("link", { name: "导入报告" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("导入报告");
}

test("a PDF report is read with its table: the Sichuan template, the figures and where they came from", async ({ page }, testInfo) => {
  const problems = watchConsole(page);
  const pdf = testInfo.outputPath("泸县总工会2023年度报告.pdf");
  writeFileSync(pdf, htmlToPdf(readFileSync("test/fixtures/html/luxian-trade-union-2023.html", "utf8")));
  await openImport(page);
  await page.getByLabel(/选择文件/).setInputFiles(pdf);
  await page.getByRole("button", { name: "识别并预览" }).click();
  await expect(page.getByRole("heading", { name: /识别结果/ })).toBeVisible();
  await expect(page.getByTestId("import-template")).toContainText("四川");
  await expect(page.locator("tr[data-path='income.initialBudget']")).toContainText("455.67");
  await expect(page.locator("tr[data-path='selfScore']")).toContainText("93.4");
  await expect(page.getByRole("heading", { name: /已识别的内容/ })).toBeVisible();
  await expectNoConsoleErrors(problems);
});

test("a saved web page with a Hunan excerpt gives a partial draft: found, not found, and no unit from the breadcrumb", async ({ page }, testInfo) => {
  const problems = watchConsole(page);
  const excerpt = readFileSync("test/fixtures/real/03-heshan-chengguan-2023.txt", "utf8").split("\n").slice(1);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>赫山区</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a></div>
<div class="position">您现在的位置：首页 &gt; 益阳市财政局 &gt; 绩效管理</div>
<div class="content">${excerpt.map((l) => `<p>${l.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`).join("\n")}</div>
<div class="footer">主办单位：益阳市人民政府办公室 网站标识码 4309000001</div></body></html>`;
  const file = testInfo.outputPath("赫山区城管局.html");
  writeFileSync(file, html);
  await openImport(page);
  await page.getByLabel(/选择文件/).setInputFiles(file);
  await page.getByRole("button", { name: "识别并预览" }).click();
  await expect(page.getByRole("heading", { name: /识别结果/ })).toBeVisible();
  await expect(page.getByTestId("import-template")).toContainText("湖南");
  await expect(page.locator("tr[data-path='unit.name']")).toContainText("益阳市赫山区城市管理和综合执法局");
  await expect(page.locator("tr[data-path='unit.name']")).not.toContainText("财政局");
  await expect(page.getByRole("heading", { name: /未找到的必填内容/ })).toBeVisible();
  await expectNoConsoleErrors(problems);
});
