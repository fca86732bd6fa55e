import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor, Role } from "@/lib/people/identity";
import { session } from "../fake-session";

/**
 * Tags in the list (the filter, the rows' chips, the count), the CSV export and the admins'
 * rename and merge (issue 24). The session and Next's cache are stood in for; the rest is real.
 */
vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

const { models: db, read } = await import("@/lib/db");
const { createTicket, updateTicket } = await import("@/lib/tickets/commands");
const { exportTickets, listTickets, tagDrives, tagPagesMax, TAG_VISITS_MAX } = await import("@/lib/tickets/list");
const { listNumbersSql } = await import("@/lib/tickets/list-sql");
const { parseListParams } = await import("@/lib/tickets/list-params");
const { listTags, renameTag, ticketTags } = await import("@/lib/tickets/tags");
const { GET } = await import("@/app/(desk)/tickets/export/route");
const { renameTagAction } = await import("@/app/(desk)/admin/tags/actions");

const rita: Actor = { id: "tl-rita", name: "Rita Requester", role: "requester" };
const otto: Actor = { id: "tl-otto", name: "Otto Requester", role: "requester" };
const ada: Actor = { id: "tl-ada", name: "Ada Agent", role: "agent" };
const ann: Actor = { id: "tl-ann", name: "Ann Admin", role: "admin" };

/** Ticket numbers by the tags they were given. */
const made: Record<string, number[]> = {};

const version = async (n: number) => (await db.ticket.findUniqueOrThrow({ where: { number: n } })).version;
const tag = async (n: number, tags: string[]) => {
  const r = await updateTicket(ada, n, { version: await version(n), tags: { set: tags } });
  expect(r.kind).toBe("updated");
};
const q = (query: string) => parseListParams(Object.fromEntries([...new URLSearchParams(query).keys()].map((k) => [k, new URLSearchParams(query).getAll(k)])));
const numbersOf = async (actor: Actor, query: string) => (await listTickets(actor, { ...q(query), per: 100 })).rows.map((r) => r.number).sort((a, b) => a - b);
const counts = async () => Object.fromEntries((await read.all<{ name: string; tickets: number }>(`SELECT "name", "tickets" FROM "tag"`)).map((r) => [r.name, Number(r.tickets)]));

beforeAll(async () => {
  for (const u of [rita, otto, ada, ann]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role as Role } });
  const plan: [Actor, string[]][] = [
    [rita, ["billing"]],
    [rita, ["billing", "vip"]],
    [otto, ["billing", "vip", "refund"]],
    [otto, ["vip"]],
    [rita, []],
    [otto, ["invoices"]],
    [otto, ["invoices", "billing"]],
  ];
  const ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh"];
  for (const [i, [who, tags]] of plan.entries()) {
    const n = (await createTicket(who, { title: `Tagged ${ordinals[i]}`, description: "Body", priority: "Medium" })).number;
    if (tags.length) await tag(n, tags);
    made[tags.join("+") || "none"] = [...(made[tags.join("+") || "none"] ?? []), n];
  }
});

const all = (...keys: string[]) => keys.flatMap((k) => made[k]).sort((a, b) => a - b);

describe("the list's Tags filter", () => {
  it("one tag: its tickets, counted from the tag's own count", async () => {
    expect(await numbersOf(ada, "tags=vip")).toEqual(all("billing+vip", "billing+vip+refund", "vip"));
    const page = await listTickets(ann, q("tags=billing"));
    expect(page.total).toBe(4);
    expect(page.estimated).toBe(false);
  });

  it("several tags: tickets with all of them, however they were typed", async () => {
    expect(await numbersOf(ada, "tags=Billing, VIP")).toEqual(all("billing+vip", "billing+vip+refund"));
    expect(await numbersOf(ada, "tags=billing&tags=vip&tags=refund")).toEqual(all("billing+vip+refund"));
    expect((await listTickets(ada, q("tags=vip&tags=billing"))).total).toBe(2);
  });

  it("with other filters and a search", async () => {
    const ritas = await numbersOf(ada, `tags=billing&requester=${rita.id}`);
    expect(ritas).toEqual(all("billing", "billing+vip"));
    expect((await listTickets(ada, q(`tags=billing&requester=${rita.id}`))).total).toBe(2);
    expect(await numbersOf(ada, "tags=vip&q=tagged")).toEqual(all("billing+vip", "billing+vip+refund", "vip"));
    expect(await numbersOf(ada, "tags=vip&q=third")).toEqual(all("billing+vip+refund"));
    expect(await numbersOf(ada, "tags=vip&q=first")).toEqual([]);
  });

  it("a tag nobody has, or one that does not exist, matches nothing", async () => {
    const page = await listTickets(ada, q("tags=vip&tags=no-such-tag"));
    expect([page.total, page.rows.length]).toEqual([0, 0]);
  });

  it("the rarest tag driving and the view's order walked give the same tickets in the same order", async () => {
    const ids = (await read.all<{ id: number }>(`SELECT "id" FROM "tag" WHERE "name" IN ('billing', 'vip') ORDER BY "tickets", "id"`)).map((r) => Number(r.id));
    for (const sort of ["updated", "title", "number", "priority"] as const) {
      const p = { ...q(`sort=${sort}`), tags: ["billing", "vip"] };
      const run = async (drive: boolean) => {
        const s = listNumbersSql(ada, p, 100, undefined, { tags: { ids, drive } });
        return (await read.all<{ number: number }>(s.sql, ...s.args)).map((r) => Number(r.number));
      };
      expect(await run(true), sort).toEqual(await run(false));
      expect(await run(true)).toHaveLength(2);
    }
  });

  it("a requester's URL with tags is their own list, as if it had none", async () => {
    const page = await listTickets(rita, q("tags=vip"));
    expect(page.rows.map((r) => r.number).sort((a, b) => a - b)).toEqual(all("billing", "billing+vip", "none"));
    expect(page.rows.every((r) => r.tags === undefined)).toBe(true);
    expect(await numbersOf(rita, "tags=no-such-tag")).toHaveLength(3);
  });

  it("staff's rows carry their tags, sorted; a requester's carry none", async () => {
    const page = await listTickets(ada, q(""));
    const row = page.rows.find((r) => r.number === made["billing+vip+refund"][0])!;
    expect(row.tags).toEqual(["billing", "refund", "vip"]);
    expect(page.rows.find((r) => r.number === made.none[0])!.tags).toEqual([]);
  });

  it("plans pages by cost: a rare tag drives, a common one walks, deep pages stop where both would cost too much", () => {
    expect(tagDrives(100, 1_000_000, 100, 50)).toBe(true);
    expect(tagDrives(300_000, 1_000_000, 300_000, 50)).toBe(false);
    expect(tagDrives(50_000, 1_000_000, 50_000, 50_000)).toBe(true);
    expect(tagPagesMax(10_000, 1_000_000, 10_000, 50)).toBeNull();
    const pages = tagPagesMax(300_000, 1_000_000, 300_000, 50)!;
    expect(pages).toBe(Math.floor((TAG_VISITS_MAX * 0.3) / 50));
  });
});

describe("the CSV export", () => {
  const csv = async (actor: Actor, query = "") => {
    session.actor = actor;
    const res = await GET(new Request(`http://localhost/tickets/export${query}`));
    return (await res.text()).split("\r\n").filter(Boolean);
  };

  it("has a Tags column for staff, with each ticket's tags", async () => {
    const lines = await csv(ada, "?tags=refund");
    expect(lines[0]).toBe("Number,Title,Status,Priority,Requester,Assignee,Created,Updated,Tags");
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith(`,"billing, refund, vip"`)).toBe(true);
    const rows: string[][] = [];
    for await (const batch of exportTickets(ada, q("tags=billing"), 2)) rows.push(...batch.map((r) => r.tags ?? []));
    expect(rows).toHaveLength(4);
    expect(rows.every((t) => t.includes("billing"))).toBe(true);
  });

  it("has no trace of tags for a requester, whose URL's tags are ignored", async () => {
    const lines = await csv(rita, "?tags=refund");
    expect(lines[0]).toBe("Number,Title,Status,Priority,Requester,Assignee,Created,Updated");
    expect(lines).toHaveLength(4);
    expect(lines.join("\n")).not.toMatch(/billing|vip|refund/);
  });
});

describe("renaming and merging tags", () => {
  it("renames a tag: its tickets keep it under the new name, nothing about the tickets changes", async () => {
    const n = made.vip[0];
    const before = await db.ticket.findUniqueOrThrow({ where: { number: n } });
    const id = Number((await read.get<{ id: number }>(`SELECT "id" FROM "tag" WHERE "name" = 'refund'`))!.id);
    expect(await renameTag(ann, id, "refunds", null)).toEqual({ kind: "renamed", from: "refund", to: "refunds" });
    expect(await ticketTags(made["billing+vip+refund"][0])).toEqual(["billing", "refunds", "vip"]);
    const after = await db.ticket.findUniqueOrThrow({ where: { number: n } });
    expect([after.version, after.updatedAt.getTime()]).toEqual([before.version, before.updatedAt.getTime()]);
    const entry = await read.get<{ action: string; target: string; detail: string }>(`SELECT "action", "target", "detail" FROM "audit_log" ORDER BY "id" DESC LIMIT 1`);
    expect(entry).toEqual({ action: "tag_renamed", target: "refund", detail: "Renamed to refunds" });
  });

  it("renaming to another tag's name merges them: tickets with both keep one, counts recomputed, the old tag gone", async () => {
    session.actor = ann;
    const form = new FormData();
    form.set("tag", String((await read.get<{ id: number }>(`SELECT "id" FROM "tag" WHERE "name" = 'billing'`))!.id));
    form.set("name", " Invoices ");
    const activity = await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM "activity"`);
    const state = await renameTagAction({ fieldErrors: {}, values: {} }, form);
    expect(state).toMatchObject({ ok: true, message: "Merged billing into invoices: 5 tickets" });
    expect(await counts()).toMatchObject({ invoices: 5 });
    expect((await counts()).billing).toBeUndefined();
    expect(await ticketTags(made["invoices+billing"][0])).toEqual(["invoices"]);
    expect(await ticketTags(made["billing+vip"][0])).toEqual(["invoices", "vip"]);
    expect(await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM "activity"`)).toEqual(activity);
    expect(await numbersOf(ada, "tags=invoices")).toEqual(all("billing", "billing+vip", "billing+vip+refund", "invoices", "invoices+billing"));
    expect((await listTags(ann, { q: "voic", page: 1 })).rows).toEqual([expect.objectContaining({ name: "invoices", tickets: 5 })]);
    const entry = await read.get<{ action: string; target: string }>(`SELECT "action", "target" FROM "audit_log" ORDER BY "id" DESC LIMIT 1`);
    expect(entry).toEqual({ action: "tag_merged", target: "billing" });
  });

  it("refuses what is not a tag, its own name, a tag that is gone, and anyone but an admin", async () => {
    const id = String((await read.get<{ id: number }>(`SELECT "id" FROM "tag" WHERE "name" = 'vip'`))!.id);
    const post = async (actor: Actor, fields: Record<string, string>) => {
      session.actor = actor;
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      return renameTagAction({ fieldErrors: {}, values: {} }, form);
    };
    expect((await post(ann, { tag: id, name: "not a tag!" })).fieldErrors.name?.[0]).toMatch(/is not a tag/);
    expect((await post(ann, { tag: id, name: "" })).fieldErrors.name).toBeDefined();
    expect((await post(ann, { tag: id, name: "VIP" })).fieldErrors.name).toEqual(["That is its name already."]);
    expect((await post(ann, { tag: "999999", name: "x" })).message).toBe("That tag no longer exists.");
    expect((await post(ann, { tag: "-1", name: "x" })).fieldErrors.tag).toBeDefined();
    expect((await post(ada, { tag: id, name: "renamed-by-agent" })).message).toBe("Only admins can rename tags.");
    expect(await counts()).toMatchObject({ vip: 3 });
    expect((await listTags(ada, { q: "", page: 1 })).rows).toEqual([]);
  });
});
