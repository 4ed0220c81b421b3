/**
 * Debian's Chromium for the Playwright end-to-end tests (never `npx playwright install`).
 *
 * `CHROMIUM_PATH` and `CHROMIUM_ARGS` are imported by test/playwright.config.ts;
 * `ensureChromium()` is called by scripts/test.ts before the e2e stage: as root it installs
 * what is missing (`apt-get install -y chromium fonts-noto-cjk`), otherwise it fails loudly
 * with the command to run. This module must stay free of side effects on import.
 */
import { existsSync, readdirSync } from "node:fs";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

const INSTALL_CMD = "apt-get update && apt-get install -y chromium fonts-noto-cjk";

/** True when a Noto CJK font (what makes Chinese render in screenshots/PDFs) is installed. */
export function hasCjkFont(): boolean {
  const dir = "/usr/share/fonts/opentype/noto";
  try {
    return readdirSync(dir).some((f) => /CJK/i.test(f));
  } catch {
    return false;
  }
}

/** The same check without installing: a message describing what is missing, or null. */
export function chromiumProblem(): string | null {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push(`${CHROMIUM_PATH} (package chromium)`);
  if (!hasCjkFont()) missing.push("Noto CJK fonts (package fonts-noto-cjk)");
  if (missing.length === 0) return null;
  return `missing for the e2e tests: ${missing.join(", ")}.\n  Fix (as root): ${INSTALL_CMD}\n  (never \`npx playwright install\`: it downloads a browser, which this network does not allow)`;
}

/** Makes sure Chromium and the CJK fonts are installed; installs them as root, else throws. */
export async function ensureChromium(log: (line: string) => void = console.log): Promise<string> {
  const problem = chromiumProblem();
  if (!problem) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) throw new Error(`Chromium: ${problem}\n  (not root, so not installing it myself)`);
  log(`[provision] ${problem.split("\n")[0]}: installing (${INSTALL_CMD})`);
  const { aptInstall } = await import("./mariadb"); // lazy: keeps this module light for the Playwright config
  aptInstall(["chromium", "fonts-noto-cjk"], log);
  const after = chromiumProblem();
  if (after) throw new Error(`Chromium still not usable after apt-get install: ${after}`);
  return CHROMIUM_PATH;
}
