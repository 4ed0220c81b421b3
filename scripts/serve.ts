/** `npm start`: migrate the configured database, then serve the built app. */
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
