/**
 * Project self-evaluations (项目支出绩效自评表, `project-evaluation/v1`): the second kind of
 * document beside the department report. A unit has any number of them per year, one per
 * budget project, each with the report's workflow (draft → submitted → returned / approved).
 *
 * - `project_evaluations`: the working form, its workflow state, and the figures its list and
 *   the cross-checks read (kind, 调整后预算 and 执行数 in 分, total score, flag counts), so a
 *   unit's or a county's list never parses documents. The form's own flags (rules P1–P12) are
 *   kept as JSON on the row rather than in a flags table: they are read only with their form
 *   (its page) or as counts (the columns), no query filters by a project rule yet, and a
 *   revision keeps its flags as JSON anyway. A table can be derived later from the documents
 *   when a queue needs one. The cross-checks X1–X4 are not stored at all: they depend on two
 *   documents (the unit's report and all its forms) and are computed when read, so they are
 *   never stale whichever side changed.
 * - `project_revisions`: the form as submitted, frozen, one per submit (the diff after a
 *   resubmission).
 * - `project_reviews`: the bureau's decisions with their reasons (退回 / 通过 / 重新打开).
 *
 * A project code is unique within its unit-year (NULL codes — forms added by hand without one —
 * are not compared by either database): the import matches forms by it.
 *
 * Frozen once landed.
 */
import type { Kysely } from "kysely";
import { idType, longText } from "../dialect";

export async function up(db: Kysely<any>): Promise<void> {
  const id = idType();
  await db.schema
    .createTable("project_evaluations")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("county_id", id, (c) => c.notNull().references("counties.id"))
    .addColumn("unit_id", id, (c) => c.notNull().references("units.id"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("project_code", "varchar(50)")
    .addColumn("project_name", "varchar(200)", (c) => c.notNull())
    .addColumn("kind", "varchar(16)")
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("document", longText(db), (c) => c.notNull())
    .addColumn("explanations", longText(db))
    .addColumn("flags", longText(db), (c) => c.notNull())
    .addColumn("errors", "integer", (c) => c.notNull())
    .addColumn("warnings", "integer", (c) => c.notNull())
    .addColumn("infos", "integer", (c) => c.notNull())
    .addColumn("unexplained_warnings", "integer", (c) => c.notNull())
    .addColumn("total_score", "double precision")
    .addColumn("adjusted_budget_fen", "bigint")
    .addColumn("executed_fen", "bigint")
    .addColumn("current_revision", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("source", "varchar(16)", (c) => c.notNull())
    .addColumn("source_file_name", "varchar(255)")
    .addColumn("is_demo", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", id)
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", id)
    .addColumn("submitted_at", "bigint")
    // Also the (unit_id, year) index: a unit's forms of a year.
    .addUniqueConstraint("project_evaluations_unit_year_code", ["unit_id", "year", "project_code"])
    .execute();
  await db.schema.createIndex("project_evaluations_county_year").on("project_evaluations").columns(["county_id", "year", "status"]).execute();

  await db.schema
    .createTable("project_revisions")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("project_id", id, (c) => c.notNull().references("project_evaluations.id"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("document", longText(db), (c) => c.notNull())
    .addColumn("flags", longText(db), (c) => c.notNull())
    .addColumn("explanations", longText(db))
    .addColumn("source_file_name", "varchar(255)")
    .addColumn("submitted_by", id)
    .addColumn("submitted_by_name", "varchar(100)")
    .addColumn("submitted_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("project_revisions_number", ["project_id", "number"])
    .execute();

  await db.schema
    .createTable("project_reviews")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("project_id", id, (c) => c.notNull().references("project_evaluations.id"))
    .addColumn("revision", "integer", (c) => c.notNull())
    /** return | approve | reopen */
    .addColumn("action", "varchar(16)", (c) => c.notNull())
    .addColumn("reason", longText(db))
    .addColumn("author_id", id)
    .addColumn("author_name", "varchar(100)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("project_reviews_project").on("project_reviews").columns(["project_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["project_reviews", "project_revisions", "project_evaluations"]) await db.schema.dropTable(table).execute();
}
