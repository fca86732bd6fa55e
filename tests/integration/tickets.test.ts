import { beforeAll, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import { onPostgres } from "../dialect";
import { createTicket, updateTicket, type TicketChanges } from "@/lib/tickets/commands";
import { getTicket, getTicketRow } from "@/lib/tickets/reads";
import { listTimeline } from "@/lib/tickets/timeline";
import type { Actor, Role } from "@/lib/people/identity";
import type { Priority } from "@/lib/tickets/schema";

const alice: Actor = { id: "alice", name: "Alice Requester", role: "requester" };
const bob: Actor = { id: "bob", name: "Bob Requester", role: "requester" };
const agent: Actor = { id: "agent", name: "Ada Agent", role: "agent" };
const agent2: Actor = { id: "agent2", name: "Abe Agent", role: "agent" };
const admin: Actor = { id: "admin", name: "Ann Admin", role: "admin" };

beforeAll(async () => {
  for (const u of [alice, bob, agent, agent2, admin]) {
    await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role as Role } });
  }
});

let seq = 0;
async function newTicket(by: Actor = alice, priority: Priority = "Medium") {
  seq++;
  const { number } = await createTicket(by, { title: `Ticket ${seq}`, description: `Body ${seq}`, priority });
  return number;
}

const row = (number: number) => db.ticket.findUniqueOrThrow({ where: { number } });
const activityOf = (number: number) =>
  db.activity.findMany({ where: { ticketNumber: number }, orderBy: { id: "asc" } });

/** Everything about a ticket that a refused update must leave alone. */
async function snapshot(number: number) {
  return { ticket: await row(number), activity: await activityOf(number) };
}

/** The ticket, with its history as the page's timeline shows it (lib/tickets/timeline.ts). */
async function load(actor: Actor, number: number) {
  const t = await getTicket(actor, number);
  if (!t) throw new Error(`ticket ${number} not visible to ${actor.id}`);
  const page = await listTimeline(actor, number);
  return { ...t, activity: page.entries.flatMap((e) => (e.type === "event" ? [{ ...e, at: e.createdAt }] : [])) };
}

describe("createTicket", () => {
  it("stores the ticket as Open, owned by the actor, with a 'created' activity entry", async () => {
    const before = Date.now();
    const { number } = await createTicket(alice, {
      title: "Printer on fire",
      description: "Line one\nline two <b>not bold</b>",
      priority: "Urgent",
    });
    const t = await load(alice, number);
    expect(t).toMatchObject({
      number,
      title: "Printer on fire",
      description: "Line one\nline two <b>not bold</b>",
      status: "Open",
      priority: "Urgent",
      requester: { id: "alice", name: "Alice Requester" },
      assignee: null,
      resolvedAt: null,
      version: 1,
    });
    expect(t.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(t.updatedAt.getTime()).toBe(t.createdAt.getTime());
    expect(t.activity).toHaveLength(1);
    expect(t.activity[0]).toMatchObject({ field: "created", actor: "Alice Requester", from: null, to: null });
  });

  it("numbers are unique and increasing, for every role", async () => {
    const numbers: number[] = [];
    for (const a of [alice, bob, agent, admin, alice]) numbers.push((await newTicket(a)).valueOf());
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBeGreaterThan(numbers[i - 1]);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it("numbers are never reused after a delete", async () => {
    const n = await newTicket();
    await db.ticket.delete({ where: { number: n } });
    const next = await newTicket();
    expect(next).toBeGreaterThan(n);
  });

  it("concurrent creates all get distinct numbers", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createTicket(bob, { title: `Concurrent ${i}`, description: "x", priority: "Low" }),
      ),
    );
    expect(new Set(results.map((r) => r.number)).size).toBe(10);
  });
});

describe("getTicket visibility", () => {
  it("a requester sees their own ticket", async () => {
    const n = await newTicket(alice);
    expect((await getTicket(alice, n))?.number).toBe(n);
  });

  it("a requester gets null for someone else's ticket, exactly as for a missing one", async () => {
    const n = await newTicket(bob);
    const others = await getTicket(alice, n);
    const missing = await getTicket(alice, 987_654_321);
    expect(others).toBeNull();
    expect(missing).toBeNull();
    expect(others).toStrictEqual(missing);
    expect(await getTicketRow(alice, n)).toBeNull();
    expect(await getTicketRow(alice, 987_654_321)).toBeNull();
  });

  it("agents and admins see every ticket", async () => {
    const n = await newTicket(bob);
    expect((await getTicket(agent, n))?.number).toBe(n);
    expect((await getTicket(admin, n))?.number).toBe(n);
  });

  it("missing numbers are null for everyone", async () => {
    for (const a of [alice, agent, admin]) {
      expect(await getTicket(a, 0)).toBeNull();
      expect(await getTicket(a, -1)).toBeNull();
      expect(await getTicket(a, Number.MAX_SAFE_INTEGER)).toBeNull();
    }
  });
});

describe("updateTicket", () => {
  it("writes one activity entry per changed field, with names, and bumps the version", async () => {
    const n = await newTicket(alice, "Low");
    const before = await row(n);
    const r = await updateTicket(agent, n, {
      status: "In progress",
      priority: "High",
      assigneeId: agent2.id,
      version: 1,
    });
    expect(r).toEqual({
      kind: "updated",
      changes: [
        { field: "status", from: "Open", to: "In progress" },
        { field: "priority", from: "Low", to: "High" },
        { field: "assignee", from: "Unassigned", to: "Abe Agent" },
      ],
    });
    const t = await load(agent, n);
    expect(t).toMatchObject({ status: "In progress", priority: "High", assignee: { id: "agent2" }, version: 2 });
    expect(t.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    const entries = t.activity.filter((a) => a.field !== "created");
    expect(entries.map(({ field, from, to, actor }) => ({ field, from, to, actor }))).toEqual([
      { field: "status", from: "Open", to: "In progress", actor: "Ada Agent" },
      { field: "priority", from: "Low", to: "High", actor: "Ada Agent" },
      { field: "assignee", from: "Unassigned", to: "Abe Agent", actor: "Ada Agent" },
    ]);
    // One change, one timestamp shared by the row and its history.
    const stored = await activityOf(n);
    const changeTimes = new Set(stored.filter((a) => a.field !== "created").map((a) => a.createdAt.getTime()));
    expect([...changeTimes]).toEqual([t.updatedAt.getTime()]);
  });

  it("a single changed field writes a single entry", async () => {
    const n = await newTicket();
    const r = await updateTicket(agent, n, { status: "Open", priority: "Urgent", version: 1 });
    expect(r).toEqual({ kind: "updated", changes: [{ field: "priority", from: "Medium", to: "Urgent" }] });
    const entries = (await activityOf(n)).filter((a) => a.field !== "created");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ field: "priority", fromValue: "Medium", toValue: "Urgent", actorId: "agent" });
  });

  it("the change and its history are one transaction: if the history cannot be written, nothing changes", async () => {
    const n = await newTicket();
    const before = await snapshot(n);
    // An agent whose user row does not exist: the activity insert breaks its foreign key.
    const ghost: Actor = { id: "ghost-agent", name: "Ghost", role: "agent" };
    await expect(updateTicket(ghost, n, { status: "Waiting", version: 1 })).rejects.toThrow();
    expect(await snapshot(n)).toEqual(before);
  });

  it("resolvedAt: set on Resolved, kept Resolved → Closed, cleared on reopening", async () => {
    const n = await newTicket();
    expect((await row(n)).resolvedAt).toBeNull();

    await updateTicket(agent, n, { status: "Resolved", version: 1 });
    const resolved = await row(n);
    expect(resolved.resolvedAt).toBeInstanceOf(Date);
    expect(resolved.resolvedAt!.getTime()).toBe(resolved.updatedAt.getTime());

    await new Promise((r) => setTimeout(r, 5));
    await updateTicket(agent, n, { status: "Closed", version: 2 });
    const closed = await row(n);
    expect(closed.resolvedAt).toEqual(resolved.resolvedAt);
    expect(closed.updatedAt.getTime()).toBeGreaterThan(resolved.updatedAt.getTime());

    await updateTicket(agent, n, { status: "Open", version: 3 });
    expect((await row(n)).resolvedAt).toBeNull();
    expect((await row(n)).version).toBe(4);
  });

  it("resolvedAt: set when going straight to Closed, cleared on any not-done status", async () => {
    const n = await newTicket();
    await updateTicket(agent, n, { status: "Closed", version: 1 });
    expect((await row(n)).resolvedAt).toBeInstanceOf(Date);
    await updateTicket(agent, n, { status: "Waiting", version: 2 });
    expect((await row(n)).resolvedAt).toBeNull();
    await updateTicket(agent, n, { status: "Resolved", version: 3 });
    expect((await row(n)).resolvedAt).toBeInstanceOf(Date);
    await updateTicket(agent, n, { status: "In progress", version: 4 });
    expect((await row(n)).resolvedAt).toBeNull();
  });

  it("resolvedAt is kept when a done ticket changes only priority or assignee", async () => {
    const n = await newTicket();
    await updateTicket(agent, n, { status: "Resolved", version: 1 });
    const at = (await row(n)).resolvedAt;
    await updateTicket(agent, n, { status: "Resolved", priority: "High", assigneeId: agent.id, version: 2 });
    expect((await row(n)).resolvedAt).toEqual(at);
  });

  it("a stale version is a conflict that says what changed, and changes nothing", async () => {
    const n = await newTicket(alice, "Medium");
    const seen = { status: "Open", priority: "Medium", assigneeId: "", assigneeName: "" } as const;
    // Agent 1 saves first.
    const first = await updateTicket(agent, n, { status: "Waiting", priority: "High", assigneeId: agent.id, version: 1, seen });
    expect(first.kind).toBe("updated");
    const before = await snapshot(n);

    // Agent 2 saves from the same starting version.
    const second = await updateTicket(agent2, n, {
      status: "Resolved",
      priority: "Low",
      assigneeId: agent2.id,
      version: 1,
      seen,
    });
    expect(second.kind).toBe("conflict");
    if (second.kind !== "conflict") return;
    expect(second.changes).toEqual([
      { field: "status", from: "Open", to: "Waiting" },
      { field: "priority", from: "Medium", to: "High" },
      { field: "assignee", from: "", to: "Ada Agent" },
    ]);
    expect(await snapshot(n)).toEqual(before);
  });

  it("a conflict where nothing visible changed still refuses the save", async () => {
    const n = await newTicket();
    await updateTicket(agent, n, { status: "Waiting", version: 1 });
    await updateTicket(agent, n, { status: "Open", version: 2 });
    const before = await snapshot(n);
    const r = await updateTicket(agent2, n, {
      status: "Closed",
      version: 1,
      seen: { status: "Open", priority: "Medium", assigneeId: "", assigneeName: "" },
    });
    expect(r).toEqual({ kind: "conflict", changes: [] });
    expect(await snapshot(n)).toEqual(before);
  });

  it("a version from the future is a conflict too", async () => {
    const n = await newTicket();
    const before = await snapshot(n);
    expect((await updateTicket(agent, n, { status: "Closed", version: 99 })).kind).toBe("conflict");
    expect(await snapshot(n)).toEqual(before);
  });

  it("concurrent saves from the same version: exactly one wins", async () => {
    const n = await newTicket();
    const results = await Promise.all(
      [agent, agent2, admin].map((a, i) =>
        updateTicket(a, n, { status: (["Waiting", "Resolved", "Closed"] as const)[i], version: 1 }),
      ),
    );
    expect(results.filter((r) => r.kind === "updated")).toHaveLength(1);
    expect(results.filter((r) => r.kind === "conflict")).toHaveLength(2);
    expect((await row(n)).version).toBe(2);
    expect((await activityOf(n)).filter((a) => a.field === "status")).toHaveLength(1);
  });

  describe("a requester", () => {
    const forged: [string, (status: "Open") => TicketChanges, string][] = [
      ["status In progress", () => ({ status: "In progress", version: 1 }), "status"],
      ["status Waiting", () => ({ status: "Waiting", version: 1 }), "status"],
      ["status Resolved", () => ({ status: "Resolved", version: 1 }), "status"],
      ["priority", (s) => ({ status: s, priority: "Urgent", version: 1 }), "priority"],
      ["assignee (to an agent)", (s) => ({ status: s, assigneeId: agent.id, version: 1 }), "assigneeId"],
      ["assignee (to themselves)", (s) => ({ status: s, assigneeId: alice.id, version: 1 }), "assigneeId"],
      ["close + priority", () => ({ status: "Closed", priority: "Urgent", version: 1 }), "priority"],
    ];
    it.each(forged)("forging %s on their own ticket is forbidden and changes nothing", async (_, changes, field) => {
      const n = await newTicket(alice);
      const before = await snapshot(n);
      const r = await updateTicket(alice, n, changes("Open"));
      expect(r).toMatchObject({ kind: "forbidden", field });
      expect(await snapshot(n)).toEqual(before);
    });

    it("may not unassign their own ticket", async () => {
      const n = await newTicket(alice);
      await updateTicket(agent, n, { status: "Open", assigneeId: agent.id, version: 1 });
      const before = await snapshot(n);
      const r = await updateTicket(alice, n, { status: "Open", assigneeId: null, version: 2 });
      expect(r).toMatchObject({ kind: "forbidden", field: "assigneeId" });
      expect(await snapshot(n)).toEqual(before);
    });

    it("may close their own ticket and reopen it", async () => {
      const n = await newTicket(alice);
      expect(await updateTicket(alice, n, { status: "Closed", version: 1 })).toEqual({
        kind: "updated",
        changes: [{ field: "status", from: "Open", to: "Closed" }],
      });
      expect((await row(n)).resolvedAt).toBeInstanceOf(Date);
      expect((await updateTicket(alice, n, { status: "Open", version: 2 })).kind).toBe("updated");
      expect((await row(n)).resolvedAt).toBeNull();
    });

    it("may reopen a Resolved ticket, and may not reopen one still in progress", async () => {
      const n = await newTicket(alice);
      await updateTicket(agent, n, { status: "Resolved", version: 1 });
      expect((await updateTicket(alice, n, { status: "Open", version: 2 })).kind).toBe("updated");
      await updateTicket(agent, n, { status: "In progress", version: 3 });
      const before = await snapshot(n);
      expect(await updateTicket(alice, n, { status: "Open", version: 4 })).toMatchObject({ kind: "forbidden", field: "status" });
      expect(await snapshot(n)).toEqual(before);
    });

    it("passing the current values is 'unchanged', even where they may not change them", async () => {
      const n = await newTicket(alice, "High");
      const before = await snapshot(n);
      expect(await updateTicket(alice, n, { status: "Open", priority: "High", assigneeId: null, version: 1 })).toEqual({
        kind: "unchanged",
      });
      expect(await snapshot(n)).toEqual(before);
    });

    it("gets not_found for someone else's ticket, and nothing changes", async () => {
      const n = await newTicket(bob);
      const before = await snapshot(n);
      expect(await updateTicket(alice, n, { status: "Closed", version: 1 })).toEqual({ kind: "not_found" });
      expect(await snapshot(n)).toEqual(before);
    });
  });

  it("not_found for a missing ticket", async () => {
    expect(await updateTicket(agent, 999_999_999, { status: "Closed", version: 1 })).toEqual({ kind: "not_found" });
  });

  describe("assignee", () => {
    it("must be an agent or an admin", async () => {
      const n = await newTicket();
      const before = await snapshot(n);
      for (const assigneeId of [bob.id, alice.id, "no-such-user", ""]) {
        const r = await updateTicket(agent, n, { status: "Open", assigneeId, version: 1 });
        expect(r, assigneeId).toMatchObject({ kind: "invalid", field: "assigneeId" });
      }
      expect(await snapshot(n)).toEqual(before);
    });

    it("may be an admin, and unassigning records the name it had", async () => {
      const n = await newTicket();
      expect(await updateTicket(agent, n, { status: "Open", assigneeId: admin.id, version: 1 })).toEqual({
        kind: "updated",
        changes: [{ field: "assignee", from: "Unassigned", to: "Ann Admin" }],
      });
      expect(await updateTicket(agent, n, { status: "Open", assigneeId: null, version: 2 })).toEqual({
        kind: "updated",
        changes: [{ field: "assignee", from: "Ann Admin", to: "Unassigned" }],
      });
      expect((await row(n)).assigneeId).toBeNull();
    });

    it("undefined leaves the assignee as it is", async () => {
      const n = await newTicket();
      await updateTicket(agent, n, { status: "Open", assigneeId: agent.id, version: 1 });
      await updateTicket(agent, n, { status: "Waiting", version: 2 });
      expect((await row(n)).assigneeId).toBe(agent.id);
    });

    it("an assignee who is later demoted may stay, but may not be newly assigned", async () => {
      const n = await newTicket();
      await db.user.create({ data: { id: "temp-agent", name: "Temp", email: "temp@example.com", role: "agent" } });
      await updateTicket(agent, n, { status: "Open", assigneeId: "temp-agent", version: 1 });
      await db.user.update({ where: { id: "temp-agent" }, data: { role: "requester" } });
      // Saving other fields keeps them.
      expect((await updateTicket(agent, n, { status: "Waiting", assigneeId: "temp-agent", version: 2 })).kind).toBe("updated");
      const m = await newTicket();
      expect((await updateTicket(agent, m, { status: "Open", assigneeId: "temp-agent", version: 1 })).kind).toBe("invalid");
    });
  });

  it("saving what is already there is 'unchanged': no version bump, no history", async () => {
    const n = await newTicket(alice, "High");
    await updateTicket(agent, n, { status: "Waiting", assigneeId: agent.id, version: 1 });
    const before = await snapshot(n);
    const r = await updateTicket(agent, n, { status: "Waiting", priority: "High", assigneeId: agent.id, version: 2 });
    expect(r).toEqual({ kind: "unchanged" });
    expect(await snapshot(n)).toEqual(before);
  });

  it("the version increments by one with every save", async () => {
    const n = await newTicket();
    const statuses = ["In progress", "Waiting", "Resolved", "Closed", "Open"] as const;
    for (let i = 0; i < statuses.length; i++) {
      expect((await updateTicket(agent, n, { status: statuses[i], version: i + 1 })).kind).toBe("updated");
      expect((await row(n)).version).toBe(i + 2);
    }
  });
});

describe("timestamps written by hand-written SQL", () => {
  // SQLite stores a DateTime as text, and text in another format would sort apart; PostgreSQL's
  // column is a timestamp whatever wrote it.
  it.skipIf(onPostgres)("are stored exactly as Prisma stores a DateTime, so that both sort together", async () => {
    // Someone with no ticket yet: alice has had more acknowledgements this hour than are sent.
    const cleo: Actor = { id: "cleo", name: "Cleo Requester", role: "requester" };
    await db.user.create({ data: { id: cleo.id, name: cleo.name, email: "cleo@example.com", role: "requester" } });
    const before = Date.now();
    const number = await newTicket(cleo);
    // A timestamp Prisma itself writes: the activity of an update.
    await updateTicket(agent, number, { status: "In progress", version: 1 });
    const stored = await db.$queryRaw<{ kind: string; at: string }[]>`
      SELECT 'ticket' AS "kind", "createdAt" || '' AS "at" FROM "ticket" WHERE "number" = ${number}
      UNION ALL SELECT 'activity ' || "field", "createdAt" || '' FROM "activity" WHERE "ticketNumber" = ${number}
      UNION ALL SELECT 'mail', "createdAt" || '' FROM "outbound_mail" WHERE "ticketNumber" = ${number}`;
    const format = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;
    expect(stored.map((s) => s.kind)).toEqual(expect.arrayContaining(["ticket", "activity created", "activity status", "mail"]));
    for (const s of stored) expect(s.at, s.kind).toMatch(format);
    const t = await row(number);
    expect(t.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(t.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    const [created] = await activityOf(number);
    expect(created).toMatchObject({ field: "created", actorId: cleo.id, fromValue: null, toValue: null });
    expect(created.createdAt.getTime()).toBe(t.createdAt.getTime());
  });
});

describe("ticketVisible (the proxy's 404 question)", () => {
  it("answers as getTicketRow does, for every role, own and others' tickets and missing ones", async () => {
    const { ticketVisible } = await import("@/lib/tickets/reads");
    const mine = await newTicket(alice);
    const theirs = await newTicket(bob);
    for (const actor of [alice, bob, agent, admin]) {
      for (const number of [mine, theirs, 999_999_999]) {
        expect(await ticketVisible(actor, number), `${actor.id} #${number}`).toBe((await getTicketRow(actor, number)) !== null);
      }
    }
    expect(await ticketVisible(alice, mine)).toBe(true);
    expect(await ticketVisible(alice, theirs)).toBe(false);
    expect(await ticketVisible(agent, theirs)).toBe(true);
    await expect(ticketVisible(alice, { gt: 0 } as unknown as number)).rejects.toThrow();
  });
});
