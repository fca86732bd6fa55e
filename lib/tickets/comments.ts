import "server-only";
import { asDate, expectOne, read, sqlDate, write, type Rows, type Tx } from "../db";
import { env } from "../env";
import { formatLimit } from "../limits";
import type { Actor } from "../people/identity";
import { facts } from "./commands";
import { LATEST, type ConversationPosition } from "./conversation-params";
import type { Upload } from "../files/uploads";
import { attachIn, storeAttachments, type StoredFile } from "./attachments";
import { ticketEvents, type Channel } from "./events";
import { can, ticketWhere, ticketWhereSql } from "./permissions";
import { listTimeline } from "./timeline";
import { getTicketRow, mergeDestinationRow, type TicketRowForChange } from "./reads";

export type CommentView = {
  id: number;
  author: string;
  body: string;
  internal: boolean;
  createdAt: Date;
};

/** A place among the comments alone: the latest, or before or after a comment id. */
export type CommentPosition = { kind: "latest" } | { kind: "before" | "after"; id: number };

/**
 * One page of a ticket's comments, oldest first. `earlier`: the id to read the page before it
 * from, when there are earlier comments; `later`: the id to read the page after it from, when
 * there are later ones (so it is not the latest page).
 */
export type ConversationPage = {
  comments: CommentView[];
  earlier: number | null;
  later: number | null;
};

/**
 * The conversation without its history (the timeline with history folded, lib/tickets/timeline.ts,
 * which pages by keyset and leaves out what this reader may not see), as comments alone.
 */
export async function listComments(actor: Actor, number: number, position: CommentPosition = { kind: "latest" }): Promise<ConversationPage> {
  const at: ConversationPosition = position.kind === "latest" ? LATEST : { kind: position.kind, comment: position.id, event: null };
  const page = await listTimeline(actor, number, at, { history: false });
  return {
    comments: page.entries.flatMap((e) => (e.type === "comment" ? [{ id: e.id, author: e.author, body: e.body, internal: e.internal, createdAt: e.createdAt }] : [])),
    earlier: page.earlier?.comment ?? null,
    later: page.later?.comment ?? null,
  };
}

/** A comment, and the files that came with it (already in the file store: lib/tickets/attachments.ts). */
export type NewComment = { body: string; internal: boolean; files?: readonly StoredFile[] };

export type AddCommentResult =
  /** `ticket`: where it went (a merged duplicate's comments go to the ticket it was merged into). */
  | { kind: "added"; id: number; ticket: number }
  | { kind: "not_found" }
  | { kind: "forbidden"; message: string }
  | { kind: "rate_limited"; message: string; retryAfterSeconds: number };

/**
 * How far back the per-minute count looks: among the desk's newest this-many comments (a range of
 * the primary key, so the count reads a bounded number of rows and needs no index on the author).
 * Only a desk that takes more comments than this in one minute, from everyone together, would
 * count a person's comments short.
 */
const RECENT_COMMENTS_SCANNED = 5_000;

/**
 * Whether the actor has reached TRIAGE_COMMENTS_PER_MINUTE: comments and internal notes on any
 * ticket, on every channel, in the minute before `now`. When they have, how long until the oldest
 * of them leaves the minute.
 */
async function commentBudget(q: Rows, actor: Actor, now: Date): Promise<{ limit: number; waitSeconds: number } | null> {
  const limit = env().TRIAGE_COMMENTS_PER_MINUTE;
  const row = await q.get<{ n: number | bigint; oldest: string | Date | null }>(
    `SELECT count(*) AS "n", min(c."createdAt") AS "oldest" FROM "comment" c
     WHERE c."id" > (SELECT coalesce(max("id"), 0) FROM "comment") - ? AND c."authorId" = ? AND c."createdAt" > ? AND c."writtenAt" IS NULL`,
    RECENT_COMMENTS_SCANNED, actor.id, sqlDate(now.getTime() - 60_000),
  );
  if (!row || Number(row.n) < limit || row.oldest === null) return null;
  const waitSeconds = Math.max(1, Math.ceil((asDate(row.oldest).getTime() + 60_000 - now.getTime()) / 1000));
  return { limit, waitSeconds };
}

/**
 * The ticket, if the actor may add this comment to it now; else why not: no such ticket (for
 * them), not theirs to comment on, an internal note from someone who may not write one, or their
 * comments-a-minute spent.
 */
async function mayAddComment(
  q: Rows,
  actor: Actor,
  number: number,
  internal: boolean,
  now: Date,
): Promise<Exclude<AddCommentResult, { kind: "added" }> | { kind: "may"; ticket: TicketRowForChange }> {
  // Anything but a ticket number is a bug upstream (the actions parse it): throw, write nothing.
  ticketWhere(actor, number);
  const ticket = await getTicketRow(actor, number, q);
  if (!ticket) return { kind: "not_found" };
  if (!can(actor, "comment", ticket)) return { kind: "forbidden", message: "You may not comment on this ticket." };
  if (internal && !can(actor, "writeInternalNote", ticket)) {
    return { kind: "forbidden", message: "Only agents can write internal notes." };
  }
  const over = await commentBudget(q, actor, now);
  if (over) {
    return {
      kind: "rate_limited",
      retryAfterSeconds: over.waitSeconds,
      message: `Not added: one person may add ${formatLimit(over.limit)} comments a minute. Try again in ${over.waitSeconds} ${over.waitSeconds === 1 ? "second" : "seconds"}; your comment is kept below.`,
    };
  }
  return { kind: "may", ticket };
}

/**
 * Adds a comment (or an internal note). A public comment marks the ticket as updated; an internal
 * note changes nothing a requester can observe (not the ticket's updatedAt, so not the list's
 * order, its Updated column or the CSV). A person who has added TRIAGE_COMMENTS_PER_MINUTE in
 * the last minute is refused (`rate_limited`), whatever the channel: a reply by mail refused so
 * is kept with its message and imported again later (lib/mail/import.ts).
 */
export async function addCommentIn(
  tx: Tx,
  actor: Actor,
  number: number,
  input: NewComment,
  channel: Channel = { via: "web" },
): Promise<AddCommentResult> {
  const now = new Date();
  const checked = await mayAddComment(tx, actor, number, input.internal, now);
  if (checked.kind !== "may") return checked;
  // A merged duplicate answers into the ticket it was merged into, marked as from it; whoever
  // may comment on the duplicate (its requester) may add to the conversation there.
  const merged = checked.ticket.mergedIntoNumber === null ? null : await mergeDestinationRow(tx, checked.ticket);
  if (checked.ticket.mergedIntoNumber !== null && !merged) return { kind: "not_found" };
  const ticket = merged ?? checked.ticket;
  const at = sqlDate(now);
  const comment = await tx.get<{ id: number | bigint }>(
    `INSERT INTO "comment" ("ticketNumber", "authorId", "body", "internal", "createdAt", "mergedFromNumber") VALUES (?, ?, ?, ?, ?, ?) RETURNING "id"`,
    ticket.number, actor.id, input.body, input.internal, at, merged ? number : null,
  );
  const id = Number(comment!.id);
  if (input.files?.length) await attachIn(tx, actor.id, ticket.number, id, input.files, at);
  if (!input.internal) {
    const w = merged ? { sql: `"ticket"."number" = ?`, args: [ticket.number] } : ticketWhereSql(actor, number, `"ticket"`);
    expectOne(await tx.run(`UPDATE "ticket" SET "updatedAt" = ? WHERE ${w.sql}`, at, ...w.args));
  }
  await ticketEvents.emit(tx, { kind: "commented", at: now, actor, channel, ticket: facts(ticket), comment: { id, body: input.body, internal: input.internal } });
  return { kind: "added", id, ticket: ticket.number };
}

/**
 * A comment from the web. Exclusive: on PostgreSQL two comments by one person at once would
 * otherwise both count the minute before either is written, and a burst of parallel posts would
 * pass the limit together (SQLite runs transactions one at a time anyway).
 */
export function addComment(actor: Actor, number: number, input: NewComment): Promise<AddCommentResult> {
  return write((tx) => addCommentIn(tx, actor, number, input), { exclusive: true });
}

/**
 * A comment from the web's form, with the files it sent: checked first (so that nothing is stored
 * for a comment that would be refused), the files stored within the per-hour limit
 * (storeAttachments), then added with them, every check made again in its transaction.
 */
export async function addCommentWithUploads(
  actor: Actor,
  number: number,
  input: Omit<NewComment, "files">,
  uploads: readonly Upload[],
): Promise<AddCommentResult | { kind: "files_refused"; message: string }> {
  if (uploads.length === 0) return addComment(actor, number, input);
  const checked = await mayAddComment(read, actor, number, input.internal, new Date());
  if (checked.kind !== "may") return checked;
  const stored = await storeAttachments(actor, uploads);
  if ("refused" in stored) return { kind: "files_refused", message: stored.refused };
  return addComment(actor, number, { ...input, files: stored.files });
}
