import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guard.server";
import { scopeOf } from "~/domain/permissions";
import { listCounties, listUnits } from "~/models/units.server";
import { db } from "~/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, context, ["reviewer"]);
  const countyIds = scopeOf(viewer).reviewerCountyIds;
  const [counties, units] = await Promise.all([listCounties(db(), countyIds), listUnits(db(), countyIds)]);
  return {
    counties: counties.map((c) => ({ id: c.id, name: c.name, unitCount: units.filter((u) => u.countyId === c.id).length })),
    units: units.map((u) => ({ id: u.id, code: u.code, name: u.name, countyId: u.countyId })),
  };
}

export default function ReviewQueue() {
  const { counties, units } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>审核队列</h1>
      <div className="placeholder">审核队列（按风险排序、退回、通过、批注）正在建设中。下面是您负责审核的单位。</div>
      {counties.map((county) => (
        <section className="card" key={county.id}>
          <h2>{county.name}（{county.unitCount} 个单位）</h2>
          <table className="data">
            <thead><tr><th>单位编码</th><th>单位名称</th></tr></thead>
            <tbody>
              {units.filter((u) => u.countyId === county.id).map((u) => (
                <tr key={u.id}><td>{u.code}</td><td>{u.name}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
