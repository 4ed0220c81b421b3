import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { z } from "zod";
import { changePassword } from "~/auth/accounts.server";
import { clientAddress, requireAuthenticated } from "~/auth/guard.server";
import { passwordProblem, verifyPassword } from "~/auth/password.server";
import { hashSessionId } from "~/auth/session.server";
import { recordAttemptFailure, recordAttemptSuccess, rememberNetwork, reserveReauthAttempt, retryAfterText, THROTTLE_WINDOW_MS } from "~/auth/throttle.server";
import { Field, FormError } from "~/components/Field";
import { parseForm } from "~/domain/forms";
import { recordThrottledAttempt } from "~/models/audit.server";
import { findUserByUsername } from "~/models/users.server";
import { db } from "~/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAuthenticated(request, context);
  return null;
}

const schema = z
  .object({
    currentPassword: z.string().min(1, "请输入当前密码").max(256),
    newPassword: z.string().max(256, "密码不能超过256个字符"),
    confirmPassword: z.string().max(256),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { message: "两次输入的新密码不一致", path: ["confirmPassword"] });

export async function action({ request, context }: ActionFunctionArgs) {
  const { viewer, sessionId } = await requireAuthenticated(request, context);
  const form = parseForm(schema, await request.formData());
  if (!form.ok) return data({ errors: form.errors, done: false }, { status: 400 });
  // A new password the policy refuses needs no check of the current one (nor a throttle slot).
  const problem = passwordProblem(form.value.newPassword, viewer.username);
  if (problem) return data({ errors: { newPassword: problem } as Record<string, string>, done: false }, { status: 400 });
  // Whoever holds a session must not get unlimited guesses at the password behind it.
  const throttle = await reserveReauthAttempt(db(), viewer.userId);
  if (!throttle.allowed) {
    await recordThrottledAttempt(db(), { key: throttle.key, reason: throttle.reason, actorUserId: viewer.userId, actorName: viewer.displayName, address: clientAddress(context), windowMs: THROTTLE_WINDOW_MS });
    return data({ errors: { currentPassword: `当前密码错误次数过多，请${retryAfterText(throttle.retryAfterSeconds)}后再试` } as Record<string, string>, done: false }, { status: 429 });
  }
  const user = await findUserByUsername(db(), viewer.username);
  if (!user || !(await verifyPassword(user.password_hash, form.value.currentPassword))) {
    await recordAttemptFailure(db(), throttle.reservation);
    return data({ errors: { currentPassword: "当前密码不正确" } as Record<string, string>, done: false }, { status: 400 });
  }
  await recordAttemptSuccess(db(), throttle.reservation);
  const result = await changePassword(
    db(),
    { userId: viewer.userId, username: viewer.username, password: form.value.newPassword, countyId: viewer.grants[0]?.countyId ?? null, keepSessionHash: hashSessionId(sessionId) },
    { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) },
  );
  if (!result.ok) return data({ errors: result.errors, done: false }, { status: 400 });
  // The password was proven here, and setting it forgets the user's known networks: keep this one.
  await rememberNetwork(db(), viewer.userId, clientAddress(context));
  return { errors: {} as Record<string, string>, done: true };
}

export default function Account() {
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  return (
    <div className="card" style={{ maxWidth: 480 }}>
      <h1>修改密码</h1>
      {result?.done ? <div className="success" role="status">密码已修改；您在其他设备上的登录已全部退出。</div> : null}
      <FormError message={errors._form} />
      <Form method="post" noValidate>
        <Field label="当前密码" name="currentPassword" type="password" autoComplete="current-password" error={errors.currentPassword} />
        <Field label="新密码" name="newPassword" type="password" autoComplete="new-password" error={errors.newPassword} hint="至少12个字符；不要求特殊字符，但常见密码会被拒绝" />
        <Field label="再次输入新密码" name="confirmPassword" type="password" autoComplete="new-password" error={errors.confirmPassword} />
        <button type="submit">修改密码</button>
      </Form>
    </div>
  );
}
