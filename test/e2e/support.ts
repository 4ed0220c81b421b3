import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "jixiao-demo-2023";

/** Logs in through the real form and waits for the home page (unless a failure is expected). */
export async function login(page: Page, username: string, password = DEMO_PASSWORD, { expectFailure = false } = {}) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  if (expectFailure) await expect(page.getByRole("alert")).toBeVisible();
  else await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** Fails the test on any console error or uncaught page error. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    // A 400 or 409 is the app's answer to bad input or a stale version (shown to the user), not a fault.
    if (message.type() === "error" && !/status of (400|409) /.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

export async function expectNoConsoleErrors(problems: string[]) {
  expect(problems, problems.join("\n")).toEqual([]);
}
