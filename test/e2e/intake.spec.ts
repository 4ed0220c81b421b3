import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { expectNoConsoleErrors, login, watchConsole } from "./support";

test("a reviewer receives several files at once: matched, refused, with progress and a summary", async ({ page }) => {
  // A unit with no 2023 report yet, created through the admin form.
  await login(page, "luxian_admin");
  await page.goto("/admin/units/new");
  await page.getByLabel("单位编码").fill("188001");
  await page.getByLabel("单位名称").fill("泸县档案馆");
  await page.getByLabel("单位类型").selectOption("institution");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("button", { name: "退出登录" }).click();

  const dir = mkdtempSync(join(tmpdir(), "intake-"));
  const good = join(dir, "档案馆2023自评报告.txt");
  writeFileSync(good, readFileSync("test/fixtures/luxian-trade-union-2023.txt", "utf8").replaceAll("泸县总工会", "泸县档案馆"));
  const bad = join(dir, "损坏的报告.docx");
  writeFileSync(bad, readFileSync("test/fixtures/not-a-docx.docx"));

  const problems = watchConsole(page);
  await login(page, "luxian_reviewer");
  await page.getByRole("link", { name: "批量接收" }).click();
  await page.getByLabel("选择报告文件").setInputFiles([good, bad]);
  await expect(page.getByRole("status")).toContainText("2/2 个文件");
  await expect(page.getByRole("status")).toContainText("完成：接收 1 份，待选择单位 0 份，拒收 1 份。");

  const received = page.locator("tr", { hasText: "档案馆2023自评报告.txt" });
  await expect(received).toContainText("已接收为泸县档案馆的报告");
  await expect(page.locator("tr", { hasText: "损坏的报告.docx" })).toContainText("不是有效的 .docx 文件");

  // The received report keeps its errors for the reviewer and sits in the queue as submitted.
  await received.getByRole("link", { name: "查看报告" }).click();
  await expect(page.getByTestId("report-status")).toHaveText("已提交");
  await expect(page.locator(".flags-panel")).toContainText("指标得分110超过权重10");
  await expectNoConsoleErrors(problems);
});
