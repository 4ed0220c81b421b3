/**
 * Environment variables parsed with zod: the helpers every setting is built from and the
 * database's own two settings. app/server/config.server.ts composes the whole configuration
 * from these; they live in db/ because db/ never imports app/ and getDb() needs its settings
 * when it opens the process-wide database.
 *
 * An empty (or blank) variable counts as unset, as `VAR= npm start` means "no value" to a
 * shell user.
 */
import { z } from "zod";

export const DEFAULT_DATABASE_URL = "file:data/app.db";
export const DEFAULT_POOL_SIZE = 10;

export const envInteger = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "必须是整数")
    .transform(Number)
    .pipe(z.number().int().min(min, `不能小于 ${min}`).max(max, `不能大于 ${max}`));

export const envDecimal = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, "必须是数字")
    .transform(Number)
    .pipe(z.number().min(min, `不能小于 ${min}`).max(max, `不能大于 ${max}`));

export const envFlag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["1", "0", "true", "false", "yes", "no"].includes(v), "只能是 1 或 0")
  .transform((v) => v === "1" || v === "true" || v === "yes");

/** The URLs dialectOf() (db/client.ts) accepts. */
export const isSupportedDatabaseUrl = (url: string) => /^(file:|mysql:\/\/|mariadb:\/\/)/.test(url) || !url.includes("://");

export const databaseEnv = {
  DATABASE_URL: z.string().trim().refine(isSupportedDatabaseUrl, "只支持 file:路径 或 mysql://用户:密码@主机:端口/库名").default(DEFAULT_DATABASE_URL),
  DATABASE_POOL_SIZE: envInteger(1, 1000).default(DEFAULT_POOL_SIZE),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置错误（环境变量）/ Invalid configuration (environment variables):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** The schema's variables present in `env` (blank = unset), parsed; ConfigError names every bad one at once. */
export function parseEnv<Shape extends z.ZodRawShape>(shape: Shape, env: Record<string, string | undefined>): z.output<z.ZodObject<Shape>> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") present[key] = value;
  }
  const parsed = z.object(shape).safeParse(present);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => {
    const key = String(issue.path[0]);
    return `${key}=${JSON.stringify(present[key] ?? "")}：${issue.message}`;
  }));
}

export interface DatabaseSettings {
  url: string;
  poolSize: number;
}

/** DATABASE_URL and DATABASE_POOL_SIZE, read when a database is opened without explicit settings. */
export function databaseSettings(env: Record<string, string | undefined> = process.env): DatabaseSettings {
  const v = parseEnv(databaseEnv, env);
  return { url: v.DATABASE_URL, poolSize: v.DATABASE_POOL_SIZE };
}

/** DATABASE_POOL_SIZE alone, for a database opened by explicit URL. */
export function databasePoolSize(env: Record<string, string | undefined> = process.env): number {
  return parseEnv({ DATABASE_POOL_SIZE: databaseEnv.DATABASE_POOL_SIZE }, env).DATABASE_POOL_SIZE;
}
