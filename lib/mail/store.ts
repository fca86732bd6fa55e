import "server-only";
import { placeholders, read, sqlDate, write, type Tx } from "../db";

/**
 * The support mailbox's messages as Triage keeps them (the "inbound_mail" table): every message
 * downloaded, whatever became of it, with its raw bytes, keyed by its Message-ID (or a hash) and
 * the mailbox UID, so that a second import of the same message is a no-op.
 */

/** Rows an import may take up again: a failed try, or a message waiting for its sender's address. */
export const RETRYABLE = ["failing", "held"];

export type Stored = { key: string; uidKey: string | null; from: string; subject: string; raw: Uint8Array };

export type SetAsideStatus = "ignored" | "quarantined" | "refused";

const bytes = (raw: Uint8Array) => Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);

/** The earlier row of this message, if any: by its key or by its place in the mailbox. */
export async function previousImport(key: string, uidKey: string | null) {
  return read.get<{ id: number; status: string; attempts: number }>(
    `SELECT "id", "status", "attempts" FROM "inbound_mail" WHERE "messageKey" = ?${uidKey ? ` OR "uidKey" = ?` : ""} LIMIT 1`,
    key,
    ...(uidKey ? [uidKey] : []),
  );
}

export async function statusOf(key: string) {
  return (await read.get<{ status: string }>(`SELECT "status" FROM "inbound_mail" WHERE "messageKey" = ?`, key))?.status ?? null;
}

/** A new row, or the retried row of the same message brought up to date. */
async function upsert(tx: Tx, m: Stored, data: { status: string; reason: string | null; attempts?: number; ticketNumber?: number; commentId?: number | null }) {
  const at = sqlDate(new Date());
  await tx.run(
    `INSERT INTO "inbound_mail" ("messageKey", "uidKey", "fromAddress", "subject", "raw", "size", "status", "reason", "attempts",
       "ticketNumber", "commentId", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT ("messageKey") DO UPDATE SET "status" = excluded."status", "reason" = excluded."reason",
       ${data.attempts === undefined ? "" : `"attempts" = excluded."attempts", `}"updatedAt" = excluded."updatedAt"`,
    m.key, m.uidKey, m.from, m.subject, bytes(m.raw), m.raw.length, data.status, data.reason, data.attempts ?? 1,
    data.ticketNumber ?? null, data.commentId ?? null, at, at,
  );
}

/** A message that becomes nothing: ignored (a robot) or set aside for an admin, with the reason. */
export async function setAside(m: Stored, status: SetAsideStatus, reason: string) {
  await write((tx) => upsert(tx, m, { status, reason }));
}

/** A failed try: tried again later, set aside after the last. */
export async function recordFailure(m: Stored, status: "failing" | "quarantined", reason: string, attempts: number) {
  await write((tx) => upsert(tx, m, { status, reason, attempts }));
}

/**
 * The row that says this message was imported, in the import's own transaction. Inserted, so
 * that a second import of the same message racing this one (two pollers) fails on the unique
 * keys and rolls back its ticket or comment; only a row left failing or held by an earlier try is
 * updated instead.
 */
export async function recordImport(tx: Tx, m: Stored, made: { ticketNumber: number; commentId: number | null }) {
  const at = sqlDate(new Date());
  const retried = await tx.run(
    `UPDATE "inbound_mail" SET "status" = 'imported', "reason" = NULL, "ticketNumber" = ?, "commentId" = ?, "updatedAt" = ?
     WHERE "messageKey" = ? AND "status" IN ('failing', 'held')`,
    made.ticketNumber, made.commentId, at, m.key,
  );
  if (retried === 0) {
    await tx.run(
      `INSERT INTO "inbound_mail" ("messageKey", "uidKey", "fromAddress", "subject", "raw", "size", "status", "reason", "attempts",
         "ticketNumber", "commentId", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?, 'imported', NULL, 1, ?, ?, ?, ?)`,
      m.key, m.uidKey, m.from, m.subject, bytes(m.raw), m.raw.length, made.ticketNumber, made.commentId, at, at,
    );
  }
}

/** A message too large to download, kept as its headers only. */
export async function recordRefused(tx: Tx, m: Stored, size: number, reason: string) {
  const at = sqlDate(new Date());
  await tx.run(
    `INSERT INTO "inbound_mail" ("messageKey", "uidKey", "fromAddress", "subject", "raw", "size", "status", "reason", "attempts", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, 'refused', ?, 1, ?, ?)`,
    m.key, m.uidKey, m.from, m.subject, bytes(m.raw), size, reason, at, at,
  );
}

/** A message waiting for its sender to confirm the address (kept as it is if it already waits). */
export async function recordHeld(tx: Tx, m: Stored, reason: string) {
  const at = sqlDate(new Date());
  const updated = await tx.run(
    `UPDATE "inbound_mail" SET "status" = 'held', "reason" = ?, "updatedAt" = ? WHERE "messageKey" = ? AND "status" IN ('failing', 'held')`,
    reason, at, m.key,
  );
  if (updated === 0) await upsert(tx, m, { status: "held", reason });
}

/** Messages waiting longer than `days` for their sender are set aside. */
export async function expireHeld(now: Date, days: number) {
  await write((tx) =>
    tx.run(
      `UPDATE "inbound_mail" SET "status" = 'quarantined', "reason" = ?, "updatedAt" = ? WHERE "status" = 'held' AND "createdAt" < ?`,
      `the sender did not confirm the address within ${days} days`, sqlDate(now), sqlDate(now.getTime() - days * 86400_000),
    ),
  );
}

/** What the second chance takes up: failed imports, and held ones whose sender has since confirmed the address. */
export async function retryCandidates(): Promise<number[]> {
  const failing = await read.all<{ id: number }>(`SELECT "id" FROM "inbound_mail" WHERE "status" = 'failing' ORDER BY "id" ASC LIMIT 50`);
  const released = await read.all<{ id: number }>(
    `SELECT m."id" FROM "inbound_mail" m
     WHERE m."status" = 'held' AND m."fromAddress" IN (
       SELECT u."email" FROM "user" u WHERE u."emailVerified" = ? AND u."email" IN (
         SELECT DISTINCT h."fromAddress" FROM "inbound_mail" h WHERE h."status" = 'held' LIMIT 200))
     ORDER BY m."id" ASC LIMIT 50`,
    true,
  );
  return [...failing, ...released].map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** One stored message, read alone (a pile of large waiting mail costs no memory). */
export async function storedMessage(id: number) {
  return read.get<{ raw: Uint8Array; uidKey: string | null; status: string }>(
    `SELECT "raw", "uidKey", "status" FROM "inbound_mail" WHERE "id" = ?`,
    id,
  );
}

/** The ticket an earlier message (sent by Triage, or received) with one of these ids belongs to. */
export async function ticketByMessageIds(ids: string[]): Promise<number | null> {
  if (ids.length === 0) return null;
  const list = placeholders(ids.length);
  const out = await read.get<{ n: number }>(
    `SELECT "ticketNumber" AS "n" FROM "outbound_mail" WHERE "messageId" IN (${list}) AND "ticketNumber" IS NOT NULL ORDER BY "id" DESC LIMIT 1`,
    ...ids,
  );
  if (out) return Number(out.n);
  const inn = await read.get<{ n: number }>(
    `SELECT "ticketNumber" AS "n" FROM "inbound_mail" WHERE "messageKey" IN (${list}) AND "ticketNumber" IS NOT NULL ORDER BY "id" DESC LIMIT 1`,
    ...ids,
  );
  return inn ? Number(inn.n) : null;
}

/** Whether the message answers one that Triage sent to this address (so it reached that mailbox). */
export async function answersMailTo(references: string[], address: string): Promise<boolean> {
  if (references.length === 0) return false;
  const row = await read.get(
    `SELECT 1 AS "x" FROM "outbound_mail" WHERE "messageId" IN (${placeholders(references.length)}) AND "toAddress" = ? LIMIT 1`,
    ...references,
    address,
  );
  return row !== undefined;
}
