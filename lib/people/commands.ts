import "server-only";
import crypto from "node:crypto";
import { expectOne, read, sqlDate, write, WriteMismatch, type Rows, type Tx } from "../db";
import { audit, personLabel } from "../audit/log";
import { accountEvents } from "../auth/events";
import { createSetPasswordLink } from "../auth/links";
import { endSetPasswordLinks } from "../auth/link-rows";
import { NAME_MAX } from "../limits";
import { oneLine } from "../text";
import { hasPasswordSql, isActiveSql, isAdmin, isRole, type Actor, type Role } from "./identity";
import { openAssignedTo } from "./queries";

/**
 * Admins able to sign in (active, with a password: an invited admin who never followed the link
 * cannot): the last one can be neither demoted nor deactivated.
 */
async function activeAdmins(tx: Rows): Promise<number> {
  const row = await tx.get<{ n: number }>(`SELECT count(*) AS "n" FROM "user" u WHERE u."role" = 'admin' AND ${isActiveSql("u")} AND ${hasPasswordSql("u")}`);
  return Number(row?.n ?? 0);
}

export type ChangeRoleResult =
  | { kind: "changed"; name: string; role: Role }
  | { kind: "unchanged"; name: string }
  | { kind: "not_found" }
  | { kind: "forbidden" }
  | { kind: "last_admin" };

/**
 * Sets a user's role. The last active admin cannot be demoted: someone must be able to come back
 * here. `from` is the client's address, for the audit log.
 */
export async function changeRole(actor: Actor, userId: string, role: Role, from: string | null = null): Promise<ChangeRoleResult> {
  if (!isAdmin(actor)) return { kind: "forbidden" };
  if (typeof userId !== "string" || !isRole(role)) throw new TypeError("changeRole: unparsed input");
  return write(async (tx): Promise<ChangeRoleResult> => {
    const user = await tx.get<{ name: string; email: string; role: string; deactivatedAt: unknown }>(
      `SELECT "name", "email", "role", "deactivatedAt" FROM "user" WHERE "id" = ?`,
      userId,
    );
    if (!user) return { kind: "not_found" };
    if (user.role === role) return { kind: "unchanged", name: user.name };
    if (user.role === "admin" && (await activeAdmins(tx)) <= 1 && (await isSignInAdmin(tx, userId))) return { kind: "last_admin" };
    expectOne(
      await tx.run(`UPDATE "user" SET "role" = ?, "updatedAt" = ? WHERE "id" = ? AND "role" = ?`, role, sqlDate(new Date()), userId, user.role),
    );
    await audit(tx, actor, { action: "role_changed", target: personLabel(user), detail: `${user.role} \u2192 ${role}`, from });
    return { kind: "changed", name: user.name, role };
  }, { exclusive: true }).catch((e: unknown) => {
    if (e instanceof WriteMismatch) return { kind: "not_found" } as const;
    throw e;
  });
}

/**
 * A requester made for someone who wrote to the support mailbox: no password (they set one
 * through the link their acknowledgement carries), named as their mail client names them.
 */
export async function createRequester(tx: Tx, who: { id?: string; name: string; email: string }, now: Date): Promise<Actor> {
  return createPerson(tx, who, "requester", now);
}

/** A name as given (one line), or the address's local part when there is none. */
const personName = (given: string, email: string) => (oneLine(given).trim() || email.split("@")[0]).slice(0, NAME_MAX);

/** An account without a password (made from mail, or invited), named by its address when unnamed. */
async function createPerson(tx: Tx, who: { id?: string; name: string; email: string }, role: Role, now: Date): Promise<Actor> {
  const id = who.id ?? crypto.randomUUID();
  const name = personName(who.name, who.email);
  const at = sqlDate(now);
  await tx.run(
    `INSERT INTO "user" ("id", "name", "email", "emailVerified", "role", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
    id, name, who.email, false, role, at, at,
  );
  return { id, name, role };
}

/** A person's time zone (one isTimeZone accepted); UTC is stored as no choice. */
export async function setTimeZoneIn(tx: Tx, userId: string, zone: string) {
  await tx.run(`UPDATE "user" SET "timeZone" = ?, "updatedAt" = ? WHERE "id" = ?`, zone === "UTC" ? null : zone, sqlDate(new Date()), userId);
}

/** Whether the single-key shortcuts listen on a person's pages (read with the session, lib/auth/actor.ts). */
export async function setKeyboardShortcutsIn(tx: Tx, userId: string, on: boolean) {
  await tx.run(`UPDATE "user" SET "keyboardShortcuts" = ?, "updatedAt" = ? WHERE "id" = ?`, on, sqlDate(new Date()), userId);
}

/** How long an invitation's link works. */
export const INVITATION_DAYS = 7;
/** Invitations one admin may send in an hour (each is a mail; a stolen session is bounded too). */
export const INVITATIONS_PER_HOUR = 200;

export type InviteResult =
  /** `link` is shown to the admin only while mail is off (it is the invitee's to follow). */
  | { kind: "invited"; userId: string; email: string; role: Role; again: boolean; link: string }
  | { kind: "exists"; name: string }
  | { kind: "deactivated"; name: string }
  | { kind: "too_many" }
  | { kind: "forbidden" };

type Existing = { id: string; name: string; email: string; role: string; deactivatedAt: unknown; hasPassword: number | boolean };

const existingByEmail = (rows: Rows, email: string) =>
  rows.get<Existing>(
    `SELECT u."id", u."name", u."email", u."role", u."deactivatedAt", CASE WHEN ${hasPasswordSql("u")} THEN 1 ELSE 0 END AS "hasPassword"
     FROM "user" u WHERE u."email" = ?`,
    email,
  );

/** Whether this admin counts among activeAdmins (so that demoting or deactivating them lowers it). */
async function isSignInAdmin(tx: Rows, userId: string): Promise<boolean> {
  return (await tx.get(`SELECT 1 AS "x" FROM "user" u WHERE u."id" = ? AND ${isActiveSql("u")} AND ${hasPasswordSql("u")}`, userId)) !== undefined;
}

/** Invitations this admin sent in the last hour (read in the invitation's exclusive write). */
async function invitationsThisHour(tx: Rows, actorId: string, now: Date): Promise<number> {
  const row = await tx.get<{ n: number }>(
    `SELECT count(*) AS "n" FROM "audit_log" WHERE "actorId" = ? AND "action" = 'invited' AND "at" > ?`,
    actorId, sqlDate(new Date(now.getTime() - 60 * 60 * 1000)),
  );
  return Number(row?.n ?? 0);
}

/**
 * An admin invites a person by (parsed, lowercase) email with a role: the account is made without
 * a password, and a link to set one (single use, INVITATION_DAYS days) goes out by mail. A person
 * who has an account but no password yet (made from mail, or invited before) gets a new link and
 * the role. Someone with a password already has an account: nothing is sent.
 */
export async function invitePerson(actor: Actor, input: { email: string; role: Role }, from: string | null): Promise<InviteResult> {
  if (!isAdmin(actor)) return { kind: "forbidden" };
  if (typeof input.email !== "string" || !isRole(input.role)) throw new TypeError("invitePerson: unparsed input");
  const before = await existingByEmail(read, input.email);
  const refusal = refuseInvitation(before);
  if (refusal) return refusal;
  if ((await invitationsThisHour(read, actor.id, new Date())) >= INVITATIONS_PER_HOUR) return { kind: "too_many" };
  // The link is stored through Better Auth's adapter, outside the write (lib/auth/links.ts); it
  // names an id that exists only once the write below commits.
  const userId = before?.id ?? crypto.randomUUID();
  const link = await createSetPasswordLink(userId, INVITATION_DAYS * 24 * 60 * 60);
  return write(async (tx): Promise<InviteResult> => {
    const now = new Date();
    // Counted again here, one invitation at a time (exclusive), so that a burst cannot pass it.
    if ((await invitationsThisHour(tx, actor.id, now)) >= INVITATIONS_PER_HOUR) return { kind: "too_many" };
    const current = await existingByEmail(tx, input.email);
    if (current?.id !== before?.id) return { kind: "exists", name: current?.name ?? input.email };
    const again = refuseInvitation(current);
    if (again) return again;
    let name: string;
    if (current) {
      name = current.name;
      if (current.role !== input.role) {
        expectOne(await tx.run(`UPDATE "user" SET "role" = ?, "updatedAt" = ? WHERE "id" = ?`, input.role, sqlDate(now), userId));
      }
      // The earlier invitation's link ends: only the newest one works.
      await endSetPasswordLinks(tx, userId, new URL(link).searchParams.get("token"));
    } else {
      // A sign-up of the same address may commit first (Better Auth does not take our lock).
      const made = await tx.run(
        `INSERT INTO "user" ("id", "name", "email", "emailVerified", "role", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("email") DO NOTHING`,
        userId, personName("", input.email), input.email, false, input.role, sqlDate(now), sqlDate(now),
      );
      if (made !== 1) return { kind: "exists", name: input.email };
      name = personName("", input.email);
    }
    const detail = current && current.role !== input.role ? `as ${input.role} (was ${current.role})` : `as ${input.role}`;
    await audit(tx, actor, { action: "invited", target: personLabel({ name, email: input.email }), detail, from }, now);
    await accountEvents.emit(tx, { kind: "invitation", userId, link, by: actor.name, role: input.role, days: INVITATION_DAYS });
    return { kind: "invited", userId, email: input.email, role: input.role, again: Boolean(current), link };
  }, { exclusive: true });
}

function refuseInvitation(p: Existing | undefined): InviteResult | null {
  if (!p) return null;
  if (p.deactivatedAt !== null) return { kind: "deactivated", name: p.name };
  if (Number(p.hasPassword) === 1) return { kind: "exists", name: p.name };
  return null;
}

export type ActiveResult =
  | { kind: "deactivated"; name: string; openTickets: number }
  | { kind: "reactivated"; name: string }
  | { kind: "unchanged"; name: string; active: boolean }
  | { kind: "self" }
  | { kind: "last_admin" }
  | { kind: "not_found" }
  | { kind: "forbidden" };

/**
 * An admin deactivates a person (or reactivates them). Deactivated: they are signed out
 * everywhere at once (their sessions and unused password links go), cannot sign in or be
 * assigned, and get no mail; what they wrote stays, under their name. Their open tickets stay
 * assigned until someone reassigns them: the answer counts them. Nobody deactivates themselves,
 * and the last active admin cannot be deactivated.
 */
export async function setActive(actor: Actor, userId: string, active: boolean, from: string | null): Promise<ActiveResult> {
  if (!isAdmin(actor)) return { kind: "forbidden" };
  if (typeof userId !== "string" || typeof active !== "boolean") throw new TypeError("setActive: unparsed input");
  if (userId === actor.id && !active) return { kind: "self" };
  return write(async (tx): Promise<ActiveResult> => {
    const user = await tx.get<{ name: string; email: string; role: string; deactivatedAt: unknown }>(
      `SELECT "name", "email", "role", "deactivatedAt" FROM "user" WHERE "id" = ?`,
      userId,
    );
    if (!user) return { kind: "not_found" };
    const isActive = user.deactivatedAt === null;
    if (isActive === active) return { kind: "unchanged", name: user.name, active };
    const now = new Date();
    if (!active) {
      if (user.role === "admin" && (await activeAdmins(tx)) <= 1 && (await isSignInAdmin(tx, userId))) return { kind: "last_admin" };
      expectOne(await tx.run(`UPDATE "user" SET "deactivatedAt" = ?, "updatedAt" = ? WHERE "id" = ? AND "deactivatedAt" IS NULL`, sqlDate(now), sqlDate(now), userId));
      await tx.run(`DELETE FROM "session" WHERE "userId" = ?`, userId);
      await endSetPasswordLinks(tx, userId);
      // Mail waiting for them (a gathered comment, a retry) does not go out either.
      await tx.run(
        `UPDATE "outbound_mail" SET "status" = 'failed', "lastResponse" = ? WHERE "toUserId" = ? AND "status" = 'queued'`,
        "Not sent: the recipient was deactivated.", userId,
      );
      await audit(tx, actor, { action: "deactivated", target: personLabel(user), detail: null, from }, now);
      return { kind: "deactivated", name: user.name, openTickets: (await openAssignedTo(tx, [userId])).get(userId) ?? 0 };
    }
    expectOne(await tx.run(`UPDATE "user" SET "deactivatedAt" = NULL, "updatedAt" = ? WHERE "id" = ? AND "deactivatedAt" IS NOT NULL`, sqlDate(now), userId));
    await audit(tx, actor, { action: "reactivated", target: personLabel(user), detail: null, from }, now);
    return { kind: "reactivated", name: user.name };
  }, { exclusive: true }).catch((e: unknown) => {
    if (e instanceof WriteMismatch) return { kind: "not_found" } as const;
    throw e;
  });
}
