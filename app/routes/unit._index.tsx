import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guard.server";
import { scopeOf } from "~/domain/permissions";
import { listStaffUnits } from "~/models/units.server";
import { db } from "~/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, context, ["staff"]);
  const units = await listStaffUnits(db(), scopeOf(viewer));
  return { units: units.map((u) => ({ id: u.id, code: u.code, name: u.name, countyName: u.countyName })) };
}

export default function UnitHome() {
  const { units } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>我的填报</h1>
      {units.map((unit) => (
        <section className="card" key={unit.id} data-unit-id={unit.id}>
          <h2>{unit.name}</h2>
          <p className="muted">{unit.countyName} · 单位编码 {unit.code}</p>
          <div className="placeholder">绩效自评报告的填报、导入与提交功能正在建设中。</div>
        </section>
      ))}
    </>
  );
}
