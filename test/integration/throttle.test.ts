/**
 * The login throttle's design cases (decision 0005), one by one, on both dialects: networks
 * (IPv6 /64, IPv4-mapped), a shared NAT, known networks spared the account-wide limits,
 * bursts of correct and of wrong logins, refusals as summaries instead of chained audit rows,
 * and /account's current-password check. The figures under attack are in
 * security/sessions.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "~/auth/accounts.server";
import { attemptLogin, WRONG_CREDENTIALS } from "~/auth/login.server";
import { throttleLimits } from "~/auth/throttle.server";
import { action as accountAction } from "~/routes/account";
import { sessions } from "~/services.server";
import { useTestDatabase, TEST_DIALECT } from "./support/db";
import { BASE, statusOf } from "./support/requests";

const hashCalls = vi.hoisted(() => ({ n: 0 }));
vi.mock("~/auth/password.server", async (original) => {
  const real = await original<typeof import("~/auth/password.server")>();
  return {
    ...real,
    verifyPassword: async (hash: string, password: string) => {
      hashCalls.n++;
      return real.verifyPassword(hash, password);
    },
  };
});

const t = useTestDatabase();
const PASSWORD = "throttle-test-password-2024";
const { accountAddress, account: accountTiers, accountsPerAddress } = throttleLimits();
const PAIR = accountAddress[0].limit;
const SPRAY = accountsPerAddress.limit;
const DAILY = accountTiers[0].limit;

let users = 0;
async function newUser(): Promise<string> {
  const username = `throttle_u${users++}`;
  const result = await createAccount(t.db, { username, displayName: username, password: PASSWORD, grants: [] }, null, { skipPolicy: true });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return username;
}

const login = (username: string, password: string, address: string) => attemptLogin(t.db, sessions(), { username, password, address });
const wrong = (username: string, address: string) => login(username, `wrong-${Math.random()}`, address);
const auditRows = async () => Number((await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

afterEach(() => {
  vi.useRealTimers();
});

describe(`login throttle design (${TEST_DIALECT})`, () => {
  it("groups IPv6 by /64 and IPv4-mapped IPv6 as IPv4: rotating addresses changes nothing", async () => {
    const v6 = await newUser();
    for (let i = 0; i < PAIR; i++) expect(await wrong(v6, `2001:db8:5:6::${(i + 1).toString(16)}`)).toEqual({ ok: false, message: WRONG_CREDENTIALS });
    expect(await login(v6, PASSWORD, "2001:db8:5:6:ffff::99")).toMatchObject({ ok: false, throttled: true });
    expect((await login(v6, PASSWORD, "2001:db8:5:7::1")).ok).toBe(true);

    const v4 = await newUser();
    for (let i = 0; i < PAIR; i++) await wrong(v4, i % 2 ? "::ffff:192.0.2.44" : "192.0.2.44");
    expect(await login(v4, PASSWORD, "::ffff:192.0.2.44")).toMatchObject({ ok: false, throttled: true });
    expect(await login(v4, PASSWORD, "192.0.2.44")).toMatchObject({ ok: false, throttled: true });
    expect((await login(v4, PASSWORD, "192.0.2.45")).ok).toBe(true);
  });

  it("keeps a shared NAT working while someone behind it sprays: known accounts log in, typos are not a spray", async () => {
    const nat = "10.20.0.1";
    const staff = await Promise.all(Array.from({ length: SPRAY + 1 }, () => newUser()));
    for (const u of staff) expect((await login(u, PASSWORD, nat)).ok).toBe(true);
    // Every colleague mistypes once: their own network, their own typos — no spray.
    for (const u of staff) await wrong(u, nat);
    const newcomer = await newUser();
    expect((await login(newcomer, PASSWORD, nat)).ok).toBe(true);
    // Someone sprays unknown accounts from the NAT until the network's limit trips.
    hashCalls.n = 0;
    for (let i = 0; i < SPRAY * 3; i++) await wrong(`nat_spray_${i}`, nat);
    expect(hashCalls.n).toBe(SPRAY);
    const secondNewcomer = await newUser();
    expect(await login(secondNewcomer, PASSWORD, nat)).toMatchObject({ ok: false, throttled: true });
    // …while everybody who has worked from there still signs in.
    let refused = 0;
    for (const u of [...staff, newcomer]) if (!(await login(u, PASSWORD, nat)).ok) refused++;
    expect(refused).toBe(0);
    expect((await login(secondNewcomer, PASSWORD, "10.20.0.2")).ok).toBe(true);
  });

  it("bounds guessing on one account from many networks, but never refuses the owner's known network", async () => {
    const victim = await newUser();
    expect((await login(victim, PASSWORD, "172.16.1.1")).ok).toBe(true);
    hashCalls.n = 0;
    for (let i = 0; i < DAILY + 40; i++) await wrong(victim, `198.18.${Math.floor(i / 200)}.${i % 200}`);
    expect(hashCalls.n).toBe(DAILY);
    expect(await login(victim, PASSWORD, "198.19.0.1")).toMatchObject({ ok: false, throttled: true });
    expect((await login(victim, PASSWORD, "172.16.1.1")).ok).toBe(true);
    // The owner's own typos from home do not reopen the account to others, nor lock the owner.
    await wrong(victim, "172.16.1.1");
    expect((await login(victim, PASSWORD, "172.16.1.1")).ok).toBe(true);
    // A day later the account-wide window has passed: a new network works again.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 24 * 3_600_000 + 60_000);
    expect((await login(victim, PASSWORD, "198.19.0.1")).ok).toBe(true);
  });

  it("forgets known networks when the password is set again", async () => {
    const user = await newUser();
    expect((await login(user, PASSWORD, "172.16.2.1")).ok).toBe(true);
    for (let i = 0; i < DAILY; i++) await wrong(user, `198.20.${Math.floor(i / 200)}.${i % 200}`);
    expect((await login(user, PASSWORD, "172.16.2.1")).ok).toBe(true);
    await t.db.updateTable("users").set({ password_changed_at: Date.now() + 1 }).where("username", "=", user).execute();
    await new Promise((r) => setTimeout(r, 5));
    expect(await login(user, PASSWORD, "172.16.2.1")).toMatchObject({ ok: false, throttled: true });
  });

  it("lets a burst of correct logins all through, and a burst of wrong ones no further than the limit", async () => {
    const user = await newUser();
    const one = await Promise.all(Array.from({ length: 12 }, () => login(user, PASSWORD, "10.30.0.1")));
    const many = await Promise.all(Array.from({ length: 12 }, (_, i) => login(user, PASSWORD, `10.31.0.${i + 1}`)));
    expect([...one, ...many].filter((o) => !o.ok)).toEqual([]);

    const target = await newUser();
    hashCalls.n = 0;
    const wrongs = await Promise.all(Array.from({ length: 30 }, () => wrong(target, "10.32.0.1")));
    expect(hashCalls.n).toBe(PAIR);
    expect(wrongs.filter((o) => !o.ok && o.throttled).length).toBe(30 - PAIR);
    // A burst of new accounts from one network: no more than the network's limit reach the hash.
    hashCalls.n = 0;
    await Promise.all(Array.from({ length: SPRAY * 2 }, (_, i) => wrong(`burst_spray_${i}`, "10.33.0.1")));
    expect(hashCalls.n).toBeLessThanOrEqual(SPRAY);
  });

  it("records 1,000 refused attempts as a counted summary, not 1,000 chained audit rows", async () => {
    const user = await newUser();
    for (let i = 0; i < PAIR; i++) await wrong(user, "10.40.0.1");
    const before = await auditRows();
    hashCalls.n = 0;
    for (let i = 0; i < 1000; i++) expect(await wrong(user, "10.40.0.1")).toMatchObject({ throttled: true });
    expect(hashCalls.n).toBe(0);
    // A window boundary may fall inside the run: one summary row per window.
    expect((await auditRows()) - before).toBeLessThanOrEqual(2);
    const summaries = await t.db.selectFrom("login_attempts").select(["refused"]).where("throttle_key", "=", "refused:pair:10.40.0.1").execute();
    expect(summaries.reduce((sum, r) => sum + Number(r.refused), 0)).toBe(1000);
    const audit = await t.db.selectFrom("audit_log").select(["action", "detail"]).where("action", "=", "login.throttled").orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow();
    expect(JSON.parse(audit.detail!)).toMatchObject({ reason: "account_address", key: "pair:10.40.0.1" });
  });

  it("throttles /account's current-password check per user, before hashing", async () => {
    const user = await newUser();
    const outcome = await login(user, PASSWORD, "10.50.0.1");
    if (!outcome.ok) throw new Error("login failed");
    const cookie = sessions().createSessionCookie(outcome.sessionId).serialize().split(";")[0];
    const change = (currentPassword: string) =>
      accountAction({
        request: new Request(`${BASE}/account`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Cookie: cookie },
          body: new URLSearchParams({ currentPassword, newPassword: "a new passphrase for 2025", confirmPassword: "a new passphrase for 2025" }).toString(),
        }),
        params: {},
        context: { address: "10.50.0.1" },
      } as Parameters<typeof accountAction>[0]).catch((thrown) => thrown);
    for (let i = 0; i < PAIR; i++) expect(statusOf(await change(`wrong-current-${i}`))).toBe(400);
    hashCalls.n = 0;
    const before = await auditRows();
    const refused = [];
    for (let i = 0; i < 50; i++) refused.push(statusOf(await change(i === 49 ? PASSWORD : `wrong-again-${i}`)));
    expect(refused.every((s) => s === 429)).toBe(true);
    expect(hashCalls.n).toBe(0);
    expect((await auditRows()) - before).toBeLessThanOrEqual(2);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    expect(statusOf(await change(PASSWORD))).toBe(200);
  });
});
