import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { clientAddress, notFound, requireViewerFor } from "~/auth/guard.server";
import { Field, FormError } from "~/components/Field";
import { parseForm } from "~/domain/forms";
import { can } from "~/domain/permissions";
import { UNIT_KINDS } from "~/domain/units";
import { findUnitInCounties, insertUnit, listCounties, listUnits, unitCodeTaken } from "~/models/units.server";
import { countyIdsFor } from "~/models/scope.server";
import { db } from "~/services.server";

const unitSchema = z.object({
  countyId: z.string().min(1, "请选择所属县区"),
  code: z.string().trim().min(1, "请输入单位编码").max(32, "单位编码不能超过32个字符").regex(/^[0-9A-Za-z-]+$/, "单位编码只能包含数字、字母和短横线"),
  name: z.string().trim().min(2, "单位名称至少2个字").max(200, "单位名称不能超过200个字"),
  kind: z.enum(Object.keys(UNIT_KINDS) as [string, ...string[]], { message: "请选择单位类型" }),
  parentId: z.string().optional(),
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
  const form = parseForm(unitSchema, await request.formData());
  if (!form.ok) return data({ errors: form.errors, fields: form.fields }, { status: 400 });
  const input = form.value;
  // The county comes from the form but must be one the admin administers: else nothing is found.
  if (!can(viewer, "county.administer", { countyId: input.countyId })) return notFound(request, context, viewer, `county:${input.countyId}`, "未找到该县区");
  const parentId = input.parentId || null;
  if (parentId && !(await findUnitInCounties(db(), [input.countyId], parentId))) {
    return data({ errors: { parentId: "上级单位不存在或不属于该县区" }, fields: form.fields }, { status: 400 });
  }
  if (await unitCodeTaken(db(), input.countyId, input.code)) {
    return data({ errors: { code: "该县区已有相同编码的单位" }, fields: form.fields }, { status: 400 });
  }
  await db().transaction().execute((trx) =>
    insertUnit(trx, { countyId: input.countyId, parentId, code: input.code, name: input.name, kind: input.kind },
      { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) }),
  );
  throw redirect("/admin");
}

export default function NewUnit() {
  const { counties, units } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const fields = result?.fields ?? {};
  const errors: Record<string, string> = result?.errors ?? {};
  return (
    <div className="card">
      <h1>新建单位</h1>
      <FormError message={errors._form} />
      <Form method="post" noValidate>
        <div className="field">
          <label htmlFor="f-countyId">所属县区</label>
          <select id="f-countyId" name="countyId" defaultValue={fields.countyId ?? counties[0]?.id} aria-invalid={errors.countyId ? true : undefined}>
            {counties.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
          {errors.countyId ? <span className="field-error">{errors.countyId}</span> : null}
        </div>
        <Field label="单位编码" name="code" defaultValue={fields.code} error={errors.code} maxLength={32} />
        <Field label="单位名称" name="name" defaultValue={fields.name} error={errors.name} maxLength={200} />
        <div className="field">
          <label htmlFor="f-kind">单位类型</label>
          <select id="f-kind" name="kind" defaultValue={fields.kind ?? "department"}>
            {Object.entries(UNIT_KINDS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
          {errors.kind ? <span className="field-error">{errors.kind}</span> : null}
        </div>
        <div className="field">
          <label htmlFor="f-parentId">上级单位（二级单位填写）</label>
          <select id="f-parentId" name="parentId" defaultValue={fields.parentId ?? ""} aria-invalid={errors.parentId ? true : undefined}>
            <option value="">（无，一级预算单位）</option>
            {units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
          {errors.parentId ? <span className="field-error">{errors.parentId}</span> : null}
        </div>
        <button type="submit">保存</button>
      </Form>
    </div>
  );
}
