/** Every migration, in order. Migrations never import app code and are frozen once landed. */
import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";

export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
};
