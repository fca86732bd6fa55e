import "server-only";
import crypto from "node:crypto";
import { read, write } from "../db";
import { parseRole, type Actor } from "../people/identity";
import { getAuth, SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS, SESSION_REFRESH_SECONDS } from "./auth";
import { sessionTooOld } from "./paths";

/** Whether a request reached us over HTTPS (directly or through a proxy that says so). */
export function isHttpsRequest(h: Headers): boolean {
  return h.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/**
 * Who sent a request with these headers, or null. A session past its absolute limit is revoked
 * here, however recently it was used. Also called by proxy.ts, which has no next/headers.
 */
export async function actorFromHeaders(h: Headers): Promise<Actor | null> {
  const secure = isHttpsRequest(h);
  const token = sessionToken(h.get("cookie"), secure, await cookieSecret());
  if (token === null) return null;
  const fast = await currentSession(token);
  if (fast) return fast;
  // Expired, due for its daily refresh, past its absolute limit or gone: Better Auth decides
  // (and refreshes, or deletes), exactly as before.
  const auth = getAuth(secure);
  const session = await auth.api.getSession({ headers: h });
  if (!session) return null;
  if (sessionTooOld(session.session.createdAt, new Date(), SESSION_ABSOLUTE_SECONDS)) {
    await write((tx) => tx.run(`DELETE FROM "session" WHERE "id" = ?`, session.session.id));
    return null;
  }
  const { role, timeZone, deactivatedAt, keyboardShortcuts } = session.user as {
    role?: string;
    timeZone?: string | null;
    deactivatedAt?: Date | null;
    keyboardShortcuts?: boolean | number | null;
  };
  if (deactivatedAt) return null;
  return toActor(session.user.id, session.user.name, role, timeZone, keyboardShortcuts);
}

function toActor(
  id: string,
  name: string,
  role: string | null | undefined,
  timeZone: string | null | undefined,
  keyboardShortcuts: boolean | number | null | undefined,
): Actor {
  return {
    id,
    name,
    timeZone: timeZone ?? null,
    role: parseRole(role),
    // SQLite reads a boolean as 0 or 1; only a stored "off" turns them off.
    keyboardShortcuts: keyboardShortcuts === undefined || keyboardShortcuts === null ? true : Boolean(keyboardShortcuts),
  };
}

/**
 * The secret Better Auth signs cookies with: its own choice (BETTER_AUTH_SECRETS, when someone
 * rotates secrets that way, comes before ours), read once from its context.
 */
let signingSecret: Promise<string> | undefined;
function cookieSecret(): Promise<string> {
  signingSecret ??= getAuth(false).$context.then((c) => c.secret);
  return signingSecret;
}

/** Standard base64 of a 32-byte HMAC, as better-call's atob accepts it (no base64url). */
const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/**
 * The session token in the request's cookie, checked against its signature the way Better Auth
 * signs it (HMAC-SHA256 with its secret, base64, after the last dot, URI-encoded), or null when
 * there is none or the signature is wrong or spelled otherwise, as Better Auth decides too.
 */
export function sessionToken(cookieHeader: string | null, secure: boolean, secret: string): string | null {
  if (!cookieHeader) return null;
  const value = cookieValue(cookieHeader, `${secure ? "__Secure-" : ""}triage.session_token`);
  if (!value) return null;
  const dot = value.lastIndexOf(".");
  if (dot < 1 || !SIGNATURE.test(value.slice(dot + 1))) return null;
  const token = value.slice(0, dot);
  const signature = Buffer.from(value.slice(dot + 1), "base64");
  const expected = crypto.createHmac("sha256", secret).update(token).digest();
  return signature.length === expected.length && crypto.timingSafeEqual(signature, expected) ? token : null;
}

/** A cookie's value as better-call reads it: the first of that name, unquoted, URI-decoded. */
function cookieValue(header: string, name: string): string | null {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"')) v = v.slice(1, -1);
    try {
      return v.includes("%") ? decodeURIComponent(v) : v;
    } catch {
      return v;
    }
  }
  return null;
}

/** Timestamps as SQLite stores them (text) or as PostgreSQL's pool reads them (Date). */
type SessionRow = {
  createdAt: string | Date;
  expiresAt: string | Date;
  userId: string;
  name: string;
  role: string | null;
  timeZone: string | null;
  keyboardShortcuts: boolean | number;
};

/**
 * The actor of a live session that needs nothing done to it, in one statement on the read
 * connection; undefined when Better Auth has something to decide. Every page runs this, and
 * Better Auth's own lookup (two ORM queries and its endpoint pipeline) costs about 3 ms.
 */
async function currentSession(token: string): Promise<Actor | undefined> {
  const row = await read.get<SessionRow>(
    `SELECT s."createdAt", s."expiresAt", u."id" AS "userId", u."name", u."role", u."timeZone", u."keyboardShortcuts"
     FROM "session" s JOIN "user" u ON u."id" = s."userId" WHERE s."token" = ? AND u."deactivatedAt" IS NULL`,
    token,
  );
  if (!row) return undefined;
  const now = Date.now();
  const expires = new Date(row.expiresAt).getTime();
  // Better Auth extends a session once it is SESSION_REFRESH_SECONDS into its idle window.
  const refreshDue = expires - SESSION_IDLE_SECONDS * 1000 + SESSION_REFRESH_SECONDS * 1000 <= now;
  if (!(expires > now) || refreshDue) return undefined;
  if (sessionTooOld(new Date(row.createdAt), new Date(now), SESSION_ABSOLUTE_SECONDS)) return undefined;
  return toActor(row.userId, row.name, row.role, row.timeZone, row.keyboardShortcuts);
}

