import "server-only";
import { asDate, expectOne, read, write, type Tx } from "../db";
import { COMMENT_MAX, formatLimit, isSerialId, SAVED_REPLIES_MAX, SAVED_REPLIES_PAGE } from "../limits";
import { isStaff, shownNameSql, type Actor } from "../people/identity";
import { likeLiteral } from "../people/queries";
import { getTicketRow } from "../tickets/reads";
import { fillPlaceholders } from "./placeholders";
import { nameKey, type RepliesQuery, type SavedReplyInput } from "./schema";

/**
 * Saved replies: the staff's shared texts, and the one place that reads or writes them. Staff
 * only, checked here on every read and write (a page hiding a button is not authorization): to
 * anyone else there are none, and every write is refused. At most SAVED_REPLIES_MAX exist.
 */

export type SavedReplyRow = { id: number; name: string; preview: string; updatedBy: string; updatedAt: Date };
export type RepliesPage = { rows: SavedReplyRow[]; total: number; page: number; pages: number };
export type SavedReply = { id: number; name: string; body: string };
export type ReplyChoice = { id: number; name: string };

/** How much of a body the page shows under its name. */
const PREVIEW = 160;

const NONE: RepliesPage = { rows: [], total: 0, page: 1, pages: 1 };

/** One page of replies by name, or those whose name holds `q` (any case). */
export async function listSavedReplies(actor: Actor, query: RepliesQuery): Promise<RepliesPage> {
  if (!isStaff(actor)) return NONE;
  const q = nameKey(query.q);
  const filter = q ? `WHERE r."nameKey" LIKE ? ESCAPE '\\'` : "";
  const args = q ? [`%${likeLiteral(q)}%`] : [];
  // At most SAVED_REPLIES_MAX rows: the count and the offset are bounded by the cap.
  const total = Number((await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM "saved_reply" r ${filter}`, ...args))?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / SAVED_REPLIES_PAGE));
  const page = Math.min(query.page, pages);
  const rows =
    total === 0
      ? []
      : await read.all<{ id: number; name: string; preview: string; updatedBy: string | null; updatedAt: string | Date }>(
          `SELECT r."id", r."name", substr(r."body", 1, ${PREVIEW + 1}) AS "preview", ${shownNameSql("u")} AS "updatedBy", r."updatedAt"
           FROM "saved_reply" r LEFT JOIN "user" u ON u."id" = r."updatedById" ${filter}
           ORDER BY r."nameKey" ASC LIMIT ${SAVED_REPLIES_PAGE} OFFSET ${(page - 1) * SAVED_REPLIES_PAGE}`,
          ...args,
        );
  return {
    rows: rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      preview: r.preview.length > PREVIEW ? `${r.preview.slice(0, PREVIEW).trimEnd()}…` : r.preview,
      updatedBy: r.updatedBy ?? "Someone no longer here",
      updatedAt: asDate(r.updatedAt),
    })),
    total,
    page,
    pages,
  };
}

/** The names for a ticket's picker, by name: all of them (the cap bounds it). */
export async function savedReplyChoices(actor: Actor): Promise<ReplyChoice[]> {
  if (!isStaff(actor)) return [];
  const rows = await read.all<{ id: number; name: string }>(
    `SELECT "id", "name" FROM "saved_reply" ORDER BY "nameKey" ASC LIMIT ${SAVED_REPLIES_MAX}`,
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name }));
}

/** One reply to edit, or null (missing, or not staff). */
export async function getSavedReply(actor: Actor, id: number): Promise<SavedReply | null> {
  if (!isStaff(actor) || !isSerialId(id)) return null;
  const r = await read.get<{ id: number; name: string; body: string }>(`SELECT "id", "name", "body" FROM "saved_reply" WHERE "id" = ?`, id);
  return r ? { id: Number(r.id), name: r.name, body: r.body } : null;
}

export type FillResult =
  | { kind: "filled"; name: string; text: string }
  | { kind: "ticket_not_found" }
  | { kind: "reply_not_found" };

/**
 * A reply's text for ticket `number` as this actor sees it: the ticket through the actor's own
 * scope (one they may not see is "not found", whatever reply was asked for), then the reply. Reads
 * only: inserting a reply writes nothing until the comment is added.
 */
export async function fillSavedReply(actor: Actor, number: number, replyId: number): Promise<FillResult> {
  if (!isStaff(actor)) return { kind: "ticket_not_found" };
  const ticket = await getTicketRow(actor, number);
  if (!ticket) return { kind: "ticket_not_found" };
  const reply = await getSavedReply(actor, replyId);
  if (!reply) return { kind: "reply_not_found" };
  const text = fillPlaceholders(reply.body, {
    "requester.name": ticket.requesterName,
    "ticket.number": String(ticket.number),
    "ticket.title": ticket.title,
    "agent.name": actor.name,
  });
  return { kind: "filled", name: reply.name, text };
}

/** The comment with a filled reply added: after what was typed, a blank line between. */
export function withReply(typed: string, text: string): string {
  if (!typed.trim()) return text;
  return `${typed.replace(/\s+$/, "")}\n\n${text}`;
}

/** Too long to insert: the message for the picker. */
export const tooLongToInsert = (name: string) =>
  `Inserting “${name}” would make the comment longer than ${formatLimit(COMMENT_MAX)} characters.`;

export type SaveResult =
  | { kind: "saved"; id: number; name: string }
  | { kind: "forbidden" }
  | { kind: "not_found" }
  | { kind: "duplicate"; message: string }
  | { kind: "full"; message: string };

const duplicate = (name: string): SaveResult => ({ kind: "duplicate", message: `A saved reply named “${name}” already exists. Choose another name.` });

async function nameTaken(tx: Tx, key: string, except: number | null): Promise<boolean> {
  const row = await tx.get(`SELECT 1 AS "x" FROM "saved_reply" WHERE "nameKey" = ?${except === null ? "" : ` AND "id" <> ?`}`, ...(except === null ? [key] : [key, except]));
  return row !== undefined;
}

/**
 * A new reply. Counting, the name check and the insert are one exclusive transaction, so that two
 * saves at once can pass neither the cap nor the unique name (the index would refuse the second
 * name anyway; this turns that into a message).
 */
export async function createSavedReply(actor: Actor, input: SavedReplyInput, now = new Date()): Promise<SaveResult> {
  if (!isStaff(actor)) return { kind: "forbidden" };
  const key = nameKey(input.name);
  return write(
    async (tx): Promise<SaveResult> => {
      const n = Number((await tx.get<{ n: number }>(`SELECT count(*) AS "n" FROM "saved_reply"`))?.n ?? 0);
      if (n >= SAVED_REPLIES_MAX) {
        return { kind: "full", message: `The desk has ${formatLimit(SAVED_REPLIES_MAX)} saved replies, the most it keeps. Delete one you no longer use first.` };
      }
      if (await nameTaken(tx, key, null)) return duplicate(input.name);
      const row = await tx.get<{ id: number }>(
        `INSERT INTO "saved_reply" ("name", "nameKey", "body", "createdById", "updatedById", "createdAt", "updatedAt")
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING "id"`,
        input.name, key, input.body, actor.id, actor.id, now, now,
      );
      return { kind: "saved", id: Number(row!.id), name: input.name };
    },
    { exclusive: true },
  );
}

/** A reply's new name and body; who changed it and when are kept. */
export async function updateSavedReply(actor: Actor, id: number, input: SavedReplyInput, now = new Date()): Promise<SaveResult> {
  if (!isStaff(actor)) return { kind: "forbidden" };
  if (!isSerialId(id)) return { kind: "not_found" };
  const key = nameKey(input.name);
  return write(
    async (tx): Promise<SaveResult> => {
      if (!(await tx.get(`SELECT 1 AS "x" FROM "saved_reply" WHERE "id" = ?`, id))) return { kind: "not_found" };
      if (await nameTaken(tx, key, id)) return duplicate(input.name);
      expectOne(
        await tx.run(
          `UPDATE "saved_reply" SET "name" = ?, "nameKey" = ?, "body" = ?, "updatedById" = ?, "updatedAt" = ? WHERE "id" = ?`,
          input.name, key, input.body, actor.id, now, id,
        ),
      );
      return { kind: "saved", id, name: input.name };
    },
    { exclusive: true },
  );
}

/** Remove a reply for everyone. Comments it went into keep their text. */
export async function deleteSavedReply(actor: Actor, id: number): Promise<{ kind: "deleted" | "forbidden" | "not_found" }> {
  if (!isStaff(actor)) return { kind: "forbidden" };
  if (!isSerialId(id)) return { kind: "not_found" };
  const n = await write((tx) => tx.run(`DELETE FROM "saved_reply" WHERE "id" = ?`, id));
  return { kind: n === 1 ? "deleted" : "not_found" };
}
