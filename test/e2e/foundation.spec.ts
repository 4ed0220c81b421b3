import { expect, test } from "@playwright/test";
import { expectNoConsoleErrors, login, watchConsole } from "./support";

const HOMES = [
  { username: "zonggonghui", path: "/unit", heading: "我的填报" },
  { username: "luxian_reviewer", path: "/review", heading: "审核队列" },
  { username: "luxian_leader", path: "/dashboard", heading: "全县概览" },
  { username: "luxian_admin", path: "/admin", heading: "单位与用户" },
];

for (const home of HOMES) {
  test(`${home.username} logs in through the form and lands on ${home.path}`, async ({ page }) => {
    const problems = watchConsole(page);
    await login(page, home.username);
    await expect(page).toHaveURL(new RegExp(`${home.path}$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(home.heading);
    await expect(page.locator(".demo-badge")).toHaveText("演示数据");
    await expectNoConsoleErrors(problems);
  });
}

test("a wrong password gives one Chinese message and keeps the user name", async ({ page }) => {
  await login(page, "luxian_leader", "definitely-not-it", { expectFailure: true });
  await expect(page.getByRole("alert")).toHaveText("用户名或密码错误");
  await expect(page.getByLabel("用户名")).toHaveValue("luxian_leader");
  await login(page, "no_such_user_anywhere", "definitely-not-it", { expectFailure: true });
  await expect(page.getByRole("alert")).toHaveText("用户名或密码错误");
});

test("a reviewer of one county sees nothing of the other county", async ({ page }) => {
  await login(page, "hejiang_reviewer");
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.locator("main")).toContainText("合江县总工会");
  await expect(page.locator("main")).not.toContainText("泸县");
});

test("unit staff are refused the admin area", async ({ page }) => {
  await login(page, "jiaotiju");
  await expect(page).toHaveURL(/\/unit$/);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.locator("body")).toContainText("错误 403");
});

test("logout ends the session: the old cookie is refused afterwards", async ({ page, context }) => {
  await login(page, "luxian_leader");
  await expect(page).toHaveURL(/\/dashboard$/);
  const cookies = await context.cookies();
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login/);
  await context.addCookies(cookies);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard/);
});

test("a POST from another origin is refused before it reaches the app", async ({ request, baseURL }) => {
  const forged = await request.post("/login", {
    headers: { Origin: "http://evil.example" },
    form: { username: "luxian_admin", password: "jixiao-demo-2023" },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).toContain("请求来源校验失败");
  const genuine = await request.post("/login", {
    headers: { Origin: baseURL! },
    form: { username: "luxian_admin", password: "jixiao-demo-2023" },
    maxRedirects: 0,
  });
  expect(genuine.status()).toBe(302);
});

test("pages carry the security headers", async ({ request }) => {
  const response = await request.get("/login");
  const headers = response.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+'/);
  expect(headers["content-security-policy"]).not.toContain("unsafe-inline' 'nonce");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["x-content-type-options"]).toBe("nosniff");
});
