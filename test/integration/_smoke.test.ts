// Temporary plumbing check for the integration stage: proves each dialect run reaches a real
// database (better-sqlite3 for TEST_DB=sqlite, mysql2 → TEST_MYSQL_URL for TEST_DB=mysql).
import { describe, expect, it } from "vitest";

const dialect = process.env.TEST_DB ?? "sqlite";

describe(`integration smoke (${dialect})`, () => {
  if (dialect === "mysql") {
    it("connects to TEST_MYSQL_URL with mysql2 and round-trips utf8mb4", async () => {
      const { createConnection } = await import("mysql2/promise");
      const url = process.env.TEST_MYSQL_URL;
      expect(url, "TEST_MYSQL_URL").toMatch(/^mysql:\/\//);
      const conn = await createConnection({ uri: url, charset: "utf8mb4" });
      try {
        const [rows] = await conn.query("SELECT VERSION() AS v, ? AS s", ["绩效自评"]);
        const [{ v, s }] = rows as Array<{ v: string; s: string }>;
        console.log(`[smoke] MySQL server version: ${v}`);
        expect(v).toMatch(/^\d+\.\d+\.\d+/);
        expect(s).toBe("绩效自评");
      } finally {
        await conn.end();
      }
    });
  } else {
    it("opens an in-memory database with better-sqlite3", async () => {
      const { default: Database } = await import("better-sqlite3");
      const db = new Database(":memory:");
      try {
        const row = db.prepare("SELECT sqlite_version() AS v, ? AS s").get("绩效自评") as { v: string; s: string };
        console.log(`[smoke] SQLite version: ${row.v}`);
        expect(row.v).toMatch(/^3\.\d+/);
        expect(row.s).toBe("绩效自评");
      } finally {
        db.close();
      }
    });
  }
});
