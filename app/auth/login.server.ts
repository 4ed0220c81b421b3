/**
 * The login decision: throttle first (no argon2 work for a throttled caller), then one
 * answer for a wrong user name and a wrong password alike. Every attempt that reaches the
 * hash is audited; refused ones are counted in summaries (one audit row per key and window).
 */
import type { Kysely } from "kysely";
import { toBool } from "#db/codecs";
import type { Database } from "#db/schema";
import { recordAudit, recordThrottledAttempt } from "~/models/audit.server";
import { findUserByUsername, grantsOf } from "~/models/users.server";
import { decoyPasswordHash, verifyPassword } from "./password.server";
import { startSession, type AppLucia } from "./session.server";
import { pruneLoginAttempts, recordAttemptFailure, recordAttemptSuccess, rememberNetwork, reserveLoginAttempt, retryAfterText, THROTTLE_WINDOW_MS } from "./throttle.server";

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
  await pruneLoginAttempts(db);
  const throttle = await reserveLoginAttempt(db, username, input.address);
  if (!throttle.allowed) {
    await recordThrottledAttempt(db, { key: throttle.key, reason: throttle.reason, actorName: username.slice(0, 100), address: input.address, windowMs: THROTTLE_WINDOW_MS });
    return { ok: false, throttled: true, message: `登录失败次数过多，请${retryAfterText(throttle.retryAfterSeconds)}后再试` };
  }

  const user = await findUserByUsername(db, username);
  const passwordOk = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), input.password);
  const succeeded = !!user && passwordOk && !toBool(user.disabled);
  if (succeeded) {
    await recordAttemptSuccess(db, throttle.reservation);
    await rememberNetwork(db, user.id, input.address);
  } else {
    await recordAttemptFailure(db, throttle.reservation);
  }
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
