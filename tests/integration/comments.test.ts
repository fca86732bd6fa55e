import { beforeAll, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import { onPostgres } from "../dialect";
import { createTicket } from "@/lib/tickets/commands";
import { addComment, listComments } from "@/lib/tickets/comments";
import { parseListParams } from "@/lib/tickets/list-params";
import { countTickets, listTickets } from "@/lib/tickets/list";
import type { Actor } from "@/lib/people/identity";
import { COMMENTS_PAGE, COMMENTS_PAGE_CHARS } from "@/lib/limits";

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
    expect((await listComments(ada, { gt: 0 } as unknown as number)).comments).toEqual([]);
    expect(n).toBeGreaterThan(0);
  });
});

describe("listComments", () => {
  it("requesters never see internal notes; staff see everything, in order", async () => {
    const n = await ticket(rita);
    await addComment(rita, n, { body: "first", internal: false });
    await addComment(ada, n, { body: "internal only", internal: true });
    await addComment(ada, n, { body: "reply", internal: false });
    expect((await listComments(rita, n)).comments.map((c) => c.body)).toEqual(["first", "reply"]);
    expect((await listComments(ada, n)).comments.map((c) => [c.body, c.internal])).toEqual([
      ["first", false],
      ["internal only", true],
      ["reply", false],
    ]);
    expect((await listComments(carl, n)).comments).toEqual([]);
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

describe("the conversation, a page at a time", () => {
  const P = COMMENTS_PAGE;
  /** Comments written straight into the table (no limit, no mail): `internal` marks which are notes. */
  async function seed(n: number, count: number, opts: { body?: (i: number) => string; internal?: (i: number) => boolean } = {}) {
    const at = Date.now() - count * 1000;
    await db.comment.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        ticketNumber: n,
        authorId: opts.internal?.(i) ? ada.id : rita.id,
        body: opts.body?.(i) ?? `comment ${i}`,
        internal: opts.internal?.(i) ?? false,
        createdAt: new Date(at + i * 1000),
      })),
    });
    return (await db.comment.findMany({ where: { ticketNumber: n }, orderBy: { id: "asc" }, select: { id: true } })).map((c) => c.id);
  }
  const bodies = (p: { comments: { body: string }[] }) => p.comments.map((c) => c.body);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `comment ${from + i}`);

  it(`shows the latest ${COMMENTS_PAGE}, with the way to earlier ones and back, by comment id`, async () => {
    const n = await ticket(rita);
    const total = 2 * P + 20;
    const ids = await seed(n, total);
    const latest = await listComments(ada, n);
    expect(bodies(latest)).toEqual(range(P + 20, total));
    expect(latest.later).toBeNull();
    expect(latest.earlier).toBe(ids[P + 20]);

    const earlier = await listComments(ada, n, { kind: "before", id: latest.earlier! });
    expect(bodies(earlier)).toEqual(range(20, P + 20));
    expect([earlier.earlier, earlier.later]).toEqual([ids[20], ids[P + 19]]);

    const first = await listComments(ada, n, { kind: "before", id: earlier.earlier! });
    expect(bodies(first)).toEqual(range(0, 20));
    expect([first.earlier, first.later]).toEqual([null, ids[19]]);

    const back = await listComments(ada, n, { kind: "after", id: first.later! });
    expect(bodies(back)).toEqual(range(20, P + 20));
    expect([back.earlier, back.later]).toEqual([ids[20], ids[P + 19]]);
    const end = await listComments(ada, n, { kind: "after", id: back.later! });
    expect(bodies(end)).toEqual(range(P + 20, total));
    expect([end.earlier, end.later]).toEqual([ids[P + 20], null]);
  });

  it("a short conversation is one page with no links", async () => {
    const n = await ticket(rita);
    await seed(n, 10);
    expect(await listComments(rita, n)).toMatchObject({ earlier: null, later: null });
    expect(bodies(await listComments(rita, n))).toEqual(range(0, 10));
  });

  it(`a page holds at most ${COMMENTS_PAGE_CHARS} characters of comments (and always one comment)`, async () => {
    const n = await ticket(rita);
    const perPage = Math.floor(COMMENTS_PAGE_CHARS / 20_000);
    const ids = await seed(n, 3 * perPage + 1, { body: (i) => `${i}`.padEnd(20_000, ".") });
    const latest = await listComments(ada, n);
    expect(latest.comments.map((c) => c.id)).toEqual(ids.slice(-perPage));
    expect(latest.earlier).toBe(ids[ids.length - perPage]);
    const earlier = await listComments(ada, n, { kind: "before", id: latest.earlier! });
    expect(earlier.comments.map((c) => c.id)).toEqual(ids.slice(-2 * perPage, -perPage));
    // One comment longer than the budget on its own is still shown.
    const huge = await ticket(rita);
    await seed(huge, 1, { body: () => "x".repeat(COMMENTS_PAGE_CHARS + 1) });
    expect((await listComments(ada, huge)).comments).toHaveLength(1);
  });

  it("a position that finds nothing shows the latest page", async () => {
    const n = await ticket(rita);
    const ids = await seed(n, P + 10);
    const latest = bodies(await listComments(ada, n));
    for (const position of [
      { kind: "before", id: ids[0] },
      { kind: "before", id: 1 },
      { kind: "after", id: ids[ids.length - 1] },
      { kind: "after", id: 2_147_483_647 },
    ] as const) {
      expect(bodies(await listComments(ada, n, position)), JSON.stringify(position)).toEqual(latest);
    }
    // An id from another ticket is only a place in the order.
    const other = await ticket(carl);
    const [foreign] = await seed(other, 1);
    expect(bodies(await listComments(ada, n, { kind: "before", id: foreign }))).toEqual(latest);
  });

  it("a requester pages through the public comments only: internal notes leave no trace in a page or its links", async () => {
    const n = await ticket(rita);
    // Every third comment an internal note: 2 public for each note, P + 10 public or more.
    const total = 3 * Math.ceil((P + 10) / 2);
    const ids = await seed(n, total, { internal: (i) => i % 3 === 2, body: (i) => (i % 3 === 2 ? `note ${i}` : `comment ${i}`) });
    const publicIds = ids.filter((_, i) => i % 3 !== 2);
    const publicBodies = ids.flatMap((_, i) => (i % 3 === 2 ? [] : [`comment ${i}`]));

    const latest = await listComments(rita, n);
    expect(bodies(latest)).toEqual(publicBodies.slice(-P));
    expect(latest.earlier).toBe(publicIds[publicIds.length - P]);
    const earlier = await listComments(rita, n, { kind: "before", id: latest.earlier! });
    expect(bodies(earlier)).toEqual(publicBodies.slice(0, -P));
    expect([earlier.earlier, earlier.later]).toEqual([null, publicIds[publicIds.length - P - 1]]);

    // From any place, even a note's own id, a requester's page is what the public comments alone
    // would give: the same comments and the same links.
    for (const id of ids) {
      const page = await listComments(rita, n, { kind: "before", id });
      expect(page.comments.every((c) => !c.internal && c.body.startsWith("comment"))).toBe(true);
      const expected = publicIds.filter((p) => p < id);
      if (expected.length === 0) continue; // nothing before it: the latest page
      expect(page.comments.map((c) => c.id)).toEqual(expected.slice(-P));
      expect(page.later).toBe(publicIds.some((p) => p > expected[expected.length - 1]) ? expected[expected.length - 1] : null);
      expect(page.earlier).toBe(expected.length > P ? expected[expected.length - P] : null);
    }
    // Staff page through everything.
    const staff = await listComments(ada, n);
    expect(staff.comments).toHaveLength(P);
    expect(staff.comments.some((c) => c.internal)).toBe(true);
  });
});
