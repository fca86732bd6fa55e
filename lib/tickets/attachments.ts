import "server-only";
import { audit } from "../audit/log";
import { asDate, expectOne, placeholders, read, sqlDate, write, type Tx } from "../db";
import { env } from "../env";
import { isInlineImage } from "../files/sniff";
import { fileStore, isFileHash } from "../files/store";
import { storeUploads, type Upload } from "../files/uploads";
import { ATTACHMENTS_PER_MESSAGE, formatLimit, isSerialId, isTicketNumber } from "../limits";
import { isActiveSql, parseRole, type Actor } from "../people/identity";
import { can, ticketWhere, ticketWhereSql } from "./permissions";
import { getTicketRow } from "./reads";

/**
 * Attachments as ticket facts: the rows that say which stored file (lib/files, named by its hash)
 * belongs to which ticket or comment, under which name. Written only here, inside the command
 * that writes their ticket or comment (createTicketIn, addCommentIn), so a file is attached with
 * its message or not at all. The bytes are stored first (fileStore().put); bytes whose row never
 * commits are collected by the store's sweep.
 */

/** A file already in the store, to be attached: its display name (lib/files/names.ts) and what the store learnt. */
export type StoredFile = { name: string; size: number; type: string; hash: string };

/** The rows for `files`, on the ticket itself (commentId null) or on one of its comments. */
export async function attachIn(tx: Tx, uploaderId: string, ticketNumber: number, commentId: number | null, files: readonly StoredFile[], at: string) {
  // The channels check these first; a caller that did not is a bug: throw, and the transaction
  // writes nothing.
  if (files.length > ATTACHMENTS_PER_MESSAGE) throw new Error(`attachIn: ${files.length} files (at most ${ATTACHMENTS_PER_MESSAGE})`);
  for (const f of files) {
    if (!isFileHash(f.hash)) throw new Error("attachIn: not a stored file's hash");
    await tx.run(
      `INSERT INTO "attachment" ("ticketNumber", "commentId", "name", "size", "type", "hash", "uploaderId", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ticketNumber, commentId, f.name, f.size, f.type, f.hash, uploaderId, at,
    );
  }
}

/**
 * How far back the per-hour count looks: among the desk's newest this-many attachments (a range of
 * the primary key, so the count reads a bounded number of rows and needs no index on the uploader).
 */
const RECENT_ATTACHMENTS_SCANNED = 20_000;

/**
 * Stores the files a person attaches on the web, unless they would take them past
 * TRIAGE_FILES_PER_HOUR (files attached on every channel count) (then nothing is stored, and the message says when to try again). The
 * files are then attached by the command that writes their message (createTicket, addComment).
 */
export async function storeAttachments(actor: Actor, uploads: readonly Upload[]): Promise<{ files: StoredFile[] } | { refused: string }> {
  if (uploads.length === 0) return { files: [] };
  const limit = env().TRIAGE_FILES_PER_HOUR;
  const used = await filesThisHour(actor.id);
  if (used + uploads.length > limit) {
    return {
      refused: `Not sent: one person may attach ${formatLimit(limit)} files an hour, and you have attached ${formatLimit(used)}. Send it without files, or try again later.`,
    };
  }
  return { files: await storeUploads(uploads) };
}

/**
 * How many more files this person may attach now under TRIAGE_FILES_PER_HOUR (mail import leaves
 * the rest out of a message, and says so), with the limit.
 */
export async function filesLeftThisHour(personId: string): Promise<{ left: number; limit: number }> {
  const limit = env().TRIAGE_FILES_PER_HOUR;
  return { left: Math.max(0, limit - (await filesThisHour(personId))), limit };
}

/** Files attached by this person in the last hour, on every channel. */
async function filesThisHour(personId: string): Promise<number> {
  const row = await read.get<{ n: number | bigint }>(
    `SELECT count(*) AS "n" FROM "attachment" a
     WHERE a."id" > (SELECT coalesce(max("id"), 0) FROM "attachment") - ? AND a."uploaderId" = ? AND a."createdAt" > ?`,
    RECENT_ATTACHMENTS_SCANNED, personId, sqlDate(Date.now() - 3600_000),
  );
  return Number(row?.n ?? 0);
}

export type AttachmentView = {
  id: number;
  name: string;
  size: number;
  image: boolean;
  href: string;
  removed: { by: string; at: Date } | null;
};

/** Where an attachment is downloaded from (app/(desk)/tickets/[number]/attachments/[id]/route.ts). */
export const attachmentHref = (ticketNumber: number, id: number) => `/tickets/${ticketNumber}/attachments/${id}`;

type Row = {
  id: number | bigint;
  commentId: number | bigint | null;
  name: string;
  size: number | bigint;
  type: string;
  removedAt: string | Date | null;
  removedBy: string | null;
};

/**
 * The attachments a page shows: those of the ticket itself and of the listed comments, which the
 * caller has read for this actor (listComments leaves out internal notes for those who may not
 * read them, so their files are not asked for). Removed ones too, as removed.
 */
export async function attachmentsOf(
  ticketNumber: number,
  commentIds: readonly number[],
): Promise<{ ticket: AttachmentView[]; comments: Map<number, AttachmentView[]> }> {
  const onComments = commentIds.length ? ` OR a."commentId" IN (${placeholders(commentIds.length)})` : "";
  const rows = await read.all<Row>(
    `SELECT a."id", a."commentId", a."name", a."size", a."type", a."removedAt", r."name" AS "removedBy"
     FROM "attachment" a LEFT JOIN "user" r ON r."id" = a."removedById"
     WHERE a."ticketNumber" = ? AND (a."commentId" IS NULL${onComments})
     ORDER BY a."id"`,
    ticketNumber,
    ...commentIds,
  );
  const ticket: AttachmentView[] = [];
  const comments = new Map<number, AttachmentView[]>();
  for (const r of rows) {
    const id = Number(r.id);
    const view: AttachmentView = {
      id,
      name: r.name,
      size: Number(r.size),
      image: isInlineImage(r.type),
      href: attachmentHref(ticketNumber, id),
      removed: r.removedAt === null ? null : { by: r.removedBy ?? "Someone", at: asDate(r.removedAt) },
    };
    if (r.commentId === null) ticket.push(view);
    else {
      const c = Number(r.commentId);
      const list = comments.get(c);
      if (list) list.push(view);
      else comments.set(c, [view]);
    }
  }
  return { ticket, comments };
}

export type RemoveAttachmentResult = { kind: "removed"; name: string } | { kind: "not_found" } | { kind: "forbidden"; message: string };

/**
 * Removes a file from a ticket (a customer sent a password in a screenshot): staff only. The row
 * stays, marked removed by whom and when (its place in the conversation says so), History records
 * it, and once no other attachment names the same bytes they are deleted from the store at once.
 * A file already removed, of another ticket, or on a ticket the actor may not see is not found.
 */
export async function removeAttachment(actor: Actor, ticketNumber: number, id: number, from: string | null = null): Promise<RemoveAttachmentResult> {
  if (!isSerialId(id)) return { kind: "not_found" };
  const done = await write(async (tx) => {
    ticketWhere(actor, ticketNumber); // anything but a ticket number is a bug upstream: throw
    const ticket = await getTicketRow(actor, ticketNumber, tx);
    if (!ticket) return { kind: "not_found" } as const;
    if (!can(actor, "removeAttachment", ticket)) return { kind: "forbidden", message: "Only agents can remove attachments." } as const;
    const file = await tx.get<{ name: string; hash: string }>(
      `SELECT "name", "hash" FROM "attachment" WHERE "id" = ? AND "ticketNumber" = ? AND "removedAt" IS NULL`,
      id, ticketNumber,
    );
    if (!file) return { kind: "not_found" } as const;
    const at = sqlDate(new Date());
    expectOne(await tx.run(`UPDATE "attachment" SET "removedAt" = ?, "removedById" = ? WHERE "id" = ? AND "removedAt" IS NULL`, at, actor.id, id));
    expectOne(
      await tx.run(
        `INSERT INTO "activity" ("ticketNumber", "actorId", "field", "fromValue", "toValue", "createdAt") VALUES (?, ?, 'attachment_removed', ?, NULL, ?)`,
        ticketNumber, actor.id, file.name, at,
      ),
    );
    await audit(tx, actor, { action: "attachment_removed", target: `#${ticketNumber} ${file.name}`, detail: null, from });
    return { kind: "removed", name: file.name, hash: file.hash } as const;
  });
  if (done.kind !== "removed") return done;
  // The bytes go now, unless another attachment names them. (One attached with the same bytes
  // at this very moment, between this check and the delete, would lose them: its download then
  // answers 404, never someone else's bytes.)
  if (!(await referencedHashes([done.hash])).has(done.hash)) await fileStore().remove(done.hash);
  return { kind: "removed", name: done.name };
}

export type Download = { name: string; size: number; type: string; hash: string; createdAt: Date };

/**
 * One attachment for a download, if this actor may see it: its ticket is theirs to see, and a file
 * of an internal note only for those who may read internal notes. Anything else (no such
 * attachment, another ticket's, removed, not theirs to see) is null, alike.
 */
export async function attachmentFor(actor: Actor, ticketNumber: number, id: number): Promise<Download | null> {
  if (!isTicketNumber(ticketNumber) || !isSerialId(id)) return null;
  const w = ticketWhereSql(actor, ticketNumber);
  const row = await read.get<{ name: string; size: number | bigint; type: string; hash: string; createdAt: string | Date; requesterId: string; internal: number | boolean | null }>(
    `SELECT a."name", a."size", a."type", a."hash", a."createdAt", t."requesterId", c."internal"
     FROM "attachment" a JOIN "ticket" t ON t."number" = a."ticketNumber" LEFT JOIN "comment" c ON c."id" = a."commentId"
     WHERE a."id" = ? AND a."removedAt" IS NULL AND ${w.sql}`,
    id,
    ...w.args,
  );
  if (!row) return null;
  if (row.internal !== null && Boolean(row.internal) && !can(actor, "readInternalNotes", { requesterId: row.requesterId })) return null;
  return { name: row.name, size: Number(row.size), type: row.type, hash: row.hash, createdAt: asDate(row.createdAt) };
}

/**
 * The attachment a link in mail names (lib/files/links.ts), if the person it was made for may see
 * it now: as attachmentFor, for that person as they are today (a role changed since counts).
 */
export async function attachmentForLink(link: { ticket: number; id: number; userId: string }): Promise<Download | null> {
  // A deactivated person's links die with their sessions (lib/people/commands.ts setActive).
  const person = await read.get<{ id: string; name: string; role: string }>(
    `SELECT u."id", u."name", u."role" FROM "user" u WHERE u."id" = ? AND ${isActiveSql("u")}`,
    link.userId,
  );
  if (!person) return null;
  return attachmentFor({ id: person.id, name: person.name, role: parseRole(person.role) }, link.ticket, link.id);
}

/** Which of `hashes` an attachment row still names (the file store's sweep asks). */
export async function referencedHashes(hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await read.all<{ hash: string }>(
    `SELECT DISTINCT "hash" FROM "attachment" WHERE "removedAt" IS NULL AND "hash" IN (${placeholders(hashes.length)})`,
    ...hashes,
  );
  return new Set(rows.map((r) => r.hash));
}

/**
 * How long stored bytes wait for the row that names them before a sweep may collect them: far
 * longer than any import or upload takes between its put and its commit.
 */
export const SWEEP_GRACE_MS = 24 * 3600 * 1000;

/** Collects stored files no attachment names (their row rolled back, never came, or was removed). */
export function sweepFiles(now = new Date()): Promise<number> {
  return fileStore().sweep(new Date(now.getTime() - SWEEP_GRACE_MS), referencedHashes);
}
