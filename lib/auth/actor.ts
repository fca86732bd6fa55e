import "server-only";
import { db } from "../db";
import { ROLES, type Actor, type Role } from "../tickets/permissions";
import { getAuth, SESSION_ABSOLUTE_SECONDS } from "./auth";
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
  const auth = getAuth(isHttpsRequest(h));
  const session = await auth.api.getSession({ headers: h });
  if (!session) return null;
  if (sessionTooOld(session.session.createdAt, new Date(), SESSION_ABSOLUTE_SECONDS)) {
    await db.session.deleteMany({ where: { id: session.session.id } });
    return null;
  }
  const { role, timeZone } = session.user as { role?: string; timeZone?: string | null };
  return {
    id: session.user.id,
    name: session.user.name,
    timeZone: timeZone ?? null,
    role: (ROLES as readonly string[]).includes(role ?? "") ? (role as Role) : "requester",
  };
}

