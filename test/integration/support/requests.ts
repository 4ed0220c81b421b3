/**
 * Calls routes' loaders and actions the way Remix does, with real Request objects and the
 * session cookie of a real login, so guards, scope and audit run for real.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { attemptLogin } from "~/auth/login.server";
import { db, sessions } from "~/services.server";

export const BASE = "http://localhost:3000";

export async function loginCookie(username: string, password: string): Promise<string> {
  const outcome = await attemptLogin(db(), sessions(), { username, password, address: "127.0.0.1" });
  if (!outcome.ok) throw new Error(`login failed for ${username}: ${outcome.message}`);
  return sessions().createSessionCookie(outcome.sessionId).serialize().split(";")[0];
}

type Handler<A> = (args: A) => Promise<unknown>;

/** Runs a handler; a thrown Response is returned (as Remix would send it). */
export async function run<A extends LoaderFunctionArgs | ActionFunctionArgs>(handler: Handler<A>, args: A): Promise<unknown> {
  try {
    return await handler(args);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

export function get(path: string, cookie?: string, params: Record<string, string> = {}): LoaderFunctionArgs {
  return {
    request: new Request(BASE + path, { headers: cookie ? { Cookie: cookie } : {} }),
    params,
    context: { address: "127.0.0.1" },
  } as LoaderFunctionArgs;
}

export function post(path: string, body: Record<string, string>, cookie?: string, params: Record<string, string> = {}): ActionFunctionArgs {
  return {
    request: new Request(BASE + path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, ...(cookie ? { Cookie: cookie } : {}) },
      body: new URLSearchParams(body).toString(),
    }),
    params,
    context: { address: "127.0.0.1" },
  } as ActionFunctionArgs;
}

export function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === "object" && "init" in result) return ((result as { init?: { status?: number } }).init?.status) ?? 200;
  return 200;
}
