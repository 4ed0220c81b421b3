/**
 * Sessions, login and the HTTP layer, as figures (through the real production server as a
 * child process where the protection lives there): the Origin check on every non-GET of every
 * route in the build's manifest, the security headers on every kind of response and the CSP
 * nonce on every inline script, session fixation, logout, idle/absolute expiry and sliding,
 * password change / reset / disable ending sessions, login's redirectTo never leaving the site
 * (a list of known bypasses through the real login); and login throttling under 1,000 attempts
 * from one address over 100 accounts, counting the attempts that reached the password hash
 * (an instrumented verifyPassword, cross-checked with the audit rows) and the audit rows the
 * refused ones cost — never locking an account for ever (the clock moved past the window,
 * login works again), never locking the owner out of a network it has signed in from, however
 * many failures others cause, and never refusing correct logins that arrive at once.
 * Complements test/integration/auth.test.ts and test/e2e/foundation.spec.ts (single cases).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashSessionId, IDLE_TIMEOUT_MS } from "~/auth/session.server";
import { createAccount } from "~/auth/accounts.server";
import { throttleLimits, THROTTLE_WINDOW_MS } from "~/auth/throttle.server";
import { action as loginAction } from "~/routes/login";
import { DEMO_PASSWORD, seedDemo } from "../../../scripts/lib/seed";
import { FigureRecorder, ROOT } from "../../../scripts/lib/reliability/figures";
import { buildManifestRoutes, discoverRouteFiles } from "../../../scripts/lib/reliability/routes";
import { Browser, ensureBuildOnce, startAppServer, type AppServer } from "../../../scripts/lib/reliability/server";
import { businessFingerprint } from "../../../scripts/lib/reliability/tables";
import { REDIRECT_BYPASSES } from "../../fixtures/redirect-bypasses";
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

  it("never sends the browser off-site after login, whatever redirectTo says", async () => {
    const origin = new URL(server.base).origin;
    const browser = new Browser(server.base, { "X-Forwarded-For": "10.55.0.1" });
    const offSite: string[] = [];
    const serverErrors: string[] = [];
    const notSignedIn: string[] = [];
    let tried = 0;
    for (const { name, target } of [...REDIRECT_BYPASSES, { name: "a same-site path", target: "/review?year=2023" }]) {
      tried++;
      // The login page carries redirectTo on in its form: it must render, with a same-site value.
      const page = await browser.get(`/login?redirectTo=${encodeURIComponent(target)}`);
      if (page.status >= 500) serverErrors.push(`GET ${name}: ${page.status}`);
      const carried = /name="redirectTo" value="([^"]*)"/.exec(page.text ?? "")?.[1]?.replace(/&amp;/g, "&") ?? "";
      if (carried && new URL(carried, server.base).origin !== origin) offSite.push(`${name}: form carries ${JSON.stringify(carried)}`);
      // The login itself, with the raw target posted as a crafted form would.
      browser.cookies.clear();
      const res = await browser.postForm("/login", { username: "luxian_reviewer", password: DEMO_PASSWORD, redirectTo: target });
      if (res.status >= 500) serverErrors.push(`POST ${name}: ${res.status}`);
      const location = res.headers.get("location") ?? "";
      if (res.status !== 302) notSignedIn.push(`${name}: status ${res.status}`);
      else if (new URL(location, server.base).origin !== origin || /^\s*[/\\]{2}/.test(location)) offSite.push(`${name}: Location ${JSON.stringify(location)}`);
    }
    figures.add("redirect targets tried (known open-redirect bypasses, through the real login)", tried);
    figures.add("redirect targets tried → off-site", offSite.length, { equals: 0 });
    figures.add("login pages or logins answering 5xx for a hostile redirectTo", serverErrors.length, { equals: 0 });
    expect(offSite).toEqual([]);
    expect(serverErrors).toEqual([]);
    expect(notSignedIn).toEqual([]);
    expect(tried).toBeGreaterThan(60);
  }, 120_000);
});

describe(`login throttling under attack (${TEST_DIALECT})`, () => {
  const ACCOUNTS = 100;
  const ATTEMPTS = 1000;
  /** Attempts in flight at once, as an attacker with a few connections sends them. */
  const CONCURRENCY = Number(process.env.THROTTLE_CONCURRENCY || 16);
  const { accountAddress, account: accountTiers, accountsPerAddress } = throttleLimits();
  const PAIR = accountAddress[0].limit;
  const SPRAY = accountsPerAddress.limit;
  const DAILY = accountTiers[0].limit;
  const reachedHash = { oneAddress: 0, oneAddressAccounts: 0, spread: 0, spreadAccounts: 2 };

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

  /** The status login answers: a thrown redirect (302) or returned data (401, 429). */
  async function loginStatus(username: string, password: string, address: string): Promise<number> {
    try {
      const result = await loginAction(loginArgs(username, password, address));
      return (result as { init?: { status?: number } }).init?.status ?? 200;
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      return thrown.status;
    }
  }

  /** Runs the attempts CONCURRENCY at a time; a wrong password unless one is given. */
  async function attack(attempts: Array<{ username: string; address: string; password?: string }>) {
    let i = 0;
    const statuses: number[] = new Array(attempts.length);
    const worker = async () => {
      while (i < attempts.length) {
        const k = i++;
        const a = attempts[k];
        statuses[k] = await loginStatus(a.username, a.password ?? `wrong-password-${k}`, a.address);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return statuses;
  }
  const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

  const audit = async (action: string, since: number) =>
    Number((await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("action", "=", action).where("seq", ">", since).executeTakeFirstOrThrow()).n);
  const lastSeq = async () => Number((await t.db.selectFrom("audit_head").select("last_seq").executeTakeFirstOrThrow()).last_seq);

  let accountsMade = 0;
  async function newAccount(): Promise<string> {
    const username = `victim_${accountsMade++}`;
    const result = await createAccount(t.db, { username, displayName: username, password: DEMO_PASSWORD, grants: [] }, null, { skipPolicy: true });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return username;
  }

  it(`counts the attempts of ${ATTEMPTS} from one address over ${ACCOUNTS} accounts that reach the password hash`, async () => {
    const demo = ["luxian_admin", "luxian_reviewer", "luxian_leader", "jiaotiju", "hejiang_reviewer", "hejiang_staff", "city_leader", "zonggonghui"];
    const names = Array.from({ length: ACCOUNTS }, (_, k) => demo[k] ?? `target_${k}`);
    const seq = await lastSeq();
    hashCalls.n = 0;
    const t0 = Date.now();
    const statuses = await attack(Array.from({ length: ATTEMPTS }, (_, k) => ({ username: names[k % ACCOUNTS], address: "203.0.113.7" })));
    const ms = Date.now() - t0;
    const reached = hashCalls.n;
    const failures = await audit("login.failure", seq);
    const refused = count(statuses, 429);
    const refusalAuditRows = await audit("login.throttled", seq);
    const accountsReached = Number((await t.db.selectFrom("audit_log").select((eb) => eb.fn.count("actor_name").distinct().as("n")).where("action", "=", "login.failure").where("seq", ">", seq).executeTakeFirstOrThrow()).n);
    figures.add("login attempts from one address (100 accounts)", ATTEMPTS);
    figures.add("attempts per minute achieved", Math.round((ATTEMPTS / ms) * 60_000));
    reachedHash.oneAddress = reached;
    reachedHash.oneAddressAccounts = accountsReached;
    figures.add("attempts that reached the password hash", reached, { atMost: SPRAY * PAIR });
    figures.add("accounts whose password hash was reached from that address", accountsReached, { atMost: SPRAY });
    figures.add("attempts stopped before hashing (429)", refused);
    figures.add(`chained audit rows written for those ${refused} refusals (one summary per key and window)`, refusalAuditRows, { atMost: 5 });
    figures.note(`throttle: ${PAIR} failures per (account, network) in ${THROTTLE_WINDOW_MS / 60_000} min, then progressive; ${SPRAY} distinct accounts per network in ${THROTTLE_WINDOW_MS / 60_000} min; ${DAILY} per account a day from unknown networks; ${CONCURRENCY} concurrent attackers`);
    expect(ms).toBeLessThan(60_000);
    expect(failures + refused).toBe(ATTEMPTS);
    expect(count(statuses, 401)).toBe(failures);
    expect(reached).toBe(failures);
    expect(accountsReached).toBe(SPRAY);
    expect(refusalAuditRows).toBeLessThanOrEqual(5);
  }, 120_000);

  it("limits each account when the attempts come from many addresses", async () => {
    const seq = await lastSeq();
    hashCalls.n = 0;
    const accounts = reachedHash.spreadAccounts;
    const perAccount = DAILY + 50;
    const attempts = Array.from({ length: accounts * perAccount }, (_, k) => ({ username: `spread_${k % accounts}`, address: `198.51.${Math.floor(k / 250)}.${k % 250}` }));
    const statuses = await attack(attempts);
    reachedHash.spread = hashCalls.n;
    figures.add(`attempts from ${attempts.length} addresses on ${accounts} accounts reaching the hash`, hashCalls.n, { atMost: accounts * DAILY });
    expect(count(statuses, 429)).toBeGreaterThan(0);
    expect(await audit("login.throttled", seq)).toBeLessThanOrEqual(2 * accounts);
  }, 120_000);

  // The throttle reserves an attempt's rows before it checks: every attempt in flight counts
  // against the others. The limits must hold however many run at once.
  it("holds the per-network and per-account limits under concurrent attempts", () => {
    expect(reachedHash.oneAddress, `from one address, ${CONCURRENCY} at a time`).toBeLessThanOrEqual(SPRAY * PAIR);
    expect(reachedHash.oneAddressAccounts, `accounts from one address, ${CONCURRENCY} at a time`).toBeLessThanOrEqual(SPRAY);
    expect(reachedHash.spread, `per account, ${CONCURRENCY} at a time`).toBeLessThanOrEqual(reachedHash.spreadAccounts * DAILY);
  });

  it("never refuses correct logins that arrive at the same moment", async () => {
    const user = await newAccount();
    const burst = 20;
    const sameNetwork = await Promise.all(Array.from({ length: burst }, () => loginStatus(user, DEMO_PASSWORD, "192.0.2.50")));
    const manyNetworks = await Promise.all(Array.from({ length: burst }, (_, i) => loginStatus(user, DEMO_PASSWORD, `192.0.2.${100 + i}`)));
    const refused = [...sameNetwork, ...manyNetworks].filter((s) => s !== 302).length;
    figures.add(`correct simultaneous logins refused (${burst} from one address, ${burst} from ${burst})`, refused, { equals: 0 });
    expect(refused).toBe(0);
  }, 60_000);

  it("never locks the owner out of a network it has signed in from, however many failures others cause", async () => {
    const victim = await newAccount();
    const home = "192.0.2.77";
    expect(await loginStatus(victim, DEMO_PASSWORD, home)).toBe(302);
    // 1000 failures from one other address, then 1000 from 1000 addresses (a botnet); the
    // owner signs in from home every 50th attempt, in the middle of it.
    const withOwner = (attacker: (k: number) => string) =>
      Array.from({ length: ATTEMPTS }, (_, k) => (k % 50 === 25 ? { username: victim, address: home, password: DEMO_PASSWORD } : { username: victim, address: attacker(k) }));
    hashCalls.n = 0;
    const oneAddress = await attack(withOwner(() => "203.0.113.99"));
    const botnet = await attack(withOwner((k) => `100.64.${Math.floor(k / 250)}.${k % 250}`));
    const reachedDuringAttack = hashCalls.n;
    const ownerTries = [...oneAddress, ...botnet].filter((_, k) => k % ATTEMPTS % 50 === 25);
    const othersReached = reachedDuringAttack - ownerTries.length;
    const lockouts = ownerTries.filter((s) => s !== 302).length;
    const attackerRefused = count(oneAddress, 429) + count(botnet, 429);
    // The throttle's own count of those failures: if the hash count ever disagrees, this says whether the limit or the counting slipped.
    const storedFailures = Number((await t.db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n")).where("throttle_key", "=", `account:${victim}`).where("succeeded", "=", 0).executeTakeFirstOrThrow()).n);
    // Once the account-wide limit is full, a network the owner never used is refused.
    const stranger = await loginStatus(victim, DEMO_PASSWORD, "100.65.0.1");
    const afterwards = await loginStatus(victim, DEMO_PASSWORD, home);
    figures.add("lockout of a correct password by another's failures (2 × 1000 attempts on one account, from one address then from 1000; owner from its known address)", lockouts, { equals: 0 });
    figures.add("failures by others on that account that reached the hash (a day's limit)", othersReached, { atMost: DAILY });
    figures.note(`owner signed in ${ownerTries.length - lockouts}/${ownerTries.length} times during the attack; ${attackerRefused} attacker attempts refused before hashing; ${storedFailures} failures stored for the account; a new network during it: ${stranger}`);
    expect(lockouts).toBe(0);
    expect(afterwards).toBe(302);
    expect(stranger).toBe(429);
    expect(othersReached).toBeLessThanOrEqual(DAILY);
  }, 180_000);

  it("locks no account for ever: once the window has passed, the right password works", async () => {
    expect(await loginStatus("luxian_reviewer", DEMO_PASSWORD, "203.0.113.7")).toBe(429);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + THROTTLE_WINDOW_MS + 60_000);
    let ok = 0;
    const names = ["luxian_admin", "luxian_reviewer", "luxian_leader", "hejiang_reviewer", "city_leader"];
    for (const username of names) if ((await loginStatus(username, DEMO_PASSWORD, "203.0.113.7")) === 302) ok++;
    vi.useRealTimers();
    figures.add("attacked accounts that log in once the window has passed", `${ok}/${names.length}`, { text: `${names.length}/${names.length}` });
    expect(ok).toBe(names.length);
  }, 60_000);
});
