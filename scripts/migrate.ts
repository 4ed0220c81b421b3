/** `npm run db:migrate`: bring the database named by DATABASE_URL up to date. */
import { createDb, DEFAULT_DATABASE_URL } from "#db/client";
import { migrateToLatest } from "#db/migrate";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const db = createDb(url);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `已执行迁移：${applied.join(", ")}` : "数据库已是最新结构");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
