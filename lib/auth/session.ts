import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { isAdmin, isStaff, type Actor } from "../people/identity";
import { actorFromHeaders, isHttpsRequest } from "./actor";
import { getAuth } from "./auth";
import { safeNextPath } from "./paths";
import { requestTimeZone } from "../time-zone";
import { isTimeZone } from "../people/time-zone";

/** The auth instance whose cookies match this request's scheme. */
export async function requestAuth() {
  return getAuth(isHttpsRequest(await headers()));
}

/** Who is making this request, or null: looked up once per request (React cache). */
export const getActor = cache(async (): Promise<Actor | null> => {
  const actor = await actorFromHeaders(await headers());
  // Every <Time> on this request's pages shows the person's zone.
  if (actor?.timeZone && isTimeZone(actor.timeZone)) requestTimeZone().zone = actor.timeZone;
  return actor;
});

/** The path this request was for, as the front door (server/front-door.mjs) recorded it. */
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
  if (!isAdmin(actor)) notFound();
  return actor;
}

/** Staff-only pages (agents and admins) answer 404 to requesters, as admin pages do to non-admins. */
export async function requireStaff(): Promise<Actor> {
  const actor = await requireActor();
  if (!isStaff(actor)) notFound();
  return actor;
}
