import "server-only";
import { asDate, placeholders, read, type Tx } from "../db";
import { isInlineImage } from "../files/sniff";
import { fileStore, isFileHash } from "../files/store";
import { ATTACHMENTS_PER_MESSAGE, isSerialId, isTicketNumber } from "../limits";
import type { Actor } from "../people/identity";
import { can, ticketWhereSql } from "./permissions";

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

export type AttachmentView = { id: number; name: string; size: number; image: boolean; href: string };

/** Where an attachment is downloaded from (app/(desk)/tickets/[number]/attachments/[id]/route.ts). */
export const attachmentHref = (ticketNumber: number, id: number) => `/tickets/${ticketNumber}/attachments/${id}`;

type Row = { id: number | bigint; commentId: number | bigint | null; name: string; size: number | bigint; type: string };

/**
 * The attachments a page shows: those of the ticket itself and of the listed comments, which the
 * caller has read for this actor (listComments leaves out internal notes for those who may not
 * read them, so their files are not asked for). Removed ones are left out.
 */
export async function attachmentsOf(
  ticketNumber: number,
  commentIds: readonly number[],
): Promise<{ ticket: AttachmentView[]; comments: Map<number, AttachmentView[]> }> {
  const onComments = commentIds.length ? ` OR a."commentId" IN (${placeholders(commentIds.length)})` : "";
  const rows = await read.all<Row>(
    `SELECT a."id", a."commentId", a."name", a."size", a."type" FROM "attachment" a
     WHERE a."ticketNumber" = ? AND a."removedAt" IS NULL AND (a."commentId" IS NULL${onComments})
     ORDER BY a."id"`,
    ticketNumber,
    ...commentIds,
  );
  const ticket: AttachmentView[] = [];
  const comments = new Map<number, AttachmentView[]>();
  for (const r of rows) {
    const id = Number(r.id);
    const view = { id, name: r.name, size: Number(r.size), image: isInlineImage(r.type), href: attachmentHref(ticketNumber, id) };
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
