/**
 * The guard every loader and action calls first: it establishes the viewer from the session
 * cookie or throws a redirect to the login page. `requirePermission` adds the one permission
 * check; a refusal is audited and answered 404 for another tenant's object, so ids leak nothing.
 */
import { redirect } from "@remix-run/node";
import { can, hasRole, type Action, type Resource, type Role, type Viewer } from "~/domain/permissions";
import { recordAudit } from "~/models/audit.server";
import { grantsOf } from "~/models/users.server";
import { db, sessions } from "~/services.server";

export interface RequestContext {
  address?: string;
  cspNonce?: string;
}

export function clientAddress(context: unknown): string {
  const address = (context as RequestContext | undefined)?.address;
  return address ? address : "unknown";
}

function loginRedirect(request: Request, clearCookie: boolean): Response {
  const url = new URL(request.url);
  const redirectTo = request.method === "GET" ? url.pathname + url.search : "/";
  const headers = new Headers();
  if (clearCookie) headers.append("Set-Cookie", sessions().createBlankSessionCookie().serialize());
  return redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`, { headers });
}

export interface Authenticated {
  viewer: Viewer;
  sessionId: string;
}

/**
 * One session lookup per request, however many loaders (root and route) ask for it. Remix
 * hands each loader its own copy of the Request but the same load context, so the lookup is
 * shared through the context (the Request when there is none) while it is pending. Once
 * settled it is forgotten: a context reused across requests never serves an old session.
 */
const pending = new WeakMap<object, { cookie: string; lookup: Promise<Authenticated | null> }>();

export function getAuthenticated(request: Request, context?: unknown): Promise<Authenticated | null> {
  const cookie = request.headers.get("Cookie") ?? "";
  const key = context && typeof context === "object" ? context : request;
  const shared = pending.get(key);
  if (shared?.cookie === cookie) return shared.lookup;
  const lookup: Promise<Authenticated | null> = lookUpSession(cookie).finally(() => {
    if (pending.get(key)?.lookup === lookup) pending.delete(key);
  });
  pending.set(key, { cookie, lookup });
  return lookup;
}

async function lookUpSession(cookie: string): Promise<Authenticated | null> {
  const lucia = sessions();
  const sessionId = lucia.readSessionCookie(cookie);
  if (!sessionId) return null;
  const { session, user } = await lucia.validateSession(sessionId);
  if (!session) return null;
  // validateSession read the user with the session (a disabled user's session is over): only the grants are left.
  return { viewer: { userId: user.id, username: user.username, displayName: user.displayName, grants: await grantsOf(db(), user.id) }, sessionId };
}

export async function requireAuthenticated(request: Request, context?: unknown): Promise<Authenticated> {
  const authenticated = await getAuthenticated(request, context);
  if (!authenticated) {
    const hadCookie = !!sessions().readSessionCookie(request.headers.get("Cookie") ?? "");
    throw loginRedirect(request, hadCookie);
  }
  return authenticated;
}

export async function requireViewer(request: Request, context?: unknown): Promise<Viewer> {
  return (await requireAuthenticated(request, context)).viewer;
}

async function deny(viewer: Viewer, request: Request, context: unknown, what: string, status: 403 | 404, countyId?: string | null, message?: string) {
  await recordAudit(db(), {
    actorUserId: viewer.userId, actorName: viewer.displayName, action: "permission.denied",
    countyId: countyId ?? viewer.grants[0]?.countyId ?? null,
    detail: { method: request.method, path: new URL(request.url).pathname, what }, address: clientAddress(context),
  });
  return new Response(message ?? (status === 404 ? "未找到该页面或您无权访问" : "您没有执行此操作的权限"), { status });
}

/** Requires one of the roles (for whole pages such as the admin area): 403 otherwise. */
export async function requireRole(request: Request, context: unknown, roles: Role[]): Promise<Viewer> {
  const viewer = await requireViewer(request, context);
  if (!roles.some((role) => hasRole(viewer, role))) throw await deny(viewer, request, context, `role:${roles.join("|")}`, 403);
  return viewer;
}

/**
 * Requires `can(viewer, action, resource)`. Callers load the resource within the viewer's
 * scope first; a resource outside it is simply not found (404) before this is reached.
 */
export async function requirePermission(request: Request, context: unknown, viewer: Viewer, action: Action, resource: Resource) {
  if (!can(viewer, action, resource)) throw await deny(viewer, request, context, action, 403, resource.countyId);
}

/** 404 for an object the viewer's scope does not reach, audited as a denial. */
export async function notFound(request: Request, context: unknown, viewer: Viewer, what: string, message?: string): Promise<never> {
  throw await deny(viewer, request, context, what, 404, undefined, message);
}

/** 403 for an action the viewer's role may not take on an object they can see, audited. */
export async function forbidden(request: Request, context: unknown, viewer: Viewer, what: string, message?: string): Promise<never> {
  throw await deny(viewer, request, context, what, 403, undefined, message);
}
