/**
 * `npm start`: migrate the configured database, then serve the built app.
 *
 * npm start bundles this file with esbuild (packages stay external) into build/serve.js and runs
 * that under plain node: under tsx, its loader thread and caches stayed in the server for good,
 * about 60 MB of RSS. It sets --max-old-space-size=1024 for V8's growth rule, not as a cap:
 * below a 2 GB limit V8 lets the old generation grow to 1.6× (not 4×) its live size before a
 * full collection, so under load the heap stays near what is live, for about the same GC time.
 * The limit is fatal when reached, so it stays well above what one request may need (converting
 * the largest .xlsx accepted, 500k cells, takes more than 160 MB).
 */
import { createDb } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { createApp, listen } from "./lib/server";

process.env.NODE_ENV ??= "production";
const port = Number(process.env.PORT || 3000);

// Migrate on a connection of its own; the app opens its own pool afterwards.
const migrationDb = createDb();
const applied = await migrateToLatest(migrationDb);
await migrationDb.destroy();
if (applied.length) console.log(`已执行数据库迁移：${applied.join(", ")}`);
const server = await listen(await createApp(), port);
console.log(`绩效自评审核平台已启动：http://localhost:${port}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
