/** Column types and statements that differ between SQLite and MySQL, for migrations and models. */
import { MysqlAdapter, sql, type ColumnDataType, type Expression, type Kysely } from "kysely";

type ColumnType = ColumnDataType | Expression<unknown>;

export const isMysql = (db: Kysely<any>) => db.getExecutor().adapter instanceof MysqlAdapter;

export const idType = (): ColumnType => "varchar(32)";

/** JSON documents can exceed MySQL's 64 KB TEXT. */
export const longText = (db: Kysely<any>): ColumnType => (isMysql(db) ? sql`longtext` : "text");
