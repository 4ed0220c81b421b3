/**
 * The server the browser tests run against: the production build on a fresh seeded demo
 * database under .tmp/e2e/, on 127.0.0.1:$PORT. Started by test/playwright.config.ts.
 */
import { ensureBuild } from "./lib/build";
import { createDemoDatabase } from "./lib/seed";
import { createApp, listen } from "./lib/server";

// One database per port, so two suites on one machine never reseed each other's.
const port = Number(process.env.PORT || 3100);
const file = `.tmp/e2e/app-${port}.db`;
process.env.DATABASE_URL = `file:${file}`;
process.env.APP_DEMO = "1";
process.env.NODE_ENV = "production";
process.env.INSECURE_COOKIES = "1";

ensureBuild();
await createDemoDatabase(file);
const server = await listen(await createApp(), port, "127.0.0.1");
console.log(`[e2e-server] http://127.0.0.1:${port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
