/** The process-wide database and session manager, created on first use. */
import { getDb } from "#db/client";
import { createLucia, type AppLucia } from "./auth/session.server";

let lucia: AppLucia | undefined;

export const db = () => getDb();
export function sessions(): AppLucia {
  lucia ??= createLucia(getDb());
  return lucia;
}
