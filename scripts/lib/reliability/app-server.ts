/**
 * The production server (app/server/http.server.ts createApp over build/index.js) as a child
 * process of a test: checks and migrates DATABASE_URL like `npm start`, listens on
 * 127.0.0.1:$PORT, prints `READY <port>` and exits by itself when the test process that
 * started it is gone (so a killed test runner never leaves a server behind). Started by
 * ./server.ts.
 *
 * Durability is checked as in production, with one exception: a database on TEST_MYSQL_URL's
 * server, the suite's shared throwaway MariaDB (scripts/lib/mariadb.ts), tuned for speed with
 * innodb_flush_log_at_trx_commit=0, starts with a warning. The crash test's own MariaDB
 * (./mariadb.ts) and every SQLite file are checked strictly, so a crash test that kills the
 * database server always runs on durable settings.
 */
import { configOrExit } from "~/server/config.server";
import { createApp, listen } from "~/server/http.server";
import { prepareDatabaseOrExit } from "~/server/startup.server";

process.env.NODE_ENV ??= "production";
process.env.HOST = "127.0.0.1";
if (!process.env.PORT) throw new Error("PORT is required");
const config = configOrExit();
const parent = Number(process.env.RELIABILITY_PARENT_PID || process.ppid);

const throwaway = process.env.TEST_MYSQL_URL?.replace(/\/+$/, "");
const onThrowaway = !!throwaway && config.databaseUrl.startsWith(`${throwaway}/`);
await prepareDatabaseOrExit({ ...config, allowNonDurable: config.allowNonDurable || onThrowaway });
const server = await listen(await createApp(undefined, config), config.port, config.host);
process.stdout.write(`READY ${config.port}\n`);

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
