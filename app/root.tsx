import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import { useContext, type ReactNode } from "react";
import { NonceContext } from "~/nonce";
import { getAuthenticated, type RequestContext } from "~/auth/guard.server";
import { staffAttentionCount } from "~/models/comments.server";
import { db } from "~/services.server";
import { getConfig } from "~/server/config.server";
import { GeneralErrorBoundary } from "~/components/ErrorBoundary";
import { holdsAnywhere, ROLE_LABELS, scopeOf, type Action, type Role } from "~/domain/permissions";
import stylesUrl from "~/styles.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesUrl },
  { rel: "icon", href: "/favicon.ico" },
];

export const meta: MetaFunction = () => [{ title: "绩效自评审核平台" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const authenticated = await getAuthenticated(request, context);
  const viewer = authenticated?.viewer;
  // Unit staff see a badge: returned reports and unanswered comments waiting for them.
  const attention = viewer && scopeOf(viewer).staffUnitIds.length ? await staffAttentionCount(db(), scopeOf(viewer).staffUnitIds) : 0;
  return {
    attention,
    nonce: (context as RequestContext).cspNonce ?? "",
    demo: getConfig().demo,
    viewer: viewer
      ? {
          displayName: viewer.displayName,
          username: viewer.username,
          roles: [...new Set(viewer.grants.map((g) => g.role))] as Role[],
          // The pages whose guard would let the viewer in (requireViewerFor), and no others.
          pages: NAV.filter((item) => holdsAnywhere(viewer, item.action)).map((item) => item.to),
        }
      : null,
  };
}

type RootData = Awaited<ReturnType<typeof loader>>;

/** Each page with the action its guard requires (requireViewerFor in the route). */
const NAV: Array<{ to: string; label: string; action: Action }> = [
  { to: "/unit", label: "我的填报", action: "report.edit" },
  { to: "/review", label: "审核队列", action: "report.review" },
  { to: "/projects", label: "项目自评表", action: "report.view" },
  { to: "/intake", label: "批量接收", action: "intake.receive" },
  { to: "/dashboard", label: "全县概览", action: "dashboard.view" },
  { to: "/admin", label: "单位与用户", action: "county.administer" },
];

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<RootData>("root");
  const viewer = data?.viewer;
  const nonce = useContext(NonceContext) || data?.nonce;
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <header className="topbar">
          <Link to="/" className="brand">绩效自评审核平台</Link>
          {data?.demo ? <span className="demo-badge" title="本系统当前载入的是演示数据">演示数据</span> : null}
          {viewer && data ? (
            <>
              <nav className="mainnav" aria-label="主导航">
                {NAV.filter((item) => viewer.pages.includes(item.to)).map((item) => (
                  <NavLink key={item.to} to={item.to}>
                    {item.label}
                    {item.to === "/unit" && data.attention ? <span className="badge" aria-label={`${data.attention}项待处理`}>{data.attention}</span> : null}
                  </NavLink>
                ))}
              </nav>
              <div className="who">
                <span>{viewer.displayName}（{viewer.roles.map((r) => ROLE_LABELS[r]).join("、")}）</span>
                <Link to="/account">修改密码</Link>
                <Form method="post" action="/logout">
                  <button type="submit" className="link-button">退出登录</button>
                </Form>
              </div>
            </>
          ) : null}
        </header>
        <main className="page">{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

