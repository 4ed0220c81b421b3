import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "jixiao-demo-2023";

/** Logs in through the real form. */
export async function login(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

/** Fails the test on any console error or uncaught page error. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

export async function expectNoConsoleErrors(problems: string[]) {
  expect(problems, problems.join("\n")).toEqual([]);
}
