import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/people/identity";
import { session } from "../fake-session";

/**
 * Saved replies (issue 24) against a real database, SQLite or PostgreSQL: the commands the pages
 * call, and the actions as Next.js calls them (the session stood in for), for every role.
 */
vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`NEXT_REDIRECT ${to}`);
  },
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
}));

const { models: db, read, write } = await import("@/lib/db");
const { createTicket } = await import("@/lib/tickets/commands");
const replies = await import("@/lib/replies/replies");
const actions = await import("@/app/(desk)/saved-replies/actions");
const { SAVED_REPLIES_MAX, COMMENT_MAX } = await import("@/lib/limits");

const rita: Actor = { id: "rita", name: "Rita Requester", role: "requester" };
const otto: Actor = { id: "otto", name: "Otto Other", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada Agent", role: "agent" };
const ann: Actor = { id: "ann", name: "Ann Admin", role: "admin" };
let ritas = 0;

beforeAll(async () => {
  for (const u of [rita, otto, ada, ann]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  ritas = (await createTicket(rita, { title: "Printer {{agent.name}} on fire", description: "d", priority: "Low" })).number;
});

const rows = () => read.all(`SELECT * FROM "saved_reply" ORDER BY "id"`);
const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};
const state = { fieldErrors: {}, values: {} };
const redirectOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as Error).message.replace("NEXT_REDIRECT ", "");
  }
  return null;
};

describe("saved replies' commands", () => {
  it("staff create, edit and delete; who made and last changed one is kept", async () => {
    const made = await replies.createSavedReply(ada, { name: "Greeting", body: "Hi {{requester.name}}" });
    expect(made.kind).toBe("saved");
    const id = made.kind === "saved" ? made.id : 0;
    expect(await replies.updateSavedReply(ann, id, { name: "Greeting!", body: "Hello {{requester.name}}" })).toEqual({ kind: "saved", id, name: "Greeting!" });
    const row = await read.get<{ name: string; nameKey: string; body: string; createdById: string; updatedById: string }>(
      `SELECT "name", "nameKey", "body", "createdById", "updatedById" FROM "saved_reply" WHERE "id" = ?`, id,
    );
    expect(row).toEqual({ name: "Greeting!", nameKey: "greeting!", body: "Hello {{requester.name}}", createdById: "ada", updatedById: "ann" });
    const page = await replies.listSavedReplies(ada, { q: "GREET", page: 1 });
    expect(page.rows.map((r) => [r.name, r.updatedBy])).toEqual([["Greeting!", "Ann Admin"]]);
    expect(await replies.deleteSavedReply(ada, id)).toEqual({ kind: "deleted" });
    expect(await replies.deleteSavedReply(ada, id)).toEqual({ kind: "not_found" });
    expect(await replies.getSavedReply(ada, id)).toBeNull();
  });

  it("a name is unique whatever its case and spacing, on create and on edit", async () => {
    const a = await replies.createSavedReply(ada, { name: "Password reset", body: "a" });
    const b = await replies.createSavedReply(ada, { name: "Refund", body: "b" });
    const before = await rows();
    const dup = await replies.createSavedReply(ann, { name: "password  RESET", body: "c" });
    expect(dup).toEqual({ kind: "duplicate", message: "A saved reply named “password  RESET” already exists. Choose another name." });
    const b_id = b.kind === "saved" ? b.id : 0;
    expect((await replies.updateSavedReply(ann, b_id, { name: "PASSWORD RESET", body: "b" })).kind).toBe("duplicate");
    expect(await rows()).toEqual(before);
    // Its own name in another case is no clash.
    const a_id = a.kind === "saved" ? a.id : 0;
    expect((await replies.updateSavedReply(ann, a_id, { name: "Password Reset", body: "a" })).kind).toBe("saved");
  });

  it("requesters are refused everything and see none", async () => {
    await replies.createSavedReply(ada, { name: "For staff", body: "x" });
    const before = await rows();
    expect(await replies.createSavedReply(rita, { name: "Mine", body: "x" })).toEqual({ kind: "forbidden" });
    const any = (await read.get<{ id: number }>(`SELECT "id" FROM "saved_reply"`))!.id;
    expect(await replies.updateSavedReply(rita, Number(any), { name: "Mine", body: "x" })).toEqual({ kind: "forbidden" });
    expect(await replies.deleteSavedReply(rita, Number(any))).toEqual({ kind: "forbidden" });
    expect(await rows()).toEqual(before);
    expect(await replies.listSavedReplies(rita, { q: "", page: 1 })).toEqual({ rows: [], total: 0, page: 1, pages: 1 });
    expect(await replies.savedReplyChoices(rita)).toEqual([]);
    expect(await replies.getSavedReply(rita, Number(any))).toBeNull();
    expect(await replies.fillSavedReply(rita, ritas, Number(any))).toEqual({ kind: "ticket_not_found" });
  });

  it("fills a reply for the ticket as the actor sees it, once, never re-reading a value", async () => {
    const made = await replies.createSavedReply(ada, { name: "Update", body: "Hi {{requester.name}}, #{{ticket.number}} ({{ ticket.title }}) is with {{agent.name}}." });
    const id = made.kind === "saved" ? made.id : 0;
    expect(await replies.fillSavedReply(ann, ritas, id)).toEqual({
      kind: "filled",
      name: "Update",
      text: `Hi Rita Requester, #${ritas} (Printer {{agent.name}} on fire) is with Ann Admin.`,
    });
    expect(await replies.fillSavedReply(ada, 99_999, id)).toEqual({ kind: "ticket_not_found" });
    expect(await replies.fillSavedReply(ada, ritas, 99_999)).toEqual({ kind: "reply_not_found" });
  });

  it("stops at the cap, and the list pages through it", async () => {
    const n = Number((await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM "saved_reply"`))!.n);
    const now = new Date().toISOString();
    await write(async (tx) => {
      for (let i = n; i < SAVED_REPLIES_MAX; i++) {
        await tx.run(
          `INSERT INTO "saved_reply" ("name", "nameKey", "body", "createdById", "updatedById", "createdAt", "updatedAt") VALUES (?, ?, 'x', 'ada', 'ada', ?, ?)`,
          `Filler ${String(i).padStart(4, "0")}`, `filler ${String(i).padStart(4, "0")}`, now, now,
        );
      }
    });
    const before = await rows();
    const full = await replies.createSavedReply(ada, { name: "One too many", body: "x" });
    expect(full.kind).toBe("full");
    expect(await rows()).toEqual(before);
    expect((await replies.savedReplyChoices(ada)).length).toBe(SAVED_REPLIES_MAX);
    const last = await replies.listSavedReplies(ada, { q: "", page: 20 });
    expect([last.total, last.pages, last.page, last.rows.length]).toEqual([SAVED_REPLIES_MAX, 20, 20, 50]);
    expect((await replies.listSavedReplies(ada, { q: "filler 099", page: 1 })).rows.map((r) => r.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Filler 099${i}`),
    );
    if (read.dialect === "sqlite") {
      // The picker on every staff ticket page walks the unique name index: no sort of its own.
      const plan = await read.all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT "id", "name" FROM "saved_reply" ORDER BY "nameKey" ASC LIMIT ${SAVED_REPLIES_MAX}`);
      expect(plan.map((p) => p.detail)).toEqual([expect.stringMatching(/^SCAN saved_reply USING INDEX saved_reply_nameKey_key/)]);
    }
    // A search for LIKE's own wildcards finds them literally.
    expect((await replies.listSavedReplies(ada, { q: "%", page: 1 })).total).toBe(0);
    await write((tx) => tx.run(`DELETE FROM "saved_reply" WHERE "nameKey" LIKE 'filler %'`));
  });
});

describe("saved replies' actions", () => {
  it("create: field errors with values kept and nothing stored; then saved and off to the list", async () => {
    session.actor = ada;
    const before = await rows();
    const bad = await actions.createSavedReplyAction(state, form({ name: " ", body: "Hi {{nobody}}" }));
    expect(bad.fieldErrors.name).toEqual(["Enter a name."]);
    expect(bad.fieldErrors.body?.[0]).toMatch(/Unknown placeholder: \{\{nobody\}\}/);
    expect(bad.values).toEqual({ name: " ", body: "Hi {{nobody}}" });
    const dup = await actions.createSavedReplyAction(state, form({ name: "PASSWORD reset", body: "x" }));
    expect(dup.fieldErrors.name?.[0]).toMatch(/already exists/);
    expect(dup.values).toEqual({ name: "PASSWORD reset", body: "x" });
    expect(await rows()).toEqual(before);
    const to = await redirectOf(actions.createSavedReplyAction(state, form({ name: "Thanks", body: "Thanks, {{requester.name}}." })));
    expect(to).toMatch(/^\/saved-replies\?saved=\d+$/);
  });

  it("a requester's posts change nothing and tell nothing", async () => {
    session.actor = rita;
    const before = await rows();
    const id = Number((await read.get<{ id: number }>(`SELECT "id" FROM "saved_reply" ORDER BY "id"`))!.id);
    expect((await actions.createSavedReplyAction(state, form({ name: "Mine", body: "x" }))).message).toBe("That saved reply no longer exists.");
    expect((await actions.updateSavedReplyAction(id, state, form({ name: "Mine", body: "x" }))).message).toBe("That saved reply no longer exists.");
    expect(await redirectOf(actions.deleteSavedReplyAction(id, form({})))).toBeNull();
    const inserted = await actions.insertSavedReplyAction(ritas, state, form({ reply: String(id), body: "typed" }));
    expect(inserted).toEqual({ fieldErrors: {}, values: {}, message: "Ticket not found." });
    expect(await rows()).toEqual(before);
  });

  it("forged ids change nothing", async () => {
    session.actor = ann;
    const before = await rows();
    for (const forged of [{ gt: 0 }, "1", -1, 0, 1.5, 2 ** 31, null, [], "abc"]) {
      expect((await actions.updateSavedReplyAction(forged, state, form({ name: "Z", body: "z" }))).message).toBe("That saved reply no longer exists.");
      expect(await redirectOf(actions.deleteSavedReplyAction(forged, form({})))).toBeNull();
      expect((await actions.insertSavedReplyAction(forged, state, form({ reply: "1", body: "" }))).message).toBe("Ticket not found.");
    }
    expect(await rows()).toEqual(before);
  });

  it("insert: what was typed, a blank line, the filled reply; the Internal note box kept; no comment added", async () => {
    session.actor = ada;
    const { id } = (await read.get<{ id: number }>(`SELECT "id" FROM "saved_reply" WHERE "nameKey" = 'thanks'`))!;
    const comments = await read.all(`SELECT * FROM "comment"`);
    const answer = await actions.insertSavedReplyAction(ritas, state, form({ reply: String(id), body: "Typed first.\r\n", internal: "on" }));
    expect(answer).toMatchObject({
      ok: true,
      values: { reply: String(id), body: "Typed first.\n\nThanks, Rita Requester.", internal: "on" },
      inserted: "Thanks, Rita Requester.",
    });
    expect(await read.all(`SELECT * FROM "comment"`)).toEqual(comments);
    // A reply that is gone, and one too long for the comment: the form comes back as it was.
    const gone = await actions.insertSavedReplyAction(ritas, state, form({ reply: "99999", body: "mine" }));
    expect(gone.fieldErrors.reply).toEqual(["That saved reply no longer exists. Choose another."]);
    expect(gone.values.body).toBe("mine");
    const full = await actions.insertSavedReplyAction(ritas, state, form({ reply: String(id), body: "x".repeat(COMMENT_MAX - 5) }));
    expect(full.fieldErrors.reply?.[0]).toMatch(/longer than 20,000 characters/);
    expect(full.inserted).toBeUndefined();
    // A ticket that does not exist tells nothing of the reply.
    expect(await actions.insertSavedReplyAction(99_999, state, form({ reply: String(id), body: "" }))).toEqual({ fieldErrors: {}, values: {}, message: "Ticket not found." });
  });

  it("the staff's comment form: no intent adds the comment, insert-reply inserts, any other intent is refused", async () => {
    session.actor = ada;
    const { id } = (await read.get<{ id: number }>(`SELECT "id" FROM "saved_reply" WHERE "nameKey" = 'thanks'`))!;
    const count = async () => Number((await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM "comment"`))!.n);
    const before = await count();
    const inserted = await actions.commentFormAction(ritas, state, form({ intent: "insert-reply", reply: String(id), body: "Hi" }));
    expect(inserted.values.body).toBe("Hi\n\nThanks, Rita Requester.");
    for (const intent of ["", "add", "INSERT-REPLY", "__proto__", "constructor"]) {
      expect(await actions.commentFormAction(ritas, state, form({ intent, body: "Not added" })), intent).toEqual({ fieldErrors: {}, values: {}, message: "Ticket not found." });
    }
    const twice = form({ intent: "insert-reply", reply: String(id), body: "Hi" });
    twice.append("intent", "insert-reply");
    expect((await actions.commentFormAction(ritas, state, twice)).message).toBe("Ticket not found.");
    expect(await count()).toBe(before);
    const added = await actions.commentFormAction(ritas, state, form({ body: "Added through the staff's form." }));
    expect(added).toMatchObject({ ok: true, message: "Comment added." });
    expect(await count()).toBe(before + 1);
  });
});
