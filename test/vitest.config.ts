import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { "~": `${root}app`, "#db": `${root}db` } },
  test: {
    include: ["test/unit/**/*.test.ts", "test/unit/**/*.test.tsx"],
    // A test that logs console.error fails unless it opts in (expectConsoleError).
    setupFiles: ["test/setup/failOnConsoleError.ts"],
    testTimeout: 20_000,
  },
});
