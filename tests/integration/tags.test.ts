import { beforeAll, describe, expect, it } from "vitest";
import { models as db, read } from "@/lib/db";
import { createTicket, updateTicket } from "@/lib/tickets/commands";
import { listTimeline, type EventEntry } from "@/lib/tickets/timeline";
import { ticketTags } from "@/lib/tickets/tags";
import type { Actor, Role } from "@/lib/people/identity";

const alice: Actor = { id: "t-alice", name: "Alice Requester", role: "requester" };
const agent: Actor = { id: "t-agent", name: "Ada Agent", role: "agent" };
const admin: Actor = { id: "t-admin", name: "Ann Admin", role: "admin" };

beforeAll(async () => {
  for (const u of [alice, agent, admin]) {
    await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role as Role } });
  }
});

let seq = 0;
const newTicket = async () => (await createTicket(alice, { title: `Tagged ${++seq}`, description: "Body", priority: "Medium" })).number;
const version = async (n: number) => (await db.ticket.findUniqueOrThrow({ where: { number: n } })).version;
const events = async (actor: Actor, n: number) =>
  (await listTimeline(actor, n)).entries.filter((e): e is EventEntry => e.type === "event");
const counts = async () =>
  Object.fromEntries((await read.all<{ name: string; tickets: number }>(`SELECT "name", "tickets" FROM "tag" ORDER BY "name"`)).map((r) => [r.name, Number(r.tickets)]));

describe("tags through updateTicket", () => {
  it("sets, adds and removes tags, with one history entry each time and counts that follow", async () => {
    const n = await newTicket();
    const m = await newTicket();
    expect(await updateTicket(agent, n, { version: await version(n), tags: { set: ["billing", "vip"] } })).toEqual({
      kind: "updated",
      changes: [{ field: "tags", from: "", to: "billing, vip" }],
    });
    expect(await updateTicket(admin, m, { version: await version(m), tags: { add: ["billing"] } })).toMatchObject({ kind: "updated" });
    expect(await ticketTags(n)).toEqual(["billing", "vip"]);
    expect(await counts()).toMatchObject({ billing: 2, vip: 1 });

    // Adding what is there already changes nothing, and writes nothing.
    const v = await version(m);
    expect(await updateTicket(agent, m, { version: v, tags: { add: ["billing"] } })).toEqual({ kind: "unchanged" });
    expect(await version(m)).toBe(v);

    expect(await updateTicket(agent, n, { version: await version(n), tags: { set: ["vip", "refund"] } })).toEqual({
      kind: "updated",
      changes: [{ field: "tags", from: "billing, vip", to: "refund, vip" }],
    });
    expect(await counts()).toMatchObject({ billing: 1, vip: 1, refund: 1 });
    const history = (await events(agent, n)).filter((a) => a.field === "tags");
    expect(history.map((a) => [a.from, a.to])).toEqual([["", "billing, vip"], ["billing, vip", "refund, vip"]]);
  });

  it("a requester's history has no trace of tags, and a requester may not set them", async () => {
    const n = await newTicket();
    await updateTicket(agent, n, { version: await version(n), tags: { set: ["secret-tag"] } });
    expect((await events(alice, n)).map((a) => a.field)).toEqual(["created"]);
    expect((await events(agent, n)).map((a) => a.field)).toEqual(["created", "tags"]);
    const v = await version(n);
    expect(await updateTicket(alice, n, { version: v, tags: { set: [] } })).toMatchObject({ kind: "forbidden", field: "tags" });
    expect(await ticketTags(n)).toEqual(["secret-tag"]);
    expect(await version(n)).toBe(v);
  });

  it("a conflict names the tags changed since the form was drawn, and changes nothing", async () => {
    const n = await newTicket();
    const v = await version(n);
    await updateTicket(agent, n, { version: v, tags: { set: ["first"] } });
    const r = await updateTicket(admin, n, { version: v, tags: { set: ["second"] }, seen: { tags: "" } });
    expect(r).toEqual({ kind: "conflict", changes: [{ field: "tags", from: "", to: "first" }] });
    expect(await ticketTags(n)).toEqual(["first"]);
  });

  it("more than a ticket may carry is refused and changes nothing", async () => {
    const n = await newTicket();
    await updateTicket(agent, n, { version: await version(n), tags: { set: Array.from({ length: 20 }, (_, i) => `many-${i}`) } });
    const v = await version(n);
    expect(await updateTicket(agent, n, { version: v, tags: { add: ["one-more"] } })).toMatchObject({ kind: "invalid", field: "tags" });
    expect(await ticketTags(n)).toHaveLength(20);
    expect(await version(n)).toBe(v);
    expect(await read.get(`SELECT 1 AS "x" FROM "tag" WHERE "name" = 'one-more'`)).toBeUndefined();
  });

  it("status, priority and assignee stay as they are when only tags change", async () => {
    const n = await newTicket();
    const before = await db.ticket.findUniqueOrThrow({ where: { number: n } });
    await updateTicket(agent, n, { version: before.version, tags: { set: ["x"] } });
    const after = await db.ticket.findUniqueOrThrow({ where: { number: n } });
    expect([after.status, after.priority, after.assigneeId, after.version]).toEqual([before.status, before.priority, before.assigneeId, before.version + 1]);
  });
});
