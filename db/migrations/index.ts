/** Every migration, in order. Migrations never import app code and are frozen once landed. */
import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_reports";

export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_reports": m0002,
};
