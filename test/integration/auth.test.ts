import { describe, expect, it } from "vitest";
import { attemptLogin, WRONG_CREDENTIALS } from "~/auth/login.server";
import { hashSessionId } from "~/auth/session.server";
import { throttleLimits } from "~/auth/throttle.server";
import { getAuthenticated } from "~/auth/guard.server";
import { setUserDisabled } from "~/models/users.server";
import { sessions } from "~/services.server";
import { seedDemo, DEMO_PASSWORD } from "../../scripts/lib/seed";
import { useTestDatabase, TEST_DIALECT } from "./support/db";
import { BASE } from "./support/requests";

const t = useTestDatabase();

async function login(username: string, password: string, address = "10.0.0.1") {
  return attemptLogin(t.db, sessions(), { username, password, address });
}

function requestWith(sessionId: string) {
  return new Request(`${BASE}/`, { headers: { Cookie: sessions().createSessionCookie(sessionId).serialize().split(";")[0] } });
}

describe(`login and sessions (${TEST_DIALECT})`, () => {
  it("seeds the demo and logs in with the right password", async () => {
    await seedDemo(t.db);
    const outcome = await login("luxian_reviewer", DEMO_PASSWORD);
    expect(outcome.ok).toBe(true);
  });

  it("answers a wrong user name and a wrong password with the same message", async () => {
    const wrongUser = await login("nobody_here", DEMO_PASSWORD, "10.0.0.2");
    const wrongPassword = await login("luxian_leader", "not-the-password-at-all", "10.0.0.2");
    expect(wrongUser).toEqual({ ok: false, message: WRONG_CREDENTIALS });
    expect(wrongPassword).toEqual({ ok: false, message: WRONG_CREDENTIALS });
  });

  it("stores only the SHA-256 of the session id", async () => {
    const outcome = await login("luxian_leader", DEMO_PASSWORD);
    if (!outcome.ok) throw new Error("login failed");
    const ids = (await t.db.selectFrom("sessions").select("id").execute()).map((r) => r.id);
    expect(ids).not.toContain(outcome.sessionId);
    expect(ids).toContain(hashSessionId(outcome.sessionId));
  });

  it("throttles an account from one network after repeated failures, even for the right password, before hashing — never from the owner's own network", async () => {
    const { accountAddress, accountsPerAddress } = throttleLimits();
    // The owner has signed in from 10.1.9.9 before.
    expect((await login("jiaotiju", DEMO_PASSWORD, "10.1.9.9")).ok).toBe(true);
    for (let i = 0; i < accountAddress[0].limit; i++) {
      const outcome = await login("jiaotiju", `wrong-password-${i}-xxxx`, "10.1.0.1");
      expect(outcome).toEqual({ ok: false, message: WRONG_CREDENTIALS });
    }
    const blocked = await login("jiaotiju", DEMO_PASSWORD, "10.1.0.1");
    expect(blocked).toMatchObject({ ok: false, throttled: true });
    expect(blocked.ok === false && blocked.message).toContain("分钟后再试");
    // Someone else's failures do not lock the owner out of their own network.
    expect((await login("jiaotiju", DEMO_PASSWORD, "10.1.9.9")).ok).toBe(true);
    // The window slides: once the failures age out, the network opens again (never locked for ever).
    await t.db.updateTable("login_attempts").set({ attempted_at: Date.now() - 16 * 60_000 }).where("throttle_key", "=", "pair:10.1.0.1|jiaotiju").execute();
    expect((await login("jiaotiju", DEMO_PASSWORD, "10.1.0.1")).ok).toBe(true);
    expect(accountsPerAddress.limit).toBeGreaterThan(accountAddress[0].limit);
  });

  it("throttles an address spraying many accounts", async () => {
    for (let i = 0; i < throttleLimits().accountsPerAddress.limit; i++) await login(`spray_${i}`, "wrong-password-xxxx", "10.9.9.9");
    const blocked = await login("luxian_admin", DEMO_PASSWORD, "10.9.9.9");
    expect(blocked).toMatchObject({ ok: false, throttled: true });
    expect((await login("luxian_admin", DEMO_PASSWORD, "10.9.9.10")).ok).toBe(true);
  });

  it("ends the session on logout: a replayed cookie no longer works", async () => {
    const outcome = await login("zonggonghui", DEMO_PASSWORD);
    if (!outcome.ok) throw new Error("login failed");
    expect(await getAuthenticated(requestWith(outcome.sessionId))).not.toBeNull();
    await sessions().invalidateSession(outcome.sessionId);
    expect(await getAuthenticated(requestWith(outcome.sessionId))).toBeNull();
  });

  it("expires idle sessions and sessions past their absolute lifetime", async () => {
    const idle = await login("hejiang_staff", DEMO_PASSWORD);
    const old = await login("hejiang_staff", DEMO_PASSWORD);
    if (!idle.ok || !old.ok) throw new Error("login failed");
    await t.db.updateTable("sessions").set({ expires_at: Date.now() - 1000 }).where("id", "=", hashSessionId(idle.sessionId)).execute();
    await t.db.updateTable("sessions").set({ absolute_expires_at: Date.now() - 1000 }).where("id", "=", hashSessionId(old.sessionId)).execute();
    expect(await getAuthenticated(requestWith(idle.sessionId))).toBeNull();
    expect(await getAuthenticated(requestWith(old.sessionId))).toBeNull();
  });

  it("a disabled user loses every session and cannot log in", async () => {
    const outcome = await login("hejiang_reviewer", DEMO_PASSWORD);
    if (!outcome.ok) throw new Error("login failed");
    const user = await t.db.selectFrom("users").select("id").where("username", "=", "hejiang_reviewer").executeTakeFirstOrThrow();
    await t.db.transaction().execute((trx) => setUserDisabled(trx, user.id, true, { userId: user.id, name: "test" }, "x"));
    expect(await getAuthenticated(requestWith(outcome.sessionId))).toBeNull();
    const again = await login("hejiang_reviewer", DEMO_PASSWORD, "10.2.0.1");
    expect(again.ok).toBe(false);
  });

  it("gives a cookie from before login no session (no fixation)", async () => {
    const planted = "attacker-chosen-session-id-000000";
    expect(await getAuthenticated(requestWith(planted))).toBeNull();
    const outcome = await login("city_leader", DEMO_PASSWORD);
    if (!outcome.ok) throw new Error("login failed");
    expect(outcome.sessionId).not.toBe(planted);
  });

  it("audits every login, success and failure", async () => {
    const actions = (await t.db.selectFrom("audit_log").select("action").execute()).map((r) => r.action);
    expect(actions).toContain("login.success");
    expect(actions).toContain("login.failure");
    expect(actions).toContain("login.throttled");
  });
});
