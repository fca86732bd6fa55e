import { beforeAll, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import { createTicket } from "@/lib/tickets/commands";
import { parseListParams } from "@/lib/tickets/list-params";
import type { Actor } from "@/lib/people/identity";
import { exportTickets, listTickets, RANK_LIMIT } from "@/lib/tickets/list";

/**
 * A search whose words are in too many tickets is not ranked (bm25 for every match would stall
 * everyone on the one connection): it is sorted by last update, and the page says so. A narrow
 * search is still ranked, best match first.
 */
const agent: Actor = { id: "agent", name: "Agent", role: "agent" };
const rita: Actor = { id: "rita", name: "Rita", role: "requester" };

beforeAll(async () => {
  for (const u of [agent, rita]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  // RANK_LIMIT + 5 tickets with a common word, one day apart, oldest first.
  const t0 = Date.UTC(2026, 0, 1);
  await db.$transaction(async (tx) => {
    for (let i = 0; i < RANK_LIMIT + 5; i++) {
      const at = new Date(t0 + i * 86_400_000);
      await tx.ticket.create({
        data: {
          title: i === 3 ? "Zebra zebra zebra crossing" : `Ticket ${i} about a zebra`,
          description: "The zebra is here.",
          priority: 2,
          status: 1,
          requesterId: i % 2 ? rita.id : agent.id,
          requesterName: i % 2 ? rita.name : agent.name,
          createdAt: at,
          updatedAt: at,
        },
      });
    }
    // A thousand inserts through Prisma's client: far slower on a busy machine than its 5 s default.
  }, { timeout: 120_000 });
  await createTicket(agent, { title: "Quagga sighting", description: "Only one of these.", priority: "Low" });
  await createTicket(agent, { title: "Another animal", description: "A quagga was mentioned here too, in passing.", priority: "Low" });
});

describe("search bounds", () => {
  it("a word in more than RANK_LIMIT documents is listed by last update, and says so", async () => {
    const page = await listTickets(agent, parseListParams({ q: "zebra" }));
    expect(page.total).toBe(RANK_LIMIT + 5);
    expect(page).toMatchObject({ sort: "updated", dir: "desc", unranked: true });
    const times = page.rows.map((r) => r.updatedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("a column sort chosen by the person is not 'unranked'", async () => {
    const page = await listTickets(agent, parseListParams({ q: "zebra", sort: "number", dir: "asc" }));
    expect(page).toMatchObject({ sort: "number", dir: "asc", unranked: false });
    expect(page.rows[0].number).toBeLessThan(page.rows[1].number);
  });

  it("a narrow search is ranked: the title match first", async () => {
    const page = await listTickets(agent, parseListParams({ q: "quagga" }));
    expect(page).toMatchObject({ sort: "relevance", unranked: false, total: 2 });
    expect(page.rows[0].title).toBe("Quagga sighting");
  });

  it("the export follows the same order, in one decision", async () => {
    const rows: number[] = [];
    for await (const batch of exportTickets(agent, parseListParams({ q: "zebra" }), 300)) rows.push(...batch.map((r) => r.updatedAt.getTime()));
    expect(rows).toHaveLength(RANK_LIMIT + 5);
    expect(rows).toEqual([...rows].sort((a, b) => b - a));
  });

  it("a requester's count is only their own, and their results are listed by last update, with no note", async () => {
    // Whether a search is narrow enough to rank depends on everybody's tickets: a requester
    // must not learn it, from a note or from the order.
    for (const q of ["zebra", "quagga"]) {
      const page = await listTickets(rita, parseListParams({ q }));
      expect(page).toMatchObject({ sort: "updated", dir: "desc", unranked: false });
    }
    expect((await listTickets(rita, parseListParams({ q: "zebra" }))).total).toBe(Math.floor((RANK_LIMIT + 5) / 2));
  });
});
