import { z } from "zod";
import { parseSerialId } from "../limits";

/**
 * Where a ticket's conversation is read from, as the URL holds it: the latest comments (no
 * parameter), the page of comments just before one (`?before=<comment id>`: "Earlier comments"),
 * or just after one (`?after=<comment id>`: "Later comments"). Keyset, not page numbers: a page
 * costs the same however far back it is, and it does not shift as comments are added.
 * Pure: no server imports.
 */
export type ConversationPosition = { kind: "latest" } | { kind: "before"; id: number } | { kind: "after"; id: number };

export const LATEST: ConversationPosition = { kind: "latest" };

/** A comment id as the URL gives it: digits only, within a SERIAL column, never an object. */
const commentId = z.string().transform((raw, ctx) => {
  const id = parseSerialId(raw);
  if (id === null) {
    ctx.addIssue({ code: "custom", message: "not a comment id" });
    return z.NEVER;
  }
  return id;
});

/**
 * Untrusted search params → a position. Anything malformed (a repeated, empty, signed, decimal or
 * oversized id, or both directions at once) is the latest page, never an error.
 */
const schema = z
  .union([
    z.object({ before: commentId, after: z.undefined() }).transform((v): ConversationPosition => ({ kind: "before", id: v.before })),
    z.object({ after: commentId, before: z.undefined() }).transform((v): ConversationPosition => ({ kind: "after", id: v.after })),
  ])
  .catch(LATEST);

export function parseConversationParams(sp: Record<string, string | string[] | undefined>): ConversationPosition {
  return schema.parse({ before: sp.before, after: sp.after });
}

/** The link to a page of a ticket's conversation, scrolled to it. */
export function conversationHref(ticket: number, position: ConversationPosition): string {
  const query = position.kind === "latest" ? "" : `?${position.kind}=${position.id}`;
  return `/tickets/${ticket}${query}#conversation`;
}
