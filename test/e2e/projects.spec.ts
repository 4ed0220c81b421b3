import { readFileSync, writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectNoConsoleErrors, login, watchConsole } from "./support";

// A project form (项目支出绩效自评表) runs through import, fix, submit, return, fix, resubmit and
// approve; then the department report of the same unit-year shows the cross-check (X1 项目个数)
// beside its 项目情况. 泸县总工会 (zonggonghui) has the reference report for 2023, which states
// 常年项目9个 / 一次性项目1个; no other browser test changes that unit's data.
const STAFF = "zonggonghui";
const REVIEWER = "luxian_reviewer";
const UNIT = "泸县总工会";
const PROJECT = "委托业务项目";
const FILE_NAME = "guichi-tangxi-2023.txt";
const RETURN_REASON = "请补充项目实施内容及过程概述后重新提交。";
const SUMMARY = "委托第三方开展基建工程项目预算编制、审计和设计测绘，全年共完成委托业务50个。";

/**
 * The real 财预〔2020〕10号 form of 池州市贵池区棠溪镇 (2022), without its `# source:` line, made
 * this unit's 2023 form: its 年度资金总额 row is 0/0/0 under a 90万元 component, the satisfaction
 * indicator is cut off (weights add up to 90) and it has no total score.
 */
function projectFormText(): string {
  const [, ...lines] = readFileSync("test/fixtures/real/07-guichi-tangxi-2022.txt", "utf8").split("\n");
  return lines.join("\n")
    .replace(/\(2022年度\)/g, "(2023年度)")
    .replace(/219001-池州市贵池区棠溪镇人民政府/g, UNIT)
    .replace(/219-池州市贵池区棠溪镇人民政府/g, UNIT);
}

const field = (page: Page, path: string) => page.locator(`[id="field-${path}"]`);
const fieldError = (page: Page, path: string) => page.locator(`[id="field-${path}-error"]`);
const status = (page: Page) => page.getByTestId("project-status");
const projectRow = (page: Page) => page.getByRole("table", { name: "项目自评表列表" }).locator("tr", { hasText: PROJECT });

test.describe.configure({ mode: "serial" });

let projectUrl = "";

/**
 * 我的填报 (in the nav) → the unit's 2023 row: its link `name` (项目自评表, or 填报 for the report).
 * Followed as a user does, by links (a full load of /unit hits a hydration bug: see the report).
 */
async function openFromUnitHome(page: Page, name: string) {
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "我的填报", exact: true }).click();
  await expect(page).toHaveURL(/\/unit$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("我的填报");
  const unit = page.locator("section", { has: page.getByRole("heading", { name: UNIT, exact: true }) });
  await unit.locator("tr", { has: page.getByRole("cell", { name: "2023", exact: true }) }).getByRole("link", { name, exact: true }).click();
}

/** 我的填报 → the 2023 row → 项目自评表: the unit's list of project forms for 2023. */
async function openUnitProjects(page: Page) {
  await openFromUnitHome(page, "项目自评表");
  await expect(page).toHaveURL(/\/units\/[^/]+\/projects\?year=2023$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${UNIT} 2023年度项目支出绩效自评表`);
}

/** 项目自评表 in the nav → 2023 → the unit's form. */
async function openFromCountyList(page: Page, expectedStatus: string) {
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "项目自评表", exact: true }).click();
  await expect(page).toHaveURL(/\/projects(\?|$)/);
  const year = page.getByRole("navigation", { name: "筛选" }).getByRole("link", { name: "2023", exact: true });
  if (await year.count()) await year.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("2023年度项目支出绩效自评表");
  const row = projectRow(page);
  await expect(row).toContainText(UNIT);
  await expect(row.getByTestId("project-status")).toHaveText(expectedStatus);
  await row.getByRole("link", { name: "查看" }).click();
  await expect(page).toHaveURL(new RegExp(`${projectUrl}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(PROJECT);
}

test("unit staff import a project form from a file: the preview lists it, accepting makes a draft", async ({ page }, testInfo) => {
  const problems = watchConsole(page);
  const file = testInfo.outputPath(FILE_NAME);
  writeFileSync(file, projectFormText());
  await login(page, STAFF);
  await openUnitProjects(page);
  await expect(projectRow(page)).toHaveCount(0);
  await expect(page.getByText("还没有项目自评表。")).toBeVisible();

  await page.getByRole("link", { name: "导入项目自评表" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`导入项目自评表 · ${UNIT} 2023年度`);
  await page.getByLabel(/选择文件/).setInputFiles(file);
  await page.getByRole("button", { name: "识别并预览" }).click();
  await expect(page.getByRole("heading", { name: `识别结果（${FILE_NAME}）：共1份项目自评表` })).toBeVisible();

  // The form as read: its name and unit, the figures of its 年度资金总额 row (0 as in the file),
  // no total score (listed as missing), its errors, and that it will become a new draft.
  const row = page.locator("tr[data-form-index='0']");
  const cells = row.locator("td");
  await expect(cells.nth(1)).toContainText(PROJECT);
  await expect(cells.nth(3)).toHaveText(UNIT);
  await expect(cells.nth(5)).toHaveText("0");
  await expect(cells.nth(6)).toHaveText("0");
  await expect(cells.nth(7)).toHaveText("0%");
  await expect(cells.nth(8)).toHaveText("—");
  await expect(cells.nth(9)).toHaveText("自评总分");
  await expect(cells.nth(10)).toHaveText("错误6 · 提示1");
  await expect(cells.nth(11)).toHaveText("新建草稿");
  await expect(row.getByRole("checkbox", { name: `导入“${PROJECT}”` })).toBeChecked();
  await page.getByLabel(`“${PROJECT}”的项目类型`).selectOption("recurring");
  await page.getByRole("button", { name: "导入所选自评表" }).click();

  const done = page.getByRole("status").filter({ has: page.getByRole("heading", { name: "已导入1份项目自评表" }) });
  await expect(done).toContainText(`${PROJECT}：新建草稿`);
  await done.getByRole("link", { name: "返回项目自评表列表", exact: true }).click();
  await expect(page).toHaveURL(/\/projects\?year=2023$/);
  await expect(page.getByText("共1份，其中1份为草稿")).toBeVisible();
  const listed = projectRow(page);
  await expect(listed).toContainText("常年项目");
  await expect(listed.getByTestId("project-status")).toHaveText("草稿");
  await listed.getByRole("link", { name: "填报" }).click();
  await expect(page).toHaveURL(/\/projects\/[^/?]+$/);
  projectUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(PROJECT);
  await expect(status(page)).toHaveText("草稿");
  await expect(page.getByText(`导入自 ${FILE_NAME}`)).toBeVisible();
  await expectNoConsoleErrors(problems);
});

test("staff cannot submit over errors, get a Chinese error beside a bad field, fix the form and submit", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, STAFF);
  await page.goto(projectUrl);
  await expect(page.locator(".flag-count.sev-error")).toHaveText("错误 6");
  await expect(page.locator(".flag-item[data-rule='NOT_SELF_EVALUATED']")).toContainText("未填写自评总分");

  // Submitting is refused while errors remain.
  await page.getByRole("button", { name: "保存并提交" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "已保存，但未能提交：项目自评表还有6个强制性错误，修正后才能提交" })).toBeVisible();
  await expect(status(page)).toHaveText("草稿");
  // The refused submit did save the form (a new version): the page must go on from that
  // version, so the saves below work without reloading the page.

  // Fix the 年度资金总额 row (with the reason of the adjustment), and type a score that is not a number.
  await field(page, "funds.rows[0].initialBudget").fill("90");
  await field(page, "funds.rows[0].adjustedBudget").fill("89.974");
  await field(page, "funds.rows[0].executed").fill("89.974");
  await field(page, "funds.rows[0].statedRatePct").fill("100");
  await field(page, "funds.rows[0].score").fill("10");
  await field(page, "funds.rows[0].reason").fill("年中按实际支出调减0.026万元。");
  await field(page, "totalScore").fill("abc");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(fieldError(page, "totalScore")).toHaveText("请输入数字");
  await expect(field(page, "totalScore")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("alert").filter({ hasText: "有1处填写错误，请修正后再保存" })).toBeVisible();
  // Nothing typed is lost.
  await expect(field(page, "totalScore")).toHaveValue("abc");
  await expect(field(page, "funds.rows[0].initialBudget")).toHaveValue("90");
  await expect(field(page, "funds.rows[0].reason")).toHaveValue("年中按实际支出调减0.026万元。");

  // The satisfaction indicator the excerpt lost, and the total score.
  await page.getByRole("button", { name: "添加指标行" }).click();
  const indicator = { level1: "满意度指标", level2: "服务对象满意度指标", name: "公众满意度", nature: "≥", target: "90", unit: "%", weightPct: "10", actual: "95", score: "10" };
  for (const [key, value] of Object.entries(indicator)) await field(page, `indicators[9].${key}`).fill(value);
  await field(page, "totalScore").fill("100");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已保存" }), "a save after the refused submit is not taken for someone else's change").toBeVisible();
  await expect(page.getByText("刚刚已被他人修改")).toHaveCount(0);
  await expect(fieldError(page, "totalScore")).toHaveCount(0);
  await expect(page.getByText("项目自评表本身未发现问题（规则P1–P12）。")).toBeVisible();

  // Reload: all of it was saved.
  await page.goto(projectUrl);
  await expect(field(page, "totalScore")).toHaveValue("100");
  await expect(field(page, "funds.rows[0].adjustedBudget")).toHaveValue("89.974");
  await expect(field(page, "indicators[9].name")).toHaveValue("公众满意度");
  await page.getByRole("button", { name: "保存并提交" }).click();
  await expect(page.getByRole("status").filter({ hasText: "项目自评表已提交，等待财政局审核" })).toBeVisible();
  await expect(status(page)).toHaveText("已提交");
  await expect(page.getByText("第1次提交").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "保存草稿" })).toHaveCount(0);
  await expectNoConsoleErrors(problems);
});

test("the county's reviewer opens the form from 项目自评表 and returns it with a reason", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, REVIEWER);
  await openFromCountyList(page, "已提交");
  await expect(status(page)).toHaveText("已提交");
  // The bureau reads the form as submitted, not as an editor.
  await expect(field(page, "totalScore")).toHaveText("100");
  await expect(page.getByRole("button", { name: "保存草稿" })).toHaveCount(0);

  // A return without a reason is refused, in Chinese, and changes nothing.
  await page.getByRole("button", { name: "退回", exact: true }).click();
  await page.getByRole("button", { name: "确认退回" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "退回时必须填写原因" })).toBeVisible();
  await expect(status(page)).toHaveText("已提交");

  await page.getByRole("button", { name: "退回", exact: true }).click();
  await page.getByLabel(/退回原因/).fill(RETURN_REASON);
  await page.getByRole("button", { name: "确认退回" }).click();
  await expect(page.getByRole("status").filter({ hasText: "项目自评表已退回单位修改" })).toBeVisible();
  await expect(status(page)).toHaveText("已退回");
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "审核记录" }) })).toContainText(`退回（第1次提交）：${RETURN_REASON}`);
  await expectNoConsoleErrors(problems);
});

test("staff see it returned with the reason, fix it and resubmit", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, STAFF);
  await openUnitProjects(page);
  const listed = projectRow(page);
  await expect(listed.getByTestId("project-status")).toHaveText("已退回");
  await listed.getByRole("link", { name: "填报" }).click();
  await expect(page).toHaveURL(new RegExp(`${projectUrl}$`));
  await expect(page.locator(".return-reason")).toHaveText(`项目自评表已被退回（李审核）：${RETURN_REASON}`);
  await expect(status(page)).toHaveText("已退回");

  await field(page, "summary").fill(SUMMARY);
  await page.getByRole("button", { name: "保存并提交" }).click();
  await expect(page.getByRole("status").filter({ hasText: "项目自评表已提交，等待财政局审核" })).toBeVisible();
  await expect(status(page)).toHaveText("已提交");
  await expect(page.locator(".return-reason")).toHaveCount(0);
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "提交记录" }) })).toContainText("第2次提交");
  await expectNoConsoleErrors(problems);
});

test("the reviewer sees what changed and approves", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, REVIEWER);
  await openFromCountyList(page, "已提交");
  const changes = page.locator(".changes");
  await expect(changes).toContainText("第2次提交相对第1次的修改（1处）");
  await expect(changes).toContainText(SUMMARY);

  await page.getByRole("button", { name: "通过", exact: true }).click();
  await page.getByRole("button", { name: "确认通过" }).click();
  await expect(page.getByRole("status").filter({ hasText: "项目自评表已通过" })).toBeVisible();
  await expect(status(page)).toHaveText("已通过");
  await expect(page.getByRole("button", { name: "退回", exact: true })).toHaveCount(0);
  await expectNoConsoleErrors(problems);
});

test("the department report shows the cross-check X1 beside its project count", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, STAFF);
  await openFromUnitHome(page, "填报");
  await expect(page).toHaveURL(/\/reports\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${UNIT} 2023年度绩效自评报告`);

  // The report states 9 常年项目 and 1 一次性项目; the unit has one (常年) form, approved.
  await expect(field(page, "projects.recurring.count")).toHaveValue("9");
  await expect(field(page, "projects.oneOff.count")).toHaveValue("1");
  const panel = page.locator(".project-forms-panel");
  await expect(panel.getByRole("heading", { name: "项目自评表（1份）" })).toBeVisible();
  const flags = panel.getByRole("list", { name: "交叉核对结果" });
  const recurring = flags.locator("li[data-rule='PROJECT_COUNT'][data-path='projects.recurring.count']");
  await expect(recurring).toContainText("X1 项目个数");
  await expect(recurring).toContainText("常年项目·个数");
  await expect(recurring).toContainText("报告称常年项目9个，但本单位常年项目自评表有1份");
  await expect(flags.locator("li[data-rule='PROJECT_COUNT'][data-path='projects.oneOff.count']")).toContainText("报告称一次性项目1个，但本单位一次性项目自评表有0份");
  // The flag leads to the report's count field.
  await recurring.getByRole("button", { name: "常年项目·个数" }).click();
  await expect(field(page, "projects.recurring.count")).toBeFocused();

  // The unit's list puts the two side by side: report 9 / forms 1, marked.
  await panel.getByRole("link", { name: "项目自评表（1份）" }).click();
  await expect(page).toHaveURL(/\/projects\?year=2023$/);
  const count = page.getByRole("table", { name: "项目情况核对" }).locator("td[data-path='projects.recurring.count']");
  await expect(count).toContainText("9 / 1");
  await expect(count).toHaveClass(/sev-warning/);
  await expect(projectRow(page).getByTestId("project-status")).toHaveText("已通过");
  await expectNoConsoleErrors(problems);
});
