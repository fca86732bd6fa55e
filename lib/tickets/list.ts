import "server-only";
import { asDate, placeholders, read } from "../db";
import { isStaff, type Actor } from "../people/identity";
import { mayReadTags, visibleTicketsWhere } from "./permissions";
import { tagsOf } from "./tags";
import { DEFAULT_LIST_PARAMS, listQuery, type ListParams, type Sort } from "./list-params";
import { countSql, listNumbersSql, listSql, sampleSql, tagSampleSql, TICKET_COLUMNS, WALK_VISITS, type SearchHow, type TagFilter } from "./list-sql";
import { searchMatch } from "./search-match";
import { searchSql, type SearchSql } from "../db/search";
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
  /** Its tags, sorted: only on staff's pages (undefined for anyone else, who never sees them). */
  tags?: string[];
  /** The version the row was read at: a bulk change skips the ticket if it has moved on since. */
  version: number;
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
  /** `total` is an estimate (a broad search: "about"), rounded to two significant figures. */
  estimated: boolean;
  /** A broad search shows only its first `pageCount` pages (deeper ones would test too many tickets). */
  pagesCapped: boolean;
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
  version: bigint | number;
};

/**
 * How a search is counted and paged (issue 22; the README says the rule):
 * - Its breadth is judged from the newest ticket numbers' own documents (20,000 on SQLite, 2,000 on PostgreSQL), read by key
 *   (search.breadth): the share of them that match, times the newest number, is the documents it
 *   is likely to match.
 * - A narrow search (at most BROAD_DOCS_MIN documents all told) is counted exactly, and paged,
 *   from its matching documents: the view's index is probed against them.
 * - So is the page of a search whose documents are few enough that gathering them costs less than
 *   testing the tickets a page takes (search.gatherPerTest: on SQLite a word in 10% of 100,000
 *   tickets, in 5% of 1,000,000; on PostgreSQL in 0.7% of 1,000,000); its count is exact in a view
 *   of at most WALK_COUNT_MAX tickets, and otherwise about the share times the view, as below.
 * - A broad one walks the view's order, testing each ticket by key, and stops at the page (a word
 *   in most tickets finds a page of 50 within about 50 tickets). Its count is exact when the view
 *   holds at most WALK_COUNT_MAX tickets (each is tested, or, where its matching documents are
 *   fewer than search.gatherPerTest times the view's tickets, they are gathered as for a narrow
 *   search); otherwise it is about the share that matched,
 *   times the view's exact size (the tally), to two figures: "about 610,000". Its pages stop
 *   where reaching them would test more than WALK_VISITS tickets (at most BROAD_PAGES_MAX), and
 *   the page says to narrow the search.
 * - A requester's search is scoped before it costs anything (the abuse issue): it always walks
 *   their own tickets, never looks at the whole index's breadth, and estimates only from a sample
 *   of their own OWN_SAMPLE most recently updated tickets; with too few matches there to estimate
 *   from, their view is counted exactly, ticket by ticket (its cost is their tickets').
 */
/** Above RANK_LIMIT: a search walked is never one to rank. */
export const BROAD_DOCS_MIN = 5_000;
export const WALK_COUNT_MAX = 1_000;
export const BROAD_PAGES_MAX = 10;
/** A requester's own tickets sampled for an estimate, and the matches it needs to estimate from. */
export const OWN_SAMPLE = 200;
export const OWN_SAMPLE_HITS_MIN = 10;

type Counted = {
  total: number;
  docs: number;
  estimated: boolean;
  /** The deepest page worth walking to, for an estimated count. */
  pagesMax: number | null;
  how: SearchHow;
  /** A Tags filter without a search: what its pages are planned by (tagDrives). */
  tagPlan?: { rarest: number; desk: number };
};

const toNumber = (v: unknown) => Number(v ?? 0);

/** A count to two significant figures: 612,345 is "about 610,000". */
export function roughly(n: number): number {
  if (n < 100) return Math.round(n);
  const step = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / step) * step;
}

async function exactCount(actor: Actor, p: ListParams, how: SearchHow): Promise<{ total: number; docs: number }> {
  const c = countSql(actor, p, undefined, how);
  const row = await read.get<{ n: number; docs: number }>(c.sql, ...c.args);
  return { total: toNumber(row?.n), docs: toNumber(row?.docs) };
}

/**
 * How a Tags filter is answered (staff only; for anyone else the URL's tags are ignored). Figures
 * measured at 1,000,000 tickets on SQLite (README): a walk's probe about 0.7 µs, a driving tag's
 * ticket read and sorted about 4 µs.
 * - The tags are looked up by name (the unique index); one that does not exist matches nothing.
 * - The count: the tag's own count (tag.tickets, kept by the commands) when it is the only filter.
 *   Several tags are counted in ticket_tag's indexes alone (the rarest's range, the others probed
 *   by key) when the rarest has at most TAG_COUNT_EXACT tickets, else estimated from the rarest's
 *   TAG_SAMPLE newest. With other filters too, tickets' rows are read: counted exactly when the
 *   rarest has at most TAG_JOIN_EXACT, else "about" the tags' count times the share of the desk
 *   the other filters hold (the tally's count, exact), as if the two were independent.
 * - A page: the rarest tag drives (its tickets read from the index, fetched and sorted) when that
 *   costs less than walking the view's order to the page, probing each ticket (tagDrives).
 * - Pages stop where neither would cost more than TAG_VISITS_MAX probes (a tag on most of the desk,
 *   page 5,000): the page says to narrow the view.
 */
export const TAG_COUNT_EXACT = 20_000;
export const TAG_JOIN_EXACT = 2_000;
export const TAG_SAMPLE = 2_000;
/** A driving tag's ticket, read and sorted, in probes of a walk. */
export const TAG_DRIVE_COST = 6;
export const TAG_VISITS_MAX = 100_000;

type ResolvedTags = { filter: TagFilter; counts: number[] } | "no match" | null;

async function resolveTags(actor: Actor, p: ListParams): Promise<ResolvedTags> {
  if (!mayReadTags(actor) || p.tags.length === 0) return null;
  const rows = await read.all<{ id: number | bigint; tickets: number | bigint }>(
    `SELECT "id", "tickets" FROM "tag" WHERE "name" IN (${placeholders(p.tags.length)})`,
    ...p.tags,
  );
  if (rows.length < p.tags.length) return "no match";
  const rarest = rows.map((r) => ({ id: Number(r.id), tickets: Number(r.tickets) })).sort((a, b) => a.tickets - b.tickets || a.id - b.id);
  return { filter: { ids: rarest.map((r) => r.id), drive: false }, counts: rarest.map((r) => r.tickets) };
}

/**
 * Whether the rarest tag (`rarest` tickets) drives a page reaching `reach` tickets deep into a view
 * of about `total` of the desk's `desk`: walking visits about reach × desk ÷ total tickets.
 */
export function tagDrives(rarest: number, desk: number, total: number, reach: number): boolean {
  return rarest * TAG_DRIVE_COST <= (reach * desk) / Math.max(1, total);
}

/** The deepest page worth reaching (null: any), by the cheaper of walking and driving. */
export function tagPagesMax(rarest: number, desk: number, total: number, per: number): number | null {
  if (rarest * TAG_DRIVE_COST <= TAG_VISITS_MAX) return null;
  return Math.max(1, Math.floor((TAG_VISITS_MAX * Math.max(1, total)) / Math.max(1, desk) / per));
}

const NO_OTHER_FILTERS = { status: [], priority: [], assignee: "", requester: "" } satisfies Partial<ListParams>;

/** The view's count with tags: exact, or estimated (see above). */
async function tagCount(actor: Actor, p: ListParams, tags: { filter: TagFilter; counts: number[] }, desk: number): Promise<{ total: number; estimated: boolean }> {
  const others = p.status.length > 0 || p.priority.length > 0 || p.assignee !== "" || p.requester !== "";
  const rarest = tags.counts[0];
  if (!others && tags.counts.length === 1) return { total: rarest, estimated: false };
  if (rarest <= (others ? TAG_JOIN_EXACT : TAG_COUNT_EXACT)) {
    return { total: (await exactCount(actor, p, { match: null, tags: tags.filter })).total, estimated: false };
  }
  const alone = { ...p, ...NO_OTHER_FILTERS };
  let tagged = rarest;
  let estimated = false;
  if (tags.counts.length > 1) {
    if (rarest <= TAG_COUNT_EXACT) tagged = (await exactCount(actor, alone, { match: null, tags: tags.filter })).total;
    else {
      const s = tagSampleSql(actor, alone, tags.filter, TAG_SAMPLE);
      const hits = toNumber((await read.get<{ hits: number }>(s.sql, ...s.args))?.hits);
      tagged = (hits / Math.min(TAG_SAMPLE, rarest)) * rarest;
      estimated = true;
    }
  }
  if (!others) return { total: estimated ? Math.max(1, roughly(tagged)) : tagged, estimated };
  const view = (await exactCount(actor, p, { match: null })).total;
  return { total: Math.max(1, roughly((tagged * view) / Math.max(1, desk))), estimated: true };
}

/** The desk's size for the tag plan: its newest number (one index lookup; deleted tickets barely matter). */
async function deskSize(): Promise<number> {
  return toNumber((await read.get<{ n: number | null }>(`SELECT max("number") AS "n" FROM "ticket"`))?.n);
}

const NOTHING: Counted = { total: 0, docs: 0, estimated: false, pagesMax: null, how: { match: null } };

async function counted(actor: Actor, p: ListParams): Promise<Counted> {
  const tags = await resolveTags(actor, p);
  if (tags === "no match") return NOTHING;
  const search = searchSql();
  const match = p.q ? await searchMatch(p.q, search) : null;
  if (tags && !match) {
    const desk = await deskSize();
    const c = await tagCount(actor, p, tags, desk);
    const rarest = tags.counts[0];
    return { ...c, docs: 0, pagesMax: tagPagesMax(rarest, desk, c.total, p.per), how: { match: null, tags: tags.filter }, tagPlan: { rarest, desk } };
  }
  if (!match) return { ...(await exactCount(actor, p, { match: null })), estimated: false, pagesMax: null, how: { match: null } };
  if (!isStaff(actor)) return ownCount(actor, p, match, search);
  if (!tags) return searchCounted(actor, p, match, search, null);
  // Beside a search the tags are probed ticket by ticket, never driven: with the search's
  // matches gathered, walking the view's order and probing both was 41 ms against 164 ms for a
  // tag on 1% of 1,000,000 tickets driving ("printer", in 11%).
  const c = await searchCounted(actor, p, match, search, tags);
  return { ...c, how: { ...c.how, tags: tags.filter } };
}

async function searchCounted(actor: Actor, p: ListParams, match: string, search: SearchSql, tags: { filter: TagFilter; counts: number[] } | null): Promise<Counted> {
  const tagged: SearchHow = tags ? { tags: tags.filter } : {};
  const b = search.breadth(match);
  const breadth = await read.get<{ hits: number; window: number; top: number }>(b.sql, ...b.args);
  const window = toNumber(breadth?.window);
  const share = window ? toNumber(breadth?.hits) / window : 0;
  const docs = share * toNumber(breadth?.top);
  const gather: SearchHow = { match, ...tagged };
  if (docs <= BROAD_DOCS_MIN) return { ...(await exactCount(actor, p, gather)), estimated: false, pagesMax: null, how: gather };
  const desk = tags ? await deskSize() : 0;
  const view = tags ? (await tagCount(actor, p, tags, desk)).total : (await exactCount(actor, p, { match: null })).total;
  // The plan is the search's own: walking it and probing the tags per ticket was faster than
  // gathering for a tag on 1% of 1,000,000 tickets (23 ms against 35–47 ms, "printer" in 11%).
  const plan = searchPlan({ docs, share, view, per: p.per, gatherPerTest: search.gatherPerTest });
  const how: SearchHow = plan.page === "gather" ? gather : { match, walk: true, ...tagged };
  if (plan.count === "exact") {
    const exact = await exactCount(actor, p, how);
    return { ...exact, docs: plan.page === "walk" ? docs : exact.docs, estimated: false, pagesMax: null, how };
  }
  if (plan.page === "gather") return { total: Math.max(1, roughly(share * view)), docs, estimated: true, pagesMax: null, how };
  return estimate(share, view, docs, p, match);
}

/**
 * How a staff member's search is paged and counted, from how many documents it is likely to match
 * (`docs`, a `share` of the breadth window) and how many tickets its view holds: the page gathered
 * from the matching documents or walked in the view's order; the count exact, or about the share
 * times the view. (The rule the comment above `counted` says, as a pure function to test.)
 */
export function searchPlan({ docs, share, view, per, gatherPerTest }: { docs: number; share: number; view: number; per: number; gatherPerTest: number }): {
  page: "gather" | "walk";
  count: "exact" | "estimate";
} {
  if (docs <= BROAD_DOCS_MIN) return { page: "gather", count: "exact" };
  const small = view <= WALK_COUNT_MAX;
  // Gathering the documents costs less than testing the per ÷ share tickets a page takes.
  if (docs * share <= per * gatherPerTest) return { page: "gather", count: small ? "exact" : "estimate" };
  if (!small) return { page: "walk", count: "estimate" };
  // A small view is counted exactly, the cheaper way: testing each of its tickets, or gathering.
  return { page: docs <= view * gatherPerTest ? "gather" : "walk", count: "exact" };
}

function estimate(share: number, view: number, docs: number, p: ListParams, match: string): Counted {
  const pagesMax = Math.max(1, Math.min(BROAD_PAGES_MAX, Math.floor((WALK_VISITS * share) / p.per)));
  return { total: Math.max(1, roughly(share * view)), docs, estimated: true, pagesMax, how: { match, walk: true, visits: WALK_VISITS } };
}

async function ownCount(actor: Actor, p: ListParams, match: string, search: SearchSql): Promise<Counted> {
  const walk: SearchHow = { match, walk: true };
  const exact = async () => ({ ...(await exactCount(actor, p, walk)), docs: 0, estimated: false, pagesMax: null, how: walk });
  const view = (await exactCount(actor, p, { match: null })).total;
  if (view <= WALK_COUNT_MAX) return exact();
  const s = sampleSql(actor, p, match, OWN_SAMPLE, search);
  const sample = await read.get<{ hits: number; window: number }>(s.sql, ...s.args);
  const hits = toNumber(sample?.hits);
  if (hits < OWN_SAMPLE_HITS_MIN) return exact();
  return estimate(hits / toNumber(sample?.window), view, 0, p, match);
}

/** How many tickets a view holds, as the list counts it, and whether that is an estimate (a saved view's count). */
export async function viewCount(actor: Actor, p: ListParams): Promise<{ total: number; estimated: boolean }> {
  const c = await counted(actor, p);
  return { total: c.total, estimated: c.estimated };
}

/** How many tickets the view holds: exact, or for a broad search an estimate (listTickets says which). */
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

const toRow = (r: RawRow): TicketRow => ({
  number: Number(r.number),
  title: r.title,
  status: statusFromRank(Number(r.status)),
  priority: priorityFromRank(Number(r.priority)),
  updatedAt: asDate(r.updatedAt),
  requester: r.requester,
  assignee: r.assignee,
  version: Number(r.version),
});

/**
 * One page of the list. A page past the end shows the last page. `sort` and `dir` are the order
 * the rows are really in (a very broad search is sorted by last update: `unranked`).
 */
export async function listTickets(actor: Actor, p: ListParams): Promise<TicketPage> {
  const c = await counted(actor, p);
  const page = await pageOf(actor, p, c);
  // A gathered page is never cut short: one short of a full page is the last, so the count is
  // known exactly after all; an empty one past the end is shown again from an exact count.
  if (!c.estimated || c.pagesMax !== null || page.rows.length === p.per) return page;
  if (page.rows.length > 0 || page.page === 1) {
    return { ...page, total: page.last, pageCount: page.page, estimated: false, pagesCapped: false };
  }
  return pageOf(actor, p, { ...c, ...(await exactCount(actor, p, c.how)), estimated: false });
}

async function pageOf(actor: Actor, p: ListParams, c: Counted): Promise<TicketPage> {
  const { total } = c;
  const pages = Math.max(1, Math.ceil(total / p.per));
  const pageCount = c.pagesMax === null ? pages : Math.min(pages, c.pagesMax);
  const page = Math.min(p.page, pageCount);
  const offset = (page - 1) * p.per;
  const order = effectiveSort(actor, p, c);
  const plan = c.tagPlan;
  const how = plan && c.how.tags ? { ...c.how, tags: { ...c.how.tags, drive: tagDrives(plan.rarest, plan.desk, total, offset + p.per) } } : c.how;
  const q = listSql(actor, { ...p, ...order, page }, offset, undefined, how);
  const shown = total === 0 ? [] : (await read.all<RawRow>(q.sql, ...q.args)).map(toRow);
  if (mayReadTags(actor) && shown.length) {
    // The page's chips: one statement, by the page's numbers.
    const tags = await tagsOf(shown.map((r) => r.number));
    for (const r of shown) r.tags = tags.get(r.number) ?? [];
  }
  return {
    rows: shown,
    total,
    page,
    pageCount,
    first: shown.length ? offset + 1 : 0,
    last: offset + shown.length,
    ...order,
    unranked: isStaff(actor) && p.sort === "relevance" && order.sort !== "relevance",
    estimated: c.estimated,
    pagesCapped: pageCount < pages,
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
  const tags = await resolveTags(actor, p);
  if (tags === "no match") return;
  const c = p.q ? await counted(actor, p) : null;
  const order = c ? effectiveSort(actor, p, c) : { sort: p.sort, dir: p.dir };
  // Every match, so from the matching documents: walking a broad search to its end would test
  // every ticket in the view (a requester's walks their own regardless: list-sql.ts). Without a
  // search the rarest tag drives: the whole view is read, so its tickets are the fewest to read.
  const how: SearchHow = c ? { match: c.how.match, tags: c.how.tags } : tags ? { tags: { ...tags.filter, drive: true } } : {};
  const q = listNumbersSql(actor, { ...p, ...order }, EXPORT_MAX, undefined, how);
  const numbers = (await read.all<{ number: number | bigint }>(q.sql, ...q.args)).map((r) => Number(r.number));
  const staff = mayReadTags(actor);
  for (let i = 0; i < numbers.length; i += batch) {
    const chunk = numbers.slice(i, i + batch);
    const raw = await read.all<RawRow>(`SELECT ${TICKET_COLUMNS} FROM "ticket" t WHERE t."number" IN (${placeholders(chunk.length)})`, ...chunk);
    const byNumber = new Map(raw.map((r) => [Number(r.number), r]));
    // Staff's Tags column: one statement a batch.
    const tagsByNumber = staff ? await tagsOf(chunk) : null;
    // A ticket deleted since the numbers were read is left out.
    yield chunk.flatMap((n) => {
      const r = byNumber.get(n);
      if (!r) return [];
      const row: ExportRow = { ...toRow(r), createdAt: asDate(r.createdAt) };
      if (tagsByNumber) row.tags = tagsByNumber.get(n) ?? [];
      return [row];
    });
  }
}
