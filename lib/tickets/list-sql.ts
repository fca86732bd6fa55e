import type { Actor } from "../people/identity";
import { placeholders } from "../db/sql";
import { searchSql, type SearchSql } from "../db/search";
import { visibleTicketsWhere } from "./permissions";
import { searchWords, type ListParams, type Sort } from "./list-params";
import { priorityRank, statusRank } from "./schema";

/**
 * The ticket list's SQL: one page of rows (listSql) and how many match (countSql), from the
 * filters, the sort and the actor's visibility. Written once for both databases; where they
 * differ (search, planner hints) the pieces come from lib/db/search.ts. Exposed for the EXPLAIN
 * tests (tests/integration/plans.test.ts), which check every plan walks an index.
 */

/** What was typed, as the database's full-text query; null when nothing searchable was typed. */
export function searchQuery(search: SearchSql, q: string): string | null {
  const words = q ? searchWords(q) : null;
  return words ? search.query(words) : null;
}

/**
 * How a search is answered. `match`: the database's query text (searchMatch in search-match.ts,
 * where SQLite's prefixes are spelled out as words); by default what was typed, as typed.
 * `walk`: the view's order is walked and each ticket tested (matchesTicket) until the page is
 * full, for a search that matches so many tickets that the page is found within a few hundred; otherwise
 * (the default) the matching documents are gathered first and the view's index probed against them.
 */
export type SearchHow = { match?: string | null; walk?: boolean; visits?: number; tags?: TagFilter };

/**
 * The list's Tags filter, as lib/tickets/list.ts resolved it for staff (never for anyone else):
 * the tags' ids, rarest first, and whether the rarest drives. Driving reads the rarest tag's
 * tickets from ticket_tag's (tagId, ticketNumber) index, fetches them by number and sorts them:
 * its cost is the tag's tickets, whatever the page. Otherwise the view's order is walked as
 * without the filter and each ticket probed in ticket_tag's primary key, stopping at the page: its
 * cost is the tickets walked past, so a tag on a third of the desk fills a page within about 150.
 * The other tags are always probed (EXISTS by key).
 */
export type TagFilter = { ids: readonly number[]; drive: boolean };

/** The Tags filter's conditions on the ticket numbered `col`; `drive` only where the caller's statement is built for it. */
function tagWhere(col: string, tags: TagFilter | undefined, search: SearchSql, drive: boolean): { where: string[]; args: unknown[] } {
  if (!tags || tags.ids.length === 0) return { where: [], args: [] };
  const [rarest, ...others] = tags.ids;
  const first = drive && tags.drive ? search.inSet(col, `SELECT d."ticketNumber" FROM ${search.tagRange} WHERE d."tagId" = ?`, "fetch") : search.hasTag(col);
  return { where: [first, ...others.map(() => search.hasTag(col))], args: [rarest, ...others] };
}

function matchOf(search: SearchSql, p: ListParams, how: SearchHow): string | null {
  return how.match !== undefined ? how.match : searchQuery(search, p.q);
}

/** Whether to walk: when asked to, and always for a requester (scope before cost, whatever the caller says). */
function walks(actor: Actor, match: string | null, how: SearchHow): boolean {
  return Boolean(match) && (Boolean(how.walk) || visibleTicketsWhere(actor).requesterId !== undefined);
}

/** A WHERE clause and its bound values, built from the filters and the actor's visibility. */
function filters(actor: Actor, p: ListParams, alias: string, search: SearchSql, walk = false) {
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
  // have to merge several ranges in a sort; so that index is kept out of the planner's choice
  // where the database needs telling (search.unindexed).
  const walkUpdated = alias === "t" && p.sort === "updated" && (!p.q || walk);
  if (p.status.length) {
    const c = p.status.length > 1 && walkUpdated ? search.unindexed(col("status")) : col("status");
    where.push(`${c} IN (${placeholders(p.status.length)})`);
    args.push(...p.status.map(statusRank));
  }
  if (p.priority.length) {
    const c = p.priority.length > 1 && walkUpdated ? search.unindexed(col("priority")) : col("priority");
    where.push(`${c} IN (${placeholders(p.priority.length)})`);
    args.push(...p.priority.map(priorityRank));
  }
  return { where, args, assignee: assigneeFilter(actor, p) };
}

/** The assignee filter on the ticket table (aliased t): none, unassigned, or one person. */
function assigneeWhere(assignee: string | null): { where: string[]; args: unknown[] } {
  if (assignee === null) return { where: [], args: [] };
  return assignee === "" ? { where: [`t."assigneeId" IS NULL`], args: [] } : { where: [`t."assigneeId" = ?`], args: [assignee] };
}

/**
 * Every condition on the ticket table (aliased t): the filters, the actor's visibility, the
 * assignee, and the tags (their rarest driving only where `drive` says the statement allows it).
 */
function ticketWhere(actor: Actor, p: ListParams, search: SearchSql, walk: boolean, tags?: TagFilter, drive = false) {
  const f = filters(actor, p, "t", search, walk);
  const assignee = assigneeWhere(f.assignee);
  const tagged = tagWhere(`t."number"`, tags, search, drive);
  return { where: [...f.where, ...assignee.where, ...tagged.where], args: [...f.args, ...assignee.args, ...tagged.args] };
}

/** The assignee filter as a value of the tally's assigneeId ('' = unassigned), or null for anyone. */
function assigneeFilter(actor: Actor, p: ListParams): string | null {
  if (p.assignee === "me") return actor.id;
  if (p.assignee === "none") return "";
  return p.assignee || null;
}

/**
 * The order of each sort. An unassigned ticket (a null name) comes first ascending and last
 * descending (search.nulls says so where the database needs telling).
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

/** Builds the SQL for one page of the list. Exposed for the EXPLAIN QUERY PLAN test. */
export function listSql(actor: Actor, p: ListParams, offset: number, search: SearchSql = searchSql(), how: SearchHow = {}) {
  return pageSql(actor, p, offset, search, "rows", how);
}

/**
 * The numbers of every ticket in the view, in its order, up to `limit`: what the CSV export walks
 * (one search, then the rows fetched by number a batch at a time, instead of the search again for
 * every batch at a growing OFFSET).
 */
export function listNumbersSql(actor: Actor, p: ListParams, limit: number, search: SearchSql = searchSql(), how: SearchHow = {}) {
  return pageSql(actor, { ...p, per: limit }, 0, search, "numbers", how);
}

/**
 * The most tickets a walking search with an estimated count tests for one page (about 25–60 µs each on SQLite at
 * 1,000,000 tickets, one FTS5 lookup per word): a page deeper than the matches among them is
 * empty, and the page says to narrow the search (lib/tickets/list.ts caps the page count to match).
 */
export const WALK_VISITS = 4_000;

export const TICKET_COLUMNS = `t."number", t."title", t."status", t."priority", t."updatedAt", t."createdAt",
      t."requesterName" AS "requester", t."assigneeName" AS "assignee", t."version"`;

function pageSql(actor: Actor, p: ListParams, offset: number, search: SearchSql, shape: "rows" | "numbers", how: SearchHow) {
  const { matched: MATCHED, matches: MATCHES } = search;
  const match = matchOf(search, p, how);
  const walk = walks(actor, match, how);
  // Beside a search the tags are probed per ticket, never driven (lib/tickets/list.ts says why).
  const { where, args } = ticketWhere(actor, p, search, walk, how.tags, !match);
  const dir = p.dir === "asc" ? "ASC" : "DESC";
  const cols = shape === "rows" ? TICKET_COLUMNS : `t."number"`;
  const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
  if (match && p.sort === "relevance" && !walk) {
    const sql = `SELECT ${cols}
      FROM ${MATCHES} m
      JOIN "ticket" t ON t."number" = m."number"
      ${whereSql}
      ORDER BY m."rank" ASC, t."number" DESC
      LIMIT ? OFFSET ?`;
    return { sql, args: [match, ...args, p.per, offset] };
  }
  const orderDir = p.sort === "relevance" ? "DESC" : dir;
  const order = ORDER[p.sort === "relevance" ? "updated" : p.sort](orderDir, search.nulls(orderDir));
  let numbers: string;
  let innerArgs: unknown[];
  if (match && walk && how.visits) {
    // At most `visits` tickets of the view, in its order, each tested by key; the outer query
    // keeps their order (no sort of its own, which would test them all) and stops at the page.
    const test = search.matchesTicket(`w."number"`, match);
    numbers = `SELECT w."number" FROM (SELECT t."number" FROM "ticket" t ${whereSql} ORDER BY ${order} LIMIT ${how.visits}) w
               WHERE ${test.sql} LIMIT ? OFFSET ?`;
    innerArgs = [...args, ...test.args];
  } else {
    // Walking: each ticket in the order tested by key. Otherwise the match set is probed while the
    // filters' or the sort's index is walked, instead of every matching ticket row being read.
    const test = match && walk ? search.matchesTicket(`t."number"`, match) : null;
    const inner = !match ? where : test ? [...where, test.sql] : [search.inSet(`t."number"`, MATCHED, "probe"), ...where];
    innerArgs = !match ? args : test ? [...args, ...test.args] : [match, ...args];
    numbers = `SELECT t."number" FROM "ticket" t ${inner.length ? `WHERE ${inner.join(" AND ")}` : ""}
                         ORDER BY ${order} LIMIT ? OFFSET ?`;
  }
  if (shape === "numbers") return { sql: numbers, args: [...innerArgs, p.per, offset] };
  // Find the page's numbers on the index alone (deep pages skip index entries, not rows), then
  // read just those rows.
  const sql = `SELECT ${cols} FROM "ticket" t
    WHERE ${search.inSet(`t."number"`, numbers, "fetch")}
    ORDER BY ${order}`;
  return { sql, args: [...innerArgs, p.per, offset] };
}

/**
 * How many tickets match: from the tally table unless a search is involved. With a search, one
 * statement answers both how many documents the words match (`docs`, which decides whether to rank)
 * and how many tickets pass the filters (`n`), with a single MATCH.
 */
export function countSql(actor: Actor, p: ListParams, search: SearchSql = searchSql(), how: SearchHow = {}) {
  const MATCHED = search.matched;
  const match = matchOf(search, p, how);
  const walk = walks(actor, match, how);
  const f = filters(actor, p, match || how.tags ? "t" : "c", search, walk);
  const where = [...f.where];
  const args = [...f.args];
  if (!match && how.tags) {
    const assignee = assigneeWhere(f.assignee);
    return tagCountSql(how.tags, [...where, ...assignee.where], [...args, ...assignee.args], search);
  }
  if (match) {
    const assignee = assigneeWhere(f.assignee);
    const tagged = tagWhere(`t."number"`, how.tags, search, false);
    where.push(...assignee.where, ...tagged.where);
    args.push(...assignee.args, ...tagged.args);
    const own = walk ? search.matchesTicket(`t."number"`, match) : null;
    if (own) {
      return { sql: `SELECT count(*) AS "n", 0 AS "docs" FROM "ticket" t WHERE ${[...where, own.sql].join(" AND ")}`, args: [...args, ...own.args] };
    }
    // Nothing but the search: the index counts its own matches.
    if (where.length === 0) return search.countAll(match);
    return {
      sql: `WITH m AS MATERIALIZED (${MATCHED})
            SELECT (SELECT count(*) FROM "ticket" t WHERE ${search.inSet(`t."number"`, `SELECT "number" FROM m`, "probe")} AND ${where.join(" AND ")}) AS "n",
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



/**
 * How many tickets carry the tags and pass the other conditions (`where` on the ticket aliased t):
 * counted from the rarest tag's range of ticket_tag's (tagId, ticketNumber) index, the other tags
 * probed by key, and each ticket's row read by number only when another filter needs it. Its cost
 * is the rarest tag's tickets (lib/tickets/list.ts estimates beyond TAG_COUNT_EXACT).
 */
function tagCountSql(tags: TagFilter, where: string[], args: unknown[], search: SearchSql) {
  const others = tags.ids.slice(1);
  const conds = [`d."tagId" = ?`, ...others.map(() => search.hasTag(`d."ticketNumber"`)), ...where];
  const join = where.length ? `JOIN "ticket" t ON t."number" = d."ticketNumber"` : "";
  return { sql: `SELECT count(*) AS "n", 0 AS "docs" FROM ${search.tagRange} ${join} WHERE ${conds.join(" AND ")}`, args: [tags.ids[0], ...others, ...args] };
}

/**
 * A requester's broad search's sample: of their view's `size` most recently updated tickets (its filters
 * and the actor's visibility applied, on the index the list walks), how many there are ("window")
 * and how many match ("hits"), each tested by key.
 */
export function sampleSql(actor: Actor, p: ListParams, match: string, size: number, search: SearchSql = searchSql()) {
  const { where, args } = ticketWhere(actor, { ...p, sort: "updated" }, search, true);
  const test = search.matchesTicket(`x."number"`, match);
  return {
    sql: `SELECT count(*) AS "window", count(*) FILTER (WHERE ${test.sql}) AS "hits"
          FROM (SELECT t."number" FROM "ticket" t ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
                ORDER BY ${ORDER.updated("DESC", "")} LIMIT ${size}) x`,
    args: [...test.args, ...args],
  };
}

/**
 * A tag filter's sample, for a count estimated from it: of the rarest tag's `size` newest tickets
 * (ticket_tag's index, by key), how many pass the other tags and filters ("hits").
 */
export function tagSampleSql(actor: Actor, p: ListParams, tags: TagFilter, size: number, search: SearchSql = searchSql()) {
  const { where, args } = ticketWhere(actor, p, search, false, { ids: tags.ids.slice(1), drive: false });
  const newest = `SELECT d."ticketNumber" FROM ${search.tagRange} WHERE d."tagId" = ? ORDER BY d."ticketNumber" DESC LIMIT ${size}`;
  return {
    sql: `SELECT count(*) AS "hits" FROM "ticket" t WHERE ${[search.inSet(`t."number"`, newest, "fetch"), ...where].join(" AND ")}`,
    args: [tags.ids[0], ...args],
  };
}
