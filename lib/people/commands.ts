import "server-only";
import crypto from "node:crypto";
import { expectOne, sqlDate, write, WriteMismatch, type Tx } from "../db";
import { NAME_MAX } from "../limits";
import { oneLine } from "../text";
import { isAdmin, isRole, type Actor, type Role } from "./identity";

export type ChangeRoleResult =
  | { kind: "changed"; name: string; role: Role }
  | { kind: "unchanged"; name: string }
  | { kind: "not_found" }
  | { kind: "forbidden" }
  | { kind: "last_admin" };

/** Sets a user's role. The last admin cannot be demoted: someone must be able to come back here. */
export async function changeRole(actor: Actor, userId: string, role: Role): Promise<ChangeRoleResult> {
  if (!isAdmin(actor)) return { kind: "forbidden" };
  if (typeof userId !== "string" || !isRole(role)) throw new TypeError("changeRole: unparsed input");
  return write(async (tx): Promise<ChangeRoleResult> => {
    const user = await tx.get<{ name: string; role: string }>(`SELECT "name", "role" FROM "user" WHERE "id" = ?`, userId);
    if (!user) return { kind: "not_found" };
    if (user.role === role) return { kind: "unchanged", name: user.name };
    if (user.role === "admin") {
      const admins = await tx.get<{ n: number }>(`SELECT count(*) AS "n" FROM "user" WHERE "role" = 'admin'`);
      if (Number(admins?.n ?? 0) <= 1) return { kind: "last_admin" };
    }
    expectOne(
      await tx.run(`UPDATE "user" SET "role" = ?, "updatedAt" = ? WHERE "id" = ? AND "role" = ?`, role, sqlDate(new Date()), userId, user.role),
    );
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
  const id = who.id ?? crypto.randomUUID();
  const name = (oneLine(who.name).trim() || who.email.split("@")[0]).slice(0, NAME_MAX);
  const at = sqlDate(now);
  await tx.run(
    `INSERT INTO "user" ("id", "name", "email", "emailVerified", "role", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'requester', ?, ?)`,
    id, name, who.email, false, at, at,
  );
  return { id, name, role: "requester" };
}

/** A person's time zone (one isTimeZone accepted); UTC is stored as no choice. */
export async function setTimeZoneIn(tx: Tx, userId: string, zone: string) {
  await tx.run(`UPDATE "user" SET "timeZone" = ?, "updatedAt" = ? WHERE "id" = ?`, zone === "UTC" ? null : zone, sqlDate(new Date()), userId);
}
