/**
 * Sessions with Lucia v3 and our own Kysely adapter. The cookie carries a random session id;
 * the database stores only its SHA-256. Sessions expire when idle (sliding) and absolutely
 * (a fixed lifetime from login), and die with a disabled account.
 */
import { createHash } from "node:crypto";
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import type { Kysely } from "kysely";
import { now, toBool, toNumber } from "#db/codecs";
import type { Database } from "#db/schema";
import { getConfig } from "~/server/config.server";

// SESSION_IDLE_MINUTES / SESSION_ABSOLUTE_HOURS. Read when the Remix build loads, after the
// entry point has checked the configuration (configOrExit).
export const IDLE_TIMEOUT_MS = getConfig().sessionIdleMs;
export const ABSOLUTE_TIMEOUT_MS = getConfig().sessionAbsoluteMs;

export const hashSessionId = (sessionId: string) => createHash("sha256").update(sessionId).digest("hex");

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseSessionAttributes: { absolute_expires_at: number };
    DatabaseUserAttributes: { username: string; display_name: string };
  }
}

export class KyselySessionAdapter implements Adapter {
  constructor(private readonly db: Kysely<Database>) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select([
        "sessions.user_id", "sessions.expires_at", "sessions.absolute_expires_at",
        "users.username", "users.display_name", "users.disabled",
      ])
      .where("sessions.id", "=", hashSessionId(sessionId))
      .executeTakeFirst();
    if (!row) return [null, null];
    // Past the absolute lifetime, or the account is disabled: the session is over.
    if (toNumber(row.absolute_expires_at) <= now() || toBool(row.disabled)) {
      await this.deleteSession(sessionId);
      return [null, null];
    }
    return [
      {
        id: sessionId,
        userId: row.user_id,
        expiresAt: new Date(toNumber(row.expires_at)),
        attributes: { absolute_expires_at: toNumber(row.absolute_expires_at) },
      },
      { id: row.user_id, attributes: { username: row.username, display_name: row.display_name } },
    ];
  }

  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    // Only hashes are stored, so the ids handed back cannot be used as cookies.
    const rows = await this.db.selectFrom("sessions").selectAll().where("user_id", "=", userId).execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      expiresAt: new Date(toNumber(r.expires_at)),
      attributes: { absolute_expires_at: toNumber(r.absolute_expires_at) },
    }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    await this.db
      .insertInto("sessions")
      .values({
        id: hashSessionId(session.id),
        user_id: session.userId,
        expires_at: session.expiresAt.getTime(),
        absolute_expires_at: session.attributes.absolute_expires_at,
        created_at: now(),
      })
      .execute();
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    await this.db
      .updateTable("sessions")
      .set({ expires_at: expiresAt.getTime() })
      .where("id", "=", hashSessionId(sessionId))
      .execute();
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id", "=", hashSessionId(sessionId)).execute();
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("user_id", "=", userId).execute();
  }

  async deleteExpiredSessions(): Promise<void> {
    const t = now();
    await this.db.deleteFrom("sessions").where((eb) => eb.or([eb("expires_at", "<=", t), eb("absolute_expires_at", "<=", t)])).execute();
  }
}

/** `secure`: the cookie's Secure flag — in production unless INSECURE_COOKIES (plain http: demo, tests). */
export function createLucia(db: Kysely<Database>, secure = getConfig().nodeEnv === "production" && !getConfig().insecureCookies) {
  return new Lucia(new KyselySessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(IDLE_TIMEOUT_MS / 1000, "s"),
    // No cookie expiry of our own (Lucia then sends a long Max-Age): the server alone decides
    // expiry — idle and absolute — so the cookie never needs re-sending.
    sessionCookie: { name: "jx_session", expires: false, attributes: { sameSite: "lax", secure, path: "/" } },
    getUserAttributes: (attributes) => ({ username: attributes.username, displayName: attributes.display_name }),
  });
}

export type AppLucia = ReturnType<typeof createLucia>;

/** Starts a session for a user: a new random id (no fixation), hashed at rest. */
export async function startSession(lucia: AppLucia, userId: string) {
  return lucia.createSession(userId, { absolute_expires_at: now() + ABSOLUTE_TIMEOUT_MS });
}
