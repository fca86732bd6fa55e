import "server-only";
import crypto from "node:crypto";
import { Prisma } from "../generated/prisma/client";
import { env } from "../env";
import { sqlDate } from "../sqlite";
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
 * ticket they opened.
 */

type Tx = Prisma.TransactionClient;

type Person = { id: string; email: string; name: string; timeZone: string | null };

/**
 * How many acknowledgements one address gets in an hour: for mailed-in tickets, a loop with a
 * robot that escaped the loop rules stops here; for requesters on the web (whose address nobody
 * has verified), a sign-up in someone else's name cannot flood that inbox. Staff opening tickets
 * are not limited.
 */
export const ACKS_PER_HOUR = 5;
export const WEB_ACKS_PER_HOUR = 20;

/**
 * The people matching `who` (a condition on "user" u) who want this kind of message: their own
 * choice, else the admins' default, else the built-in one. One statement.
 */
async function wanting(tx: Tx, kind: NotificationKind, who: Prisma.Sql): Promise<Person[]> {
  return tx.$queryRaw<Person[]>`
    SELECT u."id", u."email", u."name", u."timeZone" FROM "user" u
    LEFT JOIN "notification_choice" c ON c."userId" = u."id" AND c."kind" = ${kind}
    LEFT JOIN "notification_default" d ON d."kind" = ${kind}
    WHERE ${who} AND COALESCE(c."enabled", d."enabled", ${builtInDefault(kind)})`;
}

const one = (id: string) => Prisma.sql`u."id" = ${id}`;

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
  const [sent, received] = await Promise.all([
    tx.outboundMail.findMany({
      where: { ticketNumber: ticket, toAddress: address },
      orderBy: { id: "desc" },
      take: 20,
      select: { messageId: true, id: true },
    }),
    tx.inboundMail.findMany({
      where: { ticketNumber: ticket, fromAddress: address, messageKey: { not: { startsWith: "sha256:" } } },
      orderBy: { id: "desc" },
      take: 20,
      select: { messageKey: true, id: true, createdAt: true },
    }),
  ]);
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
  await tx.$executeRaw`
    INSERT INTO "outbound_mail" ("kind", "ticketNumber", "toUserId", "toAddress", "subject", "text", "html",
      "messageId", "inReplyTo", "references", "replyTo", "nextAttemptAt", "createdAt")
    VALUES (${kind}, ${ticket}, ${to.id}, ${to.email}, ${mail.subject}, ${mail.text}, ${mail.html},
      ${newMessageId()}, ${refs.inReplyTo}, ${refs.references}, ${env().mailFrom.address}, ${at}, ${at})`;
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
    Prisma.sql`u."role" IN ('agent', 'admin') AND u."id" <> ${t.requesterId}`,
  );
  for (const p of agents) {
    await queue(tx, "unassigned_ticket", p, unassignedMail(recipient(p), { ...t, requester: t.requesterName }, ctx), t.number, false);
  }
}

/** How many messages of this kind went to the address in the hour before `now`. */
export async function sentRecently(tx: Tx, address: string, kind: string, now: Date) {
  const [row] = await tx.$queryRaw<{ n: number | bigint }[]>`
    SELECT count(*) AS "n" FROM "outbound_mail"
    WHERE "toAddress" = ${address} AND "kind" = ${kind} AND "createdAt" > ${sqlDate(now.getTime() - 3600_000)}`;
  return Number(row.n);
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
  const p = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, timeZone: true } });
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
