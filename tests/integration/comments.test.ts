import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { onPostgres } from "../dialect";
import { createTicket } from "@/lib/tickets/commands";
import { addComment, listComments } from "@/lib/tickets/comments";
import { parseListParams } from "@/lib/tickets/list-params";
import { countTickets, listTickets } from "@/lib/tickets/queries";
import type { Actor } from "@/lib/tickets/permissions";

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const carl: Actor = { id: "carl", name: "Carl", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };
const ann: Actor = { id: "ann", name: "Ann", role: "admin" };

beforeAll(async () => {
  for (const u of [rita, carl, ada, ann]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
});

const ticket = async (by: Actor, title = "Scanner jams", description = "Paper gets stuck.") =>
  (await createTicket(by, { title, description, priority: "Medium" })).number;
const search = (actor: Actor, q: string) => listTickets(actor, parseListParams({ q }));

describe("addComment", () => {
  it("a requester comments on their own ticket; others' tickets do not exist for them", async () => {
    const own = await ticket(rita);
    const others = await ticket(carl);
    expect(await addComment(rita, own, { body: "Still broken.", internal: false })).toMatchObject({ kind: "added" });
    expect(await addComment(rita, others, { body: "Me too", internal: false })).toEqual({ kind: "not_found" });
    expect(await addComment(rita, 999_999, { body: "x", internal: false })).toEqual({ kind: "not_found" });
    expect(await db.comment.count({ where: { ticketNumber: others } })).toBe(0);
  });

  it("a requester may not write an internal note; staff may, on any ticket", async () => {
    const n = await ticket(rita);
    expect(await addComment(rita, n, { body: "secret", internal: true })).toMatchObject({ kind: "forbidden" });
    expect(await db.comment.count({ where: { ticketNumber: n } })).toBe(0);
    expect(await addComment(ada, n, { body: "Agent note", internal: true })).toMatchObject({ kind: "added" });
    expect(await addComment(ann, n, { body: "Admin reply", internal: false })).toMatchObject({ kind: "added" });
  });

  it("marks the ticket as updated", async () => {
    const n = await ticket(rita);
    const before = (await db.ticket.findUniqueOrThrow({ where: { number: n } })).updatedAt;
    await new Promise((r) => setTimeout(r, 5));
    await addComment(ada, n, { body: "Looking", internal: false });
    const after = (await db.ticket.findUniqueOrThrow({ where: { number: n } })).updatedAt;
    expect(after.getTime()).toBeGreaterThan(before.getTime());
  });
});

describe("internal notes", () => {
  it("change nothing a requester can observe: not updatedAt, not the list's order, not search", async () => {
    const older = await ticket(rita, "Older ticket");
    const newer = await ticket(rita, "Newer ticket");
    const before = await db.ticket.findUniqueOrThrow({ where: { number: older } });
    await new Promise((r) => setTimeout(r, 5));
    await addComment(ada, older, { body: "zanzibarian internal detail", internal: true });
    const after = await db.ticket.findUniqueOrThrow({ where: { number: older } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(after.version).toBe(before.version);
    const mine = (await listTickets(rita, parseListParams({}))).rows.map((r) => r.number);
    expect(mine.indexOf(newer)).toBeLessThan(mine.indexOf(older));
    expect((await search(rita, "zanzibarian")).total).toBe(0);
    expect((await search(ada, "zanzibarian")).total).toBe(0);
  });
});

describe("commands take only ticket numbers", () => {
  it("a Prisma filter, a string or a float in place of the number throws before anything is written", async () => {
    const n = await ticket(rita);
    const counts = async () => [await db.comment.count(), await db.ticket.count()];
    const before = await counts();
    for (const forged of [{ gt: 0 }, "1", 1.5, -1, 0, Number.NaN, 2 ** 60]) {
      await expect(addComment(ada, forged as unknown as number, { body: "x", internal: false })).rejects.toThrow(TypeError);
    }
    expect(await counts()).toEqual(before);
    expect((await listComments(ada, { gt: 0 } as unknown as number))).toEqual([]);
    expect(n).toBeGreaterThan(0);
  });
});

describe("listComments", () => {
  it("requesters never see internal notes; staff see everything, in order", async () => {
    const n = await ticket(rita);
    await addComment(rita, n, { body: "first", internal: false });
    await addComment(ada, n, { body: "internal only", internal: true });
    await addComment(ada, n, { body: "reply", internal: false });
    expect((await listComments(rita, n)).map((c) => c.body)).toEqual(["first", "reply"]);
    expect((await listComments(ada, n)).map((c) => [c.body, c.internal])).toEqual([
      ["first", false],
      ["internal only", true],
      ["reply", false],
    ]);
    expect(await listComments(carl, n)).toEqual([]);
  });
});

describe("search through comments", () => {
  it("finds a ticket by a public comment's words, once, for those who may see it", async () => {
    const n = await ticket(rita, "Chair broken", "Wheel fell off.");
    await addComment(ada, n, { body: "Ordered a replacement hydraulicpiston today.", internal: false });
    await addComment(rita, n, { body: "Thanks, the hydraulicpiston arrived.", internal: false });
    for (const actor of [rita, ada]) {
      const page = await search(actor, "hydraulicpist");
      expect(page.rows.map((r) => r.number), actor.id).toEqual([n]);
      expect(await countTickets(actor, parseListParams({ q: "hydraulicpist" }))).toBe(1);
    }
    expect((await search(carl, "hydraulicpiston")).total).toBe(0);
  });

  it("never matches words that only an internal note contains, for anyone", async () => {
    const n = await ticket(rita, "Badge reader", "Door does not open.");
    await addComment(ada, n, { body: "Internal: vendor contract zyxwvutsecret expires", internal: true });
    for (const actor of [rita, ada, ann]) expect((await search(actor, "zyxwvutsecret")).total, actor.id).toBe(0);
  });

  it("a ticket matching by title and by comments is one result", async () => {
    const n = await ticket(rita, "Projector quirkyword", "Blank screen.");
    await addComment(ada, n, { body: "quirkyword again", internal: false });
    await addComment(rita, n, { body: "quirkyword!", internal: false });
    const page = await search(ada, "quirkyword");
    expect(page.rows.map((r) => r.number)).toEqual([n]);
    expect(page.total).toBe(1);
  });

  it("deleting a ticket removes its comments from the index", async () => {
    const n = await ticket(rita, "Temporary", "Temporary.");
    await addComment(ada, n, { body: "ephemeralword", internal: false });
    expect((await search(ada, "ephemeralword")).total).toBe(1);
    await db.ticket.delete({ where: { number: n } });
    expect((await search(ada, "ephemeralword")).total).toBe(0);
    // The index itself, not only the list: SQLite's FTS5 table, or PostgreSQL's tsvector rows.
    const [left] = await db.$queryRawUnsafe<{ n: bigint }[]>(
      onPostgres
        ? `SELECT count(*) AS n FROM "search_index" WHERE "document" @@ to_tsquery('simple', 'ephemeralword')`
        : `SELECT count(*) AS n FROM "search_index" WHERE "search_index" MATCH '"ephemeralword"'`,
    );
    expect(Number(left.n)).toBe(0);
  });
});
