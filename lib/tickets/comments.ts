import "server-only";
import { asDate, expectOne, read, sqlDate, write, type Rows, type Tx } from "../db";
import { env } from "../env";
import { COMMENTS_PAGE, COMMENTS_PAGE_CHARS, formatLimit, isTicketNumber } from "../limits";
import { shownNameSql, type Actor } from "../people/identity";
import { facts } from "./commands";
import { LATEST, type ConversationPosition } from "./conversation-params";
import type { Upload } from "../files/uploads";
import { attachIn, storeAttachments, type StoredFile } from "./attachments";
import { ticketEvents, type Channel } from "./events";
import { can, ticketWhere, ticketWhereSql } from "./permissions";
import { getTicketRow, type TicketRowForChange } from "./reads";

export type CommentView = {
  id: number;
  author: string;
  body: string;
  internal: boolean;
  createdAt: Date;
};

/**
 * One page of a ticket's conversation, oldest first. `earlier`: the id to read the page before it
 * from (`?before=`), when there are earlier comments; `later`: the id to read the page after it
 * from (`?after=`), when there are later ones (so it is not the latest page).
 */
export type ConversationPage = {
  comments: CommentView[];
  earlier: number | null;
  later: number | null;
};

const EMPTY: ConversationPage = { comments: [], earlier: null, later: null };

type CommentRow = { id: number; body: string; internal: number | boolean; createdAt: string | Date; author: string };

/**
 * A page of the conversation on a ticket the actor may see: at most COMMENTS_PAGE comments and
 * COMMENTS_PAGE_CHARS characters (at least one comment), by keyset on the comment id, so that it
 * costs the same on a ticket with 10 comments or 10,000. Internal notes only for those who may
 * read them: for anyone else they are not in any query here, so neither a page, nor its links,
 * nor where it starts tell anything about them. A position that finds nothing (an id from
 * another ticket, or past either end) is the latest page.
 */
export async function listComments(actor: Actor, number: number, position: ConversationPosition = LATEST): Promise<ConversationPage> {
  if (!isTicketNumber(number)) return EMPTY;
  const w = ticketWhereSql(actor, number);
  const ticket = await read.get<{ requesterId: string }>(`SELECT t."requesterId" FROM "ticket" t WHERE ${w.sql}`, ...w.args);
  if (!ticket) return EMPTY;
  const scope = visibleComments(number, can(actor, "readInternalNotes", ticket));
  const page = await pageAt(scope, position);
  return page.comments.length === 0 && position.kind !== "latest" ? pageAt(scope, LATEST) : page;
}

/** The comments of one ticket that one reader may see, as a condition on "comment" c. */
type Scope = { sql: string; args: unknown[] };

function visibleComments(number: number, internalToo: boolean): Scope {
  return internalToo
    ? { sql: `c."ticketNumber" = ?`, args: [number] }
    : { sql: `c."ticketNumber" = ? AND c."internal" = ?`, args: [number, false] };
}

async function pageAt(scope: Scope, position: ConversationPosition): Promise<ConversationPage> {
  // Newest first for the latest page and "earlier", oldest first for "later"; one row more than a
  // page says whether there is more that way.
  const forward = position.kind === "after";
  const from = position.kind === "latest" ? "" : ` AND c."id" ${forward ? ">" : "<"} ?`;
  const rows = await read.all<CommentRow>(
    `SELECT c."id", c."body", c."internal", c."createdAt", ${shownNameSql("u")} AS "author"
     FROM "comment" c JOIN "user" u ON u."id" = c."authorId"
     WHERE ${scope.sql}${from} ORDER BY c."id" ${forward ? "ASC" : "DESC"} LIMIT ?`,
    ...scope.args,
    ...(position.kind === "latest" ? [] : [position.id]),
    COMMENTS_PAGE + 1,
  );
  const taken: CommentView[] = [];
  let chars = 0;
  for (const r of rows) {
    if (taken.length === COMMENTS_PAGE || (taken.length > 0 && chars + r.body.length > COMMENTS_PAGE_CHARS)) break;
    chars += r.body.length;
    taken.push({ id: Number(r.id), body: r.body, internal: Boolean(r.internal), createdAt: asDate(r.createdAt), author: r.author });
  }
  if (taken.length === 0) return EMPTY;
  const moreThatWay = rows.length > taken.length;
  const comments = forward ? taken : taken.reverse();
  const first = comments[0].id;
  const last = comments[comments.length - 1].id;
  if (forward) {
    return { comments, earlier: (await anyBeyond(scope, first, "<")) ? first : null, later: moreThatWay ? last : null };
  }
  const later = position.kind === "before" && (await anyBeyond(scope, last, ">")) ? last : null;
  return { comments, earlier: moreThatWay ? first : null, later };
}

async function anyBeyond(scope: Scope, id: number, direction: "<" | ">"): Promise<boolean> {
  const row = await read.get(`SELECT 1 AS "x" FROM "comment" c WHERE ${scope.sql} AND c."id" ${direction} ? LIMIT 1`, ...scope.args, id);
  return row !== undefined;
}

/** A comment, and the files that came with it (already in the file store: lib/tickets/attachments.ts). */
export type NewComment = { body: string; internal: boolean; files?: readonly StoredFile[] };

export type AddCommentResult =
  | { kind: "added"; id: number }
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
     WHERE c."id" > (SELECT coalesce(max("id"), 0) FROM "comment") - ? AND c."authorId" = ? AND c."createdAt" > ?`,
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
  const { ticket } = checked;
  const at = sqlDate(now);
  const comment = await tx.get<{ id: number | bigint }>(
    `INSERT INTO "comment" ("ticketNumber", "authorId", "body", "internal", "createdAt") VALUES (?, ?, ?, ?, ?) RETURNING "id"`,
    number, actor.id, input.body, input.internal, at,
  );
  const id = Number(comment!.id);
  if (input.files?.length) await attachIn(tx, actor.id, number, id, input.files, at);
  if (!input.internal) {
    const w = ticketWhereSql(actor, number, `"ticket"`);
    expectOne(await tx.run(`UPDATE "ticket" SET "updatedAt" = ? WHERE ${w.sql}`, at, ...w.args));
  }
  await ticketEvents.emit(tx, { kind: "commented", at: now, actor, channel, ticket: facts(ticket), comment: { id, body: input.body, internal: input.internal } });
  return { kind: "added", id };
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
