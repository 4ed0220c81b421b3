/**
 * Every setting the server reads from its environment, parsed with zod. A typo must stop
 * the server with a message naming the variable, never quietly turn a protection off
 * (`Number("abc")` is NaN, and `x > NaN` is always false).
 *
 * An empty variable counts as unset, as `VAR= npm start` means "no value" to a shell user.
 * The helpers and the database's settings live in db/env.ts (db/ cannot import app/).
 */
import { isIP } from "node:net";
import { z } from "zod";
import { ConfigError, databaseEnv, envDecimal, envFlag, envInteger, parseEnv } from "#db/env";

export { ConfigError };

/** Express `trust proxy`: true/false, a hop count, or addresses, subnets and loopback/linklocal/uniquelocal. */
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): boolean | number | string => {
    const lower = v.toLowerCase();
    if (lower === "true" || lower === "false") return lower === "true";
    if (/^\d+$/.test(v)) return Number(v);
    const bad = v.split(",").map((s) => s.trim()).filter((entry) => {
      if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return false;
      const [address, prefix, ...rest] = entry.split("/");
      if (rest.length || !isIP(address)) return true;
      return prefix !== undefined && !/^\d{1,3}$/.test(prefix) && !isIP(prefix);
    });
    if (bad.length) {
      ctx.addIssue({ code: "custom", message: `无法识别 ${bad.join("、")}：应为 true、跳数（如 1）或以逗号分隔的地址/网段（如 loopback, 10.0.0.0/8）` });
      return z.NEVER;
    }
    return v;
  });

const schema = {
  ...databaseEnv,
  NODE_ENV: z.enum(["production", "development", "test"]).optional(),
  // 0 = any free port (the benchmark's server).
  PORT: envInteger(0, 65535).default(3000),
  HOST: z.string().trim().default("0.0.0.0"),
  INSECURE_COOKIES: envFlag.default(false),
  TRUST_PROXY: trustProxy.default(false),
  SESSION_IDLE_MINUTES: envInteger(1, 7 * 24 * 60).default(120),
  SESSION_ABSOLUTE_HOURS: envInteger(1, 24 * 30).default(12),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: envInteger(1, 1000).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: envInteger(1, 100_000).default(30),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_DAY: envInteger(1, 100_000).default(100),
  MAX_BODY_MB: envDecimal(0.1, 200).default(20),
  APP_DEMO: envFlag.default(false),
  RUNTIME_STATS: envFlag.default(false),
  ALLOW_NON_DURABLE: envFlag.default(false),
};

export type ConfigInput = { [K in keyof typeof schema]?: string };

export interface Config {
  databaseUrl: string;
  nodeEnv: "production" | "development" | "test" | undefined;
  port: number;
  host: string;
  insecureCookies: boolean;
  trustProxy: boolean | number | string;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  /** Failed logins per account in 24 hours from networks it has not signed in from (throttle.server.ts). */
  loginMaxFailuresPerAccountDaily: number;
  maxBodyBytes: number;
  databasePoolSize: number;
  demo: boolean;
  /** /healthz?stats answers event-loop stalls and peak memory (tests, benchmarks). */
  runtimeStats: boolean;
  /** Start even when the database's settings do not make commits durable (db/durability.ts), with a warning. */
  allowNonDurable: boolean;
}

/** Parses an environment; throws ConfigError naming every bad variable at once. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const v = parseEnv(schema, env);
  return {
    databaseUrl: v.DATABASE_URL,
    nodeEnv: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    insecureCookies: v.INSECURE_COOKIES,
    trustProxy: v.TRUST_PROXY,
    sessionIdleMs: v.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: v.SESSION_ABSOLUTE_HOURS * 3_600_000,
    loginMaxFailuresPerAccount: v.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginMaxFailuresPerAddress: v.LOGIN_MAX_FAILURES_PER_ADDRESS,
    loginMaxFailuresPerAccountDaily: v.LOGIN_MAX_FAILURES_PER_ACCOUNT_DAY,
    maxBodyBytes: Math.round(v.MAX_BODY_MB * 1024 * 1024),
    databasePoolSize: v.DATABASE_POOL_SIZE,
    demo: v.APP_DEMO,
    runtimeStats: v.RUNTIME_STATS,
    allowNonDurable: v.ALLOW_NON_DURABLE,
  };
}

const KEYS = Object.keys(schema);
let current: { key: string; config: Config } | undefined;

/**
 * The process's configuration, parsed on first use. Entry points (serve, demo, e2e server)
 * call configOrExit() before anything else, so a bad value stops the process at start-up.
 * It is parsed again only if one of its variables has changed since: entry points and test
 * files set some (APP_DEMO, DATABASE_URL) before use, and a copy cached earlier by some import
 * would otherwise keep the old value without a word.
 */
export function getConfig(): Config {
  const key = KEYS.map((k) => process.env[k] ?? "").join("\u0000");
  if (current?.key !== key) current = { key, config: parseConfig(process.env) };
  return current.config;
}

/** Entry points: parse the configuration or exit with the message (no stack trace), code 78 (EX_CONFIG). */
export function configOrExit(): Config {
  try {
    return getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}
