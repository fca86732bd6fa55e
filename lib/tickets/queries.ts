import "server-only";
import { reader, rows } from "../db";
import type { Prisma } from "../generated/prisma/client";
import type { Dialect } from "../env";
import { isStaff, isTicketNumber, ticketWhere, visibleTicketsWhere, type Actor } from "./permissions";
import {
  DEFAULT_LIST_PARAMS,
  ftsQuery,
  listQuery,
  tsQuery,
  type ListParams,
  type Sort,
} from "./list-params";
import {
  priorityFromRank,
  priorityRank,
  statusFromRank,
  statusRank,
  type Priority,
  type Status,
} from "./schema";

type Tx = Prisma.TransactionClient | typeof reader;

/**
 * Ticket reads. Every one takes the actor and puts what it may see into the query itself: a
 * ticket a requester does not own is indistinguishable from a missing one.
 */

/** The raw row a command needs to decide; null when missing or not visible to the actor. */
export async function getTicketRow(actor: Actor, number: number, tx: Tx = reader) {
  if (!isTicketNumber(number)) return null;
  const row = await tx.ticket.findFirst({
    where: ticketWhere(actor, number),
    select: {
      number: true,
      title: true,
      status: true,
      priority: true,
      requesterId: true,
      assigneeId: true,
      resolvedAt: true,
      version: true,
      assignee: { select: { name: true } },
    },
  });
  if (!row) return null;
  const { assignee, ...rest } = row;
  return { ...rest, assigneeName: assignee?.name ?? null };
}

/**
 * Whether the actor may see ticket `number`: what the proxy asks before every ticket page (to
 * answer 404 with real HTML), in one prepared statement with ticketWhere's own scope.
 */
export async function ticketVisible(actor: Actor, number: number): Promise<boolean> {
  const where = ticketWhere(actor, number);
  const row =
    where.requesterId === undefined
      ? await rows.get(`SELECT 1 AS "x" FROM "ticket" WHERE "number" = ?`, where.number)
      : await rows.get(`SELECT 1 AS "x" FROM "ticket" WHERE "number" = ? AND "requesterId" = ?`, where.number, where.requesterId);
  return row !== undefined;
}

export type Person = { id: string; name: string };

export type ActivityEntry = {
  id: number;
  field: string;
  from: string | null;
  to: string | null;
  actor: string;
  at: Date;
};

export type TicketDetail = {
  number: number;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  requester: Person;
  assignee: Person | null;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  version: number;
  activity: ActivityEntry[];
};

export async function getTicket(actor: Actor, number: number): Promise<TicketDetail | null> {
  if (!isTicketNumber(number)) return null;
  const t = await reader.ticket.findFirst({
    where: ticketWhere(actor, number),
    select: {
      number: true,
      title: true,
      description: true,
      status: true,
      priority: true,
      createdAt: true,
      updatedAt: true,
      resolvedAt: true,
      version: true,
      requester: { select: { id: true, name: true } },
      assignee: { select: { id: true, name: true } },
      activity: {
        orderBy: { id: "asc" },
        select: {
          id: true,
          field: true,
          fromValue: true,
          toValue: true,
          createdAt: true,
          actor: { select: { name: true } },
        },
      },
    },
  });
  if (!t) return null;
  return {
    ...t,
    status: statusFromRank(t.status),
    priority: priorityFromRank(t.priority),
    activity: t.activity.map((a) => ({
      id: a.id,
      field: a.field,
      from: a.fromValue,
      to: a.toValue,
      actor: a.actor.name,
      at: a.createdAt,
    })),
  };
}

/**
 * People a ticket can be assigned to: agents and admins, by name. Read on every list page (two
 * prepared statements, about 20 µs each), never cached: several Triage processes may serve one
 * database, and a cache in one would miss a sign-up or a role change made through another.
 */
export const PEOPLE_SQL = {
  assignees: `SELECT "id", "name" FROM "user" WHERE "role" IN ('agent', 'admin') ORDER BY "name" ASC, "id" ASC`,
  requesters: `SELECT "id", "name" FROM "user" ORDER BY "name" ASC, "id" ASC LIMIT 500`,
};

export async function listAssignees(): Promise<Person[]> {
  return rows.all<Person>(PEOPLE_SQL.assignees);
}

/** Requesters, for the agents' Requester filter (everyone, by name: the first 500). */
export async function listRequesters(actor: Actor): Promise<Person[]> {
  if (!isStaff(actor)) return [];
  return rows.all<Person>(PEOPLE_SQL.requesters);
}

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

/** A WHERE clause and its bound values, built from the filters and the actor's visibility. */
function filters(actor: Actor, p: ListParams, alias: string, dialect: Dialect) {
  const where: string[] = [];
  const args: unknown[] = [];
  const col = (c: string) => `${alias}."${c}"`;
  const scope = visibleTicketsWhere(actor);
  if (scope.requesterId !== undefined) {
    where.push(`${col("requesterId")} = ?`);
    args.push(scope.requesterId);
  } else if (p.requester) {
    where.push(`${col("requesterId")} = ?`);
    args.push(p.requester);
  }
  // Several statuses (or priorities) in the default "most recently updated" order: walking the
  // updatedAt index and filtering stops after one page, where the (status, updatedAt) index would
  // have to merge several ranges in a sort. The unary + keeps SQLite off that index. (PostgreSQL
  // weighs the two itself; there the + would only hide the index.)
  const walkUpdated = dialect === "sqlite" && alias === "t" && p.sort === "updated" && !p.q;
  if (p.status.length) {
    const c = p.status.length > 1 && walkUpdated ? `+${col("status")}` : col("status");
    where.push(`${c} IN (${p.status.map(() => "?").join(", ")})`);
    args.push(...p.status.map(statusRank));
  }
  if (p.priority.length) {
    const c = p.priority.length > 1 && walkUpdated ? `+${col("priority")}` : col("priority");
    where.push(`${c} IN (${p.priority.map(() => "?").join(", ")})`);
    args.push(...p.priority.map(priorityRank));
  }
  return { where, args, assignee: assigneeFilter(actor, p) };
}

/** The assignee filter as a value of the tally's assigneeId ('' = unassigned), or null for anyone. */
function assigneeFilter(actor: Actor, p: ListParams): string | null {
  if (p.assignee === "me") return actor.id;
  if (p.assignee === "none") return "";
  return p.assignee || null;
}

/**
 * The order of each sort. An unassigned ticket (a null name) comes first ascending and last
 * descending, as SQLite orders nulls; PostgreSQL is told so (its name indexes are built NULLS FIRST
 * to match, so these stay index walks).
 */
const ORDER: Record<Sort, (dir: string, nulls: string) => string> = {
  number: (d) => `t."number" ${d}`,
  title: (d) => `t."title" ${d}, t."number" ${d}`,
  status: (d) => `t."status" ${d}, t."updatedAt" ${d}, t."number" ${d}`,
  priority: (d) => `t."priority" ${d}, t."updatedAt" ${d}, t."number" ${d}`,
  requester: (d, n) => `t."requesterName" ${d}${n}, t."updatedAt" ${d}, t."number" ${d}`,
  assignee: (d, n) => `t."assigneeName" ${d}${n}, t."updatedAt" ${d}, t."number" ${d}`,
  updated: (d) => `t."updatedAt" ${d}, t."number" ${d}`,
};

/**
 * `col` is one of the numbers a subquery returns. PostgreSQL: `col = ANY (ARRAY(…))` runs the
 * subquery once and fetches just those rows by primary key, where `IN (…)` lets its planner
 * hash-join against a sequential scan of the whole table. SQLite: `col IN (…)` when the rows are
 * to be fetched by number (`fetch`); `+col IN (…)` when the set is only probed while another index
 * is walked (`probe`: SQLite builds the set once, with a Bloom filter, and the + keeps it off the
 * primary key).
 */
const inSet = (dialect: Dialect, col: string, subquery: string, use: "fetch" | "probe") =>
  dialect === "postgres" ? `${col} = ANY (ARRAY(${subquery}))` : `${use === "probe" ? "+" : ""}${col} IN (${subquery})`;

const nullsFor = (dialect: Dialect, dir: string) => (dialect === "sqlite" ? "" : dir === "ASC" ? " NULLS FIRST" : " NULLS LAST");

/**
 * The documents matching a full-text query, as ticket numbers: a ticket matches through its own
 * title and description (rowid = number) or through a public comment (rowid = -comment id).
 * One MATCH; a ticket matched twice appears twice.
 */
const FTS_MATCHED = `SELECT CASE WHEN s.rowid > 0 THEN s.rowid
        ELSE (SELECT c."ticketNumber" FROM "comment" c WHERE c."id" = -s.rowid) END AS "number"
    FROM "search_index" s WHERE "search_index" MATCH ?`;

/**
 * The same with bm25 ranks, one row per ticket with its best: lower is better, and the title
 * weighs five times the body. bm25 costs about 1.6 µs a document, so it only runs when the words
 * match at most RANK_LIMIT documents (see searchStats).
 */
const FTS_MATCHES = `(SELECT "number", min("rank") AS "rank" FROM (
    SELECT CASE WHEN s.rowid > 0 THEN s.rowid
                ELSE (SELECT c."ticketNumber" FROM "comment" c WHERE c."id" = -s.rowid) END AS "number",
           bm25("search_index", 5.0, 1.0) AS "rank"
    FROM "search_index" s WHERE "search_index" MATCH ?
    -- LIMIT -1 keeps this subquery from being flattened into the GROUP BY, where SQLite refuses
    -- bm25() ("unable to use function bm25 in the requested context").
    LIMIT -1) GROUP BY "number")`;

/**
 * PostgreSQL's search index (prisma/postgres/migrations): a row per document with its ticket's
 * number and a tsvector, GIN-indexed. The words typed (tsQuery) lose their diacritics as the
 * documents' did. Ranks are negated ts_rank, so that lower is better as with bm25; the title's
 * words (weight A) count five times the rest (D).
 */
const TS_QUERY = `to_tsquery('simple', unaccent(?))`;
const TS_MATCHED = `SELECT s."ticketNumber" AS "number" FROM "search_index" s WHERE s."document" @@ ${TS_QUERY}`;
const TS_MATCHES = `(SELECT s."ticketNumber" AS "number", min(-ts_rank('{0.2, 0.2, 0.2, 1.0}', s."document", q)) AS "rank"
    FROM "search_index" s, ${TS_QUERY} q WHERE s."document" @@ q GROUP BY s."ticketNumber")`;

/** The search SQL of each database, and how what was typed becomes its query. */
const SEARCH = {
  sqlite: { matched: FTS_MATCHED, matches: FTS_MATCHES, query: ftsQuery },
  postgres: { matched: TS_MATCHED, matches: TS_MATCHES, query: tsQuery },
} satisfies Record<Dialect, unknown>;

/**
 * A search is ranked by relevance when its words match at most this many documents (titles and
 * descriptions, public comments). Beyond it (a word in most tickets) relevance means little and
 * would cost a bm25 for every match (about 1.6 µs each: 0.17 s for "the" at 100,000 tickets, on
 * the one connection everyone shares), so the list is sorted by last update instead, and says so.
 */
export const RANK_LIMIT = 1_000;

/** Builds the SQL for one page of the list. Exposed for the EXPLAIN QUERY PLAN test. */
export function listSql(actor: Actor, p: ListParams, offset: number, dialect: Dialect = rows.dialect) {
  const { matched: MATCHED, matches: MATCHES, query } = SEARCH[dialect];
  const f = filters(actor, p, "t", dialect);
  const where = [...f.where];
  const args = [...f.args];
  if (f.assignee !== null) {
    where.push(f.assignee === "" ? `t."assigneeId" IS NULL` : `t."assigneeId" = ?`);
    if (f.assignee !== "") args.push(f.assignee);
  }
  const match = p.q ? query(p.q) : null;
  const dir = p.dir === "asc" ? "ASC" : "DESC";
  const cols = `t."number", t."title", t."status", t."priority", t."updatedAt", t."createdAt",
      t."requesterName" AS "requester", t."assigneeName" AS "assignee"`;
  const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
  if (match && p.sort === "relevance") {
    const sql = `SELECT ${cols}
      FROM ${MATCHES} m
      JOIN "ticket" t ON t."number" = m."number"
      ${whereSql}
      ORDER BY m."rank" ASC, t."number" DESC
      LIMIT ? OFFSET ?`;
    return { sql, args: [match, ...args, p.per, offset] };
  }
  // The match set is probed while the filters' or the sort's index is walked, instead of every
  // matching ticket row being read.
  const inner = match ? [inSet(dialect, `t."number"`, MATCHED, "probe"), ...where] : where;
  const innerArgs = match ? [match, ...args] : args;
  const orderDir = p.sort === "relevance" ? "DESC" : dir;
  const order = ORDER[p.sort === "relevance" ? "updated" : p.sort](orderDir, nullsFor(dialect, orderDir));
  // Find the page's numbers on the index alone (deep pages skip index entries, not rows), then
  // read just those rows.
  const sql = `SELECT ${cols} FROM "ticket" t
    WHERE ${inSet(dialect, `t."number"`, `SELECT t."number" FROM "ticket" t ${inner.length ? `WHERE ${inner.join(" AND ")}` : ""}
                         ORDER BY ${order} LIMIT ? OFFSET ?`, "fetch")}
    ORDER BY ${order}`;
  return { sql, args: [...innerArgs, p.per, offset] };
}

/**
 * How many tickets match: from the tally table unless a search is involved. With a search, one
 * statement answers both how many documents the words match (`docs`, which decides whether to rank)
 * and how many tickets pass the filters (`n`), with a single MATCH.
 */
export function countSql(actor: Actor, p: ListParams, dialect: Dialect = rows.dialect) {
  const { matched: MATCHED, query } = SEARCH[dialect];
  const match = p.q ? query(p.q) : null;
  const f = filters(actor, p, match ? "t" : "c", dialect);
  const where = [...f.where];
  const args = [...f.args];
  if (match) {
    if (f.assignee !== null) {
      where.push(f.assignee === "" ? `t."assigneeId" IS NULL` : `t."assigneeId" = ?`);
      if (f.assignee !== "") args.push(f.assignee);
    }
    if (where.length === 0 && dialect === "postgres") {
      return {
        sql: `SELECT count(*) AS "docs", count(DISTINCT s."ticketNumber") AS "n" FROM "search_index" s WHERE s."document" @@ ${TS_QUERY}`,
        args: [match],
      };
    }
    if (where.length === 0) {
      // Nothing but the search: FTS5 counts its own matches without building a set. Only when a
      // comment matched can one ticket be counted twice, and only then are numbers deduplicated.
      return {
        sql: `SELECT f."docs" AS "docs",
                CASE WHEN f."comments" = 0 THEN f."docs" ELSE (SELECT count(DISTINCT "number") FROM (${MATCHED})) END AS "n"
              FROM (SELECT count(*) AS "docs", coalesce(sum(rowid < 0), 0) AS "comments"
                    FROM "search_index" WHERE "search_index" MATCH ?) f`,
        args: [match, match],
      };
    }
    return {
      sql: `WITH m AS MATERIALIZED (${MATCHED})
            SELECT (SELECT count(*) FROM "ticket" t WHERE ${inSet(dialect, `t."number"`, `SELECT "number" FROM m`, "probe")} AND ${where.join(" AND ")}) AS "n",
                   (SELECT count(*) FROM m) AS "docs"`,
      args: [match, ...args],
    };
  }
  if (f.assignee !== null) {
    where.push(`c."assigneeId" = ?`);
    args.push(f.assignee);
  }
  return {
    sql: `SELECT coalesce(sum(c."n"), 0) AS "n", 0 AS "docs" FROM "ticket_tally" c ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`,
    args,
  };
}

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
  const row = await rows.get<{ n: number; docs: number }>(c.sql, ...c.args);
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
  updatedAt: r.updatedAt instanceof Date ? r.updatedAt : new Date(r.updatedAt),
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
  const shown = total === 0 ? [] : (await rows.all<RawRow>(q.sql, ...q.args)).map(toRow);
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
  const row = await rows.get<{ mine: number; unassigned: number; open: number }>(
    `SELECT coalesce(sum(CASE WHEN c."assigneeId" = ? THEN c."n" END), 0) AS "mine",
            coalesce(sum(CASE WHEN c."assigneeId" = '' THEN c."n" END), 0) AS "unassigned",
            coalesce(sum(c."n"), 0) AS "open"
     FROM "ticket_tally" c WHERE c."status" IN (${OPEN.map(() => "?").join(", ")}) ${own}`,
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

/** The filtered view, every page of it, in batches (for the CSV export). */
export async function* exportTickets(actor: Actor, p: ListParams, batch = 1000): AsyncGenerator<ExportRow[]> {
  const order = p.q ? effectiveSort(actor, p, await counted(actor, p)) : { sort: p.sort, dir: p.dir };
  for (let offset = 0; ; offset += batch) {
    const q = listSql(actor, { ...p, ...order, per: batch }, offset);
    const raw = await rows.all<RawRow>(q.sql, ...q.args);
    if (raw.length === 0) return;
    yield raw.map((r) => ({
      number: Number(r.number),
      title: r.title,
      status: statusFromRank(Number(r.status)),
      priority: priorityFromRank(Number(r.priority)),
      updatedAt: new Date(r.updatedAt),
      createdAt: new Date(r.createdAt),
      requester: r.requester,
      assignee: r.assignee,
    }));
    if (raw.length < batch) return;
  }
}
