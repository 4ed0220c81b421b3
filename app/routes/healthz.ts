import type { LoaderFunctionArgs } from "@remix-run/node";
import { sql } from "kysely";
import { resetRuntimeStats, runtimeStats, runtimeStatsEnabled } from "~/server/runtimeStats.server";
import { db } from "~/services.server";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * Liveness and database reachability, for load balancers and the test runner. With
 * RUNTIME_STATS=1, `?stats` answers the process's event-loop stalls and peak memory as JSON
 * (`?stats=reset` answers them, then starts a new period).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await sql`select 1`.execute(db());
  const stats = new URL(request.url).searchParams.get("stats");
  if (stats !== null && runtimeStatsEnabled()) {
    const body = runtimeStats();
    if (stats === "reset") resetRuntimeStats();
    return Response.json(body, { headers: NO_STORE });
  }
  return new Response("ok", { headers: { "Content-Type": "text/plain; charset=utf-8", ...NO_STORE } });
}
