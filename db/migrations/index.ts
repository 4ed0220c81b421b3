/** Every migration, in order. Migrations never import app code and are frozen once landed. */
import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_reports";
import * as m0003 from "./0003_scale_indexes";
import * as m0004 from "./0004_county_data_version";
import * as m0005 from "./0005_queue_order_indexes";
import * as m0006 from "./0006_login_throttle";
import * as m0007 from "./0007_received_file_chunks";
import * as m0008 from "./0008_project_evaluations";

export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_reports": m0002,
  "0003_scale_indexes": m0003,
  "0004_county_data_version": m0004,
  "0005_queue_order_indexes": m0005,
  "0006_login_throttle": m0006,
  "0007_received_file_chunks": m0007,
  "0008_project_evaluations": m0008,
};
