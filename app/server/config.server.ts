/**
 * Every setting the server reads from its environment, parsed once with zod. A typo must stop
 * the server with a message naming the variable, never quietly turn a protection off
 * (`Number("abc")` is NaN, and `x > NaN` is always false).
 *
 * An empty variable counts as unset, as `VAR= npm start` means "no value" to a shell user.
 */
import { z } from "zod";

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "必须是整数")
    .transform(Number)
    .pipe(z.number().int().min(min, `不能小于 ${min}`).max(max, `不能大于 ${max}`));

const decimal = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, "必须是数字")
    .transform(Number)
    .pipe(z.number().min(min, `不能小于 ${min}`).max(max, `不能大于 ${max}`));

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["1", "0", "true", "false", "yes", "no"].includes(v), "只能是 1 或 0")
  .transform((v) => v === "1" || v === "true" || v === "yes");

const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => /^(file:|mysql:\/\/|mariadb:\/\/)/.test(v) || !v.includes("://"), "只支持 file:路径 或 mysql://用户:密码@主机:端口/库名")
    .default("file:data/app.db"),
  NODE_ENV: z.enum(["production", "development", "test"]).optional(),
  PORT: integer(1, 65535).default(3000),
  HOST: z.string().trim().default("0.0.0.0"),
  INSECURE_COOKIES: flag.default(false),
  TRUST_PROXY: z.string().trim().optional(),
  SESSION_IDLE_MINUTES: integer(1, 7 * 24 * 60).default(120),
  SESSION_ABSOLUTE_HOURS: integer(1, 24 * 30).default(12),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: integer(1, 1000).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: integer(1, 100_000).default(30),
  MAX_BODY_MB: decimal(0.1, 200).default(20),
  DATABASE_POOL_SIZE: integer(1, 1000).default(10),
  APP_DEMO: flag.default(false),
});

export type ConfigInput = z.input<typeof schema>;

export interface Config {
  databaseUrl: string;
  nodeEnv: "production" | "development" | "test" | undefined;
  port: number;
  host: string;
  insecureCookies: boolean;
  trustProxy: string | undefined;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  maxBodyBytes: number;
  databasePoolSize: number;
  demo: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置错误（环境变量）：\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment; throws ConfigError naming every bad variable at once. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.keys(schema.shape).flatMap((key) => (env[key] === undefined || env[key]!.trim() === "" ? [] : [[key, env[key]]])));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${String(issue.path[0])}=${JSON.stringify(present[issue.path[0] as string] ?? "")}：${issue.message}`));
  }
  const v = parsed.data;
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
    maxBodyBytes: Math.round(v.MAX_BODY_MB * 1024 * 1024),
    databasePoolSize: v.DATABASE_POOL_SIZE,
    demo: v.APP_DEMO,
  };
}

let current: Config | undefined;

/**
 * The process's configuration, parsed on first use. Entry points (serve, demo, e2e server)
 * call it before anything else, so a bad value stops the process at start-up.
 */
export function getConfig(): Config {
  current ??= parseConfig(process.env);
  return current;
}

/** Entry points: parse the configuration or exit with the message (no stack trace). */
export function configOrExit(): Config {
  try {
    return getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
