/**
 * Whole-database views for the reliability tests: the product's own (db/tables.ts, used by the
 * backup and the restore) and a fingerprint of the business tables for the security matrix.
 */
import { sql, type Kysely } from "kysely";
import { canonicalValue } from "#db/tables";

export * from "#db/tables";

type AnyDb = Kysely<any>;

/**
 * A cheap fingerprint of everything a request could change that matters to a tenant: one
 * query, so it can be taken around every request of a large test matrix.
 */
export async function businessFingerprint(db: AnyDb): Promise<string> {
  const { rows } = await sql<Record<string, unknown>>`SELECT
    (SELECT COUNT(*) FROM counties) AS counties,
    (SELECT COUNT(*) FROM units) AS units,
    (SELECT COUNT(*) FROM users) AS users,
    (SELECT COALESCE(SUM(disabled), 0) FROM users) AS disabled,
    (SELECT COALESCE(MAX(password_changed_at), 0) FROM users) AS password_changed,
    (SELECT COUNT(*) FROM memberships) AS memberships,
    (SELECT COUNT(*) FROM campaigns) AS campaigns,
    (SELECT COUNT(*) FROM reports) AS reports,
    (SELECT COALESCE(SUM(version), 0) FROM reports) AS versions,
    (SELECT COALESCE(MAX(updated_at), 0) FROM reports) AS updated,
    (SELECT COUNT(*) FROM report_revisions) AS revisions,
    (SELECT COUNT(*) FROM comments) AS comments,
    (SELECT COALESCE(SUM(resolved), 0) FROM comments) AS resolved,
    (SELECT COUNT(*) FROM project_evaluations) AS projects,
    (SELECT COALESCE(SUM(version), 0) FROM project_evaluations) AS project_versions,
    (SELECT COUNT(*) FROM project_revisions) AS project_revisions,
    (SELECT COUNT(*) FROM project_reviews) AS project_reviews`.execute(db);
  return JSON.stringify(Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, canonicalValue(v)])));
}
