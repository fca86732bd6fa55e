import "server-only";
import { audit } from "../audit/log";
import { placeholders, read, write, type Rows, type Tx } from "../db";
import { isAdmin, type Actor } from "../people/identity";
import { TAGS_ON_DESK } from "./tag-names";

/**
 * Tags on tickets: the rows behind a ticket's "Tags" and the list's chips and filter. Written only
 * through the ticket commands (updateTicketIn, for one ticket or in bulk), which write the
 * history entry and check who may; the names arrive here already normalised (tag-names.ts).
 * Staff only: a caller shows these to no one else.
 */

/** The tags of each of `numbers` (a page of the list, one ticket), sorted by name. */
export async function tagsOf(numbers: readonly number[], on: Rows = read): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (numbers.length === 0) return out;
  const rows = await on.all<{ ticketNumber: number | bigint; name: string }>(
    `SELECT tt."ticketNumber", g."name" FROM "ticket_tag" tt JOIN "tag" g ON g."id" = tt."tagId"
     WHERE tt."ticketNumber" IN (${placeholders(numbers.length)}) ORDER BY g."name"`,
    ...numbers,
  );
  for (const r of rows) {
    const n = Number(r.ticketNumber);
    const list = out.get(n);
    if (list) list.push(r.name);
    else out.set(n, [r.name]);
  }
  return out;
}

/** How many tags the list's Tags filter suggests: the most used. */
export const TAG_SUGGESTIONS = 30;

/** The most used tags' names, most used first (the (tickets, id) index, backwards). */
export async function mostUsedTags(limit = TAG_SUGGESTIONS): Promise<string[]> {
  const rows = await read.all<{ name: string }>(`SELECT "name" FROM "tag" WHERE "tickets" > 0 ORDER BY "tickets" DESC, "id" DESC LIMIT ?`, limit);
  return rows.map((r) => r.name);
}

/** One ticket's tags, sorted: what a command compares with. */
export async function ticketTags(number: number, on: Rows = read): Promise<string[]> {
  return (await tagsOf([number], on)).get(number) ?? [];
}

export class TooManyTags extends Error {
  constructor() {
    super(`The desk has ${TAGS_ON_DESK.toLocaleString("en-US")} tags already: use one of them, or ask an admin to merge some.`);
  }
}

/**
 * Moves one ticket's tags from `from` to `to` (both normalised): new names become tags (up to
 * TAGS_ON_DESK on the desk, else TooManyTags, which rolls the caller's transaction back), and
 * each tag's count follows. Returns nothing: the caller writes the history.
 */
export async function writeTicketTagsIn(tx: Tx, number: number, from: readonly string[], to: readonly string[]): Promise<void> {
  const added = to.filter((t) => !from.includes(t));
  const removed = from.filter((t) => !to.includes(t));
  if (added.length) {
    const ids = await ensureTags(tx, added);
    for (const id of ids) {
      await tx.run(`INSERT INTO "ticket_tag" ("ticketNumber", "tagId") VALUES (?, ?) ON CONFLICT DO NOTHING`, number, id);
    }
    await tx.run(`UPDATE "tag" SET "tickets" = "tickets" + 1 WHERE "id" IN (${placeholders(ids.length)})`, ...ids);
  }
  if (removed.length) {
    const ids = (await tx.all<{ id: number }>(`SELECT "id" FROM "tag" WHERE "name" IN (${placeholders(removed.length)})`, ...removed)).map((r) => Number(r.id));
    if (ids.length) {
      await tx.run(`DELETE FROM "ticket_tag" WHERE "ticketNumber" = ? AND "tagId" IN (${placeholders(ids.length)})`, number, ...ids);
      await tx.run(`UPDATE "tag" SET "tickets" = "tickets" - 1 WHERE "id" IN (${placeholders(ids.length)})`, ...ids);
    }
  }
}

/** The ids of `names`, making the ones that do not exist yet (within the desk's limit). */
async function ensureTags(tx: Tx, names: readonly string[]): Promise<number[]> {
  const existing = await tx.all<{ id: number; name: string }>(`SELECT "id", "name" FROM "tag" WHERE "name" IN (${placeholders(names.length)})`, ...names);
  const missing = names.filter((n) => !existing.some((e) => e.name === n));
  if (missing.length) {
    const count = await tx.get<{ n: number | bigint }>(`SELECT count(*) AS "n" FROM "tag"`);
    if (Number(count?.n ?? 0) + missing.length > TAGS_ON_DESK) throw new TooManyTags();
    for (const name of missing) {
      // Another writer may have made it meanwhile (PostgreSQL): then it is read below.
      await tx.run(`INSERT INTO "tag" ("name") VALUES (?) ON CONFLICT ("name") DO NOTHING`, name);
    }
    const made = await tx.all<{ id: number; name: string }>(`SELECT "id", "name" FROM "tag" WHERE "name" IN (${placeholders(missing.length)})`, ...missing);
    existing.push(...made);
  }
  return existing.map((e) => Number(e.id));
}

export type TagRow = { id: number; name: string; tickets: number };

/** The admins' tags page: how many rows a page shows (the desk has at most TAGS_ON_DESK). */
export const TAGS_PAGE = 100;

/**
 * One page of the desk's tags by name, with their ticket counts, for admins; `q` keeps those whose
 * name contains it. The table is bounded (TAGS_ON_DESK rows), so a search reads at most that many
 * names; without one, the unique name index is walked.
 */
export async function listTags(actor: Actor, { q, page }: { q: string; page: number }): Promise<{ rows: TagRow[]; more: boolean }> {
  if (!isAdmin(actor)) return { rows: [], more: false };
  const like = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await read.all<{ id: number | bigint; name: string; tickets: number | bigint }>(
    `SELECT "id", "name", "tickets" FROM "tag" ${like ? `WHERE "name" LIKE ? ESCAPE '\\'` : ""} ORDER BY "name" LIMIT ? OFFSET ?`,
    ...(like ? [like] : []),
    TAGS_PAGE + 1,
    (page - 1) * TAGS_PAGE,
  );
  return { rows: rows.slice(0, TAGS_PAGE).map((r) => ({ id: Number(r.id), name: r.name, tickets: Number(r.tickets) })), more: rows.length > TAGS_PAGE };
}

export type RenameResult =
  | { kind: "renamed"; from: string; to: string }
  | { kind: "merged"; from: string; into: string; tickets: number }
  | { kind: "unchanged"; name: string }
  | { kind: "not_found" }
  | { kind: "forbidden" };

/**
 * Renames a tag (admins), in one transaction with its audit entry. To the name of another tag, it
 * merges: the tag's tickets move to that tag in SQL (those that have both keep one), the other
 * tag's count is recounted, and this tag is deleted. `to` is normalised already (tag-names.ts).
 *
 * A tag's name is the desk's vocabulary, not a ticket's content: no ticket's history, updatedAt
 * or version changes (a merge of 100,000 tickets writes no 100,000 history rows, and moves no
 * ticket to the top of "most recently updated"); the audit log records it. A form opened before
 * the rename still shows the old name, and saving it puts that name back on that one ticket.
 */
export async function renameTag(actor: Actor, tagId: number, to: string, from: string | null): Promise<RenameResult> {
  if (!isAdmin(actor)) return { kind: "forbidden" };
  return write(async (tx): Promise<RenameResult> => {
    const tag = await tx.get<{ name: string; tickets: number | bigint }>(`SELECT "name", "tickets" FROM "tag" WHERE "id" = ?`, tagId);
    if (!tag) return { kind: "not_found" };
    if (tag.name === to) return { kind: "unchanged", name: to };
    const other = await tx.get<{ id: number | bigint }>(`SELECT "id" FROM "tag" WHERE "name" = ?`, to);
    if (!other) {
      await tx.run(`UPDATE "tag" SET "name" = ? WHERE "id" = ?`, to, tagId);
      await audit(tx, actor, { action: "tag_renamed", target: tag.name, detail: `Renamed to ${to}`, from });
      return { kind: "renamed", from: tag.name, to };
    }
    const into = Number(other.id);
    await tx.run(
      `INSERT INTO "ticket_tag" ("ticketNumber", "tagId") SELECT "ticketNumber", ? FROM "ticket_tag" WHERE "tagId" = ? ON CONFLICT DO NOTHING`,
      into,
      tagId,
    );
    await tx.run(`DELETE FROM "ticket_tag" WHERE "tagId" = ?`, tagId);
    await tx.run(`DELETE FROM "tag" WHERE "id" = ?`, tagId);
    await tx.run(`UPDATE "tag" SET "tickets" = (SELECT count(*) FROM "ticket_tag" WHERE "tagId" = ?) WHERE "id" = ?`, into, into);
    const counted = await tx.get<{ tickets: number | bigint }>(`SELECT "tickets" FROM "tag" WHERE "id" = ?`, into);
    const tickets = Number(counted?.tickets ?? 0);
    await audit(tx, actor, { action: "tag_merged", target: tag.name, detail: `Merged into ${to}: ${tickets} tickets (${Number(tag.tickets)} moved)`, from });
    return { kind: "merged", from: tag.name, into: to, tickets };
  }, { exclusive: true });
}
