import "server-only";
import { placeholders, read, type Rows, type Tx } from "../db";
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
