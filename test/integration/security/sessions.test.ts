/**
 * Sessions, login and the HTTP layer, as figures (through the real production server as a
 * child process where the protection lives there): the Origin check on every non-GET of every
 * route in the build's manifest, the security headers on every kind of response and the CSP
 * nonce on every inline script, session fixation, logout, idle/absolute expiry and sliding,
 * password change / reset / disable ending sessions; and login throttling under 1,000 attempts
 * from one address over 100 accounts, counting the attempts that reached the password hash
 * (an instrumented verifyPassword, cross-checked with the audit rows) — never locking an
 * account for ever (the clock moved past the window, login works again).
 * Complements test/integration/auth.test.ts and test/e2e/foundation.spec.ts (single cases).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashSessionId, IDLE_TIMEOUT_MS } from "~/auth/session.server";
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, THROTTLE_WINDOW_MS } from "~/auth/throttle.server";
import { action as loginAction } from "~/routes/login";
import { DEMO_PASSWORD, seedDemo } from "../../../scripts/lib/seed";
import { FigureRecorder, ROOT } from "../../../scripts/lib/reliability/figures";
import { buildManifestRoutes, discoverRouteFiles } from "../../../scripts/lib/reliability/routes";
import { Browser, ensureBuildOnce, startAppServer, type AppServer } from "../../../scripts/lib/reliability/server";
import { businessFingerprint } from "../../../scripts/lib/reliability/tables";
import { TEST_DIALECT, useTestDatabase } from "../support/db";

// Count every call that reaches the password hash (argon2 verify), whatever calls it.
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
const figures = new FigureRecorder("sessions", TEST_DIALECT);
let server: AppServer;

beforeAll(async () => {
  await ensureBuildOnce();
}, 300_000);

afterAll(async () => {
  vi.useRealTimers();
  await server?.kill("SIGTERM");
  figures.write();
});

const sessionCount = async (username: string) =>
  Number((await t.db.selectFrom("sessions").innerJoin("users", "users.id", "sessions.user_id").select((eb) => eb.fn.countAll().as("n")).where("users.username", "=", username).executeTakeFirstOrThrow()).n);

/** Is this browser's session still accepted? (A protected page answers 200, not a redirect to /login.) */
async function signedIn(browser: Browser, path = "/account"): Promise<boolean> {
  const res = await browser.get(path);
  return res.status === 200;
}

describe(`sessions and the HTTP layer (${TEST_DIALECT})`, () => {
  it("seeds the demo and starts the production server", async () => {
    await seedDemo(t.db);
    server = await startAppServer({ databaseUrl: t.url, env: { TRUST_PROXY: "loopback" } });
  }, 120_000);

  it("refuses every non-GET without a same-origin Origin, on every route of the build, before it reaches the app", async () => {
    const manifest = buildManifestRoutes();
    // The build's manifest and app/routes name the same routes (both discoveries agree).
    expect(manifest.map((r) => r.id).sort()).toEqual(discoverRouteFiles().map((r) => r.id).sort());
    const reportId = (await t.db.selectFrom("reports").select("id").limit(1).executeTakeFirstOrThrow()).id;
    const userId = (await t.db.selectFrom("users").select("id").limit(1).executeTakeFirstOrThrow()).id;
    const admin = new Browser(server.base, { "X-Forwarded-For": "10.50.0.1" });
    expect(await admin.login("luxian_admin", DEMO_PASSWORD)).toBe(302);
    const forgeries: Array<{ name: string; headers: Record<string, string>; method: string }> = [
      { name: "no Origin, no Referer", headers: {}, method: "POST" },
      { name: "foreign Origin", headers: { Origin: "http://evil.example" }, method: "POST" },
      { name: "Origin null", headers: { Origin: "null" }, method: "POST" },
      { name: "foreign Referer only", headers: { Referer: "http://evil.example/page" }, method: "POST" },
      { name: "same host, other port", headers: { Origin: "http://127.0.0.1:1" }, method: "POST" },
      { name: "look-alike host", headers: { Origin: `http://127.0.0.1:${server.port}.evil.example` }, method: "POST" },
      { name: "PUT foreign", headers: { Origin: "http://evil.example" }, method: "PUT" },
      { name: "PATCH without Origin", headers: {}, method: "PATCH" },
      { name: "DELETE foreign", headers: { Origin: "http://evil.example" }, method: "DELETE" },
    ];
    const before = await businessFingerprint(t.db);
    let forged = 0;
    const accepted: string[] = [];
    let genuineRefused = 0;
    let genuine = 0;
    for (const route of manifest) {
      const path = route.path.replace(":reportId", reportId).replace(":userId", userId);
      const targets = [route.index ? `${path}?index` : path, `${path === "/" ? "/_root" : path}.data${route.index ? "?index" : ""}`];
      for (const target of targets) {
        for (const forgery of forgeries) {
          forged++;
          const res = await admin.request(target, {
            method: forgery.method, origin: null, headers: { ...forgery.headers, "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ intent: "disable", countyId: "x", name: "伪造", code: "X1", kind: "department" }).toString(),
          });
          const text = await res.text();
          if (res.status !== 403 || !text.includes("请求来源校验失败")) accepted.push(`${forgery.name} ${forgery.method} ${target}: ${res.status}`);
        }
        // The genuine request with the page's own Origin is not refused by the check.
        if (route.hasAction) {
          genuine++;
          const res = await admin.request(target, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "intent=noop" });
          const text = await res.text();
          if (res.status === 403 && text.includes("请求来源校验失败")) genuineRefused++;
        }
      }
    }
    const after = await businessFingerprint(t.db);
    figures.add("forged cross-origin non-GET requests", forged);
    figures.add("forged requests accepted", accepted.length, { equals: 0 });
    figures.add("same-origin requests refused by the Origin check", genuineRefused, { equals: 0 });
    figures.note(`Origin check: ${manifest.length} routes × (form + .data) × ${forgeries.length} forgeries; ${genuine} genuine POSTs`);
    expect(accepted).toEqual([]);
    expect(genuineRefused).toBe(0);
    expect(after).toBe(before);
  }, 120_000);

  it("sends the security headers on every kind of response, and a nonce on every inline script", async () => {
    const reportId = (await t.db.selectFrom("reports").select("id").where("status", "=", "approved").limit(1).executeTakeFirstOrThrow()).id;
    const staticFile = readdirSync(join(ROOT, "public", "build")).find((f) => f.endsWith(".js"));
    const anon = new Browser(server.base, { "X-Forwarded-For": "10.51.0.1" });
    const reviewer = new Browser(server.base, { "X-Forwarded-For": "10.51.0.2" });
    await reviewer.login("luxian_reviewer", DEMO_PASSWORD);
    const responses: Array<[string, Response]> = [];
    for (const path of ["/login", "/", "/healthz", "/no-such-page", "/favicon.ico", `/build/${staticFile}`, "/login.data"]) responses.push([`anon GET ${path}`, await anon.request(path)]);
    for (const path of ["/review", `/reports/${reportId}`, `/reports/${reportId}/export.json`, `/reports/${reportId}/targets.xlsx`, "/dashboard", "/admin"]) responses.push([`reviewer GET ${path}`, await reviewer.request(path)]);
    responses.push(["forged POST (403)", await anon.request("/login", { method: "POST", origin: "http://evil.example", body: "a=1" })]);
    responses.push(["oversized POST (413)", await anon.request("/login", { method: "POST", headers: { "Content-Type": "text/plain" }, body: Buffer.alloc(25 * 1024 * 1024, 0x61) }).catch(() => new Response(null, { status: 0 }))]);
    const problems: string[] = [];
    let scripts = 0;
    let unnonced = 0;
    for (const [what, res] of responses) {
      if (res.status === 0) continue;
      const csp = res.headers.get("content-security-policy") ?? "";
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
      if (!csp) problems.push(`${what}: no CSP`);
      if (!scriptSrc.includes("'nonce-") || /unsafe-inline|unsafe-eval|\*/.test(scriptSrc)) problems.push(`${what}: script-src ${scriptSrc}`);
      if (/default-src[^;]*\*/.test(csp) || !csp.includes("object-src 'none'")) problems.push(`${what}: default/object-src`);
      if (!csp.includes("frame-ancestors 'none'")) problems.push(`${what}: frame-ancestors`);
      if (!csp.includes("base-uri 'self'")) problems.push(`${what}: base-uri`);
      if (res.headers.get("x-content-type-options") !== "nosniff") problems.push(`${what}: nosniff`);
      if (!res.headers.get("referrer-policy")) problems.push(`${what}: Referrer-Policy`);
      if (res.headers.get("x-powered-by")) problems.push(`${what}: X-Powered-By`);
      if ((res.headers.get("content-type") ?? "").startsWith("text/html")) {
        const html = await res.text();
        const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
        for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
          scripts++;
          const src = /\ssrc="([^"]+)"/.exec(tag)?.[1];
          if (!src && !tag.includes(`nonce="${nonce}"`)) unnonced++;
          if (src && !src.startsWith("/")) problems.push(`${what}: off-site script ${src}`);
        }
      }
    }
    figures.add("responses checked for security headers", responses.length);
    figures.add("responses missing a security header", problems.length, { equals: 0 });
    figures.add("inline scripts without the CSP nonce", unnonced, { equals: 0 });
    figures.note(`${scripts} <script> tags inspected`);
    expect(problems).toEqual([]);
    expect(unnonced).toBe(0);
    expect(scripts).toBeGreaterThan(0);
  }, 60_000);

  it("gives a planted cookie nothing and issues a fresh session id at login (no fixation)", async () => {
    let reused = 0;
    const rounds = 5;
    for (let i = 0; i < rounds; i++) {
      const browser = new Browser(server.base, { "X-Forwarded-For": `10.52.0.${i}` });
      const planted = `planted${i}aaaaaaaaaaaaaaaaaaaaaaaaaaaa`;
      browser.cookies.set("jx_session", planted);
      expect(await signedIn(browser, "/unit")).toBe(false);
      browser.cookies.set("jx_session", planted);
      expect(await browser.login("zonggonghui", DEMO_PASSWORD)).toBe(302);
      const issued = browser.cookies.get("jx_session");
      if (!issued || issued === planted) reused++;
      // A second login from a signed-in browser also gets a new id; the old one is not upgraded.
      const first = issued;
      expect(await browser.login("jiaotiju", DEMO_PASSWORD)).toBe(302);
      if (browser.cookies.get("jx_session") === first) reused++;
      const stale = new Browser(server.base);
      stale.cookies.set("jx_session", planted);
      expect(await signedIn(stale, "/unit")).toBe(false);
      expect(await t.db.selectFrom("sessions").select("id").where("id", "=", hashSessionId(planted)).executeTakeFirst()).toBeUndefined();
    }
    // The cookie: HttpOnly, SameSite=Lax, whole site; its lifetime is reported (the server enforces expiry).
    const res = await new Browser(server.base, { "X-Forwarded-For": "10.52.1.1" }).postForm("/login", { username: "luxian_leader", password: DEMO_PASSWORD });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("jx_session=")) ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    const maxAge = /Max-Age=(\d+)/i.exec(setCookie)?.[1];
    figures.add("session cookie Max-Age (browser keeps it after closing)", maxAge ? `${Math.round(Number(maxAge) / 86400)} days` : "none (browser session)");
    figures.add("session ids kept across login (fixation)", reused, { equals: 0 });
    expect(reused).toBe(0);
  }, 60_000);

  it("ends the session on logout, on idle and on absolute expiry; slides while in use", async () => {
    const survivors: string[] = [];
    // Logout: the old cookie is refused and its row is gone.
    const browser = new Browser(server.base, { "X-Forwarded-For": "10.53.0.1" });
    await browser.login("luxian_leader", DEMO_PASSWORD);
    const cookie = browser.cookies.get("jx_session")!;
    expect(await signedIn(browser)).toBe(true);
    const out = await browser.request("/logout", { method: "POST" });
    expect(out.status).toBe(302);
    const replay = new Browser(server.base);
    replay.cookies.set("jx_session", cookie);
    if (await signedIn(replay)) survivors.push("logout");
    if (await t.db.selectFrom("sessions").select("id").where("id", "=", hashSessionId(cookie)).executeTakeFirst()) survivors.push("logout row");
    // Idle: a session unused past the idle timeout is refused.
    const idle = new Browser(server.base, { "X-Forwarded-For": "10.53.0.2" });
    await idle.login("luxian_leader", DEMO_PASSWORD);
    await t.db.updateTable("sessions").set({ expires_at: Date.now() - 1000 }).where("id", "=", hashSessionId(idle.cookies.get("jx_session")!)).execute();
    if (await signedIn(idle)) survivors.push("idle");
    // Absolute: refused past its fixed lifetime however busy, and its row deleted.
    const old = new Browser(server.base, { "X-Forwarded-For": "10.53.0.3" });
    await old.login("luxian_leader", DEMO_PASSWORD);
    const oldHash = hashSessionId(old.cookies.get("jx_session")!);
    await t.db.updateTable("sessions").set({ absolute_expires_at: Date.now() - 1000, expires_at: Date.now() + IDLE_TIMEOUT_MS }).where("id", "=", oldHash).execute();
    if (await signedIn(old)) survivors.push("absolute");
    if (await t.db.selectFrom("sessions").select("id").where("id", "=", oldHash).executeTakeFirst()) survivors.push("absolute row");
    // Sliding: a session in use with less than half its idle time left is extended.
    const busy = new Browser(server.base, { "X-Forwarded-For": "10.53.0.4" });
    await busy.login("luxian_leader", DEMO_PASSWORD);
    const busyHash = hashSessionId(busy.cookies.get("jx_session")!);
    const soon = Date.now() + 10 * 60_000;
    await t.db.updateTable("sessions").set({ expires_at: soon }).where("id", "=", busyHash).execute();
    expect(await signedIn(busy)).toBe(true);
    const extended = Number((await t.db.selectFrom("sessions").select("expires_at").where("id", "=", busyHash).executeTakeFirstOrThrow()).expires_at);
    figures.add("sessions surviving logout / idle / absolute expiry", survivors.length, { equals: 0 });
    figures.add("idle expiry slides while in use", extended > soon + 60 * 60_000 ? "yes" : "no", { text: "yes" });
    expect(survivors).toEqual([]);
    expect(extended).toBeGreaterThan(soon + 60 * 60_000);
  }, 60_000);

  it("ends every other session on password change, every session on reset and on disable", async () => {
    const open = async (username: string, n: number, base: number) => {
      const browsers: Browser[] = [];
      for (let i = 0; i < n; i++) {
        const b = new Browser(server.base, { "X-Forwarded-For": `10.54.${base}.${i}` });
        expect(await b.login(username, DEMO_PASSWORD)).toBe(302);
        browsers.push(b);
      }
      return browsers;
    };
    // Own change: the changing browser stays signed in, the 4 others are out.
    const own = await open("hejiang_staff", 5, 1);
    const changed = await own[0].action("/account", { currentPassword: DEMO_PASSWORD, newPassword: "a brand new passphrase 2024", confirmPassword: "a brand new passphrase 2024" });
    expect(changed.status).toBe(200);
    let ownSurvivors = 0;
    for (const b of own.slice(1)) if (await signedIn(b)) ownSurvivors++;
    expect(await signedIn(own[0])).toBe(true);
    // Admin reset: every session of the user ends.
    const admin = (await open("luxian_admin", 1, 2))[0];
    const victims = await open("jiaotiju", 3, 3);
    const jiaotiju = (await t.db.selectFrom("users").select("id").where("username", "=", "jiaotiju").executeTakeFirstOrThrow()).id;
    const reset = await admin.action(`/admin/users/${jiaotiju}`, { intent: "resetPassword", newPassword: "reset by the admin 2024" });
    expect(reset.status).toBe(200);
    let resetSurvivors = 0;
    for (const b of victims) if (await signedIn(b)) resetSurvivors++;
    // Disable: every session ends and the right password no longer signs in; enabling restores it.
    const zong = await open("zonggonghui", 3, 4);
    const zongId = (await t.db.selectFrom("users").select("id").where("username", "=", "zonggonghui").executeTakeFirstOrThrow()).id;
    expect((await admin.action(`/admin/users/${zongId}`, { intent: "disable" })).status).toBe(200);
    let disableSurvivors = 0;
    for (const b of zong) if (await signedIn(b)) disableSurvivors++;
    const refused = await new Browser(server.base, { "X-Forwarded-For": "10.54.9.1" }).login("zonggonghui", DEMO_PASSWORD);
    expect((await admin.action(`/admin/users/${zongId}`, { intent: "enable" })).status).toBe(200);
    const restored = await new Browser(server.base, { "X-Forwarded-For": "10.54.9.2" }).login("zonggonghui", DEMO_PASSWORD);
    figures.add("other sessions surviving a password change", `${ownSurvivors}/4`, { text: "0/4" });
    figures.add("sessions surviving an admin reset", `${resetSurvivors}/3`, { text: "0/3" });
    figures.add("sessions surviving disable", `${disableSurvivors}/3`, { text: "0/3" });
    expect([ownSurvivors, resetSurvivors, disableSurvivors]).toEqual([0, 0, 0]);
    expect(await sessionCount("jiaotiju")).toBe(0);
    expect(refused).toBe(401);
    expect(restored).toBe(302);
  }, 60_000);
});

describe(`login throttling under attack (${TEST_DIALECT})`, () => {
  const ACCOUNTS = 100;
  const ATTEMPTS = 1000;
  /** Attempts in flight at once, as an attacker with a few connections sends them. */
  const CONCURRENCY = Number(process.env.THROTTLE_CONCURRENCY || 16);
  const reachedHash = { oneAddress: 0, spread: 0, spreadAccounts: 20 };

  function loginArgs(username: string, password: string, address: string): ActionFunctionArgs {
    return {
      request: new Request("http://localhost:3000/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost:3000" },
        body: new URLSearchParams({ username, password }).toString(),
      }),
      params: {},
      context: { address },
    } as ActionFunctionArgs;
  }

  async function attack(attempts: Array<{ username: string; address: string }>) {
    let i = 0;
    const statuses: number[] = [];
    const worker = async () => {
      while (i < attempts.length) {
        const a = attempts[i++];
        try {
          await loginAction(loginArgs(a.username, `wrong-password-${i}`, a.address));
        } catch (thrown) {
          if (!(thrown instanceof Response)) throw thrown;
          statuses.push(thrown.status);
          continue;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return statuses;
  }

  const audit = async (action: string, since: number) =>
    Number((await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("action", "=", action).where("seq", ">", since).executeTakeFirstOrThrow()).n);
  const lastSeq = async () => Number((await t.db.selectFrom("audit_head").select("last_seq").executeTakeFirstOrThrow()).last_seq);

  it(`counts the attempts of ${ATTEMPTS} from one address over ${ACCOUNTS} accounts that reach the password hash`, async () => {
    const demo = ["luxian_admin", "luxian_reviewer", "luxian_leader", "jiaotiju", "hejiang_reviewer", "hejiang_staff", "city_leader", "zonggonghui"];
    const names = Array.from({ length: ACCOUNTS }, (_, k) => demo[k] ?? `target_${k}`);
    const seq = await lastSeq();
    hashCalls.n = 0;
    const t0 = Date.now();
    await attack(Array.from({ length: ATTEMPTS }, (_, k) => ({ username: names[k % ACCOUNTS], address: "203.0.113.7" })));
    const ms = Date.now() - t0;
    const reached = hashCalls.n;
    const failures = await audit("login.failure", seq);
    const throttled = await audit("login.throttled", seq);
    figures.add("login attempts from one address (100 accounts)", ATTEMPTS);
    figures.add("attempts per minute achieved", Math.round((ATTEMPTS / ms) * 60_000));
    reachedHash.oneAddress = reached;
    figures.add("attempts that reached the password hash", reached, { atMost: MAX_FAILURES_PER_ADDRESS });
    figures.add("attempts stopped before hashing (audited login.throttled)", throttled);
    figures.note(`throttle: ${MAX_FAILURES_PER_ADDRESS} failures per address / ${MAX_FAILURES_PER_ACCOUNT} per account in ${THROTTLE_WINDOW_MS / 60_000} min; ${CONCURRENCY} concurrent attackers`);
    expect(ms).toBeLessThan(60_000);
    expect(failures + throttled).toBe(ATTEMPTS);
    expect(reached).toBe(failures);
    expect(reached).toBeGreaterThanOrEqual(MAX_FAILURES_PER_ADDRESS);
  }, 120_000);

  it("limits each account when the attempts come from many addresses", async () => {
    const seq = await lastSeq();
    hashCalls.n = 0;
    const accounts = 20;
    const attempts = Array.from({ length: 200 }, (_, k) => ({ username: `spread_${k % accounts}`, address: `198.51.${Math.floor(k / 250)}.${k % 250}` }));
    await attack(attempts);
    const throttled = await audit("login.throttled", seq);
    reachedHash.spread = hashCalls.n;
    figures.add("attempts from 200 addresses over 20 accounts reaching the hash", hashCalls.n, { atMost: accounts * MAX_FAILURES_PER_ACCOUNT });
    expect(throttled).toBeGreaterThan(0);
  }, 120_000);

  // The throttle checks the count, then hashes, then records the failure: every attempt in
  // flight meanwhile passes the same check. The limits must hold however many run at once.
  it("holds the per-address and per-account limits under concurrent attempts", () => {
    expect(reachedHash.oneAddress, `from one address, ${CONCURRENCY} at a time`).toBeLessThanOrEqual(MAX_FAILURES_PER_ADDRESS);
    expect(reachedHash.spread, `per account, ${CONCURRENCY} at a time`).toBeLessThanOrEqual(reachedHash.spreadAccounts * MAX_FAILURES_PER_ACCOUNT);
  });

  it("locks no account for ever: once the window has passed, the right password works", async () => {
    const blocked = await loginAction(loginArgs("luxian_reviewer", DEMO_PASSWORD, "203.0.113.7")).catch((r) => r);
    expect((blocked as { init?: { status?: number } }).init?.status).toBe(429);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + THROTTLE_WINDOW_MS + 60_000);
    let ok = 0;
    const names = ["luxian_admin", "luxian_reviewer", "luxian_leader", "hejiang_reviewer", "city_leader"];
    for (const username of names) {
      const result = await loginAction(loginArgs(username, DEMO_PASSWORD, "203.0.113.7")).catch((r) => r);
      if (result instanceof Response && result.status === 302) ok++;
    }
    vi.useRealTimers();
    figures.add("attacked accounts that log in once the window has passed", `${ok}/${names.length}`, { text: `${names.length}/${names.length}` });
    expect(ok).toBe(names.length);
  }, 60_000);
});
