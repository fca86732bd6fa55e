import "server-only";
import crypto from "node:crypto";
import { env } from "../env";
import { sqlDate, type Rows, type Tx } from "../db";
import { authSecret } from "../auth/secret";
import { builtInDefault, type NotificationKind } from "./kinds";
import { isActiveSql } from "../people/identity";
import type { Composed, MailContext, Recipient } from "./compose";
import { replyToken } from "./inbound/token";
import { capReferences } from "./inbound/ids";

/**
 * Outbox rows, written inside the transaction of the change that causes them: who wants a kind of
 * mail, the thread a message joins, and the INSERT. What is said to whom is ./notify.ts (tickets)
 * and ./account-mail.ts (accounts).
 */

export type Person = { id: string; email: string; name: string; timeZone: string | null };

/** A condition on "user" u, with its bound values. */
export type Who = { sql: string; args: unknown[] };

/**
 * Whether user u's address may get mail that carries what people typed (titles, names, comments):
 * it is proven (a link mailed there was followed: Better Auth's emailVerified), or the account was
 * made from mail and has no password (they wrote to us first: they keep their acknowledgements).
 * A web account whose address nobody proved gets only the link that proves it (lib/auth/auth.ts):
 * anyone may sign up with anyone's address. Binds one value: true.
 */
export const ADDRESS_PROVEN = `(u."emailVerified" = ? OR NOT EXISTS (SELECT 1 FROM "account" a WHERE a."userId" = u."id" AND a."providerId" = 'credential'))`;

/**
 * The people matching `who` who want this kind of message (their own choice, else the admins'
 * default, else the built-in one) and whose address may get it (ADDRESS_PROVEN). One statement.
 */
export async function wanting(tx: Tx, kind: NotificationKind, who: Who): Promise<Person[]> {
  return tx.all<Person>(
    `SELECT u."id", u."email", u."name", u."timeZone" FROM "user" u
     LEFT JOIN "notification_choice" c ON c."userId" = u."id" AND c."kind" = ?
     LEFT JOIN "notification_default" d ON d."kind" = ?
     WHERE ${who.sql} AND ${isActiveSql("u")} AND COALESCE(c."enabled", d."enabled", ?) AND ${ADDRESS_PROVEN}`,
    kind,
    kind,
    ...who.args,
    builtInDefault(kind),
    true,
  );
}

export const one = (id: string): Who => ({ sql: `u."id" = ?`, args: [id] });

export function mailDomain() {
  return env().mailFrom.address.split("@")[1];
}

export function newMessageId() {
  return `${crypto.randomUUID()}@${mailDomain()}`;
}

export function context(ticket: number | null): MailContext {
  return { publicUrl: env().publicUrl, replyRef: ticket === null ? null : replyToken(authSecret(), ticket) };
}

/**
 * In-Reply-To and References for the next message on a ticket to one address: the messages that
 * person already has from this ticket (sent by Triage, or written by them), so their client shows
 * one thread.
 */
async function threadFor(tx: Tx, ticket: number, address: string, answers: string | null) {
  const sent = await tx.all<{ messageId: string }>(
    `SELECT "messageId" FROM "outbound_mail" WHERE "ticketNumber" = ? AND "toAddress" = ? ORDER BY "id" DESC LIMIT 20`,
    ticket,
    address,
  );
  // A message without a Message-ID is keyed by its hash, which is no id to refer to.
  const received = await tx.all<{ messageKey: string }>(
    `SELECT "messageKey" FROM "inbound_mail"
     WHERE "ticketNumber" = ? AND "fromAddress" = ? AND substr("messageKey", 1, 7) <> 'sha256:'
     ORDER BY "id" DESC LIMIT 20`,
    ticket,
    address,
  );
  // Oldest first: the received ones and the sent ones interleave by time well enough by id order
  // within each; put what the person wrote first (it usually opened the thread).
  const ids = [...received.reverse().map((r) => r.messageKey), ...sent.reverse().map((s) => s.messageId)];
  // The message this mail answers, when its row is not written yet (a ticket opened by mail).
  if (answers && !answers.startsWith("sha256:") && !ids.includes(answers)) ids.unshift(answers);
  if (ids.length === 0) return { inReplyTo: null, references: null };
  const refs = capReferences(ids, 20);
  return { inReplyTo: ids[ids.length - 1], references: refs.join(" ") };
}

/**
 * `thread: false` for a ticket just opened on the web: nobody has any of its mail yet. `answers`:
 * the key of the sender's message a mailed-in ticket's acknowledgement answers. `timing`: when it
 * is due and what it is about (mail about comments: see queueCommentMail), else now.
 */
export async function queue(
  tx: Tx,
  kind: string,
  to: Person,
  mail: Composed,
  ticket: number | null,
  thread = true,
  answers: string | null = null,
  timing: { due: Date; since: Date } | null = null,
) {
  const none = { inReplyTo: null, references: null };
  const refs = ticket === null || !thread ? none : await threadFor(tx, ticket, to.email, answers);
  // One hand-written INSERT: nothing is read back, and no query is built (createMany cost about
  // 1.5 ms of a create's 12). Status, attempts and the lease take the table's defaults.
  const at = sqlDate(new Date());
  await tx.run(
    `INSERT INTO "outbound_mail" ("kind", "ticketNumber", "toUserId", "toAddress", "subject", "text", "html",
       "messageId", "inReplyTo", "references", "replyTo", "nextAttemptAt", "createdAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    kind, ticket, to.id, to.email, mail.subject, mail.text, mail.html,
    newMessageId(), refs.inReplyTo, refs.references, env().mailFrom.address,
    timing ? sqlDate(timing.due) : at, timing ? sqlDate(timing.since) : at,
  );
}

/** Mail to an address that is nobody's account (a refusal to whoever sent an oversized message). */
export async function queueToAddress(tx: Tx, kind: string, address: string, mail: Composed, inReplyTo: string | null) {
  const at = sqlDate(new Date());
  await tx.run(
    `INSERT INTO "outbound_mail" ("kind", "toAddress", "subject", "text", "html", "messageId", "inReplyTo", "nextAttemptAt", "createdAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    kind, address, mail.subject, mail.text, mail.html, newMessageId(), inReplyTo, at, at,
  );
}

export const recipient = (p: Person): Recipient => ({ name: p.name, timeZone: p.timeZone });

/** How many messages of this kind went to the address in the hour before `now`. */
export async function sentRecently(tx: Rows, address: string, kind: string, now: Date) {
  const row = await tx.get<{ n: number | bigint }>(
    `SELECT count(*) AS "n" FROM "outbound_mail" WHERE "toAddress" = ? AND "kind" = ? AND "createdAt" > ?`,
    address,
    kind,
    sqlDate(now.getTime() - 3600_000),
  );
  return Number(row?.n ?? 0);
}
