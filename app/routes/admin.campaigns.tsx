import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { clientAddress, notFound, requireViewerFor } from "~/auth/guard.server";
import { FormError } from "~/components/Field";
import { can } from "~/domain/permissions";
import { ruleSettingsSchema } from "~/domain/rules";
import { insertCampaign, listCampaigns, updateCampaign } from "~/models/campaigns.server";
import { listCounties } from "~/models/units.server";
import { countyIdsFor } from "~/models/scope.server";
import { db } from "~/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "county.administer");
  const countyIds = countyIdsFor(viewer, "county.administer");
  const [counties, campaigns] = await Promise.all([listCounties(db(), countyIds), listCampaigns(db(), countyIds)]);
  return { counties: counties.map((c) => ({ id: c.id, name: c.name })), campaigns };
}

/** Dates are entered and shown as China Standard Time days; the deadline is the end of that day. */
const dateField = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "请选择日期").or(z.literal(""));
const endOfDay = (date: string) => (date ? Date.parse(`${date}T23:59:59+08:00`) : null);
const dayOf = (ms: number | null) => (ms == null ? "" : new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10));

const createSchema = z.object({ intent: z.literal("create"), countyId: z.string().min(1), year: z.coerce.number({ message: "请输入年度" }).int("年度应为整数").min(2000, "年度应在2000–2100之间").max(2100, "年度应在2000–2100之间"), deadline: dateField });

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "county.administer");
  const countyIds = countyIdsFor(viewer, "county.administer");
  const actor = { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) };
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  if (form.intent === "create") {
    const parsed = createSchema.safeParse(form);
    if (!parsed.success) return data({ target: "create", errors: Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])), done: null as string | null }, { status: 400 });
    if (!can(viewer, "county.administer", { countyId: parsed.data.countyId })) return notFound(request, context, viewer, `county:${parsed.data.countyId}`, "未找到该县区");
    const exists = (await listCampaigns(db(), [parsed.data.countyId])).some((c) => c.year === parsed.data.year);
    if (exists) return data({ target: "create", errors: { year: "该县区已有这一填报年度" } as Record<string, string>, done: null }, { status: 400 });
    await db().transaction().execute((trx) => insertCampaign(trx, { countyId: parsed.data.countyId, year: parsed.data.year, deadline: endOfDay(parsed.data.deadline) }, actor));
    return { target: "create", errors: {} as Record<string, string>, done: `已创建${parsed.data.year}年度` };
  }
  // Update one campaign: deadline and rule thresholds (a flag records the threshold it used).
  const campaign = (await listCampaigns(db(), countyIds)).find((c) => c.id === form.campaignId);
  if (!campaign) return notFound(request, context, viewer, `campaign:${form.campaignId}`, "未找到该填报年度");
  const deadline = dateField.safeParse(form.deadline ?? "");
  const settings = ruleSettingsSchema.safeParse({
    deviationPct: form.deviationPct, executionPct: form.executionPct, overAchievedPct: form.overAchievedPct, scoreJump: form.scoreJump,
    outlierZ: form.outlierZ, formulaSlack: form.formulaSlack, gradeBands: { 优: form.bandExcellent, 良: form.bandGood, 中: form.bandFair },
  });
  const errors: Record<string, string> = {};
  if (!deadline.success) errors.deadline = "请选择日期";
  if (!settings.success) for (const issue of settings.error.issues) errors[issue.path.join(".")] ??= issue.message;
  if (!deadline.success || !settings.success) return data({ target: campaign.id, errors, done: null }, { status: 400 });
  await db().transaction().execute((trx) => updateCampaign(trx, { id: campaign.id, countyId: campaign.countyId, deadline: endOfDay(deadline.data), settings: settings.data }, actor));
  return { target: campaign.id, errors: {} as Record<string, string>, done: `已保存${campaign.year}年度设置（新的阈值在报告下次保存或提交时生效）` };
}

const FIELDS: Array<[name: string, path: string, label: string]> = [
  ["deviationPct", "deviationPct", "偏离度阈值（%）"],
  ["executionPct", "executionPct", "预算执行率下限（%）"],
  ["overAchievedPct", "overAchievedPct", "超额完成提示（%）"],
  ["scoreJump", "scoreJump", "得分跳变（分）"],
  ["outlierZ", "outlierZ", "离群稳健z值"],
  ["formulaSlack", "formulaSlack", "高于公式得分容差（分）"],
  ["bandExcellent", "gradeBands.优", "“优”分数线"],
  ["bandGood", "gradeBands.良", "“良”分数线"],
  ["bandFair", "gradeBands.中", "“中”分数线"],
];

export default function Campaigns() {
  const { counties, campaigns } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errorsFor = (target: string) => (result?.target === target ? result.errors : {}) as Record<string, string>;
  const value = (c: (typeof campaigns)[number], path: string) => {
    const [a, b] = path.split(".");
    const v = b ? (c.settings as unknown as Record<string, Record<string, number>>)[a][b] : (c.settings as unknown as Record<string, number>)[a];
    return String(v);
  };
  return (
    <>
      <p><Link to="/admin">← 返回单位与用户</Link></p>
      <h1>填报年度与检查阈值</h1>
      {result?.done ? <div className="success" role="status">{result.done}</div> : null}
      <section className="card">
        <h2>新建填报年度</h2>
        <Form method="post" className="filters">
          <input type="hidden" name="intent" value="create" />
          <label>县区 <select name="countyId">{counties.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}</select></label>{" "}
          <label>年度 <input name="year" inputMode="numeric" size={6} aria-invalid={errorsFor("create").year ? true : undefined} /></label>{" "}
          <label>截止日期 <input type="date" name="deadline" /></label>{" "}
          <button type="submit">创建</button>
          {errorsFor("create").year ? <span className="field-error" role="alert">{errorsFor("create").year}</span> : null}
        </Form>
      </section>
      {campaigns.map((c) => {
        const errors = errorsFor(c.id);
        return (
          <section className="card" key={c.id}>
            <h2>{counties.find((x) => x.id === c.countyId)?.name} · {c.year}年度</h2>
            <FormError message={errors._form} />
            <Form method="post" className="campaign-form">
              <input type="hidden" name="intent" value="update" />
              <input type="hidden" name="campaignId" value={c.id} />
              <div className="field"><label htmlFor={`deadline-${c.id}`}>截止日期</label><input id={`deadline-${c.id}`} type="date" name="deadline" defaultValue={dayOf(c.deadline)} />{errors.deadline ? <span className="field-error">{errors.deadline}</span> : null}</div>
              <div className="grid-2">
                {FIELDS.map(([name, path, label]) => (
                  <div className="field" key={name}>
                    <label htmlFor={`${name}-${c.id}`}>{label}</label>
                    <input id={`${name}-${c.id}`} name={name} inputMode="decimal" defaultValue={value(c, path)} aria-invalid={errors[path] ? true : undefined} />
                    {errors[path] ? <span className="field-error" role="alert">{errors[path]}</span> : null}
                  </div>
                ))}
              </div>
              <button type="submit">保存</button>
            </Form>
          </section>
        );
      })}
    </>
  );
}
