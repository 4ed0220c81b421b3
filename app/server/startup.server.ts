/**
 * What every serving entry point (npm start, the demo, the e2e and test servers) does with
 * its database before it listens: refuse settings that lose acknowledged commits
 * (db/durability.ts), then migrate. On its own connection: the app opens its pool afterwards.
 */
import { createDb } from "#db/client";
import { checkDurability, DurabilityError, formatDurabilityProblems } from "#db/durability";
import { migrateToLatest } from "#db/migrate";
import type { Config } from "./config.server";

/** Checks durability, then migrates; returns the migrations applied. Throws DurabilityError. */
export async function prepareDatabase(config: Pick<Config, "databaseUrl" | "allowNonDurable">): Promise<string[]> {
  const db = createDb(config.databaseUrl, { poolSize: 1 });
  try {
    const problems = await checkDurability(db, { allowNonDurable: config.allowNonDurable });
    if (problems.length) {
      const refused = problems.some((p) => p.severity === "refuse");
      console.warn(
        `${refused ? "警告：ALLOW_NON_DURABLE=1，已确认的提交在断电时可能丢失 / WARNING: ALLOW_NON_DURABLE=1, acknowledged commits may be lost on power failure" : "警告 / Warning: database settings"}\n` +
          formatDurabilityProblems(problems),
      );
    }
    return await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

/** Entry points: prepareDatabase(), or exit 78 (EX_CONFIG) with the message when durability is refused. */
export async function prepareDatabaseOrExit(config: Pick<Config, "databaseUrl" | "allowNonDurable">): Promise<string[]> {
  try {
    return await prepareDatabase(config);
  } catch (error) {
    if (error instanceof DurabilityError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}

