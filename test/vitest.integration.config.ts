import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

// Integration tests run twice via `npm test` (scripts/test.ts): TEST_DB=sqlite, then
// TEST_DB=mysql with TEST_MYSQL_URL=mysql://root@127.0.0.1:PORT (server root URL, no database;
// each test file/worker creates and drops its own database, e.g. `t_<pid>_<n>`).
// Run directly: TEST_DB=sqlite npx vitest run --config test/vitest.integration.config.ts
const root = fileURLToPath(new URL("..", import.meta.url));

const dialect = process.env.TEST_DB ?? "sqlite";
if (dialect !== "sqlite" && dialect !== "mysql") {
  throw new Error(`TEST_DB must be "sqlite" or "mysql", not "${dialect}"`);
}
if (dialect === "mysql" && !process.env.TEST_MYSQL_URL) {
  throw new Error(
    "TEST_DB=mysql needs TEST_MYSQL_URL=mysql://root@127.0.0.1:PORT — or run `npm test -- --only mysql`, " +
      "which starts a private MariaDB for you",
  );
}

export default defineConfig({
  root,
  resolve: { alias: { "~": `${root}app`, "#db": `${root}db` } },
  test: {
    name: `integration-${dialect}`,
    include: ["test/integration/**/*.test.ts"],
    // A test that logs console.error fails unless it opts in (expectConsoleError).
    setupFiles: ["test/setup/failOnConsoleError.ts"],
    env: { TEST_DB: dialect },
    pool: "forks",
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
