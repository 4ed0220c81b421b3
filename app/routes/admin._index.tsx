import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireViewerFor } from "~/auth/guard.server";
import { ROLE_LABELS, scopeOf } from "~/domain/permissions";
import { UNIT_KINDS } from "~/domain/units";
import { listUsersInScope } from "~/models/users.server";
import { listCounties, listUnits } from "~/models/units.server";
import { countyIdsFor } from "~/models/scope.server";
import { db } from "~/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "county.administer");
  const countyIds = countyIdsFor(viewer, "county.administer");
  const [counties, units, users] = await Promise.all([
    listCounties(db(), countyIds),
    listUnits(db(), countyIds),
    listUsersInScope(db(), scopeOf(viewer)),
  ]);
  return {
    counties: counties.map((c) => ({ id: c.id, name: c.name })),
    units: units.map((u) => ({ id: u.id, countyId: u.countyId, code: u.code, name: u.name, kind: u.kind, parentName: u.parentName })),
    users: users.map((u) => ({
      id: u.id, username: u.username, displayName: u.displayName, disabled: u.disabled,
      role: u.role, countyName: u.countyName, unitName: u.unitName,
    })),
  };
}

export default function AdminHome() {
  const { counties, units, users } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>单位与用户</h1>
      <p>
        <Link className="button" to="/admin/units/new">新建单位</Link>{" "}
        <Link className="button" to="/admin/users/new">新建用户</Link>{" "}
        <Link className="button secondary" to="/admin/campaigns">填报年度与阈值</Link>{" "}
        <Link className="button secondary" to="/admin/audit">审计日志</Link>
      </p>
      {counties.map((county) => (
        <section className="card" key={county.id}>
          <h2>{county.name} · 预算单位（{units.filter((u) => u.countyId === county.id).length}）</h2>
          <table className="data">
            <thead><tr><th>编码</th><th>名称</th><th>类型</th><th>上级单位</th></tr></thead>
            <tbody>
              {units.filter((u) => u.countyId === county.id).map((u) => (
                <tr key={u.id}><td>{u.code}</td><td>{u.name}</td><td>{UNIT_KINDS[u.kind] ?? u.kind}</td><td>{u.parentName ?? "—"}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <section className="card">
        <h2>用户（{new Set(users.map((u) => u.id)).size}）</h2>
        <table className="data">
          <thead><tr><th>用户名</th><th>姓名</th><th>角色</th><th>范围</th><th>状态</th><th></th></tr></thead>
          <tbody>
            {users.map((u, i) => (
              <tr key={`${u.id}-${i}`}>
                <td>{u.username}</td><td>{u.displayName}</td><td>{ROLE_LABELS[u.role]}</td>
                <td>{u.unitName ? `${u.countyName} / ${u.unitName}` : u.countyName}</td>
                <td>{u.disabled ? <span className="tag disabled">已停用</span> : <span className="tag">正常</span>}</td>
                <td><Link to={`/admin/users/${u.id}`}>管理</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
