import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/people/identity";
import { session } from "../fake-session";

/**
 * "Apply to selected" as Next.js calls it: the form's many "ticket" values, a report that names
 * what changed and what was skipped, requesters refused, more than a page refused.
 */
vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

const { models: db } = await import("@/lib/db");
const { bulkUpdateAction } = await import("@/app/(desk)/tickets/list-actions");
const { createTicket } = await import("@/lib/tickets/commands");

const rita: Actor = { id: "ba-rita", name: "Rita", role: "requester" };
const ada: Actor = { id: "ba-ada", name: "Ada", role: "agent" };
const mine: number[] = [];

beforeAll(async () => {
  for (const u of [rita, ada]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  for (let i = 0; i < 3; i++) mine.push((await createTicket(rita, { title: `Rita's ${i}`, description: "d", priority: "Low" })).number);
});

const form = (fields: [string, string][]) => {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  return fd;
};
const state = { fieldErrors: {}, values: {} };
const statusOf = async (n: number) => (await db.ticket.findUniqueOrThrow({ where: { number: n } })).status;

describe("bulkUpdateAction", () => {
  it("refuses a requester, even for their own tickets", async () => {
    session.actor = rita;
    const r = await bulkUpdateAction(state, form([["ticket", `${mine[0]}:1`], ["status", "Closed"]]));
    expect(r.message).toBe("You may not change tickets in bulk.");
    expect(await statusOf(mine[0])).toBe(1);
  });

  it("reports what it changed and what it skipped: a stale row, and a number that names nothing", async () => {
    session.actor = ada;
    const r = await bulkUpdateAction(state, form([["ticket", `${mine[0]}:1`], ["ticket", `${mine[1]}:7`], ["ticket", "99999999:1"], ["status", "Waiting"], ["intent", "apply"]]));
    expect(r).toMatchObject({
      ok: true,
      message: `Changed 1 ticket: #${mine[0]}. Skipped 2: #${mine[1]} (changed by someone else since the list was drawn), #99999999 (not found).`,
    });
    expect([await statusOf(mine[0]), await statusOf(mine[1])]).toEqual([3, 1]);
  });

  it("takes every row shown for Select all on this page", async () => {
    session.actor = ada;
    const versions = await Promise.all(mine.map(async (n) => `${n}:${(await db.ticket.findUniqueOrThrow({ where: { number: n } })).version}`));
    const r = await bulkUpdateAction(state, form([...versions.map((v): [string, string] => ["shown", v]), ["all", "on"], ["priority", "Urgent"]]));
    expect(r.message).toMatch(/^Changed 3 tickets: /);
  });

  it("refuses more than 100 rows, and a forged field, changing nothing", async () => {
    session.actor = ada;
    const many = Array.from({ length: 101 }, (_, i): [string, string] => ["ticket", `${i + 1}:1`]);
    expect((await bulkUpdateAction(state, form([...many, ["status", "Closed"]]))).message).toBe("Select at most 100 tickets at a time.");
    const r = await bulkUpdateAction(state, form([["ticket", `${mine[2]}:1`], ["status", "Archived"]]));
    expect(r.fieldErrors).toHaveProperty("status");
    expect(await statusOf(mine[2])).toBe(1);
  });
});
