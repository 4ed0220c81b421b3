/**
 * Reports (one per unit and year), their immutable submitted revisions, the current flags,
 * review comments, and report_metrics: the one-row-per-report read model that queues and
 * dashboards read. Frozen once landed.
 */
import type { Kysely } from "kysely";
import { blobType, idType, longText } from "../dialect";

export async function up(db: Kysely<any>): Promise<void> {
  const id = idType();
  await db.schema
    .createTable("reports")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("county_id", id, (c) => c.notNull().references("counties.id"))
    .addColumn("unit_id", id, (c) => c.notNull().references("units.id"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("draft", longText(db), (c) => c.notNull())
    .addColumn("explanations", longText(db))
    .addColumn("current_revision", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("source", "varchar(16)", (c) => c.notNull())
    .addColumn("is_demo", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", id)
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("reports_unit_year", ["unit_id", "year"])
    .execute();
  await db.schema.createIndex("reports_county_year").on("reports").columns(["county_id", "year", "status"]).execute();

  await db.schema
    .createTable("report_revisions")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("report_id", id, (c) => c.notNull().references("reports.id"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("document", longText(db), (c) => c.notNull())
    .addColumn("flags", longText(db), (c) => c.notNull())
    .addColumn("explanations", longText(db))
    .addColumn("source_file_name", "varchar(255)")
    .addColumn("submitted_by", id)
    .addColumn("submitted_by_name", "varchar(100)")
    .addColumn("submitted_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("report_revisions_number", ["report_id", "number"])
    .execute();

  // The flags of a report's current state (its draft, or what was received), one row each,
  // so the queue can filter by rule without parsing documents.
  await db.schema
    .createTable("report_flags")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("report_id", id, (c) => c.notNull().references("reports.id"))
    .addColumn("county_id", id, (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("rule", "varchar(40)", (c) => c.notNull())
    .addColumn("severity", "varchar(8)", (c) => c.notNull())
    .addColumn("path", "varchar(200)", (c) => c.notNull())
    .addColumn("message", "varchar(1000)", (c) => c.notNull())
    .addColumn("flag_values", longText(db))
    .addColumn("explanation", longText(db))
    .execute();
  await db.schema.createIndex("report_flags_report").on("report_flags").column("report_id").execute();
  await db.schema.createIndex("report_flags_county_rule").on("report_flags").columns(["county_id", "year", "rule"]).execute();

  await db.schema
    .createTable("comments")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("report_id", id, (c) => c.notNull().references("reports.id"))
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("path", "varchar(200)")
    .addColumn("reply_to", id)
    .addColumn("author_id", id)
    .addColumn("author_name", "varchar(100)", (c) => c.notNull())
    .addColumn("author_side", "varchar(16)", (c) => c.notNull())
    .addColumn("body", longText(db), (c) => c.notNull())
    .addColumn("resolved", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("comments_report").on("comments").columns(["report_id", "created_at"]).execute();

  await db.schema
    .createTable("report_metrics")
    .addColumn("report_id", id, (c) => c.primaryKey().references("reports.id"))
    .addColumn("county_id", id, (c) => c.notNull())
    .addColumn("unit_id", id, (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("unit_kind", "varchar(32)", (c) => c.notNull())
    .addColumn("unit_name", "varchar(200)", (c) => c.notNull())
    .addColumn("initial_budget_fen", "bigint")
    .addColumn("adjusted_budget_fen", "bigint")
    .addColumn("expenditure_fen", "bigint")
    .addColumn("execution_rate", "double precision")
    .addColumn("deviation", "double precision")
    .addColumn("self_score", "double precision")
    .addColumn("grade", "varchar(4)")
    .addColumn("formula_score", "double precision")
    .addColumn("main_class", "varchar(3)")
    .addColumn("errors", "integer", (c) => c.notNull())
    .addColumn("warnings", "integer", (c) => c.notNull())
    .addColumn("infos", "integer", (c) => c.notNull())
    .addColumn("unexplained_warnings", "integer", (c) => c.notNull())
    .addColumn("over_achieved", "integer", (c) => c.notNull())
    .addColumn("score_above_formula", "integer", (c) => c.notNull())
    .addColumn("triage_score", "double precision", (c) => c.notNull())
    .addColumn("late", "integer", (c) => c.notNull())
    .addColumn("submitted_at", "bigint")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("metrics_county_year_status").on("report_metrics").columns(["county_id", "year", "status"]).execute();
  await db.schema.createIndex("metrics_queue").on("report_metrics").columns(["county_id", "year", "triage_score", "report_id"]).execute();

  // Expenditure by function class (类) per report, so the class chart needs no document parsing.
  await db.schema
    .createTable("report_class_amounts")
    .addColumn("report_id", id, (c) => c.notNull().references("reports.id"))
    .addColumn("class_code", "varchar(3)", (c) => c.notNull())
    .addColumn("county_id", id, (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("final_fen", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("report_class_amounts_pk", ["report_id", "class_code"])
    .execute();
  // Files received by the bureau (bulk intake): kept as sent, linked to the report they became,
  // or waiting for a reviewer to choose the unit when the name matched none or several.
  await db.schema
    .createTable("received_files")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("county_id", id, (c) => c.notNull().references("counties.id"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("file_name", "varchar(255)", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("content", blobType(db), (c) => c.notNull())
    .addColumn("document", longText(db))
    .addColumn("extracted_unit_name", "varchar(200)")
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("message", "varchar(500)")
    .addColumn("report_id", id)
    .addColumn("created_by", id)
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("received_files_county").on("received_files").columns(["county_id", "year", "status"]).execute();

  await db.schema.createIndex("class_amounts_county_year").on("report_class_amounts").columns(["county_id", "year"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["received_files", "report_class_amounts", "report_metrics", "comments", "report_flags", "report_revisions", "reports"]) {
    await db.schema.dropTable(table).execute();
  }
}
