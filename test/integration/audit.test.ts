import { describe, expect, it } from "vitest";
import { appendAudit, recordAudit, verifyAuditChain } from "~/models/audit.server";
import { useTestDatabase, TEST_DIALECT } from "./support/db";

const t = useTestDatabase();

describe(`audit chain (${TEST_DIALECT})`, () => {
  it("verifies an untouched chain", async () => {
    for (let i = 0; i < 5; i++) await recordAudit(t.db, { actorUserId: null, actorName: "测试", action: `test.${i}`, detail: { i } });
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 5 });
  });

  it("leaves no audit row for a rolled-back change", async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await appendAudit(trx, { actorUserId: null, actorName: "测试", action: "test.rolled_back" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 5 });
  });

  it("keeps a gapless chain under concurrent appends", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(t.db, { actorUserId: null, actorName: "并发", action: `test.concurrent.${i}` })));
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 25 });
  });

  it("names the entry whose content was altered", async () => {
    const victim = await t.db.selectFrom("audit_log").select(["seq", "id"]).where("action", "=", "test.2").executeTakeFirstOrThrow();
    await t.db.updateTable("audit_log").set({ actor_name: "篡改者" }).where("id", "=", victim.id).execute();
    const verdict = await verifyAuditChain(t.db);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.brokenId).toBe(victim.id);
      expect(verdict.reason).toContain("改动");
    }
  });
});
