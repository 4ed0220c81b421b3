/**
 * Password hashing (argon2id, OWASP parameters) and the password policy: at least 12
 * characters, no composition rules, common passwords refused.
 */
import { hash, verify } from "@node-rs/argon2";

const ARGON2ID = 2; // @node-rs/argon2 Algorithm.Argon2id (a const enum, so not importable at runtime)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// The most common passwords of 12+ characters in public breach lists, and local favourites.
const COMMON = new Set([
  "123456789012", "1234567890123", "12345678901234", "123456789123", "qwertyuiopas", "qwertyuiop123",
  "password1234", "password12345", "password123456", "passwordpassword", "iloveyou1234", "111111111111",
  "000000000000", "123123123123", "abc123456789", "aaaaaaaaaaaa", "1q2w3e4r5t6y", "qwerty123456",
  "administrator", "admin1234567", "admin123456789", "welcome12345", "letmein12345", "woaini123456",
  "woaini1314520", "5201314520131", "1qaz2wsx3edc", "zaq12wsxcde3", "abcdefghijkl", "abcd12345678",
  "changeme1234", "p@ssw0rd1234", "passw0rd1234", "huawei123456", "88888888888888", "666666666666",
]);

export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少需要${MIN_PASSWORD_LENGTH}个字符`;
  if (password.length > MAX_PASSWORD_LENGTH) return `密码不能超过${MAX_PASSWORD_LENGTH}个字符`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return "该密码过于常见，请换一个";
  if (username && lower.includes(username.toLowerCase()) && username.length >= 3) return "密码不能包含用户名";
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A real hash of nothing, verified when the user does not exist so both paths cost the same. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword("decoy-password-for-timing");
  return decoyHash;
}
