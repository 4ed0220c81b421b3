import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { createAccount } from "~/auth/accounts.server";
import { clientAddress, notFound, requireViewerFor } from "~/auth/guard.server";
import { Field, FormError } from "~/components/Field";
import { parseForm } from "~/domain/forms";
import { can, ROLE_LABELS, type Role } from "~/domain/permissions";
import { findUnitInCounties, listCounties, listUnits } from "~/models/units.server";
import { countyIdsFor } from "~/models/scope.server";
import { db } from "~/services.server";

const userSchema = z.object({
  username: z.string().trim().min(3, "用户名至少3个字符").max(64, "用户名不能超过64个字符"),
  displayName: z.string().trim().min(1, "请输入姓名").max(100, "姓名不能超过100个字"),
  role: z.enum(["staff", "reviewer", "leader", "admin"], { message: "请选择角色" }),
  countyId: z.string().min(1, "请选择县区"),
  unitId: z.string().optional(),
  password: z.string().max(256, "密码不能超过256个字符"),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "county.administer");
  const countyIds = countyIdsFor(viewer, "county.administer");
  const [counties, units] = await Promise.all([listCounties(db(), countyIds), listUnits(db(), countyIds)]);
  return {
    counties: counties.map((c) => ({ id: c.id, name: c.name })),
    units: units.map((u) => ({ id: u.id, name: u.name, countyId: u.countyId })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "county.administer");
  const form = parseForm(userSchema, await request.formData());
  if (!form.ok) return data({ errors: form.errors, fields: form.fields }, { status: 400 });
  const input = form.value;
  if (!can(viewer, "county.administer", { countyId: input.countyId })) return notFound(request, context, viewer, `county:${input.countyId}`, "未找到该县区");
  let unitId: string | null = null;
  if (input.role === "staff") {
    if (!input.unitId) return data({ errors: { unitId: "单位填报人员必须选择所属单位" }, fields: form.fields }, { status: 400 });
    const unit = await findUnitInCounties(db(), [input.countyId], input.unitId);
    if (!unit) return data({ errors: { unitId: "所选单位不存在或不属于该县区" }, fields: form.fields }, { status: 400 });
    unitId = unit.id;
  }
  const result = await createAccount(
    db(),
    { username: input.username, displayName: input.displayName, password: input.password, grants: [{ role: input.role as Role, countyId: input.countyId, unitId }] },
    { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) },
  );
  if (!result.ok) return data({ errors: result.errors, fields: form.fields }, { status: 400 });
  throw redirect(`/admin/users/${result.userId}`);
}

export default function NewUser() {
  const { counties, units } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const fields = result?.fields ?? {};
  const errors: Record<string, string> = result?.errors ?? {};
  return (
    <div className="card">
      <h1>新建用户</h1>
      <FormError message={errors._form} />
      <Form method="post" noValidate>
        <Field label="用户名（登录用）" name="username" defaultValue={fields.username} error={errors.username} autoComplete="off" maxLength={64} />
        <Field label="姓名" name="displayName" defaultValue={fields.displayName} error={errors.displayName} maxLength={100} />
        <div className="field">
          <label htmlFor="f-role">角色</label>
          <select id="f-role" name="role" defaultValue={fields.role ?? "staff"}>
            {(Object.keys(ROLE_LABELS) as Role[]).map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </select>
          {errors.role ? <span className="field-error">{errors.role}</span> : null}
        </div>
        <div className="field">
          <label htmlFor="f-countyId">县区</label>
          <select id="f-countyId" name="countyId" defaultValue={fields.countyId ?? counties[0]?.id}>
            {counties.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
          {errors.countyId ? <span className="field-error">{errors.countyId}</span> : null}
        </div>
        <div className="field">
          <label htmlFor="f-unitId">所属单位（仅单位填报人员）</label>
          <select id="f-unitId" name="unitId" defaultValue={fields.unitId ?? ""} aria-invalid={errors.unitId ? true : undefined}>
            <option value="">（不适用）</option>
            {units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
          {errors.unitId ? <span className="field-error" role="alert">{errors.unitId}</span> : null}
        </div>
        <Field label="初始密码" name="password" type="password" autoComplete="new-password" error={errors.password} hint="至少12个字符；常见密码会被拒绝" maxLength={256} />
        <button type="submit">创建用户</button>
      </Form>
    </div>
  );
}
