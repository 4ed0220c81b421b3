import { describe, expect, it } from "vitest";
import { ConfigError, getConfig, parseConfig } from "~/server/config.server";

const MB = 1024 * 1024;

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseConfig", () => {
  it("gives the documented defaults for an empty environment", () => {
    expect(parseConfig({})).toMatchObject({
      databaseUrl: "file:data/app.db",
      nodeEnv: undefined,
      port: 3000,
      host: "0.0.0.0",
      insecureCookies: false,
      trustProxy: false,
      sessionIdleMs: 120 * 60_000,
      sessionAbsoluteMs: 12 * 3_600_000,
      loginMaxFailuresPerAccount: 5,
      loginMaxFailuresPerAddress: 30,
      maxBodyBytes: 20 * MB,
      databasePoolSize: 10,
      demo: false,
      runtimeStats: false,
      allowNonDurable: false,
    });
  });

  it.each([
    ["20", 20 * MB],
    ["1", MB],
    ["0.5", 0.5 * MB],
    [" 7 ", 7 * MB],
    ["\t3\n", 3 * MB],
    ["", 20 * MB],
    ["   ", 20 * MB],
    ["200", 200 * MB],
  ])("MAX_BODY_MB=%j → %i bytes", (value, bytes) => {
    expect(parseConfig({ MAX_BODY_MB: value }).maxBodyBytes).toBe(bytes);
  });

  it.each([
    ["MAX_BODY_MB", "abc"],
    ["MAX_BODY_MB", "-1"],
    ["MAX_BODY_MB", "0"],
    ["MAX_BODY_MB", "1e3"],
    ["MAX_BODY_MB", "20MB"],
    ["MAX_BODY_MB", "NaN"],
    ["MAX_BODY_MB", "Infinity"],
    ["MAX_BODY_MB", "99999999999999999999"],
    ["MAX_BODY_MB", "201"],
    ["MAX_BODY_MB", "0x10"],
    ["MAX_BODY_MB", "2 0"],
    ["PORT", "abc"],
    ["PORT", "-1"],
    ["PORT", "65536"],
    ["PORT", "3000.5"],
    ["PORT", "1e3"],
    ["SESSION_IDLE_MINUTES", "0"],
    ["SESSION_IDLE_MINUTES", "abc"],
    ["SESSION_IDLE_MINUTES", "1.5"],
    ["SESSION_ABSOLUTE_HOURS", "0"],
    ["SESSION_ABSOLUTE_HOURS", "100000"],
    ["LOGIN_MAX_FAILURES_PER_ACCOUNT", "0"],
    ["LOGIN_MAX_FAILURES_PER_ADDRESS", "-5"],
    ["DATABASE_POOL_SIZE", "0"],
    ["DATABASE_POOL_SIZE", "ten"],
    ["DATABASE_URL", "postgres://u@h/db"],
    ["INSECURE_COOKIES", "maybe"],
    ["INSECURE_COOKIES", "2"],
    ["APP_DEMO", "on"],
    ["ALLOW_NON_DURABLE", "sure"],
    ["NODE_ENV", "staging"],
    ["TRUST_PROXY", "everyone"],
    ["TRUST_PROXY", "10.0.0.0/8, evil"],
    ["TRUST_PROXY", "10.0.0.1/abc"],
  ])("%s=%j is refused with the variable's name", (key, value) => {
    const problems = problemsOf({ [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(key);
    expect(problems[0]).toContain(JSON.stringify(value));
  });

  it("names every bad variable at once", () => {
    const problems = problemsOf({ MAX_BODY_MB: "abc", PORT: "x", SESSION_IDLE_MINUTES: "-1" });
    expect(problems.map((p) => p.split("=")[0]).sort()).toEqual(["MAX_BODY_MB", "PORT", "SESSION_IDLE_MINUTES"]);
    expect(() => parseConfig({ MAX_BODY_MB: "abc" })).toThrow(/MAX_BODY_MB="abc"/);
  });

  it.each([
    ["INSECURE_COOKIES", "1", true],
    ["INSECURE_COOKIES", "true", true],
    ["INSECURE_COOKIES", "YES", true],
    ["INSECURE_COOKIES", "0", false],
    ["INSECURE_COOKIES", "false", false],
    ["INSECURE_COOKIES", " no ", false],
  ])("flag %s=%j → %s", (key, value, expected) => {
    expect(parseConfig({ [key]: value }).insecureCookies).toBe(expected);
  });

  it.each([
    ["true", true],
    ["false", false],
    ["1", 1],
    ["2", 2],
    ["loopback", "loopback"],
    ["loopback, 10.0.0.0/8", "loopback, 10.0.0.0/8"],
    ["127.0.0.1,::1", "127.0.0.1,::1"],
    ["10.0.0.0/255.0.0.0", "10.0.0.0/255.0.0.0"],
  ])("TRUST_PROXY=%j → %j (as Express reads it)", (value, expected) => {
    expect(parseConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it("reads the rest", () => {
    const c = parseConfig({
      DATABASE_URL: " mysql://root@127.0.0.1:3306/jx ", PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production",
      SESSION_IDLE_MINUTES: "30", SESSION_ABSOLUTE_HOURS: "8", DATABASE_POOL_SIZE: "4", APP_DEMO: "1", ALLOW_NON_DURABLE: "1",
    });
    expect(c).toMatchObject({
      databaseUrl: "mysql://root@127.0.0.1:3306/jx", port: 0, host: "127.0.0.1", nodeEnv: "production",
      sessionIdleMs: 30 * 60_000, sessionAbsoluteMs: 8 * 3_600_000, databasePoolSize: 4, demo: true, allowNonDurable: true,
    });
  });
});

describe("getConfig", () => {
  it("follows a variable changed after the first read (entry points and tests set some before use)", () => {
    const before = process.env.MAX_BODY_MB;
    try {
      process.env.MAX_BODY_MB = "3";
      expect(getConfig().maxBodyBytes).toBe(3 * MB);
      expect(getConfig()).toBe(getConfig());
      process.env.MAX_BODY_MB = "4";
      expect(getConfig().maxBodyBytes).toBe(4 * MB);
      process.env.MAX_BODY_MB = "abc";
      expect(() => getConfig()).toThrow(ConfigError);
    } finally {
      if (before === undefined) delete process.env.MAX_BODY_MB;
      else process.env.MAX_BODY_MB = before;
    }
  });
});
