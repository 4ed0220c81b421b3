import { sql } from "kysely";
import { db } from "~/services.server";

/** Liveness and database reachability, for load balancers and the test runner. */
export async function loader() {
  await sql`select 1`.execute(db());
  return new Response("ok", { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}
