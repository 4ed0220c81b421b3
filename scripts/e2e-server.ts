/**
 * The server the browser tests run against: the production build on a fresh seeded demo
 * database under .tmp/e2e/, on 127.0.0.1:$PORT. Started by test/playwright.config.ts.
 */
import { configOrExit } from "~/server/config.server";
import { createApp, listen } from "~/server/http.server";
import { prepareDatabaseOrExit } from "~/server/startup.server";
import { ensureBuild } from "./lib/build";
import { createDemoDatabase } from "./lib/seed";

process.env.PORT ||= "3100";
process.env.HOST = "127.0.0.1";
process.env.APP_DEMO = "1";
process.env.NODE_ENV = "production";
process.env.INSECURE_COOKIES = "1";
// One database per port, so two suites on one machine never reseed each other's.
const file = `.tmp/e2e/app-${process.env.PORT}.db`;
process.env.DATABASE_URL = `file:${file}`;
const config = configOrExit();

ensureBuild();
await createDemoDatabase(file);
await prepareDatabaseOrExit(config);
const server = await listen(await createApp(undefined, config), config.port, config.host);
console.log(`[e2e-server] http://127.0.0.1:${config.port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
