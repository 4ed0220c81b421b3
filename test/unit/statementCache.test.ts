import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, openSqlite, withStatementCache } from "#db/client";

const dir = mkdtempSync(join(tmpdir(), "jx-stmt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SQLite statement cache", () => {
  it("reuses a statement by its SQL text, most recently used kept", () => {
    const sqlite = openSqlite(join(dir, "lru.db"));
    const cached = withStatementCache(sqlite, 2);
    const a = cached.prepare("select 1 as n");
    expect(cached.prepare("select 1 as n")).toBe(a);
    const b = cached.prepare("select 2 as n");
    expect(cached.prepare("select 1 as n")).toBe(a);
    cached.prepare("select 3 as n"); // evicts "select 2", the least recently used
    expect(cached.prepare("select 1 as n")).toBe(a);
    expect(cached.prepare("select 2 as n")).not.toBe(b);
    cached.close();
  });

  it("prepares afresh while the kept statement is still being iterated", () => {
    const sqlite = openSqlite(join(dir, "busy.db"));
    const cached = withStatementCache(sqlite);
    cached.prepare("create table t (n integer)").run([]);
    for (const n of [1, 2, 3]) cached.prepare("insert into t (n) values (?)").run([n]);
    const outer = cached.prepare("select n from t order by n");
    const seen: unknown[] = [];
    for (const row of outer.iterate([])) {
      const inner = cached.prepare("select n from t order by n");
      expect(inner).not.toBe(outer);
      seen.push([row, inner.all([])]);
    }
    expect(seen).toEqual([1, 2, 3].map((n) => [{ n }, [{ n: 1 }, { n: 2 }, { n: 3 }]]));
    cached.close();
  });

  it("answers queries through Kysely with each call's own parameters, across schema changes and streams", async () => {
    const db = createDb(`file:${join(dir, "kysely.db")}`);
    try {
      await db.schema.createTable("things").addColumn("id", "integer", (c) => c.primaryKey()).addColumn("name", "text").execute();
      await db.insertInto("things" as never).values([{ id: 1, name: "一" }, { id: 2, name: "二" }] as never).execute();
      const byId = (id: number) => sql<{ id: number; name: string }>`select * from things where id = ${id}`.execute(db);
      expect((await byId(1)).rows).toEqual([{ id: 1, name: "一" }]);
      expect((await byId(2)).rows).toEqual([{ id: 2, name: "二" }]);
      // A kept `select *` sees a column added after it was prepared.
      await db.schema.alterTable("things").addColumn("note", "text").execute();
      expect((await byId(2)).rows).toEqual([{ id: 2, name: "二", note: null }]);
      const streamed: unknown[] = [];
      for await (const row of db.selectFrom("things" as never).select(["id" as never]).orderBy("id" as never).stream()) streamed.push(row);
      expect(streamed).toEqual([{ id: 1 }, { id: 2 }]);
      expect((await byId(1)).rows).toEqual([{ id: 1, name: "一", note: null }]);
    } finally {
      await db.destroy();
    }
  });
});
