import { env, type Dialect } from "../env";

/**
 * Where the two databases' SQL differs: full-text search above all, and the few planner hints the
 * ticket list needs. lib/tickets/list-sql.ts builds the list's statements from these pieces and
 * never asks which database it is on.
 *
 * The search index holds one document per ticket (title and description) and one per public
 * comment; internal notes are never in it. A ticket matches through any of its documents.
 */
export type SearchWord = {
  word: string;
  prefix: boolean;
  /**
   * The index's words this prefix stands for, when they were looked up (prefixTerms): the query
   * then names them (`"the" OR "there"`) instead of asking for the prefix. Both databases answer a
   * prefix by merging every such word's whole list of documents on each evaluation, however few
   * documents are asked about: FTS5 took 7.8 ms for one ticket at 100,000 tickets, against 0.04 ms
   * for the words; PostgreSQL's GIN index 190 ms at 1,000,000 for a 200-character search whose
   * words' prefixes took in their neighbours' lists.
   */
  terms?: readonly string[];
};

/**
 * How many tickets a breadth check looks at: the newest this many ticket numbers' own documents.
 * On SQLite FTS5 counts them from each word's list, sought to the window (2.6 ms for a word in every
 * ticket at 20,000); PostgreSQL reads each document (6 ms for 2,000), so it looks at fewer. At
 * 1,000,000 tickets "printer" (10.3% of them) was 8.6% of the newest 2,000 and 9.98% of 20,000.
 */
const BREADTH_WINDOW = { sqlite: 20_000, postgres: 2_000 };

export type SearchSql = {
  readonly dialect: Dialect;
  /** The database's query text for these words: every word must match. */
  query(words: SearchWord[]): string;
  /**
   * The index's words in each range [low, high) (a prefix, and the prefix with its last
   * character's successor), at most `max` per range, as rows of ("i", "term"), i the range's place.
   */
  prefixTerms(ranges: readonly (readonly [low: string, high: string])[], max: number): { sql: string; args: unknown[] };
  /**
   * A number that changes whenever the index may have gained words, so that words looked up can be
   * kept until it moves (SQLite: the read connection's data_version, which moves with every commit
   * by any other connection); null where there is no such number (PostgreSQL: looked up each time,
   * one statement for every prefix, 0.3 ms).
   */
  readonly generation: string | null;
  /**
   * How broad the words are, from the documents of the newest ticket numbers (BREADTH_WINDOW): how
   * many of them exist ("window"), how many match ("hits") and the newest number ("top"). Read by
   * key, so it costs the same for a word in every ticket as for a word in none.
   */
  breadth(query: string): { sql: string; args: unknown[] };
  /**
   * How many matching documents gathering costs as much as testing one ticket by key
   * (lib/tickets/list.ts weighs the two): a page of `per` from a search in a share s of its `docs`
   * documents is walked only when testing the per ÷ s tickets it takes costs less than gathering
   * the documents, that is when docs × s > per × gatherPerTest; a view of at most WALK_COUNT_MAX
   * tickets is counted by gathering when docs ≤ its tickets × gatherPerTest. Measured on SQLite at
   * 100,000 tickets: testing a ticket 15–23 µs (FTS5 sets a query up for each), gathering 0.2–0.45
   * µs a document ("printer": 10,000 documents in 2 ms; "the": 100,000 in 19 ms); at 1,000,000,
   * 25,000 documents (2.5%) in 12 ms against 45 ms to walk to a page of them. PostgreSQL gathers at
   * about 12 µs a document (those 25,000 in 300 ms) and tests a ticket by primary key.
   */
  readonly gatherPerTest: number;
  /** SELECT of the matching documents' ticket numbers as "number" (one ? for the query); a ticket matched twice appears twice. */
  readonly matched: string;
  /** A derived table of ("number", "rank"), one row per ticket, lower rank better (one ? for the query). */
  readonly matches: string;
  /**
   * How many documents the words match ("docs") and how many tickets ("n"), with no other filter,
   * and the query's values for its ?s.
   */
  countAll(query: string): { sql: string; args: unknown[] };
  /**
   * `col` is one of the numbers `subquery` returns: fetched by primary key (`fetch`), or probed
   * while another index is walked (`probe`).
   */
  inSet(col: string, subquery: string, use: "fetch" | "probe"): string;
  /** The ORDER BY suffix that puts a null name first ascending and last descending, as SQLite does by itself. */
  nulls(dir: "ASC" | "DESC"): string;
  /** A column in a WHERE that must not pick the index (SQLite's unary +); as is where the planner weighs it well. */
  unindexed(col: string): string;
  /**
   * ticket_tag as a tag's range of tickets (the list's Tags filter): SQLite is told to read it from
   * the (tagId, ticketNumber) index, because with a tag on a third of a small desk it chose to scan
   * the whole table instead (the index holds the same two columns, in the order asked for).
   */
  readonly tagRange: string;
  /**
   * Whether the ticket numbered `col` carries one tag (one ? for its id), probed by ticket_tag's
   * primary key: a test of that one ticket, as a walk needs (PostgreSQL is kept, with OFFSET 0,
   * from hashing every ticket of the tag first, as matchesTicket is).
   */
  hasTag(col: string): string;
  /**
   * Whether the ticket numbered `col` matches, through its own document or a public comment's,
   * looked up by that ticket's keys: its cost depends on the tickets the rest of the WHERE lets
   * through, not on how many documents in the whole index match. With its values for the ?s.
   */
  matchesTicket(col: string, query: string): { sql: string; args: unknown[] };
};

/**
 * SQLite: FTS5 over "search_index", rowid = the ticket's number for its own document, minus the
 * comment's id for a comment's. bm25 ranks, the title weighing five times the body.
 */
/** prefixTerms' statement: `words` the SELECT of "term" from one range (three ?s: low, high, max). */
function termsIn(words: string, ranges: readonly (readonly [string, string])[], max: number) {
  return {
    sql: ranges.map((_, i) => `SELECT ${i} AS "i", r."term" FROM (${words}) r`).join(" UNION ALL "),
    args: ranges.flatMap(([low, high]) => [low, high, max]),
  };
}

const FTS_MATCHED = `SELECT CASE WHEN s.rowid > 0 THEN s.rowid
        ELSE (SELECT c."ticketNumber" FROM "comment" c WHERE c."id" = -s.rowid) END AS "number"
    FROM "search_index" s WHERE "search_index" MATCH ?`;

/** A prefix as FTS5 query text: its words when they were looked up (none: the prefix, which then matches nothing). */
function ftsWord(w: SearchWord): string {
  if (!w.prefix) return `"${w.word}"`;
  if (!w.terms) return `"${w.word}"*`;
  if (w.terms.length === 0) return `"${w.word}"`;
  return w.terms.length === 1 ? `"${w.terms[0]}"` : `(${w.terms.map((t) => `"${t}"`).join(" OR ")})`;
}

export const sqliteSearch: SearchSql = {
  dialect: "sqlite",
  // FTS5 reads two phrases side by side as both, but not a phrase beside a group: then AND.
  query: (words) => words.map(ftsWord).join(words.some((w) => (w.terms?.length ?? 0) > 1) ? " AND " : " "),
  // search_terms: an fts5vocab table over the index, made on the read connection (lib/db/sqlite.ts).
  prefixTerms: (ranges, max) => termsIn(`SELECT "term" FROM temp."search_terms" WHERE "term" >= ? AND "term" < ? LIMIT ?`, ranges, max),
  gatherPerTest: 50,
  generation: `PRAGMA data_version`,
  // FTS5 seeks each word's list to the window's first number.
  breadth: (query) => ({
    sql: `SELECT (SELECT count(*) FROM "search_index" WHERE "search_index" MATCH ? AND rowid > w."low") AS "hits",
            (SELECT count(*) FROM "ticket" WHERE "number" > w."low") AS "window", w."top" AS "top"
          FROM (SELECT coalesce(max("number"), 0) AS "top", coalesce(max("number"), 0) - ${BREADTH_WINDOW.sqlite} AS "low" FROM "ticket") w`,
    args: [query],
  }),
  matched: FTS_MATCHED,
  matches: `(SELECT "number", min("rank") AS "rank" FROM (
    SELECT CASE WHEN s.rowid > 0 THEN s.rowid
                ELSE (SELECT c."ticketNumber" FROM "comment" c WHERE c."id" = -s.rowid) END AS "number",
           bm25("search_index", 5.0, 1.0) AS "rank"
    FROM "search_index" s WHERE "search_index" MATCH ?
    -- LIMIT -1 keeps this subquery from being flattened into the GROUP BY, where SQLite refuses
    -- bm25() ("unable to use function bm25 in the requested context").
    LIMIT -1) GROUP BY "number")`,
  // FTS5 counts its own matches without building a set. Only when a comment matched can one
  // ticket be counted twice, and only then are numbers deduplicated.
  countAll: (query) => ({
    sql: `SELECT f."docs" AS "docs",
            CASE WHEN f."comments" = 0 THEN f."docs" ELSE (SELECT count(DISTINCT "number") FROM (${FTS_MATCHED})) END AS "n"
          FROM (SELECT count(*) AS "docs", coalesce(sum(rowid < 0), 0) AS "comments"
                FROM "search_index" WHERE "search_index" MATCH ?) f`,
    args: [query, query],
  }),
  // `IN (…)` fetches by number; for a probe SQLite builds the set once (with a Bloom filter), and
  // the + keeps it off the primary key so that the other index is walked.
  inSet: (col, subquery, use) => `${use === "probe" ? "+" : ""}${col} IN (${subquery})`,
  nulls: () => "",
  unindexed: (col) => `+${col}`,
  tagRange: `"ticket_tag" d INDEXED BY "ticket_tag_tagId_ticketNumber_idx"`,
  hasTag: (col) => `EXISTS (SELECT 1 FROM "ticket_tag" tt WHERE tt."ticketNumber" = ${col} AND tt."tagId" = ?)`,
  // FTS5 seeks each word's list to the one rowid asked for.
  matchesTicket: (col, query) => ({
    sql: `(EXISTS (SELECT 1 FROM "search_index" WHERE "search_index" MATCH ? AND rowid = ${col})
       OR EXISTS (SELECT 1 FROM "comment" c WHERE c."ticketNumber" = ${col}
                  AND EXISTS (SELECT 1 FROM "search_index" WHERE "search_index" MATCH ? AND rowid = -c."id")))`,
    args: [query, query],
  }),
};

/**
 * PostgreSQL (prisma/postgres/migrations): a row per document with its ticket's number and a
 * tsvector, GIN-indexed. The words typed lose their diacritics as the documents' did. Ranks are
 * negated ts_rank, so that lower is better as with bm25; the title's words (weight A) count five
 * times the rest (D).
 */
const TS_QUERY = `to_tsquery('simple', unaccent(?))`;

/** A prefix as tsquery text: its words when they were looked up (none: the prefix as a word, which is in no document). */
function tsWord(w: SearchWord): string {
  if (!w.prefix) return `'${w.word}'`;
  if (!w.terms) return `'${w.word}':*`;
  if (w.terms.length === 0) return `'${w.word}'`;
  return w.terms.length === 1 ? `'${w.terms[0]}'` : `(${w.terms.map((t) => `'${t}'`).join(" | ")})`;
}

export const postgresSearch: SearchSql = {
  dialect: "postgres",
  query: (words) => words.map(tsWord).join(" & "),
  // search_index_terms: the index's words, kept by triggers (prisma/postgres/migrations); a word
  // may be there twice.
  prefixTerms: (ranges, max) =>
    termsIn(`SELECT DISTINCT "term" FROM "search_index_terms" WHERE "term" >= ? AND "term" < ? ORDER BY "term" LIMIT ?`, ranges, max),
  generation: null,
  gatherPerTest: 1,
  // The window's documents by primary key, each tested on its own: OFFSET 0 keeps the @@ out of the
  // subquery, where PostgreSQL could answer it from the GIN index, reading a common word's list
  // for every ticket.
  breadth: (query) => ({
    sql: `SELECT count(*) FILTER (WHERE w."document" @@ ${TS_QUERY}) AS "hits", count(*) AS "window", max(w."top") AS "top"
          FROM (SELECT s."document", m."top" FROM "search_index" s,
                  (SELECT coalesce(max("number"), 0) AS "top" FROM "ticket") m
                WHERE s."id" > m."top" - ${BREADTH_WINDOW.postgres} AND s."id" > 0 OFFSET 0) w`,
    args: [query],
  }),
  matched: `SELECT s."ticketNumber" AS "number" FROM "search_index" s WHERE s."document" @@ ${TS_QUERY}`,
  matches: `(SELECT s."ticketNumber" AS "number", min(-ts_rank('{0.2, 0.2, 0.2, 1.0}', s."document", q)) AS "rank"
    FROM "search_index" s, ${TS_QUERY} q WHERE s."document" @@ q GROUP BY s."ticketNumber")`,
  countAll: (query) => ({
    sql: `SELECT count(*) AS "docs", count(DISTINCT s."ticketNumber") AS "n" FROM "search_index" s WHERE s."document" @@ ${TS_QUERY}`,
    args: [query],
  }),
  // `= ANY (ARRAY(…))` runs the subquery once and fetches just those rows by primary key, where
  // `IN (…)` lets the planner hash-join against a sequential scan of the whole table.
  inSet: (col, subquery) => `${col} = ANY (ARRAY(${subquery}))`,
  // The name indexes are built NULLS FIRST to match, so these stay index walks.
  nulls: (dir) => (dir === "ASC" ? " NULLS FIRST" : " NULLS LAST"),
  // PostgreSQL weighs the indexes itself; hiding one would only lose it.
  unindexed: (col) => col,
  tagRange: `"ticket_tag" d`,
  hasTag: (col) => `EXISTS (SELECT 1 FROM "ticket_tag" tt WHERE tt."ticketNumber" = ${col} AND tt."tagId" = ? OFFSET 0)`,
  // Each document by its primary key (the number, or minus the comment's id), then @@ on that row.
  // OFFSET 0 keeps each EXISTS a test of one ticket: without it PostgreSQL turns the two into
  // hashed subplans, which gather every matching document first (0.2 s for "the" at 100,000).
  matchesTicket: (col, query) => ({
    sql: `(EXISTS (SELECT 1 FROM "search_index" s WHERE s."id" = ${col} AND s."document" @@ ${TS_QUERY} OFFSET 0)
       OR EXISTS (SELECT 1 FROM "comment" c JOIN "search_index" s ON s."id" = -c."id"
                  WHERE c."ticketNumber" = ${col} AND s."document" @@ ${TS_QUERY} OFFSET 0))`,
    args: [query, query],
  }),
};

export const SEARCH_SQL: Record<Dialect, SearchSql> = { sqlite: sqliteSearch, postgres: postgresSearch };

/** The search SQL of the database DATABASE_URL names. */
export const searchSql = (): SearchSql => SEARCH_SQL[env().dialect];
