import "server-only";
import { db, expectOne, reader } from "../db";
import { can, isTicketNumber, ticketWhere, type Actor } from "./permissions";
import { notifyComment } from "../mail/notify";

export type CommentView = {
  id: number;
  author: string;
  body: string;
  internal: boolean;
  createdAt: Date;
};

/** The conversation on a ticket the actor may see; internal notes only for those who may read them. */
export async function listComments(actor: Actor, number: number): Promise<CommentView[]> {
  if (!isTicketNumber(number)) return [];
  const ticket = await reader.ticket.findFirst({ where: ticketWhere(actor, number), select: { requesterId: true } });
  if (!ticket) return [];
  const internalToo = can(actor, "readInternalNotes", ticket);
  const rows = await reader.comment.findMany({
    where: { ticketNumber: number, ...(internalToo ? {} : { internal: false }) },
    orderBy: { id: "asc" },
    select: { id: true, body: true, internal: true, createdAt: true, author: { select: { name: true } } },
  });
  return rows.map((c) => ({ id: c.id, body: c.body, internal: c.internal, createdAt: c.createdAt, author: c.author.name }));
}

export type AddCommentResult =
  | { kind: "added"; id: number }
  | { kind: "not_found" }
  | { kind: "forbidden"; message: string };

/**
 * Adds a comment (or an internal note) in one transaction. A public comment marks the ticket as
 * updated; an internal note changes nothing a requester can observe (not the ticket's updatedAt,
 * so not the list's order, its Updated column or the CSV).
 */
export async function addComment(
  actor: Actor,
  number: number,
  input: { body: string; internal: boolean },
): Promise<AddCommentResult> {
  const where = ticketWhere(actor, number);
  return db.$transaction(async (tx) => {
    const ticket = await tx.ticket.findFirst({ where, select: { requesterId: true, assigneeId: true, title: true } });
    if (!ticket) return { kind: "not_found" } as const;
    if (!can(actor, "comment", ticket)) return { kind: "forbidden", message: "You may not comment on this ticket." } as const;
    if (input.internal && !can(actor, "writeInternalNote", ticket)) {
      return { kind: "forbidden", message: "Only agents can write internal notes." } as const;
    }
    const now = new Date();
    const comment = await tx.comment.create({
      data: { ticketNumber: number, authorId: actor.id, body: input.body, internal: input.internal, createdAt: now },
      select: { id: true },
    });
    if (!input.internal) expectOne(await tx.ticket.updateMany({ where, data: { updatedAt: now } }));
    await notifyComment(tx, { number, ...ticket }, {
      authorId: actor.id,
      authorName: actor.name,
      body: input.body,
      internal: input.internal,
      at: now,
    });
    return { kind: "added", id: comment.id } as const;
  });
}
