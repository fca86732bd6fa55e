import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/people/identity";
import { session } from "../fake-session";

/**
 * Server actions called the way Next.js calls them, with whatever a client put in their
 * arguments. The session and Next's cache are stood in for; everything else is real.
 */
vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { models: db } = await import("@/lib/db");
const { ACTION_INFO } = await import("@/lib/action");
const { addCommentAction, updateTicketAction, createTicketAction } = await import("@/app/(desk)/tickets/actions");
const { changeRoleAction } = await import("@/app/(desk)/admin/users/actions");
const { createTicket } = await import("@/lib/tickets/commands");

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const otto: Actor = { id: "otto", name: "Otto", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };
const ann: Actor = { id: "ann", name: "Ann", role: "admin" };
let ritas = 0;
let ottos = 0;

beforeAll(async () => {
  for (const u of [rita, otto, ada, ann]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  ritas = (await createTicket(rita, { title: "Rita's", description: "d", priority: "Low" })).number;
  ottos = (await createTicket(otto, { title: "Otto's", description: "d", priority: "Low" })).number;
});

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};
const state = { fieldErrors: {}, values: {} };
const everything = async () =>
  JSON.stringify([
    await db.ticket.findMany({ orderBy: { number: "asc" } }),
    await db.comment.findMany(),
    await db.activity.findMany(),
    await db.user.findMany({ orderBy: { id: "asc" } }),
  ]);

const FORGED: unknown[] = [{ gt: 0 }, { not: 0 }, { in: [1, 2] }, "1", "abc", "", -1, 0, 1.5, 1e20, 2 ** 53 + 2, null, true, [], [1], {}, Number.NaN, Number.POSITIVE_INFINITY, undefined, 10n];

describe("every argument is parsed before anything is written", () => {
  it("a forged ticket number gets 'Ticket not found.' and changes nothing, for every role", async () => {
    for (const actor of [rita, ada, ann]) {
      session.actor = actor;
      const before = await everything();
      for (const forged of FORGED) {
        const close = await updateTicketAction(forged, state, form({ status: "Closed", version: "1" }));
        expect(close.message, String(forged)).toBe("Ticket not found.");
        const comment = await addCommentAction(forged, state, form({ body: "hello" }));
        expect(comment.message, String(forged)).toBe("Ticket not found.");
      }
      expect(await everything()).toBe(before);
    }
  });

  it("someone else's ticket is answered exactly like a missing one", async () => {
    session.actor = rita;
    const before = await everything();
    const theirs = await updateTicketAction(ottos, state, form({ status: "Closed", version: "1" }));
    const missing = await updateTicketAction(99_999, state, form({ status: "Closed", version: "1" }));
    expect(theirs).toEqual(missing);
    expect(await addCommentAction(ottos, state, form({ body: "x" }))).toEqual(await addCommentAction(99_999, state, form({ body: "x" })));
    expect(await everything()).toBe(before);
  });

  it("the wrong number of arguments, or no form, is refused", async () => {
    session.actor = ada;
    const before = await everything();
    expect((await updateTicketAction(form({ status: "Closed", version: "1" }))).message).toBe("Ticket not found.");
    expect((await updateTicketAction(ritas, form({ status: "Closed", version: "1" }))).message).toBe("Ticket not found.");
    expect((await updateTicketAction(ritas, state, "extra", form({ status: "Closed", version: "1" }))).message).toBe("Ticket not found.");
    expect((await updateTicketAction(ritas, state, { status: "Closed", version: "1" })).message).toBe("Ticket not found.");
    expect((await createTicketAction(form({ title: "t", description: "d", priority: "Low" }))).message).toMatch(/could not be read/);
    expect((await changeRoleAction({ not: "" }, state, form({ role: "admin" }))).message).toBe("That user no longer exists.");
    expect(await everything()).toBe(before);
  });

  it("the session comes first: without one, even forged arguments go to sign-in, unparsed", async () => {
    session.actor = null;
    await expect(updateTicketAction({ gt: 0 }, state, form({ status: "Closed", version: "1" }))).rejects.toThrow(/NEXT_REDIRECT/);
    await expect(addCommentAction("abc", state, "not a form")).rejects.toThrow(/NEXT_REDIRECT/);
  });

  it("a previous state sent back by the client is never read", async () => {
    session.actor = rita;
    const before = await everything();
    const forgedPrev = { ok: true, fieldErrors: {}, values: { status: "Closed" }, message: "Saved" };
    const r = await updateTicketAction(ritas, forgedPrev, form({ version: "1" }));
    expect(r.ok).toBeUndefined();
    expect(r.fieldErrors).toHaveProperty("status");
    expect(await everything()).toBe(before);
  });

  it("the same action with honest arguments does its work (the control)", async () => {
    session.actor = rita;
    const r = await updateTicketAction(ritas, state, form({ status: "Closed", version: "1" }));
    expect(r.message).toBe("Saved. Status changed from Open to Closed.");
    expect((await db.ticket.findUniqueOrThrow({ where: { number: ritas } })).status).toBe(5);
    expect((await db.ticket.findUniqueOrThrow({ where: { number: ottos } })).status).toBe(1);
  });
});

describe("every exported server action goes through defineAction", () => {
  const files = ["app", "lib"].flatMap((dir) =>
    (fs.readdirSync(dir, { recursive: true }) as string[])
      .map((f) => path.join(dir, f))
      .filter((f) => /\.(ts|tsx)$/.test(f) && /^\s*["']use server["']/.test(fs.readFileSync(f, "utf8"))),
  );

  it("finds the action modules", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of files) {
    it(`${file}: every export is wrapped`, async () => {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
      const exports = Object.entries(mod);
      expect(exports.length).toBeGreaterThan(0);
      for (const [name, value] of exports) {
        expect(typeof value, name).toBe("function");
        expect((value as Record<symbol, unknown>)[ACTION_INFO], `${name} is not made by defineAction`).toBeTruthy();
      }
    });
  }
});
