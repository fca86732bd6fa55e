import "server-only";
import crypto from "node:crypto";
import type { Prisma } from "../generated/prisma/client";
import { env } from "../env";
import { sqlDate, sqlOf, type Sql } from "../sql";
import { authSecret } from "../auth/secret";
import { builtInDefault, type NotificationKind } from "./kinds";
import {
  addressCheckMail,
  assignedMail,
  commentMail,
  passwordResetMail,
  resolvedMail,
  ticketCreatedMail,
  unassignedMail,
  type Composed,
  type MailContext,
  type Recipient,
  type TicketFacts,
} from "./compose";
import { replyToken } from "./inbound/token";
import { capReferences } from "./inbound/ids";

/**
 * Who is told what. Each function runs inside the transaction of the change that causes the
 * message and writes outbox rows there: a change rolled back sends nothing, a crash after the
 * commit loses nothing. Nobody is told about their own action, except the acknowledgement of a
 * ticket they opened. Hand-written SQL (lib/sql.ts): a Prisma transaction is taken as well as the
 * writer's own, since the mail import and most commands run in Prisma transactions.
 */

type Tx = Prisma.TransactionClient | Sql;

type Person = { id: string; email: string; name: string; timeZone: string | null };

/**
 * How many acknowledgements one address gets in an hour: for mailed-in tickets, a loop with a
 * robot that escaped the loop rules stops here; for requesters on the web (whose address nobody
 * has verified), a sign-up in someone else's name cannot flood that inbox. Staff opening tickets
 * are not limited.
 */
export const ACKS_PER_HOUR = 5;
export const WEB_ACKS_PER_HOUR = 20;

/** A condition on "user" u, with its bound values. */
type Who = { sql: string; args: unknown[] };

/**
 * The people matching `who` who want this kind of message: their own choice, else the admins'
 * default, else the built-in one. One statement.
 */
async function wanting(tx: Tx, kind: NotificationKind, who: Who): Promise<Person[]> {
  return sqlOf(tx).all<Person>(
    `SELECT u."id", u."email", u."name", u."timeZone" FROM "user" u
     LEFT JOIN "notification_choice" c ON c."userId" = u."id" AND c."kind" = ?
     LEFT JOIN "notification_default" d ON d."kind" = ?
     WHERE ${who.sql} AND COALESCE(c."enabled", d."enabled", ?)`,
    kind,
    kind,
    ...who.args,
    builtInDefault(kind),
  );
}

const one = (id: string): Who => ({ sql: `u."id" = ?`, args: [id] });

export function mailDomain() {
  return env().mailFrom.address.split("@")[1];
}

export function newMessageId() {
  return `${crypto.randomUUID()}@${mailDomain()}`;
}

function context(ticket: number | null): MailContext {
  return { publicUrl: env().publicUrl, replyRef: ticket === null ? null : replyToken(authSecret(), ticket) };
}

/**
 * In-Reply-To and References for the next message on a ticket to one address: the messages that
 * person already has from this ticket (sent by Triage, or written by them), so their client shows
 * one thread.
 */
async function threadFor(tx: Tx, ticket: number, address: string) {
  const sql = sqlOf(tx);
  const sent = await sql.all<{ messageId: string }>(
    `SELECT "messageId" FROM "outbound_mail" WHERE "ticketNumber" = ? AND "toAddress" = ? ORDER BY "id" DESC LIMIT 20`,
    ticket,
    address,
  );
  // A message without a Message-ID is keyed by its hash, which is no id to refer to.
  const received = await sql.all<{ messageKey: string }>(
    `SELECT "messageKey" FROM "inbound_mail"
     WHERE "ticketNumber" = ? AND "fromAddress" = ? AND substr("messageKey", 1, 7) <> 'sha256:'
     ORDER BY "id" DESC LIMIT 20`,
    ticket,
    address,
  );
  // Oldest first: the received ones and the sent ones interleave by time well enough by id order
  // within each; put what the person wrote first (it usually opened the thread).
  const ids = [...received.reverse().map((r) => r.messageKey), ...sent.reverse().map((s) => s.messageId)];
  if (ids.length === 0) return { inReplyTo: null, references: null };
  const refs = capReferences(ids, 20);
  return { inReplyTo: ids[ids.length - 1], references: refs.join(" ") };
}

/** `thread: false` for a ticket just opened on the web: nobody has any of its mail yet. */
async function queue(tx: Tx, kind: string, to: Person, mail: Composed, ticket: number | null, thread = true) {
  const none = { inReplyTo: null, references: null };
  const refs = ticket === null || !thread ? none : await threadFor(tx, ticket, to.email);
  // One hand-written INSERT: nothing is read back, and no query is built (createMany cost about
  // 1.5 ms of a create's 12). Status, attempts and the lease take the table's defaults.
  const at = sqlDate(new Date());
  await sqlOf(tx).run(
    `INSERT INTO "outbound_mail" ("kind", "ticketNumber", "toUserId", "toAddress", "subject", "text", "html",
       "messageId", "inReplyTo", "references", "replyTo", "nextAttemptAt", "createdAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    kind, ticket, to.id, to.email, mail.subject, mail.text, mail.html,
    newMessageId(), refs.inReplyTo, refs.references, env().mailFrom.address, at, at,
  );
}

const recipient = (p: Person): Recipient => ({ name: p.name, timeZone: p.timeZone });

/** A new ticket: the requester's acknowledgement, and the agents who hear about unassigned tickets. */
export async function notifyTicketCreated(
  tx: Tx,
  t: TicketFacts & { description: string; createdAt: Date; requesterId: string; requesterName: string },
  opts: { invite?: string; viaMail?: boolean; ackLimit?: number } = {},
) {
  const ctx = context(t.number);
  const limit = opts.viaMail ? ACKS_PER_HOUR : opts.ackLimit;
  for (const p of await wanting(tx, "ticket_created", one(t.requesterId))) {
    if (limit !== undefined && (await sentRecently(tx, p.email, "ticket_created", t.createdAt)) >= limit) continue;
    // A mailed-in ticket's acknowledgement answers the sender's message, in the same thread.
    await queue(tx, "ticket_created", p, ticketCreatedMail(recipient(p), t, ctx, opts), t.number, opts.viaMail === true);
  }
  const agents = await wanting(
    tx,
    "unassigned_ticket",
    { sql: `u."role" IN ('agent', 'admin') AND u."id" <> ?`, args: [t.requesterId] },
  );
  for (const p of agents) {
    await queue(tx, "unassigned_ticket", p, unassignedMail(recipient(p), { ...t, requester: t.requesterName }, ctx), t.number, false);
  }
}

/** How many messages of this kind went to the address in the hour before `now`. */
export async function sentRecently(tx: Tx, address: string, kind: string, now: Date) {
  const row = await sqlOf(tx).get<{ n: number | bigint }>(
    `SELECT count(*) AS "n" FROM "outbound_mail" WHERE "toAddress" = ? AND "kind" = ? AND "createdAt" > ?`,
    address,
    kind,
    sqlDate(now.getTime() - 3600_000),
  );
  return Number(row?.n ?? 0);
}

/**
 * A public comment: from the team, to the requester; from the requester, to the assignee.
 * Internal notes tell nobody outside the team, so they send nothing.
 */
export async function notifyComment(
  tx: Tx,
  t: TicketFacts & { requesterId: string; assigneeId: string | null },
  c: { authorId: string; authorName: string; body: string; internal: boolean; at: Date },
) {
  if (c.internal) return;
  const ctx = context(t.number);
  const mail = { author: c.authorName, body: c.body, at: c.at };
  if (c.authorId !== t.requesterId) {
    for (const p of await wanting(tx, "team_comment", one(t.requesterId))) {
      await queue(tx, "team_comment", p, commentMail(recipient(p), t, mail, ctx), t.number);
    }
  } else if (t.assigneeId && t.assigneeId !== c.authorId) {
    for (const p of await wanting(tx, "requester_comment", one(t.assigneeId))) {
      await queue(tx, "requester_comment", p, commentMail(recipient(p), t, mail, ctx), t.number);
    }
  }
}

/** A change of status or assignee: the requester hears of Resolved, the new assignee of the assignment. */
export async function notifyTicketChanged(
  tx: Tx,
  t: TicketFacts & { requesterId: string },
  change: { actor: { id: string; name: string }; at: Date; resolved: boolean; newAssigneeId: string | null | undefined },
) {
  const ctx = context(t.number);
  const by = { name: change.actor.name, at: change.at };
  if (change.resolved && t.requesterId !== change.actor.id) {
    for (const p of await wanting(tx, "ticket_resolved", one(t.requesterId))) {
      await queue(tx, "ticket_resolved", p, resolvedMail(recipient(p), t, by, ctx), t.number);
    }
  }
  if (change.newAssigneeId && change.newAssigneeId !== change.actor.id) {
    for (const p of await wanting(tx, "assigned", one(change.newAssigneeId))) {
      await queue(tx, "assigned", p, assignedMail(recipient(p), t, by, ctx), t.number);
    }
  }
}

/** Mail about an account rather than a ticket, which nobody can turn off. */
async function queueForAccount(tx: Tx, userId: string, kind: string, compose: (to: Recipient) => Composed) {
  const p = await sqlOf(tx).get<Person>(`SELECT "id", "email", "name", "timeZone" FROM "user" WHERE "id" = ?`, userId);
  if (p) await queue(tx, kind, p, compose(recipient(p)), null);
}

/** Better Auth's reset link, by mail. */
export async function queuePasswordReset(tx: Tx, userId: string, link: string) {
  await queueForAccount(tx, userId, "password_reset", (to) => passwordResetMail(to, link, context(null)));
}

/** A link for the owner of an address to confirm it (mail from it is waiting). */
export async function queueAddressCheck(tx: Tx, userId: string, subject: string, link: string) {
  await queueForAccount(tx, userId, "address_check", (to) => addressCheckMail(to, subject, link, context(null)));
}
