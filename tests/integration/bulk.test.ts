import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { models as db, read } from "@/lib/db";
import { createTicket, updateTicket } from "@/lib/tickets/commands";
import { bulkUpdateTickets, type BulkTarget } from "@/lib/tickets/bulk";
import { listTimeline, type EventEntry } from "@/lib/tickets/timeline";
import { ticketTags } from "@/lib/tickets/tags";
import { BULK_MAX } from "@/lib/limits";
import type { Actor, Role } from "@/lib/people/identity";

/** A ticket's history events as this actor reads them (the timeline's latest page). */
const historyOf = async (actor: Actor, n: number) =>
  (await listTimeline(actor, n)).entries.filter((e): e is EventEntry => e.type === "event");

/** Bulk changes: each ticket through updateTicketIn, all in one transaction; conflicts skipped. */

const rita: Actor = { id: "b-rita", name: "Rita Requester", role: "requester" };
const otto: Actor = { id: "b-otto", name: "Otto Other", role: "requester" };
const ada: Actor = { id: "b-ada", name: "Ada Agent", role: "agent" };
const bob: Actor = { id: "b-bob", name: "Bob Agent", role: "agent" };
const ann: Actor = { id: "b-ann", name: "Ann Admin", role: "admin" };

beforeAll(async () => {
  for (const u of [rita, otto, ada, bob, ann]) {
    await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role as Role } });
  }
});
beforeEach(async () => {
  await db.outboundMail.deleteMany();
});

let seq = 0;
const open = async (by: Actor = rita) => (await createTicket(by, { title: `Bulk ${++seq}`, description: "Body", priority: "Medium" })).number;
const row = (n: number) => db.ticket.findUniqueOrThrow({ where: { number: n } });
const target = async (n: number): Promise<BulkTarget> => ({ number: n, version: (await row(n)).version });
const targets = (ns: number[]) => Promise.all(ns.map(target));

describe("bulk changes", () => {
  it("changes every selected ticket, each with its own history entry and new version", async () => {
    const ns = [await open(), await open(), await open(otto)];
    const before = await targets(ns);
    const r = await bulkUpdateTickets(ada, before, { status: "Waiting", priority: "High" });
    expect(r).toEqual({ kind: "done", changed: ns, unchanged: [], skipped: [] });
    for (const [i, n] of ns.entries()) {
      const t = await row(n);
      expect([t.status, t.priority, t.version]).toEqual([3, 3, before[i].version + 1]);
      const history = (await historyOf(ada, n)).filter((a) => a.field !== "created");
      expect(history.map((a) => [a.field, a.from, a.to, a.actor])).toEqual([
        ["status", "Open", "Waiting", ada.name],
        ["priority", "Medium", "High", ada.name],
      ]);
    }
  });

  it("skips a ticket changed by someone else since the list was drawn, and one that does not exist", async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    const drawn = await targets([a, b, c]);
    await updateTicket(bob, b, { version: drawn[1].version, priority: "Urgent" });
    const r = await bulkUpdateTickets(ada, [...drawn, { number: 99_999_999, version: 1 }], { status: "Resolved" });
    expect(r).toEqual({
      kind: "done",
      changed: [a, c],
      unchanged: [],
      skipped: [
        { number: b, reason: "conflict" },
        { number: 99_999_999, reason: "not_found" },
      ],
    });
    // Bob's change stands, and is not overwritten.
    expect([(await row(b)).status, (await row(b)).priority]).toEqual([1, 4]);
    expect((await row(a)).status).toBe(4);
  });

  it("refuses a requester, even for their own tickets, and changes nothing", async () => {
    const n = await open();
    const t = await target(n);
    expect(await bulkUpdateTickets(rita, [t], { status: "Closed" })).toMatchObject({ kind: "refused", field: "tickets" });
    expect((await row(n)).version).toBe(t.version);
  });

  it(`refuses more than ${BULK_MAX} tickets, and an empty change`, async () => {
    const n = await open();
    const many = Array.from({ length: BULK_MAX + 1 }, (_, i) => ({ number: n + i, version: 1 }));
    expect(await bulkUpdateTickets(ada, many, { status: "Closed" })).toMatchObject({ kind: "refused", field: "tickets" });
    expect(await bulkUpdateTickets(ada, [await target(n)], {})).toMatchObject({ kind: "refused", field: "changes" });
    expect((await row(n)).status).toBe(1);
  });

  it("refuses an assignee who may not be given tickets, and rolls every ticket back", async () => {
    const ns = [await open(), await open()];
    const drawn = await targets(ns);
    const r = await bulkUpdateTickets(ada, drawn, { status: "Waiting", assigneeId: rita.id });
    expect(r).toMatchObject({ kind: "refused", field: "assigneeId" });
    for (const [i, n] of ns.entries()) expect((await row(n)).version).toBe(drawn[i].version);
  });

  it("adds a tag to each, skipping a ticket that has the most tags it may", async () => {
    const [a, full] = [await open(), await open()];
    await updateTicket(ada, full, { version: (await row(full)).version, tags: { set: Array.from({ length: 20 }, (_, i) => `t${i}`) } });
    const r = await bulkUpdateTickets(ada, await targets([a, full]), { addTag: "bulk-added" });
    expect(r).toEqual({ kind: "done", changed: [a], unchanged: [], skipped: [{ number: full, reason: "too_many_tags" }] });
    expect(await ticketTags(a)).toEqual(["bulk-added"]);
    expect(Number((await read.get<{ tickets: number }>(`SELECT "tickets" FROM "tag" WHERE "name" = 'bulk-added'`))!.tickets)).toBe(1);
  });

  it("tells a new assignee once for the whole change, listing the tickets; nobody is told of their own action", async () => {
    const ns = [await open(), await open(), await open()];
    await bulkUpdateTickets(ada, await targets(ns), { assigneeId: bob.id });
    const mails = await db.outboundMail.findMany({ where: { kind: "assigned" } });
    expect(mails.map((m) => m.toAddress)).toEqual([`${bob.id}@example.com`]);
    expect(mails[0].subject).toBe("Assigned to you: 3 tickets");
    for (const n of ns) expect(mails[0].text).toContain(`/tickets/${n}`);
    // Each ticket's history says so.
    for (const n of ns) expect((await historyOf(ada, n)).at(-1)).toMatchObject({ field: "assignee", to: bob.name });

    await db.outboundMail.deleteMany();
    await bulkUpdateTickets(ada, await targets(ns), { assigneeId: ada.id });
    expect(await db.outboundMail.count({ where: { kind: "assigned" } })).toBe(0);
  });

  it("one ticket assigned in bulk is the usual mail, in the ticket's thread", async () => {
    const n = await open();
    await bulkUpdateTickets(ann, [await target(n)], { assigneeId: `${bob.id}@example.com` });
    const mails = await db.outboundMail.findMany({ where: { kind: "assigned" } });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ ticketNumber: n, subject: `Assigned to you: [#${n}] Bulk ${seq}` });
  });

  it(`${BULK_MAX} tickets in one change`, async () => {
    const ns: number[] = [];
    for (let i = 0; i < BULK_MAX; i++) ns.push(await open(otto));
    const r = await bulkUpdateTickets(bob, await targets(ns), { status: "In progress", assigneeId: ada.id });
    expect(r).toMatchObject({ kind: "done", skipped: [] });
    expect(r.kind === "done" && r.changed.length).toBe(BULK_MAX);
    const mails = await db.outboundMail.findMany({ where: { kind: "assigned" } });
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain("and 80 more.");
  });
});
