/**
 * The login decision: throttle first (no argon2 work for a throttled caller), then one
 * answer for a wrong user name and a wrong password alike, every attempt audited.
 */
import type { Kysely } from "kysely";
import { toBool } from "#db/codecs";
import type { Database } from "#db/schema";
import { recordAudit } from "~/models/audit.server";
import { findUserByUsername, grantsOf } from "~/models/users.server";
import { decoyPasswordHash, verifyPassword } from "./password.server";
import { startSession, type AppLucia } from "./session.server";
import { recordLoginSuccess, reserveLoginAttempt } from "./throttle.server";

export const WRONG_CREDENTIALS = "用户名或密码错误";

export type LoginOutcome =
  | { ok: true; userId: string; sessionId: string }
  | { ok: false; message: string; throttled?: boolean };

export async function attemptLogin(
  db: Kysely<Database>,
  lucia: AppLucia,
  input: { username: string; password: string; address: string },
): Promise<LoginOutcome> {
  const username = input.username.trim();
  const throttle = await reserveLoginAttempt(db, username, input.address);
  if (!throttle.allowed) {
    await recordAudit(db, {
      actorUserId: null, actorName: username.slice(0, 100), action: "login.throttled",
      detail: { reason: throttle.reason }, address: input.address,
    });
    const minutes = Math.ceil(throttle.retryAfterSeconds / 60);
    return { ok: false, throttled: true, message: `登录失败次数过多，请${minutes}分钟后再试` };
  }

  const user = await findUserByUsername(db, username);
  const passwordOk = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), input.password);
  const succeeded = !!user && passwordOk && !toBool(user.disabled);
  // The reserved attempt already counts as a failure; only a success changes it.
  if (succeeded) await recordLoginSuccess(db, username, throttle.attemptIds);
  const countyId = user ? (await grantsOf(db, user.id))[0]?.countyId ?? null : null;

  if (!succeeded) {
    await recordAudit(db, {
      actorUserId: user?.id ?? null, actorName: username.slice(0, 100), action: "login.failure",
      entityType: user ? "user" : null, entityId: user?.id ?? null, countyId,
      detail: { reason: !user ? "unknown_user" : !passwordOk ? "wrong_password" : "disabled" }, address: input.address,
    });
    // Only someone who knows the password learns that the account is disabled.
    return { ok: false, message: user && passwordOk ? "该账号已停用，请联系系统管理员" : WRONG_CREDENTIALS };
  }

  const session = await startSession(lucia, user.id);
  await recordAudit(db, {
    actorUserId: user.id, actorName: user.display_name, action: "login.success",
    entityType: "user", entityId: user.id, countyId, address: input.address,
  });
  return { ok: true, userId: user.id, sessionId: session.id };
}
