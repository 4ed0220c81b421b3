/**
 * `npm start`: check the configuration and the database's durability, migrate, then serve the
 * built app (app/server/http.server.ts).
 *
 * npm start bundles this file with esbuild (packages stay external) into build/serve.js and runs
 * that under plain node: under tsx, its loader thread and caches stayed in the server for good,
 * about 60 MB of RSS. It sets --max-old-space-size=1024 for V8's growth rule, not as a cap:
 * below a 2 GB limit V8 lets the old generation grow to 1.6× (not 4×) its live size before a
 * full collection, so under load the heap stays near what is live, for about the same GC time.
 * The limit is fatal when reached, so it stays well above what one request may need (converting
 * the largest .xlsx accepted, 500k cells, takes more than 160 MB).
 */
import { configOrExit } from "~/server/config.server";
import { createApp, listen } from "~/server/http.server";
import { prepareDatabaseOrExit } from "~/server/startup.server";

process.env.NODE_ENV ??= "production";
const config = configOrExit();

const applied = await prepareDatabaseOrExit(config);
if (applied.length) console.log(`已执行数据库迁移：${applied.join(", ")}`);
const server = await listen(await createApp(undefined, config), config.port, config.host);
console.log(`绩效自评审核平台已启动：http://localhost:${config.port}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
