/**
 * The production server (scripts/lib/server.ts createApp over build/index.js) as a child
 * process of a test: migrates DATABASE_URL like `npm start`, listens on 127.0.0.1:$PORT,
 * prints `READY <port>` and exits by itself when the test process that started it is gone
 * (so a killed test runner never leaves a server behind). Started by ./server.ts.
 */
import { createDb } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { createApp, listen } from "../server";

process.env.NODE_ENV ??= "production";
const port = Number(process.env.PORT);
if (!port) throw new Error("PORT is required");
const parent = Number(process.env.RELIABILITY_PARENT_PID || process.ppid);

const migrationDb = createDb();
await migrateToLatest(migrationDb);
await migrationDb.destroy();
const server = await listen(await createApp(), port, "127.0.0.1");
process.stdout.write(`READY ${port}\n`);

setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(0);
  }
}, 1000).unref();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
