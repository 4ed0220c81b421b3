/** Account changes that need a password hash: used by the admin pages, create-admin and the demo seed. */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { MembershipGrant } from "~/domain/permissions";
import { findUserByUsername, insertUser, setUserPassword, type Actor } from "~/models/users.server";
import { hashPassword, passwordProblem } from "./password.server";

export type AccountResult = { ok: true; userId: string } | { ok: false; errors: Record<string, string> };

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;

export async function createAccount(
  db: Kysely<Database>,
  input: { username: string; displayName: string; password: string; grants: MembershipGrant[] },
  actor: Actor | null,
  options: { skipPolicy?: boolean } = {},
): Promise<AccountResult> {
  const errors: Record<string, string> = {};
  if (!USERNAME_PATTERN.test(input.username)) errors.username = "用户名为3–64位字母、数字、下划线、点或短横线";
  const problem = options.skipPolicy ? null : passwordProblem(input.password, input.username);
  if (problem) errors.password = problem;
  if (!errors.username && (await findUserByUsername(db, input.username))) errors.username = "该用户名已被使用";
  if (Object.keys(errors).length) return { ok: false, errors };
  const passwordHash = await hashPassword(input.password);
  const userId = await db.transaction().execute((trx) =>
    insertUser(trx, { username: input.username, displayName: input.displayName, passwordHash, grants: input.grants }, actor),
  );
  return { ok: true, userId };
}

export async function changePassword(
  db: Kysely<Database>,
  input: { userId: string; username: string; password: string; countyId: string | null; keepSessionHash?: string },
  actor: Actor,
): Promise<AccountResult> {
  const problem = passwordProblem(input.password, input.username);
  if (problem) return { ok: false, errors: { newPassword: problem } };
  const passwordHash = await hashPassword(input.password);
  await db.transaction().execute((trx) => setUserPassword(trx, input.userId, passwordHash, actor, input.countyId, input.keepSessionHash));
  return { ok: true, userId: input.userId };
}
