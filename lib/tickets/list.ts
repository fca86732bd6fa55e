import "server-only";
import { asDate, placeholders, read } from "../db";
import { isStaff, type Actor } from "../people/identity";
import { visibleTicketsWhere } from "./permissions";
import { DEFAULT_LIST_PARAMS, listQuery, type ListParams, type Sort } from "./list-params";
import { countSql, listNumbersSql, listSql, TICKET_COLUMNS } from "./list-sql";
import { priorityFromRank, statusFromRank, statusRank, type Priority, type Status } from "./schema";

/** The ticket list: a page of it, its counts, the quick views and the CSV export's walk. */

export type TicketRow = {
  number: number;
  title: string;
  status: Status;
  priority: Priority;
  requester: string | null;
  assignee: string | null;
  updatedAt: Date;
};

export type TicketPage = {
  rows: TicketRow[];
  total: number;
  page: number;
  pageCount: number;
  first: number;
  last: number;
  /** The order the rows are in. */
  sort: Sort | "relevance";
  dir: "asc" | "desc";
  /** Staff asked for relevance but the search matched too much to rank: sorted by last update. */
  unranked: boolean;
};

/**
 * A search is ranked by relevance when its words match at most this many documents (titles and
 * descriptions, public comments). Beyond it (a word in most tickets) relevance means little and
 * would cost a bm25 for every match (about 1.6 µs each: 0.17 s for "the" at 100,000 tickets, on
 * the one connection everyone shares), so the list is sorted by last update instead, and says so.
 */
export const RANK_LIMIT = 1_000;

type RawRow = {
  number: bigint | number;
  title: string;
  status: bigint | number;
  priority: bigint | number;
  updatedAt: Date | string;
  createdAt: Date | string;
  requester: string | null;
  assignee: string | null;
};

type Counted = { total: number; docs: number };

async function counted(actor: Actor, p: ListParams): Promise<Counted> {
  const c = countSql(actor, p);
  const row = await read.get<{ n: number; docs: number }>(c.sql, ...c.args);
  return { total: Number(row?.n ?? 0), docs: Number(row?.docs ?? 0) };
}

export async function countTickets(actor: Actor, p: ListParams): Promise<number> {
  return (await counted(actor, p)).total;
}

/**
 * The order a list is really shown in. Relevance only for staff, and only when the search is
 * narrow enough to rank: whether it is depends on how many documents in the whole index match,
 * which a requester must not learn about (their results are listed by last update instead; they
 * have few tickets, and their order then says nothing about anybody else's).
 */
export function effectiveSort(actor: Actor, p: ListParams, { docs }: { docs: number }): Pick<ListParams, "sort" | "dir"> {
  if (p.sort !== "relevance") return { sort: p.sort, dir: p.dir };
  return isStaff(actor) && docs <= RANK_LIMIT ? { sort: "relevance", dir: "desc" } : { sort: "updated", dir: "desc" };
}

const toRow = (r: RawRow) => ({
  number: Number(r.number),
  title: r.title,
  status: statusFromRank(Number(r.status)),
  priority: priorityFromRank(Number(r.priority)),
  updatedAt: asDate(r.updatedAt),
  requester: r.requester,
  assignee: r.assignee,
});

/**
 * One page of the list. A page past the end shows the last page. `sort` and `dir` are the order
 * the rows are really in (a very broad search is sorted by last update: `unranked`).
 */
export async function listTickets(actor: Actor, p: ListParams): Promise<TicketPage> {
  const c = await counted(actor, p);
  const { total } = c;
  const pageCount = Math.max(1, Math.ceil(total / p.per));
  const page = Math.min(p.page, pageCount);
  const offset = (page - 1) * p.per;
  const order = effectiveSort(actor, p, c);
  const q = listSql(actor, { ...p, ...order, page }, offset);
  const shown = total === 0 ? [] : (await read.all<RawRow>(q.sql, ...q.args)).map(toRow);
  return {
    rows: shown,
    total,
    page,
    pageCount,
    first: shown.length ? offset + 1 : 0,
    last: offset + shown.length,
    ...order,
    unranked: isStaff(actor) && p.sort === "relevance" && order.sort !== "relevance",
  };
}

export type QuickView = { label: string; href: string; count: number };

const OPEN: Status[] = ["Open", "In progress", "Waiting"];

/** The views agents use all day, with their counts: one pass over the tally's open rows. */
export async function quickViews(actor: Actor): Promise<QuickView[]> {
  const base: ListParams = { ...DEFAULT_LIST_PARAMS, status: OPEN };
  const scope = visibleTicketsWhere(actor);
  const own = scope.requesterId === undefined ? "" : `AND c."requesterId" = ?`;
  const row = await read.get<{ mine: number; unassigned: number; open: number }>(
    `SELECT coalesce(sum(CASE WHEN c."assigneeId" = ? THEN c."n" END), 0) AS "mine",
            coalesce(sum(CASE WHEN c."assigneeId" = '' THEN c."n" END), 0) AS "unassigned",
            coalesce(sum(c."n"), 0) AS "open"
     FROM "ticket_tally" c WHERE c."status" IN (${placeholders(OPEN.length)}) ${own}`,
    actor.id,
    ...OPEN.map(statusRank),
    ...(scope.requesterId === undefined ? [] : [scope.requesterId]),
  );
  const href = (p: ListParams) => `/tickets${listQuery(p)}`;
  const all = { label: "All open", href: href(base), count: Number(row?.open ?? 0) };
  if (!isStaff(actor)) return [all];
  return [
    { label: "My open tickets", href: href({ ...base, assignee: "me" }), count: Number(row?.mine ?? 0) },
    { label: "Unassigned", href: href({ ...base, assignee: "none" }), count: Number(row?.unassigned ?? 0) },
    all,
  ];
}

export type ExportRow = TicketRow & { createdAt: Date };

/** The most rows one export holds: the view is searched once, and its numbers kept in memory. */
export const EXPORT_MAX = 1_000_000;

/**
 * The filtered view, every page of it, in batches (for the CSV export): the view's numbers in one
 * statement, then the rows fetched by number a batch at a time.
 */
export async function* exportTickets(actor: Actor, p: ListParams, batch = 1000): AsyncGenerator<ExportRow[]> {
  const order = p.q ? effectiveSort(actor, p, await counted(actor, p)) : { sort: p.sort, dir: p.dir };
  const q = listNumbersSql(actor, { ...p, ...order }, EXPORT_MAX);
  const numbers = (await read.all<{ number: number | bigint }>(q.sql, ...q.args)).map((r) => Number(r.number));
  for (let i = 0; i < numbers.length; i += batch) {
    const chunk = numbers.slice(i, i + batch);
    const raw = await read.all<RawRow>(`SELECT ${TICKET_COLUMNS} FROM "ticket" t WHERE t."number" IN (${placeholders(chunk.length)})`, ...chunk);
    const byNumber = new Map(raw.map((r) => [Number(r.number), r]));
    // A ticket deleted since the numbers were read is left out.
    yield chunk.flatMap((n) => {
      const r = byNumber.get(n);
      return r ? [{ ...toRow(r), createdAt: asDate(r.createdAt) }] : [];
    });
  }
}
