import "server-only";
import { asDate, placeholders, sqlDate, type Tx } from "../db";
import { fileLinkPath } from "../files/links";
import { env } from "../env";
import { MAIL_COMMENT_CHARS, MAIL_COMMENTS_MAX } from "../limits";
import { isStaffSql } from "../people/identity";
import {
  assignedMail,
  assignedManyMail,
  commentsMail,
  mergedMail,
  resolvedMail,
  ticketCreatedMail,
  unassignedMail,
  type MailContext,
  type MailedComment,
  type MailedFile,
  type TicketFacts,
} from "./compose";
import { context, one, queue, recipient, sentRecently, wanting, type Person } from "./queue";

/**
 * Who is told what about a ticket. Each function runs inside the transaction of the change that
 * causes the message (called by the reactions in ./reactions.ts) and writes outbox rows there
 * (./queue.ts): a change rolled back sends nothing, a crash after the commit loses nothing. Nobody
 * is told about their own action, except the acknowledgement of a ticket they opened.
 */

/**
 * How many acknowledgements one address gets in an hour: for mailed-in tickets, a loop with a
 * robot that escaped the loop rules stops here; for requesters on the web (whose address nobody
 * has verified), a sign-up in someone else's name cannot flood that inbox. Staff opening tickets
 * are not limited.
 */
export const ACKS_PER_HOUR = 5;
export const WEB_ACKS_PER_HOUR = 20;

/** A new ticket: the requester's acknowledgement, and the agents who hear about unassigned tickets. */
export async function notifyTicketCreated(
  tx: Tx,
  t: TicketFacts & { description: string; createdAt: Date; requesterId: string; requesterName: string },
  opts: { invite?: string; viaMail?: boolean; answers?: string; ackLimit?: number } = {},
) {
  const ctx = context(t.number);
  const limit = opts.viaMail ? ACKS_PER_HOUR : opts.ackLimit;
  for (const p of await wanting(tx, "ticket_created", one(t.requesterId))) {
    if (limit !== undefined && (await sentRecently(tx, p.email, "ticket_created", t.createdAt)) >= limit) continue;
    // A mailed-in ticket's acknowledgement answers the sender's message, in the same thread.
    await queue(tx, "ticket_created", p, ticketCreatedMail(recipient(p), t, ctx, opts), t.number, opts.viaMail === true, opts.answers ?? null);
  }
  const agents = await wanting(
    tx,
    "unassigned_ticket",
    { sql: `${isStaffSql(`u."role"`)} AND u."id" <> ?`, args: [t.requesterId] },
  );
  for (const p of agents) {
    await queue(tx, "unassigned_ticket", p, unassignedMail(recipient(p), { ...t, requester: t.requesterName }, ctx), t.number, false);
  }
}

/**
 * A public comment: from the team, to the requester; from the requester, to the assignee.
 * Internal notes tell nobody outside the team, so they send nothing. A burst of comments is one
 * mail per ticket and recipient (queueCommentMail).
 */
export async function notifyComment(
  tx: Tx,
  t: TicketFacts & { requesterId: string; assigneeId: string | null },
  c: { id: number; authorId: string; authorName: string; authorIsStaff: boolean; body: string; internal: boolean; at: Date },
) {
  if (c.internal) return;
  // The team is staff other than the requester: a merged duplicate's requester answering into
  // the ticket it went into is not the team (their words go to the assignee, never to another
  // requester).
  const fromTeam = c.authorId !== t.requesterId && c.authorIsStaff;
  const kind: CommentKind = fromTeam ? "team_comment" : "requester_comment";
  const to = fromTeam ? t.requesterId : t.assigneeId !== c.authorId ? t.assigneeId : null;
  if (!to) return;
  for (const p of await wanting(tx, kind, one(to))) await queueCommentMail(tx, kind, p, t, c);
}

/** Mail about comments: the team's to the requester, the requester's to the assignee. */
type CommentKind = "team_comment" | "requester_comment";

/**
 * Mail about a comment, coalesced: at most one message per ticket and recipient in every
 * TRIAGE_MAIL_COALESCE_SECONDS, carrying every comment since the last one.
 *
 * - A comment after a quiet spell is mailed at once.
 * - While that person's message about this ticket is still queued and untouched by the worker
 *   (status queued, no attempt yet), a later comment rewrites it to carry every comment since
 *   its first (recomposed from the comment rows, so it is never more than the rows say), keeping
 *   its Message-ID and threading.
 * - Once it is being sent or sent, the next comment starts a new message, due a window after the
 *   last went out, which gathers the comments until then in the same way.
 *
 * A message tried once is never rewritten: its recipient may already hold that Message-ID.
 * With the setting at 0, every comment is its own message, at once.
 */
async function queueCommentMail(
  tx: Tx,
  kind: CommentKind,
  p: Person,
  t: TicketFacts & { requesterId: string },
  c: { id: number; authorName: string; body: string; at: Date },
) {
  const ctx = context(t.number);
  // This comment alone (its files read only when it goes alone: a rewrite gathers its own).
  const single = async () =>
    commentsMail(recipient(p), t, [{ author: c.authorName, body: c.body, at: c.at, files: (await filesOf(tx, p, t.number, [c.id])).get(c.id) }], 0, ctx);
  const windowMs = env().TRIAGE_MAIL_COALESCE_SECONDS * 1000;
  if (windowMs === 0) return queue(tx, kind, p, await single(), t.number);
  const now = new Date();
  const last = await tx.get<{ id: number; status: string; attempts: number; createdAt: string | Date; sentAt: string | Date | null }>(
    `SELECT "id", "status", "attempts", "createdAt", "sentAt" FROM "outbound_mail"
     WHERE "ticketNumber" = ? AND "kind" = ? AND "toUserId" = ? AND "toAddress" = ? ORDER BY "id" DESC LIMIT 1`,
    t.number, kind, p.id, p.email,
  );
  if (last && last.status === "queued" && Number(last.attempts) === 0) {
    const since = new Date(Math.min(asDate(last.createdAt).getTime(), c.at.getTime()));
    const mail = (await gatheredComments(tx, kind, p, t, since, ctx)) ?? (await single());
    // The condition again: on PostgreSQL the worker may have claimed it since it was read.
    const rewritten = await tx.run(
      `UPDATE "outbound_mail" SET "subject" = ?, "text" = ?, "html" = ?, "createdAt" = ?
       WHERE "id" = ? AND "status" = 'queued' AND "attempts" = 0`,
      mail.subject, mail.text, mail.html, sqlDate(since), Number(last.id),
    );
    if (rewritten === 1) return;
  }
  // When the last message went out (or is going out now); a failed one holds nothing back.
  const wentOut = !last || last.status === "failed" ? null : last.status === "sent" && last.sentAt ? asDate(last.sentAt) : now;
  const due = wentOut ? new Date(Math.max(now.getTime(), wentOut.getTime() + windowMs)) : now;
  await queue(tx, kind, p, await single(), t.number, true, null, { due, since: c.at });
}

/**
 * The message about every comment of `kind` on the ticket since `since` (public ones only; for
 * the requester the team's, for the assignee the requester's), cut to MAIL_COMMENTS_MAX comments
 * and MAIL_COMMENT_CHARS characters. Null when there is none (it cannot be: the comment that asks
 * is one).
 */
async function gatheredComments(tx: Tx, kind: CommentKind, p: Person, t: TicketFacts & { requesterId: string }, since: Date, ctx: MailContext) {
  // Where the gathering starts: the ticket's newest comment before `since` (comment ids follow
  // time), found walking back on the (ticketNumber, id) index through the window's comments only.
  const before = await tx.get<{ id: number }>(
    `SELECT c."id" FROM "comment" c WHERE c."ticketNumber" = ? AND c."createdAt" < ? ORDER BY c."ticketNumber" DESC, c."id" DESC LIMIT 1`,
    t.number, sqlDate(since),
  );
  const where = `c."ticketNumber" = ? AND c."id" > ? AND c."internal" = ? AND c."authorId" ${kind === "team_comment" ? "<>" : "="} ?`;
  const args = [t.number, before ? Number(before.id) : 0, false, t.requesterId];
  const rows = await tx.all<{ id: number | bigint; body: string; createdAt: string | Date; author: string }>(
    `SELECT c."id", c."body", c."createdAt", u."name" AS "author" FROM "comment" c JOIN "user" u ON u."id" = c."authorId"
     WHERE ${where} ORDER BY c."id" ASC LIMIT ?`,
    ...args, MAIL_COMMENTS_MAX,
  );
  if (rows.length === 0) return null;
  const total = rows.length < MAIL_COMMENTS_MAX
    ? rows.length
    : Number((await tx.get<{ n: number | bigint }>(`SELECT count(*) AS "n" FROM "comment" c WHERE ${where}`, ...args))?.n ?? rows.length);
  const shown: MailedComment[] = [];
  let chars = 0;
  for (const r of rows) {
    if (shown.length > 0 && chars + r.body.length > MAIL_COMMENT_CHARS) break;
    chars += r.body.length;
    shown.push({ author: r.author, body: r.body, at: asDate(r.createdAt), files: [] });
  }
  const files = await filesOf(tx, p, t.number, rows.slice(0, shown.length).map((r) => Number(r.id)));
  rows.slice(0, shown.length).forEach((r, i) => (shown[i].files = files.get(Number(r.id))));
  return commentsMail(recipient(p), t, shown, total - shown.length, ctx);
}

/**
 * The files of these comments (not removed), each with a link that opens it for `p` for
 * FILE_LINK_DAYS (lib/files/links.ts: a requester from mail has no password to sign in with).
 */
async function filesOf(tx: Tx, p: Person, ticket: number, commentIds: number[]): Promise<Map<number, MailedFile[]>> {
  const out = new Map<number, MailedFile[]>();
  if (commentIds.length === 0) return out;
  const rows = await tx.all<{ id: number | bigint; commentId: number | bigint; name: string; size: number | bigint }>(
    `SELECT "id", "commentId", "name", "size" FROM "attachment"
     WHERE "ticketNumber" = ? AND "commentId" IN (${placeholders(commentIds.length)}) AND "removedAt" IS NULL ORDER BY "id"`,
    ticket, ...commentIds,
  );
  const now = new Date();
  const { publicUrl } = env();
  for (const r of rows) {
    const list = out.get(Number(r.commentId)) ?? [];
    list.push({ name: r.name, size: Number(r.size), href: `${publicUrl}${fileLinkPath({ ticket, id: Number(r.id), userId: p.id }, now)}` });
    out.set(Number(r.commentId), list);
  }
  return out;
}

/**
 * Tickets given to one person in one bulk change: one mail listing them (one ticket: the usual
 * mail, in its thread), never one per ticket. Nobody is told of their own action.
 */
export async function notifyAssignedInBulk(tx: Tx, assigneeId: string, tickets: TicketFacts[], by: { id: string; name: string; at: Date }) {
  if (tickets.length === 0 || assigneeId === by.id) return;
  for (const p of await wanting(tx, "assigned", one(assigneeId))) {
    if (tickets.length === 1) {
      await queue(tx, "assigned", p, assignedMail(recipient(p), tickets[0], by, context(tickets[0].number)), tickets[0].number);
    } else {
      await queue(tx, "assigned", p, assignedManyMail(recipient(p), tickets, by, context(null)), null, false);
    }
  }
}

/** A change of status or assignee: the requester hears of Resolved, the new assignee of the assignment. */
export async function notifyTicketChanged(
  tx: Tx,
  t: TicketFacts & { requesterId: string },
  change: {
    actor: { id: string; name: string };
    at: Date;
    resolved: boolean;
    newAssigneeId: string | null | undefined;
    /** Part of a bulk change: the assignment is told once for all its tickets (notifyAssignedInBulk). */
    bulk?: boolean;
  },
) {
  const ctx = context(t.number);
  const by = { name: change.actor.name, at: change.at };
  if (change.resolved && t.requesterId !== change.actor.id) {
    for (const p of await wanting(tx, "ticket_resolved", one(t.requesterId))) {
      await queue(tx, "ticket_resolved", p, resolvedMail(recipient(p), t, by, ctx), t.number);
    }
  }
  if (change.newAssigneeId && change.newAssigneeId !== change.actor.id && !change.bulk) {
    for (const p of await wanting(tx, "assigned", one(change.newAssigneeId))) {
      await queue(tx, "assigned", p, assignedMail(recipient(p), t, by, ctx), t.number);
    }
  }
}

/**
 * A ticket merged into another: its requester hears where the conversation went (unless they
 * merged it themselves), as they hear of a ticket Resolved: the same choice at /settings.
 */
export async function notifyMerged(
  tx: Tx,
  t: TicketFacts & { requesterId: string },
  into: { number: number; title: string; requesterId: string },
  by: { id: string; name: string; at: Date },
) {
  if (t.requesterId === by.id) return;
  const ctx = context(t.number);
  const visible = into.requesterId === t.requesterId;
  for (const p of await wanting(tx, "ticket_resolved", one(t.requesterId))) {
    await queue(tx, "ticket_merged", p, mergedMail(recipient(p), t, { ...into, visible }, by, ctx), t.number);
  }
}
