import "server-only";
import { asDate, read, write } from "../db";
import type { Actor } from "../people/identity";
import { SAVED_VIEWS_PER_PERSON, SHARED_VIEWS_MAX } from "../limits";
import { viewCount } from "./list";
import { resolveListFilters } from "./list-filters";
import { listQuery, parseListParams, type ListParams } from "./list-params";
import { mayShareViews } from "./permissions";

/**
 * Saved views: the list's filters and sort under a name, for the person who saved it (or, shared
 * by an admin, for everyone). What is stored is the list's own URL query (listQuery), and it is
 * parsed again by parseListParams every time it is shown or counted: a row that was tampered with
 * (or saved by an older Triage) can only ever mean a list the reader may see anyway, counted with
 * their own visibility (a requester's count is of their own tickets).
 */

export type SavedView = {
  id: number;
  name: string;
  href: string;
  count: number;
  /** `count` is the list's estimate (a broad search): "about". */
  estimated: boolean;
  shared: boolean;
  /** Whether the reader may delete it: their own, or (admins) a shared one. */
  deletable: boolean;
  createdAt: Date;
};

type Row = { id: number | bigint; ownerId: string; name: string; query: string; shared: boolean | number; createdAt: string | Date };

/** A stored query, as the list reads a URL: every key, every value. */
export function paramsOf(query: string): ListParams {
  const raw: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(query.startsWith("?") ? query.slice(1) : query)) (raw[k] ??= []).push(v);
  return parseListParams(raw);
}

/** The canonical query of a list (its first page): what a view stores and links to. */
export const viewQuery = (p: ListParams) => listQuery({ ...p, page: 1 });

/**
 * The reader's views and the shared ones (at most SAVED_VIEWS_PER_PERSON + SHARED_VIEWS_MAX, two
 * index range reads), each with its live count: the list's own count path (lib/tickets/list.ts),
 * which for a view without a search is a sum over the ticket_tally rows its filters select, and
 * for a search the list's estimate from the index's breadth, never a walk of the matches.
 */
/** The reader's views and the shared ones, each a range of its own index. Exposed for the plan test. */
export const SAVED_VIEWS_SQL = `SELECT * FROM (SELECT "id", "ownerId", "name", "query", "shared", "createdAt" FROM "saved_view" WHERE "ownerId" = ? ORDER BY "id" LIMIT ?) o
     UNION
     SELECT * FROM (SELECT "id", "ownerId", "name", "query", "shared", "createdAt" FROM "saved_view" WHERE "shared" = ? ORDER BY "id" LIMIT ?) s
     ORDER BY "id"`;

export async function listSavedViews(actor: Actor): Promise<SavedView[]> {
  const rows = await read.all<Row>(SAVED_VIEWS_SQL, actor.id, SAVED_VIEWS_PER_PERSON, true, SHARED_VIEWS_MAX);
  return Promise.all(
    rows.map(async (r) => {
      const params = paramsOf(r.query);
      const resolved = await resolveListFilters(actor, params);
      const { total, estimated } = await viewCount(actor, resolved.params);
      const shared = r.shared === true || r.shared === 1;
      return {
        id: Number(r.id),
        name: r.name,
        href: `/tickets${viewQuery(params)}`,
        count: total,
        estimated,
        shared,
        deletable: r.ownerId === actor.id || (shared && mayShareViews(actor)),
        createdAt: asDate(r.createdAt),
      };
    }),
  );
}

export type SaveViewResult =
  | { kind: "saved"; id: number }
  | { kind: "refused"; field: "name" | "share"; message: string };

/**
 * Saves the list's query under a name, for the actor; `share` (admins only) offers it to everyone.
 * Within the caps (checked and written in one exclusive transaction, so two saves at once cannot
 * both take the last place); one name once per person.
 */
export async function saveView(actor: Actor, input: { name: string; query: string; share: boolean }): Promise<SaveViewResult> {
  if (input.share && !mayShareViews(actor)) return { kind: "refused", field: "share", message: "Only admins share views with everyone." };
  const query = viewQuery(paramsOf(input.query));
  return write(
    async (tx) => {
      const mine = await tx.get<{ n: number | bigint; same: number | bigint }>(
        `SELECT count(*) AS "n", count(CASE WHEN "name" = ? THEN 1 END) AS "same" FROM "saved_view" WHERE "ownerId" = ?`,
        input.name, actor.id,
      );
      if (Number(mine?.same ?? 0) > 0) return { kind: "refused", field: "name", message: `You have a view named “${input.name}” already: choose another name.` } as const;
      if (Number(mine?.n ?? 0) >= SAVED_VIEWS_PER_PERSON) {
        return { kind: "refused", field: "name", message: `You have ${SAVED_VIEWS_PER_PERSON} views, the most one person may keep: delete one first.` } as const;
      }
      if (input.share) {
        const shared = await tx.get<{ n: number | bigint }>(`SELECT count(*) AS "n" FROM "saved_view" WHERE "shared" = ?`, true);
        if (Number(shared?.n ?? 0) >= SHARED_VIEWS_MAX) {
          return { kind: "refused", field: "share", message: `The desk shares ${SHARED_VIEWS_MAX} views already, the most it may: delete one first.` } as const;
        }
      }
      const row = await tx.get<{ id: number | bigint }>(
        `INSERT INTO "saved_view" ("ownerId", "name", "query", "shared", "createdAt") VALUES (?, ?, ?, ?, ?) RETURNING "id"`,
        actor.id, input.name, query, input.share, new Date(),
      );
      return { kind: "saved", id: Number(row!.id) } as const;
    },
    { exclusive: true },
  );
}

/** Deletes a view: the actor's own, or (admins) a shared one. Anything else is "not found". */
export async function deleteView(actor: Actor, id: number): Promise<{ kind: "deleted" } | { kind: "not_found" }> {
  const n = await write((tx) =>
    mayShareViews(actor)
      ? tx.run(`DELETE FROM "saved_view" WHERE "id" = ? AND ("ownerId" = ? OR "shared" = ?)`, id, actor.id, true)
      : tx.run(`DELETE FROM "saved_view" WHERE "id" = ? AND "ownerId" = ?`, id, actor.id),
  );
  return n === 1 ? { kind: "deleted" } : { kind: "not_found" };
}
