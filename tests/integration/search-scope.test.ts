import { beforeAll, describe, expect, it, vi } from "vitest";
import { models as db, read } from "@/lib/db";
import { createTicket } from "@/lib/tickets/commands";
import { addComment } from "@/lib/tickets/comments";
import { parseListParams } from "@/lib/tickets/list-params";
import { countSql, listSql } from "@/lib/tickets/list-sql";
import { exportTickets, listTickets } from "@/lib/tickets/list";
import type { Actor } from "@/lib/people/identity";

/**
 * Scope before cost (issue 20): a requester's search looks only at their own tickets, so that how
 * long it takes says nothing about how common the words are in other people's; and the CSV export
 * searches once, however many batches it streams.
 */
const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const carl: Actor = { id: "carl", name: "Carl", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };

const numbers = async (actor: Actor, q: string) => (await listTickets(actor, parseListParams({ q }))).rows.map((r) => r.number);

let own: number[] = [];
let byComment = 0;
let byNote = 0;

beforeAll(async () => {
  for (const u of [rita, carl, ada]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  // Carl has many tickets about the zeppelin; Rita has two, and one more only a comment mentions.
  for (let i = 0; i < 60; i++) await createTicket(carl, { title: `Zeppelin ${i}`, description: "The zeppelin leaks.", priority: "Low" });
  own = [
    (await createTicket(rita, { title: "Zeppelin hangar door", description: "Stuck.", priority: "High" })).number,
    (await createTicket(rita, { title: "Printer", description: "The zeppelin printer is out of paper.", priority: "Low" })).number,
  ];
  byComment = (await createTicket(rita, { title: "Badge reader", description: "Beeps.", priority: "Low" })).number;
  await addComment(rita, byComment, { body: "Only near the zeppelin dock.", internal: false });
  byNote = (await createTicket(rita, { title: "Lift", description: "Slow.", priority: "Low" })).number;
  await addComment(ada, byNote, { body: "Zeppelin crew broke it.", internal: true });
});

describe("a requester's search", () => {
  it("finds their own tickets by title, description and public comment, never by an internal note or in others' tickets", async () => {
    expect((await numbers(rita, "zeppelin")).sort()).toEqual([...own, byComment].sort());
    expect(await numbers(rita, "crew")).toEqual([]);
    const p = await listTickets(rita, parseListParams({ q: "zeppelin" }));
    expect(p.total).toBe(3);
    // Staff see everyone's.
    expect((await listTickets(ada, parseListParams({ q: "zeppelin" }))).total).toBe(63);
  });

  it("is matched among the requester's own tickets, not against the whole index's match set", () => {
    const p = parseListParams({ q: "zeppelin" });
    for (const q of [countSql(rita, p), listSql(rita, { ...p, sort: "updated" }, 0)]) {
      // The ticket's own keys reach the index (rowid on SQLite, the document's id on PostgreSQL)…
      expect(q.sql).toMatch(/rowid = [tw]\."number"|s\."id" = [tw]\."number"/);
      // …and no statement builds the set of every matching document first.
      expect(q.sql).not.toMatch(/MATERIALIZED|ANY \(ARRAY\(SELECT s\."ticketNumber"|IN \(SELECT CASE WHEN s\.rowid/);
      expect(q.args).toContain("rita");
    }
  });
});

describe("the CSV export", () => {
  it("runs the search once, whatever the number of batches, and streams every row in the list's order", async () => {
    const spy = vi.spyOn(read, "all");
    const p = parseListParams({ q: "zeppelin", sort: "title", dir: "asc" });
    const got: number[] = [];
    for await (const batch of exportTickets(ada, p, 7)) got.push(...batch.map((r) => r.number));
    const searches = spy.mock.calls.filter(([sql]) => /MATCH|@@/.test(String(sql)));
    spy.mockRestore();
    expect(searches).toHaveLength(1);
    expect(got).toHaveLength(63);
    const pages = [];
    for (let page = 1; page <= 2; page++) pages.push(...(await listTickets(ada, { ...p, page, per: 50 })).rows.map((r) => r.number));
    expect(got).toEqual(pages);
  });
});
