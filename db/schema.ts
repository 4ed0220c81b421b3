/**
 * The database as Kysely sees it. One interface per table; timestamps are epoch
 * milliseconds (BIGINT) and booleans 0/1 in both dialects, money is integer 分 —
 * see codecs.ts for the conversions.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";
// The status column holds the domain's codes (a type only: db/ loads nothing of app/).
import type { ReportStatus } from "../app/domain/vocabulary";

export type { ReportStatus };
export type Role = "staff" | "reviewer" | "leader" | "admin";

/** BIGINT columns: better-sqlite3 gives numbers; mysql2 numbers (or strings past 2^53). */
type BigIntColumn = number | string;

export interface CountiesTable {
  id: string;
  code: string;
  name: string;
  is_demo: number;
  created_at: BigIntColumn;
  /** Raised with every change to the county's read model: the dashboard's cache key (migration 0004). */
  data_version: Generated<BigIntColumn>;
}

export interface UnitsTable {
  id: string;
  county_id: string;
  parent_id: string | null;
  code: string;
  name: string;
  kind: string;
  is_demo: number;
  created_at: BigIntColumn;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  disabled: number;
  password_changed_at: BigIntColumn;
  created_at: BigIntColumn;
}

export interface MembershipsTable {
  id: string;
  user_id: string;
  role: Role;
  county_id: string;
  /** Set for unit staff only. */
  unit_id: string | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session id in the cookie: a leaked table yields no usable cookie. */
  id: string;
  user_id: string;
  expires_at: BigIntColumn;
  absolute_expires_at: BigIntColumn;
  created_at: BigIntColumn;
}

export interface LoginAttemptsTable {
  id: string;
  /**
   * An attempt: "pair:<network>|<username>" (per account and network), "account:<username>",
   * "address:<network>" (with the username in `subject`), "reauth:<userId>" (/account's
   * password check). A summary of refused attempts: "refused:<key>" (throttle.server.ts).
   */
  throttle_key: string;
  attempted_at: BigIntColumn;
  /** 0 failed, 1 succeeded, 2 in flight (the password is being checked). */
  succeeded: number;
  /** "address:" rows: the account tried (migration 0006). */
  subject: string | null;
  /** Summary rows: refused attempts of the key in the window (migration 0006). */
  refused: Generated<number>;
}

/** Networks a user has signed in from (migration 0006): exempt from the account-wide limits. */
export interface LoginKnownAddressesTable {
  user_id: string;
  /** IPv4 address, or IPv6 /64 ("2001:db8:1:2::/64"). */
  address_group: string;
  first_at: BigIntColumn;
  last_at: BigIntColumn;
}

export interface AuditLogTable {
  /** Position in the hash chain, assigned under the chain lock. */
  seq: BigIntColumn;
  id: string;
  at: BigIntColumn;
  actor_user_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  county_id: string | null;
  from_state: string | null;
  to_state: string | null;
  detail: string | null;
  address: string | null;
  prev_hash: string;
  hash: string;
}

/** One row: the head of the audit chain, locked while appending (serialises writers). */
export interface AuditHeadTable {
  id: number;
  last_seq: BigIntColumn;
  last_hash: string;
}

export interface CampaignsTable {
  id: string;
  county_id: string;
  year: number;
  deadline: BigIntColumn | null;
  settings: string | null;
  created_at: BigIntColumn;
}

export interface ReportsTable {
  id: string;
  county_id: string;
  unit_id: string;
  year: number;
  status: ReportStatus;
  /** Optimistic lock: every save and transition is `UPDATE … WHERE version = ?`. */
  version: number;
  /** The working document (interchange JSON); after submit, equal to the latest revision. */
  draft: string;
  /** The unit's explanations of warnings, keyed by `rule@path`. */
  explanations: string | null;
  current_revision: number;
  source: string;
  is_demo: number;
  updated_at: BigIntColumn;
  updated_by: string | null;
  created_at: BigIntColumn;
}

export interface ReportRevisionsTable {
  id: string;
  report_id: string;
  number: number;
  document: string;
  flags: string;
  explanations: string | null;
  source_file_name: string | null;
  submitted_by: string | null;
  submitted_by_name: string | null;
  submitted_at: BigIntColumn;
}

export interface ReportFlagsTable {
  id: string;
  report_id: string;
  county_id: string;
  year: number;
  rule: string;
  severity: string;
  path: string;
  message: string;
  flag_values: string | null;
  explanation: string | null;
}

export interface CommentsTable {
  id: string;
  report_id: string;
  revision: number;
  /** comment | return | approve | reopen | answer */
  kind: string;
  path: string | null;
  reply_to: string | null;
  author_id: string | null;
  author_name: string;
  /** unit | bureau */
  author_side: string;
  body: string;
  resolved: number;
  created_at: BigIntColumn;
}

export interface ReportMetricsTable {
  report_id: string;
  county_id: string;
  unit_id: string;
  year: number;
  status: ReportStatus;
  unit_kind: string;
  unit_name: string;
  initial_budget_fen: BigIntColumn | null;
  adjusted_budget_fen: BigIntColumn | null;
  expenditure_fen: BigIntColumn | null;
  execution_rate: number | null;
  deviation: number | null;
  self_score: number | null;
  grade: string | null;
  formula_score: number | null;
  main_class: string | null;
  errors: number;
  warnings: number;
  infos: number;
  unexplained_warnings: number;
  over_achieved: number;
  score_above_formula: number;
  triage_score: number;
  late: number;
  submitted_at: BigIntColumn | null;
  updated_at: BigIntColumn;
}

export interface ReportClassAmountsTable {
  report_id: string;
  class_code: string;
  county_id: string;
  year: number;
  final_fen: BigIntColumn;
}

/** A received file's bytes, 512 KB per row in order (migration 0007). */
export interface ReceivedFileChunksTable {
  file_id: string;
  seq: number;
  bytes: Uint8Array;
}

export interface ReceivedFilesTable {
  id: string;
  county_id: string;
  year: number;
  file_name: string;
  size: number;
  document: string | null;
  extracted_unit_name: string | null;
  /** imported | pending (unit to be chosen) | refused */
  status: string;
  message: string | null;
  report_id: string | null;
  created_by: string | null;
  created_at: BigIntColumn;
}

/** A project self-evaluation (项目支出绩效自评表) of a unit and year (migration 0008). */
export interface ProjectEvaluationsTable {
  id: string;
  county_id: string;
  unit_id: string;
  year: number;
  /** Unique within the unit-year when present; the import matches forms by it. */
  project_code: string | null;
  project_name: string;
  /** recurring | oneOff, null when neither the form nor the unit says. */
  kind: string | null;
  status: ReportStatus;
  /** Optimistic lock, as reports.version. */
  version: number;
  /** The working form (project-evaluation/v1 JSON); after submit, equal to the latest revision. */
  document: string;
  /** The unit's explanations of warnings, keyed by `rule@path`. */
  explanations: string | null;
  /** The form's own flags (P1–P12) as JSON; the cross-checks X1–X4 are computed when read. */
  flags: string;
  errors: number;
  warnings: number;
  infos: number;
  unexplained_warnings: number;
  total_score: number | null;
  /** 总额 row: 调整后（全年）预算数 and 执行数, integer 分. */
  adjusted_budget_fen: BigIntColumn | null;
  executed_fen: BigIntColumn | null;
  current_revision: number;
  /** form | import | intake | demo */
  source: string;
  source_file_name: string | null;
  is_demo: number;
  created_at: BigIntColumn;
  created_by: string | null;
  updated_at: BigIntColumn;
  updated_by: string | null;
  /** The last submission (a returned form keeps it while it is edited). */
  submitted_at: BigIntColumn | null;
}

export interface ProjectRevisionsTable {
  id: string;
  project_id: string;
  number: number;
  document: string;
  flags: string;
  explanations: string | null;
  source_file_name: string | null;
  submitted_by: string | null;
  submitted_by_name: string | null;
  submitted_at: BigIntColumn;
}

/** The bureau's decisions on a project form, with their reasons. */
export interface ProjectReviewsTable {
  id: string;
  project_id: string;
  revision: number;
  /** return | approve | reopen */
  action: string;
  reason: string | null;
  author_id: string | null;
  author_name: string;
  created_at: BigIntColumn;
}

export interface Database {
  counties: CountiesTable;
  units: UnitsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  login_known_addresses: LoginKnownAddressesTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  campaigns: CampaignsTable;
  reports: ReportsTable;
  report_revisions: ReportRevisionsTable;
  report_flags: ReportFlagsTable;
  comments: CommentsTable;
  report_metrics: ReportMetricsTable;
  report_class_amounts: ReportClassAmountsTable;
  received_files: ReceivedFilesTable;
  received_file_chunks: ReceivedFileChunksTable;
  project_evaluations: ProjectEvaluationsTable;
  project_revisions: ProjectRevisionsTable;
  project_reviews: ProjectReviewsTable;
}

export type County = Selectable<CountiesTable>;
export type Unit = Selectable<UnitsTable>;
export type NewUnit = Insertable<UnitsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
