import { beforeAll, describe, expect, it } from "vitest";
import { models as db, read } from "@/lib/db";
import { addComment } from "@/lib/tickets/comments";
import { createTicket } from "@/lib/tickets/commands";
import { parseListParams } from "@/lib/tickets/list-params";
import type { Actor } from "@/lib/people/identity";
import { BROAD_PAGES_MAX, exportTickets, listTickets, roughly, searchPlan, WALK_COUNT_MAX } from "@/lib/tickets/list";
import { postgresSearch, sqliteSearch } from "@/lib/db/search";
import { PREFIX_TERMS_MAX } from "@/lib/tickets/search-match";

/**
 * Search at scale (issue 22): a search whose words are in most tickets walks the list's order and
 * stops at the page, and says "about" for a count that would cost more than the page; a narrow
 * one, or a small view, is counted exactly. 6,000 tickets: every title says "problem" (a word in
 * every ticket), a quarter say "printer", and a requester has 1,500 of them.
 */
const TICKETS = 6_000;
const agent: Actor = { id: "agent", name: "Agent", role: "agent" };
const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const other: Actor = { id: "other", name: "Other", role: "requester" };
const q = (query: Record<string, string | string[]>) => parseListParams(query);

beforeAll(async () => {
  for (const u of [agent, rita, other]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  const t0 = Date.UTC(2025, 0, 1);
  const rows = Array.from({ length: TICKETS }, (_, i) => ({
    title: `${i % 4 === 0 ? "Printer" : "Laptop"} problem ${i}`,
    description: i % 600 === 7 ? "A walrus sat on it." : "It stopped working.",
    priority: 1 + (i % 4),
    status: i % 10 === 0 ? 1 : 5,
    requesterId: i % 4 === 1 ? rita.id : other.id,
    requesterName: i % 4 === 1 ? rita.name : other.name,
    createdAt: new Date(t0 + i * 3_600_000),
    // Updated in an order of their own, so that walking by last update is not walking by number.
    updatedAt: new Date(t0 + ((i * 7919) % TICKETS) * 3_600_000 + 1_000),
  }));
  for (let i = 0; i < rows.length; i += 1000) await db.ticket.createMany({ data: rows.slice(i, i + 1000) });
}, 240_000);

/** The view's numbers in the list's order, straight from the table (the truth the walk must give). */
async function truth(where: string, args: unknown[] = []): Promise<number[]> {
  const rows = await read.all<{ number: number }>(
    `SELECT "number" FROM "ticket" WHERE ${where} ORDER BY "updatedAt" DESC, "number" DESC`,
    ...args,
  );
  return rows.map((r) => Number(r.number));
}

describe("a word in every ticket", () => {
  it("walks the order: the page is the view's newest updates, the count is about, the pages stop", async () => {
    const page = await listTickets(agent, q({ q: "problem" }));
    expect(page).toMatchObject({ estimated: true, total: TICKETS, sort: "updated", unranked: true, pagesCapped: true });
    expect(page.pageCount).toBe(BROAD_PAGES_MAX);
    expect(page.rows.map((r) => r.number)).toEqual((await truth("1 = 1")).slice(0, 50));
  });

  it("a deep page is the same rows as the exact order's, and a page past the cap shows the last one", async () => {
    const all = await truth("1 = 1");
    const last = await listTickets(agent, q({ q: "problem", page: String(BROAD_PAGES_MAX) }));
    expect(last.rows.map((r) => r.number)).toEqual(all.slice((BROAD_PAGES_MAX - 1) * 50, BROAD_PAGES_MAX * 50));
    const past = await listTickets(agent, q({ q: "problem", page: "999" }));
    expect(past.page).toBe(BROAD_PAGES_MAX);
  });

  it("with a second word in a quarter of them (1,500 documents: narrow), exact, in the order asked for", async () => {
    const page = await listTickets(agent, q({ q: "printer problem", sort: "number", dir: "asc" }));
    expect(page).toMatchObject({ estimated: false, total: TICKETS / 4 });
    expect(page.rows.map((r) => r.number)).toEqual(
      (await read.all<{ number: number }>(`SELECT "number" FROM "ticket" WHERE "title" LIKE 'Printer%' ORDER BY "number" LIMIT 50`)).map((r) => Number(r.number)),
    );
  });

  it("a filtered view of at most WALK_COUNT_MAX tickets is counted exactly", async () => {
    const open = await truth(`"status" = 1`);
    expect(open.length).toBeLessThanOrEqual(WALK_COUNT_MAX);
    const page = await listTickets(agent, q({ q: "problem", status: "Open" }));
    expect(page).toMatchObject({ estimated: false, total: open.length, pagesCapped: false });
    expect(page.rows.map((r) => r.number)).toEqual(open.slice(0, 50));
  });

  it("a rare word in the same tickets stays exact, and ranked", async () => {
    const page = await listTickets(agent, q({ q: "walrus" }));
    expect(page).toMatchObject({ estimated: false, total: TICKETS / 600, sort: "relevance", unranked: false });
  });

  it("the CSV export still holds every match", async () => {
    let n = 0;
    for await (const batch of exportTickets(agent, q({ q: "problem" }), 2000)) n += batch.length;
    expect(n).toBe(TICKETS);
  });
});

describe("a requester's broad search", () => {
  it("is estimated from their own tickets only, and their page is their newest updates", async () => {
    const mine = await truth(`"requesterId" = ?`, [rita.id]);
    expect(mine.length).toBeGreaterThan(WALK_COUNT_MAX);
    const page = await listTickets(rita, q({ q: "problem" }));
    expect(page).toMatchObject({ estimated: true, total: roughly(mine.length), unranked: false });
    expect(page.rows.map((r) => r.number)).toEqual(mine.slice(0, 50));
  });

  it("a word too rare in their newest tickets to estimate from is counted exactly", async () => {
    // "walrus" is in ten tickets, of which rita's are those numbered 7 mod 600 with i % 4 = 1.
    const mine = await truth(`"requesterId" = ? AND "description" LIKE '%walrus%'`, [rita.id]);
    const page = await listTickets(rita, q({ q: "walrus" }));
    expect(page).toMatchObject({ estimated: false, total: mine.length });
  });
});

describe("prefixes (spelled out as the index's words)", () => {
  it("a word written after a prefix was looked up is found by that prefix at once", async () => {
    expect((await listTickets(agent, q({ q: "zorbl" }))).total).toBe(0);
    await createTicket(agent, { title: "Zorblatix error", description: "New word.", priority: "Low" });
    expect((await listTickets(agent, q({ q: "zorbl" }))).total).toBe(1);
  });

  it("a new word in a public comment or a changed title is found by its prefix; one in an internal note is not", async () => {
    const { number } = await createTicket(agent, { title: "Plain title", description: "Plain words.", priority: "Low" });
    expect((await listTickets(agent, q({ q: "quokkas" }))).total).toBe(0);
    expect(await addComment(agent, number, { body: "Seen: quokkastan.", internal: false })).toMatchObject({ kind: "added" });
    expect(await addComment(agent, number, { body: "Secret: wombatland.", internal: true })).toMatchObject({ kind: "added" });
    expect((await listTickets(agent, q({ q: "quokka" }))).rows.map((r) => r.number)).toEqual([number]);
    expect((await listTickets(agent, q({ q: "wombat" }))).total).toBe(0);
    await db.ticket.update({ where: { number }, data: { title: "Plain title, now with numbats" } });
    expect((await listTickets(agent, q({ q: "numba" }))).rows.map((r) => r.number)).toEqual([number]);
  });

  it("a prefix standing for more than PREFIX_TERMS_MAX words still finds them all", async () => {
    const count = PREFIX_TERMS_MAX + 6;
    await db.ticket.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        title: `Code qvx${i}z`,
        description: "Many words.",
        priority: 2,
        status: 1,
        requesterId: other.id,
        requesterName: other.name,
      })),
    });
    expect((await listTickets(agent, q({ q: "qvx" }))).total).toBe(count);
    expect((await listTickets(agent, q({ q: "qvx1" }))).total).toBe(11);
  });

  it("several words of which one is in no ticket match nothing; several that are each somewhere but never together, nothing", async () => {
    expect((await listTickets(agent, q({ q: "laptop problem xylophonic" }))).total).toBe(0);
    expect((await listTickets(agent, q({ q: "printer laptop" }))).total).toBe(0);
    expect(await listTickets(rita, q({ q: "walrus zzyzx" }))).toMatchObject({ total: 0, estimated: false });
    // …and a word present beside a filter still counts exactly.
    expect((await listTickets(agent, q({ q: "walrus laptop" }))).total).toBe(
      (await truth(`"title" LIKE 'Laptop%' AND "description" LIKE '%walrus%'`)).length,
    );
  });

  it("words that are operators in FTS5, beside a prefix spelled out, never throw", async () => {
    for (const words of ["printer OR NOT", "AND printer", "prin NEAR lap", "prob* \"pro\""]) {
      await expect(listTickets(agent, q({ q: words }))).resolves.toBeDefined();
    }
  });
});

describe("searchPlan: the page gathered or walked, the count exact or about (figures from the bench's desks)", () => {
  const sqlite = { per: 50, gatherPerTest: sqliteSearch.gatherPerTest };
  const pg = { per: 50, gatherPerTest: postgresSearch.gatherPerTest };

  it("a search in at most 5,000 documents is gathered and counted exactly, whatever the view", () => {
    expect(searchPlan({ ...sqlite, docs: 5_000, share: 1, view: 900_000 })).toEqual({ page: "gather", count: "exact" });
    expect(searchPlan({ ...pg, docs: 4_000, share: 0.004, view: 900_000 })).toEqual({ page: "gather", count: "exact" });
  });

  it("SQLite at 100,000: a word in 10% of tickets is gathered for the page (2 ms, against 10 ms to walk to it), and counted about in a large view", () => {
    expect(searchPlan({ ...sqlite, docs: 10_400, share: 0.104, view: 30_000 })).toEqual({ page: "gather", count: "estimate" });
    expect(searchPlan({ ...sqlite, docs: 10_400, share: 0.104, view: 742 })).toEqual({ page: "gather", count: "exact" });
  });

  it("a word in every ticket is walked: counted about in a large view, and exactly in a small one by whichever costs less", () => {
    expect(searchPlan({ ...sqlite, docs: 100_000, share: 1, view: 100_000 })).toEqual({ page: "walk", count: "estimate" });
    expect(searchPlan({ ...sqlite, docs: 100_000, share: 1, view: 800 })).toEqual({ page: "walk", count: "exact" });
    expect(searchPlan({ ...sqlite, docs: 30_000, share: 0.3, view: 800 })).toEqual({ page: "gather", count: "exact" });
  });

  it("at 1,000,000 a word in 10% of tickets is walked on both databases; in 2% on SQLite, gathered; in 2% on PostgreSQL, walked", () => {
    expect(searchPlan({ ...sqlite, docs: 100_000, share: 0.1, view: 1_000_000 })).toEqual({ page: "walk", count: "estimate" });
    expect(searchPlan({ ...pg, docs: 100_000, share: 0.1, view: 1_000_000 })).toEqual({ page: "walk", count: "estimate" });
    expect(searchPlan({ ...sqlite, docs: 20_000, share: 0.02, view: 1_000_000 })).toEqual({ page: "gather", count: "estimate" });
    expect(searchPlan({ ...pg, docs: 20_000, share: 0.02, view: 1_000_000 })).toEqual({ page: "walk", count: "estimate" });
  });

  it("a longer page is worth gathering for sooner", () => {
    expect(searchPlan({ ...sqlite, per: 50, docs: 60_000, share: 0.06, view: 1_000_000 }).page).toBe("walk");
    expect(searchPlan({ ...sqlite, per: 100, docs: 60_000, share: 0.06, view: 1_000_000 }).page).toBe("gather");
  });
});

describe("roughly", () => {
  it("keeps two significant figures", () => {
    expect([0, 7, 99, 100, 1_571, 24_782, 612_345, 1_000_000].map(roughly)).toEqual([0, 7, 99, 100, 1_600, 25_000, 610_000, 1_000_000]);
  });
});
