/**
 * A fresh, migrated database for one test file, on the dialect the run was started with
 * (TEST_DB=sqlite: a temp file; TEST_DB=mysql: a new database on TEST_MYSQL_URL's server).
 * `useTestDatabase()` also points DATABASE_URL at it, so the app's own getDb() (routes,
 * guards) talks to the same database the test inspects.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createConnection } from "mysql2/promise";
import { closeSharedDb, createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";

export const TEST_DIALECT = (process.env.TEST_DB ?? "sqlite") as "sqlite" | "mysql";
let counter = 0;

export interface TestDatabase {
  db: DB;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DIALECT === "mysql") {
    const server = process.env.TEST_MYSQL_URL!.replace(/\/+$/, "");
    const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    const admin = await createConnection({ uri: server, charset: "utf8mb4" });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const url = `${server}/${name}`;
    const db = createDb(url);
    await migrateToLatest(db);
    return {
      db,
      url,
      async drop() {
        await db.destroy();
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "jx-test-"));
  const url = `file:${join(dir, "test.db")}`;
  const db = createDb(url);
  await migrateToLatest(db);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Per-file database, also installed as the app's DATABASE_URL. Access `.db` inside tests. */
export function useTestDatabase(): { readonly db: DB; readonly url: string } {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase();
    process.env.DATABASE_URL = current.url;
  });
  afterAll(async () => {
    await closeSharedDb();
    await current?.drop();
  });
  return {
    get db() {
      if (!current) throw new Error("test database not ready (use inside a test)");
      return current.db;
    },
    get url() {
      return current!.url;
    },
  };
}
