import "server-only";
import { asDate, read, sqlDate, type Tx } from "../db";
import { isAdmin, isStaffSql, type Actor } from "../people/identity";
import { AUDIT_PAGE, type AuditAction } from "./actions";

/**
 * The audit log: administrative actions, who did them, when, to what, and from where. Written
 * only here, inside the transaction of the change it records (so there is no change without its
 * entry, and no entry without its change). Append-only: the migration's triggers refuse UPDATE
 * and DELETE on both databases.
 */

export type AuditInput = {
  action: AuditAction;
  /** Whom or what, as named now: the log keeps the name it had. */
  target: string;
  detail?: string | null;
  /** The client's address (lib/auth/request-address.ts requestClientAddress), or null. */
  from: string | null;
};

/** An entry's target and detail are kept to this many characters (a list of 100 domains fits). */
const TEXT_MAX = 4000;

export async function audit(tx: Tx, actor: Actor, entry: AuditInput, at = new Date()) {
  await tx.run(
    `INSERT INTO "audit_log" ("at", "actorId", "actorName", "action", "target", "detail", "address") VALUES (?, ?, ?, ?, ?, ?, ?)`,
    sqlDate(at), actor.id, actor.name, entry.action, entry.target.slice(0, TEXT_MAX), entry.detail?.slice(0, TEXT_MAX) ?? null, entry.from,
  );
}

/** A person named as the log names them: "Ana Lima <ana@example.com>". */
export const personLabel = (p: { name: string; email: string }) => `${p.name} <${p.email}>`;

export type AuditRow = {
  id: number;
  at: Date;
  actorId: string;
  actorName: string;
  /** An AUDIT_ACTIONS name (a newer version's name shows as itself: see auditActionLabel). */
  action: string;
  target: string;
  detail: string | null;
  address: string | null;
};

export type AuditFilter = { action?: AuditAction; actorId?: string; before?: number; after?: number };

export type AuditPage = { rows: AuditRow[]; older: number | null; newer: number | null };

/**
 * One page of the log, newest first, after the filters; `before`/`after` are entry ids (keyset
 * paging: each page is one index range, however long the log grows). Admins only.
 */
export async function readAudit(actor: Actor, filter: AuditFilter): Promise<AuditPage> {
  if (!isAdmin(actor)) return { rows: [], older: null, newer: null };
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.action) {
    where.push(`a."action" = ?`);
    args.push(filter.action);
  }
  if (filter.actorId) {
    where.push(`a."actorId" = ?`);
    args.push(filter.actorId);
  }
  const goingBack = filter.after === undefined;
  if (filter.before !== undefined) {
    where.push(`a."id" < ?`);
    args.push(filter.before);
  } else if (filter.after !== undefined) {
    where.push(`a."id" > ?`);
    args.push(filter.after);
  }
  const rows = await read.all<{ id: number; at: string | Date; actorId: string; actorName: string; action: string; target: string; detail: string | null; address: string | null }>(
    `SELECT a."id", a."at", a."actorId", a."actorName", a."action", a."target", a."detail", a."address"
     FROM "audit_log" a
     ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY a."id" ${goingBack ? "DESC" : "ASC"} LIMIT ${AUDIT_PAGE + 1}`,
    ...args,
  );
  const more = rows.length > AUDIT_PAGE;
  const page = rows.slice(0, AUDIT_PAGE);
  if (!goingBack) page.reverse();
  const parsed = page.map((r) => ({
    ...r,
    id: Number(r.id),
    at: asDate(r.at),
  }));
  const newest = parsed[0]?.id;
  const oldest = parsed[parsed.length - 1]?.id;
  if (newest === undefined || oldest === undefined) return { rows: [], older: null, newer: null };
  return goingBack
    ? // Reached through "older" (a `before`), there are newer entries: the page we came from.
      { rows: parsed, older: more ? oldest : null, newer: filter.before !== undefined ? newest : null }
    : { rows: parsed, older: oldest, newer: more ? newest : null };
}

/**
 * The people the Person filter offers: staff (administrative actions and attachment removals are
 * theirs), by name, bounded; one no longer staff can still be filtered on by URL.
 */
export async function auditActors(actor: Actor): Promise<{ id: string; name: string; email: string }[]> {
  if (!isAdmin(actor)) return [];
  return read.all(`SELECT "id", "name", "email" FROM "user" WHERE ${isStaffSql(`"role"`)} ORDER BY "name", "id" LIMIT 500`);
}
