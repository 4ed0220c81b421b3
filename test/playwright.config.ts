import { defineConfig } from "@playwright/test";
import { fileURLToPath } from "node:url";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumProblem } from "../scripts/lib/chromium";

// End-to-end tests in Debian's Chromium (never `npx playwright install`). Normally run by
// `npm test` (scripts/test.ts), which installs Chromium first when it is missing; directly:
//   npx playwright test --config test/playwright.config.ts
// The app is started by scripts/e2e-server.ts (fresh seeded SQLite demo DB under .tmp/e2e/)
// on port 3100, or E2E_PORT.
const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

const problem = chromiumProblem();
if (problem) throw new Error(`Chromium: ${problem}`);

export default defineConfig({
  testDir: "./e2e",
  outputDir: `${root}.tmp/test-results/playwright`,
  fullyParallel: false,
  workers: 1, // 2 cores: the app server and the browser share them
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.E2E_JSON_OUTPUT_FILE ?? `${root}.tmp/test-results/e2e.json` }],
  ],
  use: {
    baseURL,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
      },
    },
  ],
  webServer: {
    command: "npx tsx scripts/e2e-server.ts",
    cwd: root,
    url: `${baseURL}/healthz`,
    env: { PORT: String(port) },
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
