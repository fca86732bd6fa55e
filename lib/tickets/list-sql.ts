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
 * A requester's search, scope before cost: matched ticket by ticket among their own, so that its
 * time depends on their tickets only, never on how common the words are in anybody else's (the
 * global match set would take longer for a word in 100,000 other tickets). Null for staff.
 */
function ownSearch(actor: Actor, search: SearchSql, match: string) {
  return visibleTicketsWhere(actor).requesterId === undefined ? null : search.matchesTicket(`t."number"`, match);
}

/** A WHERE clause and its bound values, built from the filters and the actor's visibility. */
function filters(actor: Actor, p: ListParams, alias: string, search: SearchSql) {
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
  const walkUpdated = alias === "t" && p.sort === "updated" && !p.q;
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
export function listSql(actor: Actor, p: ListParams, offset: number, search: SearchSql = searchSql()) {
  return pageSql(actor, p, offset, search, "rows");
}

/**
 * The numbers of every ticket in the view, in its order, up to `limit`: what the CSV export walks
 * (one search, then the rows fetched by number a batch at a time, instead of the search again for
 * every batch at a growing OFFSET).
 */
export function listNumbersSql(actor: Actor, p: ListParams, limit: number, search: SearchSql = searchSql()) {
  return pageSql(actor, { ...p, per: limit }, 0, search, "numbers");
}

export const TICKET_COLUMNS = `t."number", t."title", t."status", t."priority", t."updatedAt", t."createdAt",
      t."requesterName" AS "requester", t."assigneeName" AS "assignee"`;

function pageSql(actor: Actor, p: ListParams, offset: number, search: SearchSql, shape: "rows" | "numbers") {
  const { matched: MATCHED, matches: MATCHES } = search;
  const f = filters(actor, p, "t", search);
  const where = [...f.where];
  const args = [...f.args];
  if (f.assignee !== null) {
    where.push(f.assignee === "" ? `t."assigneeId" IS NULL` : `t."assigneeId" = ?`);
    if (f.assignee !== "") args.push(f.assignee);
  }
  const match = searchQuery(search, p.q);
  const dir = p.dir === "asc" ? "ASC" : "DESC";
  const cols = shape === "rows" ? TICKET_COLUMNS : `t."number"`;
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
  // matching ticket row being read; a requester's search looks only at their own tickets.
  const own = match ? ownSearch(actor, search, match) : null;
  const inner = !match ? where : own ? [...where, own.sql] : [search.inSet(`t."number"`, MATCHED, "probe"), ...where];
  const innerArgs = !match ? args : own ? [...args, ...own.args] : [match, ...args];
  const orderDir = p.sort === "relevance" ? "DESC" : dir;
  const order = ORDER[p.sort === "relevance" ? "updated" : p.sort](orderDir, search.nulls(orderDir));
  const numbers = `SELECT t."number" FROM "ticket" t ${inner.length ? `WHERE ${inner.join(" AND ")}` : ""}
                         ORDER BY ${order} LIMIT ? OFFSET ?`;
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
export function countSql(actor: Actor, p: ListParams, search: SearchSql = searchSql()) {
  const MATCHED = search.matched;
  const match = searchQuery(search, p.q);
  const f = filters(actor, p, match ? "t" : "c", search);
  const where = [...f.where];
  const args = [...f.args];
  if (match) {
    if (f.assignee !== null) {
      where.push(f.assignee === "" ? `t."assigneeId" IS NULL` : `t."assigneeId" = ?`);
      if (f.assignee !== "") args.push(f.assignee);
    }
    const own = ownSearch(actor, search, match);
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

