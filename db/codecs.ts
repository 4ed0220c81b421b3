/**
 * The one place where database values are converted. Both dialects store timestamps as
 * BIGINT epoch milliseconds, booleans as 0/1, JSON as text and money as integer 分; the
 * drivers differ in how they hand BIGINTs back (numbers, or strings from mysql2 sums).
 */
import { randomBytes } from "node:crypto";

/** BIGINT / SUM / COUNT from either driver → number (safe for ms and 分 sums below 2^53). */
export function toNumber(value: number | string | bigint | null | undefined): number {
  if (value == null) return 0;
  return typeof value === "number" ? value : Number(value);
}

/** BIGINT 分 → bigint, exact even past 2^53. */
export function toBigInt(value: number | string | bigint | null | undefined): bigint {
  if (value == null) return 0n;
  return typeof value === "bigint" ? value : BigInt(typeof value === "number" ? Math.round(value) : value);
}

export const toBool = (value: number | string | boolean | null | undefined) => value === 1 || value === "1" || value === true;

export function toJson<T>(value: T): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === "") return fallback;
  return JSON.parse(text) as T;
}

/**
 * App-generated ids, time-ordered (so inserts append to the primary-key index) and
 * unguessable: 9 base-36 time characters + 16 random ones.
 */
export function newId(): string {
  const time = Date.now().toString(36).padStart(9, "0");
  const bytes = randomBytes(10);
  let random = "";
  for (const byte of bytes) random += (byte % 36).toString(36);
  return time + random + randomBytes(3).toString("hex").slice(0, 6);
}

export const now = () => Date.now();
