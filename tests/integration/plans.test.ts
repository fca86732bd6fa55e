/**
 * Query plans for the ticket list and its count, on a realistic table (a few thousand rows,
 * ANALYZEd): no combination of filters, sort and direction may read the whole ticket table
 * without an index, and the common views (no filter or one filter) may not sort the table in a
 * temporary B-tree.
 *
 * Rules, as plan rows (EXPLAIN QUERY PLAN "detail"):
 * - FULL SCAN: /^SCAN (t|ticket)\b(?!.*USING)/ anywhere, for every combination. One allowance:
 *   the list sorted by number, unfiltered or only searched, whose "SCAN t" is a walk of the primary key in ORDER BY
 *   order that stops at LIMIT + OFFSET rows (there is no index that could do better).
 * - TEMP SORT: "USE TEMP B-TREE FOR ORDER BY" for the unfiltered list in every sort, and for every
 *   single-filter view in the default sort (most recently updated first: the quick views and the
 *   views people land on). Other single-filter sorts may sort the filtered set; they are reported. A temp B-tree in a query scope whose only ticket
 *   access is "SEARCH t USING INTEGER PRIMARY KEY" driven by a LIST SUBQUERY (the list's outer
 *   query: it re-reads the page's at most `per` rows by number) sorts one page, not the table,
 *   and is not counted.
 * Every combination's verdict is printed at the end, failing or not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import { SORTS, type ListParams, type Sort } from "@/lib/tickets/list-params";
import type { Actor, Role } from "@/lib/people/identity";
import { countSql, listSql, tagSampleSql, type TagFilter } from "@/lib/tickets/list-sql";
import { onPostgres } from "../dialect";
import { bindable, numbered } from "@/lib/db/sql";
import { postgresSearch, SEARCH_SQL, sqliteSearch } from "@/lib/db/search";
import { commentStreamSql, eventStreamSql } from "@/lib/tickets/timeline";

const TICKETS = 6000;
const REQUESTERS = 400;
const AGENTS = 12;

const agent: Actor = { id: "agent-0", name: "Agent 0", role: "agent" };
const requester: Actor = { id: "req-7", name: "Requester 7", role: "requester" };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  const users: { id: string; name: string; email: string; role: Role }[] = [];
  for (let i = 0; i < AGENTS; i++) users.push({ id: `agent-${i}`, name: `Agent ${i}`, email: `agent${i}@example.com`, role: i === 0 ? "admin" : "agent" });
  users[0].role = "agent";
  users.push({ id: "admin-0", name: "Admin", email: "admin@example.com", role: "admin" });
  for (let i = 0; i < REQUESTERS; i++) users.push({ id: `req-${i}`, name: `Requester ${i}`, email: `req${i}@example.com`, role: "requester" });
  await db.user.createMany({ data: users });

  // A desk that has run for a while: most tickets are closed, a few are open; most are Medium.
  const rand = rng(7);
  const weighted = (weights: number[]) => {
    let x = rand() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i]) < 0) return i + 1;
    return weights.length;
  };
  const words = ["printer", "laptop", "vpn", "email", "monitor", "keyboard", "password", "wifi", "phone", "badge", "spacebar", "invoice"];
  const start = Date.UTC(2024, 0, 1);
  const data = Array.from({ length: TICKETS }, (_, i) => {
    const status = weighted([8, 5, 4, 13, 70]);
    const created = start + i * 2_000_000;
    return {
      title: `${words[Math.floor(rand() * words.length)]} ${words[Math.floor(rand() * words.length)]} problem ${i}`,
      description: `Details ${i}: ${words[Math.floor(rand() * words.length)]} stopped working.`,
      status,
      priority: weighted([20, 55, 20, 5]),
      requesterId: `req-${Math.floor(rand() ** 2 * REQUESTERS)}`,
      assigneeId: rand() < (status <= 3 ? 0.4 : 0.05) ? null : `agent-${Math.floor(rand() * AGENTS)}`,
      createdAt: new Date(created),
      updatedAt: new Date(created + Math.floor(rand() * 5_000_000_000)),
    };
  });
  for (let i = 0; i < data.length; i += 1000) await db.ticket.createMany({ data: data.slice(i, i + 1000) });
  await db.$executeRawUnsafe("ANALYZE");
}, 240_000);

/* ------------------------------------------------------------------------------------------- */

const params = (over: Partial<ListParams> = {}): ListParams => ({
  q: "",
  status: [],
  priority: [],
  assignee: "",
  requester: "",
  tags: [],
  sort: "updated",
  dir: "desc",
  page: 1,
  per: 50,
  ...over,
});

type Combo = { name: string; actor: Actor; filters: Partial<ListParams>; single: boolean; search: boolean };
const COMBOS: Combo[] = [
  { name: "none", actor: agent, filters: {}, single: true, search: false },
  { name: "status=Open", actor: agent, filters: { status: ["Open"] }, single: true, search: false },
  { name: "status=Open,In progress,Waiting", actor: agent, filters: { status: ["Open", "In progress", "Waiting"] }, single: true, search: false },
  { name: "priority=Urgent", actor: agent, filters: { priority: ["Urgent"] }, single: true, search: false },
  { name: "priority=High,Urgent", actor: agent, filters: { priority: ["High", "Urgent"] }, single: true, search: false },
  { name: "assignee=me", actor: agent, filters: { assignee: "me" }, single: true, search: false },
  { name: "assignee=none", actor: agent, filters: { assignee: "none" }, single: true, search: false },
  { name: "requester=req-3", actor: agent, filters: { requester: "req-3" }, single: true, search: false },
  { name: "requester-role actor", actor: requester, filters: {}, single: true, search: false },
  { name: "status+priority", actor: agent, filters: { status: ["Open"], priority: ["Urgent"] }, single: false, search: false },
  { name: "assignee=none+status", actor: agent, filters: { assignee: "none", status: ["Open", "Waiting"] }, single: false, search: false },
  { name: "requester-role actor+status", actor: requester, filters: { status: ["Closed"] }, single: false, search: false },
  { name: "search", actor: agent, filters: { q: "printer" }, single: false, search: true },
  { name: "search+status+priority", actor: agent, filters: { q: "printer", status: ["Open", "Waiting"], priority: ["High"] }, single: false, search: true },
  { name: "search, requester-role actor", actor: requester, filters: { q: "laptop" }, single: false, search: true },
];

type PlanRow = { id: number; parent: number; detail: string };

async function plan(sql: string, args: unknown[]): Promise<PlanRow[]> {
  const rows = await db.$queryRawUnsafe<{ id: bigint; parent: bigint; detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...args);
  return rows.map((r) => ({ id: Number(r.id), parent: Number(r.parent), detail: r.detail }));
}

function formatPlan(rows: PlanRow[]): string {
  const depth = new Map<number, number>([[0, 0]]);
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${"  ".repeat(d)}${r.detail}`;
    })
    .join("\n");
}

const FULL_SCAN = /^SCAN (t|ticket)\b(?!.*USING)/;
const TEMP_ORDER = "USE TEMP B-TREE FOR ORDER BY";

/** A temp B-tree that sorts only the rows fetched by number from a LIMITed IN-list. */
function sortsOnePage(rows: PlanRow[], temp: PlanRow): boolean {
  const scope = rows.filter((r) => r.parent === temp.parent);
  const hasList = scope.some((r) => /^LIST SUBQUERY/.test(r.detail));
  const ticketAccess = scope.filter((r) => /^(SCAN|SEARCH) (t|ticket)\b/.test(r.detail));
  return hasList && ticketAccess.length > 0 && ticketAccess.every((r) => /^SEARCH (t|ticket) USING INTEGER PRIMARY KEY/.test(r.detail));
}

type Verdict = { combo: string; sort: string; dir: string; query: "list" | "count"; fullScan: string[]; tempSort: boolean; tempSortChecked: boolean; plan: string };
const verdicts: Verdict[] = [];

async function check(combo: Combo, query: "list" | "count", sort: Sort | "relevance", dir: "asc" | "desc") {
  const p = params({ ...combo.filters, sort, dir });
  const q = query === "list" ? listSql(combo.actor, p, 100) : countSql(combo.actor, p);
  const rows = await plan(q.sql, q.args);
  // Sorted by number with no filter (or only a search, whose set is probed), "SCAN t" is the
  // primary key walked in order, stopping at one page.
  const rowidWalkAllowed = query === "list" && (combo.name === "none" || combo.name === "search") && sort === "number";
  const fullScan = rows.filter((r) => FULL_SCAN.test(r.detail) && !(rowidWalkAllowed && r.detail === "SCAN t")).map((r) => r.detail);
  const temps = rows.filter((r) => r.detail.startsWith(TEMP_ORDER) && !sortsOnePage(rows, r));
  const tempSortChecked =
    query === "list" && combo.single && sort !== "relevance" && (combo.name === "none" || sort === "updated");
  const v: Verdict = {
    combo: combo.name,
    sort,
    dir,
    query,
    fullScan,
    tempSort: temps.length > 0,
    tempSortChecked,
    plan: `${q.sql.replace(/\s+/g, " ")}\n  args: ${JSON.stringify(q.args)}\n${formatPlan(rows)}`,
  };
  verdicts.push(v);
  const failing = fullScan.length > 0 || (tempSortChecked && v.tempSort);
  if (failing) console.log(`PLAN FAIL ${query} [${combo.name}] sort=${sort} ${dir}:\n${v.plan}\n`);
  expect(fullScan, `full scan of ticket in ${query} [${combo.name}] sort=${sort} ${dir}\n${v.plan}`).toEqual([]);
  if (tempSortChecked) expect(v.tempSort, `temp B-tree sort in ${query} [${combo.name}] sort=${sort} ${dir}\n${v.plan}`).toBe(false);
}

afterAll(() => {
  const line = (v: Verdict) => `${v.query} [${v.combo}] ${v.query === "list" ? `sort=${v.sort} ${v.dir}` : ""}`.trim();
  const scans = verdicts.filter((v) => v.fullScan.length);
  const temps = verdicts.filter((v) => v.tempSort);
  console.log(
    [
      `EXPLAIN QUERY PLAN summary: ${verdicts.length} plans checked`,
      `Full scans of ticket (${scans.length}):`,
      ...scans.map((v) => `  ${line(v)}: ${v.fullScan.join("; ")}`),
      `Temp B-tree sorts of more than one page (${temps.length}; * = counted as a failure):`,
      ...temps.map((v) => `  ${v.tempSortChecked ? "*" : " "} ${line(v)}`),
    ].join("\n"),
  );
});

/* ------------------------------------------------------------------------------------------- */

describe.skipIf(onPostgres)("EXPLAIN QUERY PLAN: the ticket list", () => {
  for (const combo of COMBOS) {
    describe(combo.name, () => {
      const sorts: (Sort | "relevance")[] = combo.search ? ["relevance", ...SORTS] : [...SORTS];
      type Case = [Sort | "relevance", "asc" | "desc"];
      const cases = sorts.flatMap((sort): Case[] =>
        sort === "relevance" ? [[sort, "desc"]] : [[sort, "asc"], [sort, "desc"]],
      );
      it.each(cases)("list sorted by %s %s", async (sort, dir) => {
        await check(combo, "list", sort, dir);
      });
      it("count", async () => {
        await check(combo, "count", combo.search ? "relevance" : "updated", "desc");
      });
    });
  }
});

describe.skipIf(onPostgres)("the data is what the plans were judged on", () => {
  it("has the seeded rows and statistics", async () => {
    expect(await db.ticket.count()).toBe(TICKETS);
    const stats = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'ticket'`);
    expect(Number(stats[0].n)).toBeGreaterThan(0);
  });
});

/* ------------------------------------------------------------------------------------------- */

/**
 * The Tags filter (issue 24), on both databases: a tag on 30% of the tickets and one on 1%. Every
 * way lib/tickets/list.ts answers it (the rarest tag driving, the view's order walked with a probe
 * per ticket, the count from ticket_tag's index, the sample for an estimate) reaches ticket_tag
 * only through its indexes and never reads the ticket table whole; a walked page of the default
 * order sorts nothing but its own rows.
 */
const TAGGED: { name: string; actor: Actor; filters: Partial<ListParams>; tags: ("common" | "rare")[] }[] = [
  { name: "a common tag", actor: agent, filters: {}, tags: ["common"] },
  { name: "a rare tag", actor: agent, filters: {}, tags: ["rare"] },
  { name: "two tags", actor: agent, filters: {}, tags: ["rare", "common"] },
  { name: "a tag + status", actor: agent, filters: { status: ["Open", "Waiting"] }, tags: ["common"] },
  { name: "a tag + assignee + priority", actor: agent, filters: { assignee: "none", priority: ["High"] }, tags: ["rare"] },
  { name: "a tag + search", actor: agent, filters: { q: "printer" }, tags: ["common"] },
];

const tagIds: Record<string, number> = {};
async function seedTags() {
  if (Object.keys(tagIds).length) return;
  await db.$executeRawUnsafe(`INSERT INTO "tag" ("name", "tickets") VALUES ('common', 0), ('rare', 0)`);
  for (const r of await db.$queryRawUnsafe<{ id: number; name: string }[]>(`SELECT "id", "name" FROM "tag"`)) tagIds[r.name] = Number(r.id);
  await db.$executeRawUnsafe(`INSERT INTO "ticket_tag" ("ticketNumber", "tagId") SELECT "number", ${tagIds.common} FROM "ticket" WHERE "number" % 10 < 3`);
  await db.$executeRawUnsafe(`INSERT INTO "ticket_tag" ("ticketNumber", "tagId") SELECT "number", ${tagIds.rare} FROM "ticket" WHERE "number" % 100 = 7`);
  await db.$executeRawUnsafe(`UPDATE "tag" SET "tickets" = (SELECT count(*) FROM "ticket_tag" WHERE "tagId" = "tag"."id")`);
  await db.$executeRawUnsafe(`ANALYZE "ticket_tag"`);
  await db.$executeRawUnsafe(`ANALYZE "tag"`);
}

/**
 * Each statement a tag filter may run: pages (driving and walking, three sorts), the count, the
 * sample. `driveCommon`: also the common tag's range read whole (driving, which list.ts chooses
 * only for deep pages, and the exact count, which it runs only for a tag on at most a few thousand
 * tickets): PostgreSQL reads a third of this small ticket_tag sequentially then, as it may.
 */
function taggedStatements(t: (typeof TAGGED)[number], search: typeof sqliteSearch, driveCommon = true) {
  const filter = (drive: boolean): TagFilter => ({ ids: t.tags.map((n) => tagIds[n]), drive });
  const out: { what: string; sql: string; args: unknown[]; walkedDefault: boolean }[] = [];
  for (const sort of ["updated", "title", "priority"] as const) {
    for (const drive of driveCommon || t.tags[0] === "rare" ? [true, false] : [false]) {
      const p = params({ ...t.filters, tags: t.tags, sort: t.filters.q ? "updated" : sort, dir: "desc" });
      const q = listSql(t.actor, p, 100, search, { tags: filter(drive) });
      out.push({ what: `list sort=${sort} ${drive ? "driving" : "walking"}`, ...q, walkedDefault: !drive && sort === "updated" && !t.filters.q });
    }
  }
  const p = params({ ...t.filters, tags: t.tags });
  if (driveCommon || t.tags[0] === "rare") out.push({ what: "count", ...countSql(t.actor, p, search, { tags: filter(false) }), walkedDefault: false });
  if (!t.filters.q) out.push({ what: "sample", ...tagSampleSql(t.actor, p, filter(false), 2000, search), walkedDefault: false });
  return out;
}

describe.skipIf(onPostgres)("EXPLAIN QUERY PLAN: the Tags filter walks indexes", () => {
  beforeAll(seedTags);
  for (const t of TAGGED) {
    it(t.name, async () => {
      for (const q of taggedStatements(t, sqliteSearch)) {
        const rows = await plan(q.sql, q.args);
        const text = `${q.what}\n${formatPlan(rows)}`;
        expect(rows.filter((r) => FULL_SCAN.test(r.detail)).map((r) => r.detail), text).toEqual([]);
        // ticket_tag only by one of its indexes (the primary key's, or (tagId, ticketNumber)).
        expect(rows.filter((r) => /\b(SCAN|SEARCH) (tt|d|ticket_tag)\b/.test(r.detail) && !/USING (COVERING )?INDEX/.test(r.detail)).map((r) => r.detail), text).toEqual([]);
        if (q.walkedDefault) expect(rows.filter((r) => r.detail.startsWith(TEMP_ORDER) && !sortsOnePage(rows, r)).map((r) => r.detail), text).toEqual([]);
      }
    });
  }
});

describe.runIf(onPostgres)("EXPLAIN on PostgreSQL: the Tags filter walks indexes", () => {
  beforeAll(seedTags);
  for (const t of TAGGED) {
    it(t.name, async () => {
      for (const q of taggedStatements(t, postgresSearch, false)) {
        const [row] = await db.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: PgNode }] }[]>(`EXPLAIN (FORMAT JSON) ${numbered(q.sql)}`, ...q.args.map((a) => bindable(a, "postgres")));
        const nodes = pgNodes(row["QUERY PLAN"][0].Plan);
        const text = `${q.what}: ${nodes.map((n) => `${n["Node Type"]}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}`).join(" / ")}`;
        expect(nodes.filter((n) => n["Node Type"] === "Seq Scan" && (n["Relation Name"] === "ticket" || n["Relation Name"] === "ticket_tag")).length, text).toBe(0);
      }
    });
  }
});

// The people the list's filters and the ticket page's picker read: tests/integration/people-plans.test.ts.

/* ------------------------------------------------------------------------------------------- */

/** PostgreSQL's plan as JSON: every node, depth first. */
type PgNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: PgNode[] };
function pgNodes(n: PgNode): PgNode[] {
  return [n, ...(n.Plans ?? []).flatMap(pgNodes)];
}

/**
 * The same combinations on PostgreSQL (EXPLAIN, costs from ANALYZE's statistics): no plan reads
 * the ticket table sequentially. (At 6,000 rows a sequential scan is cheap, so one the planner
 * still avoids is one it avoids at 100,000 too.)
 */
describe.runIf(onPostgres)("EXPLAIN on PostgreSQL: the ticket list", () => {
  const seqScans = async (sql: string, args: unknown[]) => {
    const [row] = await db.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: PgNode }] }[]>(`EXPLAIN (FORMAT JSON) ${numbered(sql)}`, ...args.map((a) => bindable(a, "postgres")));
    const nodes = pgNodes(row["QUERY PLAN"][0].Plan);
    return {
      scans: nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "ticket").map((n) => n["Node Type"]),
      plan: nodes.map((n) => `${n["Node Type"]}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}`).join(" / "),
    };
  };
  for (const combo of COMBOS) {
    describe(combo.name, () => {
      const sorts: (Sort | "relevance")[] = combo.search ? ["relevance", ...SORTS] : [...SORTS];
      const cases = sorts.flatMap((sort): [Sort | "relevance", "asc" | "desc"][] => (sort === "relevance" ? [[sort, "desc"]] : [[sort, "asc"], [sort, "desc"]]));
      it.each(cases)("list sorted by %s %s", async (sort, dir) => {
        const q = listSql(combo.actor, params({ ...combo.filters, sort, dir }), 100, SEARCH_SQL.postgres);
        const { scans, plan } = await seqScans(q.sql, q.args);
        expect(scans, plan).toEqual([]);
      });
      it("count", async () => {
        const q = countSql(combo.actor, params(combo.filters), SEARCH_SQL.postgres);
        const { scans, plan } = await seqScans(q.sql, q.args);
        expect(scans, plan).toEqual([]);
      });
    });
  }
});

/* ------------------------------------------------------------------------------------------- */

/**
 * A broad search (issue 22) walks the list's order and tests each ticket by key: every plan of a
 * walked page, a walked count and the breadth check must reach the search index only by key
 * (SQLite: a rowid constraint on the FTS5 table, "=" or ">"; PostgreSQL: its primary key, never the
 * GIN index nor a scan of the table), so that no page reads a whole word's list of documents.
 */
const WALKS: { name: string; actor: Actor; filters: Record<string, string | string[]>; prefix?: boolean }[] = [
  { name: "a word", actor: agent, filters: { q: "problem" } },
  { name: "a word + status + priority", actor: agent, filters: { q: "problem", status: ["Open", "In progress"], priority: ["High"] } },
  { name: "a prefix, by priority", actor: agent, filters: { q: "prob", sort: "priority" }, prefix: true },
  { name: "a requester's", actor: requester, filters: { q: "problem" } },
];

describe.skipIf(onPostgres)("EXPLAIN QUERY PLAN: a broad search reaches the index only by key", () => {
  const byKey = (detail: string) => !/search_index/.test(detail) || /VIRTUAL TABLE INDEX 0:(=|M\d*[<>=])/.test(detail);
  for (const w of WALKS) {
    it(w.name, async () => {
      const p = params(w.filters);
      // A prefix as the app sends it: spelled out as the index's words (lib/tickets/search-match.ts).
      const match = sqliteSearch.query([{ word: String(w.filters.q), prefix: Boolean(w.prefix), terms: w.prefix ? ["problem", "problems"] : undefined }]);
      const how = { match, walk: true, visits: 4_000 };
      for (const q of [listSql(w.actor, p, 100, sqliteSearch, how), countSql(w.actor, p, sqliteSearch, how), sqliteSearch.breadth(match)]) {
        const rows = await plan(q.sql, q.args);
        const text = formatPlan(rows);
        expect(rows.filter((r) => !byKey(r.detail)).map((r) => r.detail), text).toEqual([]);
        expect(rows.filter((r) => FULL_SCAN.test(r.detail)).map((r) => r.detail), text).toEqual([]);
      }
    });
  }
});

describe.runIf(onPostgres)("EXPLAIN on PostgreSQL: a broad search reaches the index only by key", () => {
  for (const w of WALKS) {
    it(w.name, async () => {
      const p = params(w.filters);
      const match = postgresSearch.query([{ word: String(w.filters.q), prefix: Boolean(w.prefix), terms: w.prefix ? ["problem", "problems"] : undefined }]);
      const how = { match, walk: true, visits: 4_000 };
      // The walked count is asked for only of a view of at most WALK_COUNT_MAX tickets (lib/tickets/list.ts):
      // its scan of an unfiltered table is not a page's.
      const count = countSql(w.actor, p, postgresSearch, how);
      for (const q of [listSql(w.actor, p, 100, postgresSearch, how), count, postgresSearch.breadth(match)]) {
        const [row] = await db.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: PgNode }] }[]>(`EXPLAIN (FORMAT JSON) ${numbered(q.sql)}`, ...q.args.map((a) => bindable(a, "postgres")));
        const nodes = pgNodes(row["QUERY PLAN"][0].Plan);
        const text = nodes.map((n) => `${n["Node Type"]}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}`).join(" / ");
        const onIndex = nodes.filter((n) => n["Relation Name"] === "search_index");
        expect(onIndex.length, text).toBeGreaterThan(0);
        expect(onIndex.filter((n) => n["Index Name"] !== "search_index_pkey").map((n) => n["Node Type"]), text).toEqual([]);
        if (q !== count) expect(nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "ticket").length, text).toBe(0);
      }
    });
  }
});

describe.runIf(onPostgres)("EXPLAIN on PostgreSQL: a prefix's words", () => {
  it("are read from search_index_terms by its index, a range at a time, never the whole table", async () => {
    const q = postgresSearch.prefixTerms([["prob", "proc"], ["1", "2"]], 65);
    const [row] = await db.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: PgNode }] }[]>(`EXPLAIN (FORMAT JSON) ${numbered(q.sql)}`, ...q.args.map((a) => bindable(a, "postgres")));
    const nodes = pgNodes(row["QUERY PLAN"][0].Plan);
    const text = nodes.map((n) => `${n["Node Type"]}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}`).join(" / ");
    const reads = nodes.filter((n) => n["Relation Name"] === "search_index_terms");
    expect(reads.map((n) => n["Index Name"]), text).toEqual(["search_index_terms_term_idx", "search_index_terms_term_idx"]);
  });
});

describe.skipIf(onPostgres)("EXPLAIN QUERY PLAN at 1,000,000-like statistics: a broad search still reaches the index only by key", () => {
  // The table's statistics scaled as if it held about 1,000,000 tickets (every row count and
  // rows-per-key times 170), read again by the planner: the walked plans must not change shape.
  beforeAll(async () => {
    const rows = await db.$queryRawUnsafe<{ tbl: string; idx: string | null; stat: string }[]>(`SELECT "tbl", "idx", "stat" FROM "sqlite_stat1"`);
    for (const r of rows) {
      const scaled = r.stat
        .split(" ")
        .map((v, i) => (/^\d+$/.test(v) && (i === 0 || Number(v) > 1) ? String(Number(v) * 170) : v))
        .join(" ");
      await db.$executeRawUnsafe(`UPDATE "sqlite_stat1" SET "stat" = ? WHERE "tbl" = ? AND "idx" IS ?`, scaled, r.tbl, r.idx);
    }
    await db.$executeRawUnsafe(`ANALYZE "sqlite_schema"`);
    const [ticket] = await db.$queryRawUnsafe<{ stat: string }[]>(`SELECT "stat" FROM "sqlite_stat1" WHERE "tbl" = 'ticket' LIMIT 1`);
    expect(Number(ticket.stat.split(" ")[0])).toBeGreaterThan(900_000);
  });
  const byKey = (detail: string) => !/search_index/.test(detail) || /VIRTUAL TABLE INDEX 0:(=|M\d*[<>=])/.test(detail);
  for (const w of WALKS) {
    it(w.name, async () => {
      const p = params(w.filters);
      const match = sqliteSearch.query([{ word: String(w.filters.q), prefix: Boolean(w.prefix), terms: w.prefix ? ["problem", "problems"] : undefined }]);
      const how = { match, walk: true, visits: 4_000 };
      for (const q of [listSql(w.actor, p, 100, sqliteSearch, how), sqliteSearch.breadth(match)]) {
        const rows = await plan(q.sql, q.args);
        const text = formatPlan(rows);
        expect(rows.filter((r) => !byKey(r.detail)).map((r) => r.detail), text).toEqual([]);
        expect(rows.filter((r) => FULL_SCAN.test(r.detail)).map((r) => r.detail), text).toEqual([]);
        // The walk is the list's own index in order: no sort of the view before the page.
        expect(rows.filter((r) => r.detail.startsWith(TEMP_ORDER) && !sortsOnePage(rows, r)).map((r) => r.detail), text).toEqual([]);
      }
    });
  }
});

/* ------------------------------------------------------------------------------------------- */

/**
 * The conversation's timeline (lib/tickets/timeline.ts) reads each stream on its (ticketNumber, id)
 * index, that way from a place, never sorting: a page costs the same on a ticket with 10 entries
 * or 10,000, and however far back it is.
 */
describe.skipIf(onPostgres)("EXPLAIN QUERY PLAN: the timeline walks each stream's index", () => {
  const streams = { number: 42, internal: false, tags: false, history: true };
  const cases = [
    ["comments, latest", commentStreamSql(streams, "back", null, 31), "comment_ticketNumber_id_idx"],
    ["comments, before a place", commentStreamSql(streams, "back", 1000, 31), "comment_ticketNumber_id_idx"],
    ["comments and notes, after a place", commentStreamSql({ ...streams, internal: true }, "forward", 1000, 31), "comment_ticketNumber_id_idx"],
    ["events, latest", eventStreamSql(streams, "back", null, 51), "activity_ticketNumber_id_idx"],
    ["events, after a place", eventStreamSql(streams, "forward", 7, 51), "activity_ticketNumber_id_idx"],
  ] as const;
  for (const [name, q, index] of cases) {
    it(name, async () => {
      const rows = await plan(q.sql, q.args);
      const text = formatPlan(rows);
      expect(rows.some((r) => r.detail.includes(`USING INDEX ${index}`) || r.detail.includes(`USING COVERING INDEX ${index}`)), text).toBe(true);
      expect(rows.filter((r) => r.detail.includes("TEMP B-TREE")).map((r) => r.detail), text).toEqual([]);
      expect(rows.filter((r) => /^SCAN (c|a)\b/.test(r.detail)).map((r) => r.detail), text).toEqual([]);
    });
  }
});
