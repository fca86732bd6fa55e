import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { db } from "../db";
import { ROLES, type Actor, type Role } from "../tickets/permissions";
import { getAuth, SESSION_ABSOLUTE_SECONDS } from "./auth";
import { safeNextPath, sessionTooOld } from "./paths";

/** Whether this request reached us over HTTPS (directly or through a proxy that says so). */
export async function isHttps(): Promise<boolean> {
  const h = await headers();
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return proto === "https";
}

/** The auth instance whose cookies match this request's scheme. */
export async function requestAuth() {
  return getAuth(await isHttps());
}

/**
 * Who is making this request, or null. Looked up once per request (React cache); a session past
 * its absolute limit is revoked here, however recently it was used.
 */
export const getActor = cache(async (): Promise<Actor | null> => {
  const h = await headers();
  const auth = await requestAuth();
  const session = await auth.api.getSession({ headers: h });
  if (!session) return null;
  if (sessionTooOld(session.session.createdAt, new Date(), SESSION_ABSOLUTE_SECONDS)) {
    await db.session.deleteMany({ where: { id: session.session.id } });
    return null;
  }
  const role = (session.user as { role?: string }).role;
  return {
    id: session.user.id,
    name: session.user.name,
    role: (ROLES as readonly string[]).includes(role ?? "") ? (role as Role) : "requester",
  };
});

/** The path this request was for, as the proxy recorded it. */
export async function requestPath(): Promise<string> {
  const h = await headers();
  return safeNextPath(h.get("x-triage-path")) ?? "/tickets";
}

/** The actor, or a redirect to sign in and come back here. */
export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect(`/sign-in?next=${encodeURIComponent(await requestPath())}`);
  return actor;
}

/** Admin-only pages answer 404 to everyone else: they do not exist for them. */
export async function requireAdmin(): Promise<Actor> {
  const actor = await requireActor();
  if (actor.role !== "admin") notFound();
  return actor;
}
