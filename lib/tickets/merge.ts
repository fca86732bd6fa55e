import "server-only";
import { asDate, expectOne, sqlDate, write, WriteMismatch, type Tx } from "../db";
import type { Actor } from "../people/identity";
import { facts, writeChange } from "./commands";
import { ticketEvents, type Channel } from "./events";
import { can, ticketWhere } from "./permissions";
import { getTicketRow, type TicketRowForChange } from "./reads";
import { priorityFromRank, statusFromRank } from "./schema";

/**
 * Merging a duplicate into another ticket: the duplicate's description and comments (internal
 * notes stay internal) and their files are copied into the target, marked as from #N; the
 * duplicate is Closed and remembers where it went, so that what its requester sends to it later
 * goes there (addCommentIn follows mergedIntoNumber); both histories say so; and the duplicate's
 * requester is told (the "merged" event, lib/mail/reactions.ts). One transaction: all of it or
 * nothing.
 *
 * The copy is two INSERT … SELECT statements, whatever the number of comments: a duplicate with
 * 10,000 comments is as many round trips as one with none. Copied rows are new rows written at
 * the merge (ids keep following time, which the timeline's keyset relies on), each knowing the
 * comment it copies and when that was written. Attachment rows name the same stored bytes (the
 * file store keeps bytes while any row names them: lib/tickets/attachments.ts referencedHashes).
 */

/** How many merges one target may be followed through ("merged into #M", which was merged into #K…). */
export const MERGE_HOPS = 5;

export type MergeResult =
  | { kind: "merged"; into: number }
  | { kind: "not_found" }
  | { kind: "forbidden"; message: string }
  | { kind: "invalid"; message: string }
  | { kind: "conflict"; message: string };

const missing = (n: number) => `There is no ticket #${n}.`;

export async function mergeTicketIn(tx: Tx, actor: Actor, number: number, into: number, version: number, channel: Channel = { via: "web" }): Promise<MergeResult> {
  // Anything but a ticket number is a bug upstream (the actions parse it): throw, write nothing.
  ticketWhere(actor, number);
  const duplicate = await getTicketRow(actor, number, tx);
  if (!duplicate) return { kind: "not_found" };
  if (!can(actor, "merge", duplicate)) return { kind: "forbidden", message: "Only agents can merge tickets." };
  if (duplicate.version !== version) {
    return { kind: "conflict", message: "Not merged: someone changed this ticket since you opened it. Look at it again, then merge." };
  }
  if (duplicate.mergedIntoNumber !== null) return { kind: "invalid", message: `This ticket was already merged into #${duplicate.mergedIntoNumber}.` };
  const target = await followMerges(tx, actor, into);
  if (target.kind !== "found") return { kind: "invalid", message: target.kind === "too_far" ? `#${into} was merged several times over; merge into the ticket it ended in.` : missing(into) };
  if (target.row.number === number) {
    return { kind: "invalid", message: into === number ? "A ticket cannot be merged into itself." : `#${into} was merged into this ticket; it cannot be merged back.` };
  }
  if (!can(actor, "merge", target.row)) return { kind: "invalid", message: missing(into) };
  await copyConversation(tx, actor, duplicate, target.row, channel);
  return { kind: "merged", into: target.row.number };
}

export function mergeTicket(actor: Actor, number: number, into: number, version: number): Promise<MergeResult> {
  return write((tx) => mergeTicketIn(tx, actor, number, into, version)).catch((e: unknown) => {
    // Either ticket changed between its read and its write (PostgreSQL, another writer).
    if (e instanceof WriteMismatch) return { kind: "conflict", message: "Not merged: one of the tickets changed just now. Try again." } as const;
    throw e;
  });
}

/** The ticket `number` ends in, following merges at most MERGE_HOPS times; as the actor may see it. */
async function followMerges(tx: Tx, actor: Actor, number: number): Promise<{ kind: "found"; row: TicketRowForChange } | { kind: "missing" } | { kind: "too_far" }> {
  let n = number;
  for (let hop = 0; hop <= MERGE_HOPS; hop++) {
    const row = await getTicketRow(actor, n, tx);
    if (!row) return { kind: "missing" };
    if (row.mergedIntoNumber === null) return { kind: "found", row };
    n = row.mergedIntoNumber;
  }
  return { kind: "too_far" };
}

async function copyConversation(tx: Tx, actor: Actor, duplicate: TicketRowForChange, target: TicketRowForChange, channel: Channel) {
  const now = new Date();
  const at = sqlDate(now);
  // The description first, as the first copied entry, by the duplicate's requester.
  const described = await tx.get<{ description: string; createdAt: string | Date }>(
    `SELECT t."description", t."createdAt" FROM "ticket" t WHERE t."number" = ?`,
    duplicate.number,
  );
  const head = await tx.get<{ id: number | bigint }>(
    `INSERT INTO "comment" ("ticketNumber", "authorId", "body", "internal", "createdAt", "mergedFromNumber", "mergedFromId", "writtenAt")
     VALUES (?, ?, ?, ?, ?, ?, NULL, ?) RETURNING "id"`,
    target.number, duplicate.requesterId, described!.description, false, at, duplicate.number, sqlDate(asDate(described!.createdAt)),
  );
  const headId = Number(head!.id);
  // Every comment and note, in order, in one statement: the date, the target and the origin come
  // from the row just written (no typed parameters in a SELECT list, which PostgreSQL cannot type).
  await tx.run(
    `INSERT INTO "comment" ("ticketNumber", "authorId", "body", "internal", "createdAt", "mergedFromNumber", "mergedFromId", "writtenAt")
     SELECT h."ticketNumber", c."authorId", c."body", c."internal", h."createdAt", coalesce(c."mergedFromNumber", h."mergedFromNumber"), c."id", coalesce(c."writtenAt", c."createdAt")
     FROM "comment" c CROSS JOIN "comment" h WHERE h."id" = ? AND c."ticketNumber" = ? ORDER BY c."id"`,
    headId, duplicate.number,
  );
  // Their files (not those removed: their bytes may be gone), the description's on its copy.
  await tx.run(
    `INSERT INTO "attachment" ("ticketNumber", "commentId", "name", "size", "type", "hash", "uploaderId", "createdAt")
     SELECT h."ticketNumber", h."id", a."name", a."size", a."type", a."hash", a."uploaderId", a."createdAt"
     FROM "attachment" a CROSS JOIN "comment" h WHERE h."id" = ? AND a."ticketNumber" = ? AND a."commentId" IS NULL AND a."removedAt" IS NULL ORDER BY a."id"`,
    headId, duplicate.number,
  );
  await tx.run(
    `INSERT INTO "attachment" ("ticketNumber", "commentId", "name", "size", "type", "hash", "uploaderId", "createdAt")
     SELECT n."ticketNumber", n."id", a."name", a."size", a."type", a."hash", a."uploaderId", a."createdAt"
     FROM "attachment" a JOIN "comment" n ON n."mergedFromId" = a."commentId"
     WHERE a."ticketNumber" = ? AND a."commentId" IS NOT NULL AND a."removedAt" IS NULL AND n."ticketNumber" = ? ORDER BY a."id"`,
    duplicate.number, target.number,
  );

  // The duplicate: Closed (with its status history and event, as any change), then marked.
  const status = statusFromRank(duplicate.status);
  const keep = { priority: priorityFromRank(duplicate.priority), assigneeId: duplicate.assigneeId, assigneeName: duplicate.assigneeName };
  await writeChange(tx, actor, duplicate, { status: "Closed", ...keep }, status === "Closed" ? [] : [{ field: "status", from: status, to: "Closed" }], channel);
  expectOne(await tx.run(`UPDATE "ticket" SET "mergedIntoNumber" = ? WHERE "number" = ? AND "mergedIntoNumber" IS NULL`, target.number, duplicate.number));
  // The target: a new version (a form drawn before the merge is out of date), updated now.
  expectOne(
    await tx.run(`UPDATE "ticket" SET "updatedAt" = ?, "version" = "version" + 1 WHERE "number" = ? AND "version" = ? AND "mergedIntoNumber" IS NULL`, at, target.number, target.version),
  );
  await tx.run(
    `INSERT INTO "activity" ("ticketNumber", "actorId", "field", "fromValue", "toValue", "createdAt") VALUES (?, ?, 'merged_into', NULL, ?, ?), (?, ?, 'merged_from', ?, NULL, ?)`,
    duplicate.number, actor.id, String(target.number), at, target.number, actor.id, String(duplicate.number), at,
  );
  await ticketEvents.emit(tx, {
    kind: "merged",
    at: now,
    actor,
    channel,
    ticket: facts(duplicate),
    into: { number: target.number, title: target.title, requesterId: target.requesterId },
  });
}
