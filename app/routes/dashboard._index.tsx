import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guard.server";
import { scopeOf } from "~/domain/permissions";
import { countyIdsOf, listCounties, listUnits } from "~/models/units.server";
import { db } from "~/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, context, ["leader", "reviewer", "admin"]);
  const countyIds = countyIdsOf(scopeOf(viewer));
  const [counties, units] = await Promise.all([listCounties(db(), countyIds), listUnits(db(), countyIds)]);
  return { counties: counties.map((c) => ({ id: c.id, name: c.name, unitCount: units.filter((u) => u.countyId === c.id).length })) };
}

export default function Dashboard() {
  const { counties } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>全县概览</h1>
      <div className="grid-2">
        {counties.map((c) => (
          <section className="card" key={c.id}>
            <h2>{c.name}</h2>
            <p>预算单位：<strong>{c.unitCount}</strong> 个</p>
          </section>
        ))}
      </div>
      <div className="placeholder">执行率、偏离度、自评得分分布等图表正在建设中。</div>
    </>
  );
}
