import "server-only";
import { db } from "../db";
import { can, isStaff, type Actor } from "./permissions";

export type CommentView = {
  id: number;
  author: string;
  body: string;
  internal: boolean;
  createdAt: Date;
};

/** The conversation on a ticket the actor may see; internal notes only for those who may read them. */
export async function listComments(actor: Actor, number: number): Promise<CommentView[]> {
  const ticket = await db.ticket.findFirst({
    where: { number, ...(isStaff(actor) ? {} : { requesterId: actor.id }) },
    select: { requesterId: true },
  });
  if (!ticket) return [];
  const internalToo = can(actor, "readInternalNotes", ticket);
  const rows = await db.comment.findMany({
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

/** Adds a comment (or an internal note) and marks the ticket as updated, in one transaction. */
export async function addComment(
  actor: Actor,
  number: number,
  input: { body: string; internal: boolean },
): Promise<AddCommentResult> {
  return db.$transaction(async (tx) => {
    const ticket = await tx.ticket.findFirst({
      where: { number, ...(isStaff(actor) ? {} : { requesterId: actor.id }) },
      select: { requesterId: true },
    });
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
    await tx.ticket.update({ where: { number }, data: { updatedAt: now } });
    return { kind: "added", id: comment.id } as const;
  });
}
