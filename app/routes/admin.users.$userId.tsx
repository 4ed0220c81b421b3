import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { changePassword } from "~/auth/accounts.server";
import { clientAddress, notFound, requireViewerFor } from "~/auth/guard.server";
import { Field, FormError } from "~/components/Field";
import { parseForm } from "~/domain/forms";
import { ROLE_LABELS, scopeOf } from "~/domain/permissions";
import { findUnitInCounties } from "~/models/units.server";
import { findManagedUser, setUserDisabled } from "~/models/users.server";
import { db } from "~/services.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "county.administer");
  const user = await findManagedUser(db(), scopeOf(viewer), params.userId ?? "");
  if (!user) return notFound(request, context, viewer, `user:${params.userId}`);
  return {
    user: {
      id: user.id, username: user.username, displayName: user.display_name, disabled: user.disabled,
      roles: await Promise.all(user.grants.map(async (g) => {
        const unit = g.unitId ? await findUnitInCounties(db(), [g.countyId], g.unitId) : null;
        return unit ? `${ROLE_LABELS[g.role]}（${unit.name}）` : ROLE_LABELS[g.role];
      })),
    },
    self: user.id === viewer.userId,
  };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("disable") }),
  z.object({ intent: z.literal("enable") }),
  z.object({ intent: z.literal("resetPassword"), newPassword: z.string().max(256, "密码不能超过256个字符") }),
]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "county.administer");
  const user = await findManagedUser(db(), scopeOf(viewer), params.userId ?? "");
  if (!user) return notFound(request, context, viewer, `user:${params.userId}`);
  const form = parseForm(actionSchema, await request.formData());
  if (!form.ok) return data({ errors: form.errors, done: null as string | null }, { status: 400 });
  const actor = { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) };
  const countyId = user.grants[0].countyId;
  switch (form.value.intent) {
    case "disable":
      if (user.id === viewer.userId) return data({ errors: { _form: "不能停用自己的账号" }, done: null }, { status: 400 });
      await db().transaction().execute((trx) => setUserDisabled(trx, user.id, true, actor, countyId));
      return { errors: {}, done: "账号已停用，其所有登录会话已结束。" };
    case "enable":
      await db().transaction().execute((trx) => setUserDisabled(trx, user.id, false, actor, countyId));
      return { errors: {}, done: "账号已启用。" };
    case "resetPassword": {
      const result = await changePassword(db(), { userId: user.id, username: user.username, password: form.value.newPassword, countyId }, actor);
      if (!result.ok) return data({ errors: result.errors, done: null }, { status: 400 });
      return { errors: {}, done: "密码已重置，该用户的所有登录会话已结束。" };
    }
  }
}

export default function ManageUser() {
  const { user, self } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  return (
    <>
      <p><Link to="/admin">← 返回单位与用户</Link></p>
      <div className="card">
        <h1>{user.displayName}（{user.username}）</h1>
        <p>角色：{user.roles.join("、")}　状态：{user.disabled ? <span className="tag disabled">已停用</span> : <span className="tag">正常</span>}</p>
        {result?.done ? <div className="success" role="status">{result.done}</div> : null}
        <FormError message={errors._form} />
        {!self ? (
          <Form method="post">
            <input type="hidden" name="intent" value={user.disabled ? "enable" : "disable"} />
            <button type="submit" className={user.disabled ? "" : "danger"}>{user.disabled ? "启用账号" : "停用账号"}</button>
          </Form>
        ) : null}
      </div>
      <div className="card">
        <h2>重置密码</h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="resetPassword" />
          <Field label="新密码" name="newPassword" type="password" autoComplete="new-password" error={errors.newPassword} hint="至少12个字符" maxLength={256} />
          <button type="submit">重置密码</button>
        </Form>
      </div>
    </>
  );
}
