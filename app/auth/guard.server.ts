/**
 * The guard every loader and action calls first: it establishes the viewer from the session
 * cookie or throws a redirect to the login page. `requirePermission` adds the one permission
 * check; a refusal is audited and answered 404 for another tenant's object, so ids leak nothing.
 */
import { redirect } from "@remix-run/node";
import { can, decide, holdsAnywhere, type Action, type Resource, type Viewer } from "~/domain/permissions";
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

/**
 * Requires a viewer who holds `action` somewhere (whole pages such as the admin area, the review
 * queue or the dashboards): 403 otherwise. What the page then lists comes from the same rules
 * (countyIdsFor in app/models/scope.server.ts).
 */
export async function requireViewerFor(request: Request, context: unknown, action: Action): Promise<Viewer> {
  const viewer = await requireViewer(request, context);
  if (!holdsAnywhere(viewer, action)) throw await deny(viewer, request, context, action, 403);
  return viewer;
}

/**
 * Requires `can(viewer, action, resource)`. Callers load the resource within the viewer's
 * scope first; a resource outside it is simply not found (404) before this is reached.
 */
export async function requirePermission(request: Request, context: unknown, viewer: Viewer, action: Action, resource: Resource, message?: string) {
  if (!can(viewer, action, resource)) throw await deny(viewer, request, context, action, 403, resource.countyId, message);
}

/**
 * Requires that the viewer's role give them `action` on the resource (403 otherwise), leaving a
 * refusal by the resource's status alone (saving a submitted report, commenting on a draft) to
 * the caller and the workflow, which answer it 400/409 with the reason. Returns the decision.
 */
export async function requireHolder(request: Request, context: unknown, viewer: Viewer, action: Action, resource: Resource, message?: string): Promise<"granted" | "status"> {
  const decision = decide(viewer, action, resource);
  if (decision === "denied") throw await deny(viewer, request, context, action, 403, resource.countyId, message);
  return decision;
}

/** 404 for an object the viewer's scope does not reach, audited as a denial. */
export async function notFound(request: Request, context: unknown, viewer: Viewer, what: string, message?: string): Promise<never> {
  throw await deny(viewer, request, context, what, 404, undefined, message);
}

/** 403 for an action the viewer's role may not take on an object they can see, audited. */
export async function forbidden(request: Request, context: unknown, viewer: Viewer, what: string, message?: string): Promise<never> {
  throw await deny(viewer, request, context, what, 403, undefined, message);
}
