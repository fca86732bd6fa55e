import crypto from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/people/identity";
import { session } from "../fake-session";

/**
 * Merging a duplicate into another ticket (lib/tickets/merge.ts), "Assign to me", and the one
 * conversation timeline (lib/tickets/timeline.ts), on SQLite and PostgreSQL.
 */

vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

const { models: db } = await import("@/lib/db");
const { createTicket, updateTicket } = await import("@/lib/tickets/commands");
const { addComment } = await import("@/lib/tickets/comments");
const { mergeTicket } = await import("@/lib/tickets/merge");
const { listTimeline } = await import("@/lib/tickets/timeline");
const { conversationHref, parseConversationParams } = await import("@/lib/tickets/conversation-params");
const { getTicketRow } = await import("@/lib/tickets/reads");
const { referencedHashes } = await import("@/lib/tickets/attachments");
const { assignToMeAction, mergeAction } = await import("@/app/(desk)/tickets/actions");
const { importMessage } = await import("@/lib/mail/import");
const { rawMessage } = await import("../mail/messages");
const { COMMENTS_PAGE, TIMELINE_EVENTS_PAGE } = await import("@/lib/limits");

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const carl: Actor = { id: "carl", name: "Carl", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };
const ann: Actor = { id: "ann", name: "Ann", role: "admin" };

beforeAll(async () => {
  for (const u of [rita, carl, ada, ann]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
});

beforeEach(async () => {
  await db.outboundMail.deleteMany();
  session.actor = null;
});

const open = async (by: Actor, title: string, description = "It is broken.") => (await createTicket(by, { title, description, priority: "Medium" })).number;
const versionOf = async (n: number) => (await db.ticket.findUniqueOrThrow({ where: { number: n } })).version;
const hash = () => crypto.randomBytes(32).toString("hex");
const file = (ticketNumber: number, commentId: number | null, name: string, h = hash(), removed = false) =>
  db.attachment.create({
    data: { ticketNumber, commentId, name, size: 3, type: "text/plain", hash: h, uploaderId: "carl", ...(removed ? { removedAt: new Date(), removedById: "ada" } : {}) },
  });

/** Everything a merge could touch, to show that a refusal touched nothing. */
async function state() {
  return {
    tickets: await db.ticket.findMany({ orderBy: { number: "asc" }, select: { number: true, status: true, version: true, mergedIntoNumber: true, updatedAt: true } }),
    comments: await db.comment.count(),
    attachments: await db.attachment.count(),
    activity: await db.activity.count(),
    mail: await db.outboundMail.count(),
  };
}

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

describe("merge", () => {
  it("copies the duplicate's description, comments, notes and files into the target, marked from #N; closes it; says so on both; tells its requester", async () => {
    const target = await open(rita, "Printer on fire");
    const dup = await open(carl, "Printer smoking", "Smoke from the printer.");
    await addComment(carl, dup, { body: "Still smoking.", internal: false });
    await addComment(ada, dup, { body: "Looks like the same as the other one.", internal: true });
    const comments = await db.comment.findMany({ where: { ticketNumber: dup }, orderBy: { id: "asc" } });
    const shared = hash();
    await file(dup, null, "photo.png", shared);
    await file(dup, comments[0].id, "log.txt");
    await file(dup, comments[1].id, "note.txt");
    await file(dup, comments[0].id, "secret.txt", hash(), true);
    const before = await versionOf(target);

    expect(await mergeTicket(ada, dup, target, await versionOf(dup))).toEqual({ kind: "merged", into: target });

    const copied = await db.comment.findMany({ where: { ticketNumber: target }, orderBy: { id: "asc" }, include: { attachments: { orderBy: { id: "asc" } } } });
    expect(copied.map((c) => [c.body, c.internal, c.mergedFromNumber, c.authorId])).toEqual([
      ["Smoke from the printer.", false, dup, "carl"],
      ["Still smoking.", false, dup, "carl"],
      ["Looks like the same as the other one.", true, dup, "ada"],
    ]);
    expect(copied.map((c) => c.mergedFromId)).toEqual([null, comments[0].id, comments[1].id]);
    expect(copied[1].writtenAt?.getTime()).toBe(comments[0].createdAt.getTime());
    // Files: the same stored bytes, on the copies; a removed one is not copied.
    expect(copied.map((c) => c.attachments.map((a) => a.name))).toEqual([["photo.png"], ["log.txt"], ["note.txt"]]);
    expect(copied[0].attachments[0].hash).toBe(shared);
    // The duplicate keeps its own, and the bytes are named twice now (the sweep keeps them).
    expect(await db.attachment.count({ where: { hash: shared } })).toBe(2);
    expect((await referencedHashes([shared])).has(shared)).toBe(true);

    const d = await db.ticket.findUniqueOrThrow({ where: { number: dup } });
    expect(d).toMatchObject({ status: 5, mergedIntoNumber: target });
    expect(d.resolvedAt).not.toBeNull();
    expect(await versionOf(target)).toBe(before + 1);
    const history = async (n: number) => (await db.activity.findMany({ where: { ticketNumber: n }, orderBy: { id: "asc" } })).map((a) => [a.field, a.fromValue, a.toValue]);
    expect(await history(dup)).toEqual([["created", null, null], ["status", "Open", "Closed"], ["merged_into", null, String(target)]]);
    expect(await history(target)).toEqual([["created", null, null], ["merged_from", String(dup), null]]);

    // Carl is told; Rita's ticket is not his to see, so its title and link are not in his mail.
    const mail = await db.outboundMail.findMany({ where: { kind: "ticket_merged" } });
    expect(mail.map((m) => m.toAddress)).toEqual(["carl@example.com"]);
    expect(mail[0].subject).toBe(`Merged: [#${dup}] Printer smoking`);
    expect(mail[0].text).toContain(`merged your ticket #${dup} into ticket #${target} on`);
    expect(mail[0].text).not.toContain("Printer on fire");
    expect(mail[0].text).toContain(`/tickets/${dup}`);
    expect(mail[0].text).not.toContain(`/tickets/${target}`);
  });

  it("between one requester's own tickets, the mail names and links the target", async () => {
    const target = await open(rita, "Wifi down");
    const dup = await open(rita, "Wifi still down");
    expect(await mergeTicket(ann, dup, target, await versionOf(dup))).toMatchObject({ kind: "merged" });
    const [mail] = await db.outboundMail.findMany({ where: { kind: "ticket_merged" } });
    expect(mail.text).toContain(`#${target} ("Wifi down")`);
    expect(mail.text).toContain(`/tickets/${target}`);
  });

  it("refusals change nothing: not a ticket, itself, already merged, merged back, a requester, a stale version", async () => {
    const target = await open(rita, "Target");
    const dup = await open(carl, "Duplicate");
    const other = await open(carl, "Other");
    await addComment(carl, dup, { body: "hello", internal: false });
    const v = await versionOf(dup);
    const snap = await state();
    expect(await mergeTicket(ada, dup, 99_999_999, v)).toEqual({ kind: "invalid", message: "There is no ticket #99999999." });
    expect(await mergeTicket(ada, dup, dup, v)).toEqual({ kind: "invalid", message: "A ticket cannot be merged into itself." });
    expect(await mergeTicket(carl, dup, target, v)).toEqual({ kind: "forbidden", message: "Only agents can merge tickets." });
    expect(await mergeTicket(carl, target, dup, v)).toEqual({ kind: "not_found" });
    expect(await mergeTicket(ada, dup, target, v - 1)).toMatchObject({ kind: "conflict" });
    expect(await mergeTicket(ada, dup, target, v + 1)).toMatchObject({ kind: "conflict" });
    expect(await state()).toEqual(snap);

    expect(await mergeTicket(ada, dup, target, v)).toMatchObject({ kind: "merged" });
    const merged = await state();
    expect(await mergeTicket(ada, dup, other, await versionOf(dup))).toEqual({ kind: "invalid", message: `This ticket was already merged into #${target}.` });
    // The target, merged into, cannot be merged back into its duplicate.
    expect(await mergeTicket(ada, target, dup, await versionOf(target))).toEqual({ kind: "invalid", message: `#${dup} was merged into this ticket; it cannot be merged back.` });
    // Nor changed as a ticket: it stays Closed.
    expect(await updateTicket(ada, dup, { status: "Open", version: await versionOf(dup) })).toMatchObject({ kind: "forbidden", field: "status" });
    expect(await state()).toEqual(merged);
  });

  it("into a ticket that was merged: follows it to where it went", async () => {
    const a = await open(rita, "A");
    const b = await open(rita, "B");
    const c = await open(rita, "C");
    await mergeTicket(ada, b, a, await versionOf(b));
    expect(await mergeTicket(ada, c, b, await versionOf(c))).toEqual({ kind: "merged", into: a });
    expect((await db.ticket.findUniqueOrThrow({ where: { number: c } })).mergedIntoNumber).toBe(a);
  });

  it("the action: a field error for each refusal, the values kept; the form's version is checked", async () => {
    const target = await open(rita, "Target");
    const dup = await open(carl, "Duplicate");
    const v = String(await versionOf(dup));
    session.actor = ada;
    const snap = await state();
    for (const [into, message] of [
      ["abc", "Enter the number of the ticket to merge into, like 42."],
      ["", "Enter the number of the ticket to merge into, like 42."],
      ["-1", "Enter the number of the ticket to merge into, like 42."],
      ['{"gt":0}', "Enter the number of the ticket to merge into, like 42."],
      [String(dup), "A ticket cannot be merged into itself."],
      ["99999999", "There is no ticket #99999999."],
    ]) {
      const r = await mergeAction(dup, { fieldErrors: {}, values: {} }, form({ into, version: v }));
      expect(r, into).toMatchObject({ fieldErrors: { into: [message] }, values: { into } });
    }
    session.actor = rita;
    expect(await mergeAction(dup, { fieldErrors: {}, values: {} }, form({ into: String(target), version: v }))).toMatchObject({ message: "Ticket not found." });
    expect(await state()).toEqual(snap);
    session.actor = ada;
    // "#12" is taken as 12; success goes to the target.
    await expect(mergeAction(dup, { fieldErrors: {}, values: {} }, form({ into: `#${target}`, version: v }))).rejects.toThrow(/NEXT_REDIRECT/);
    expect((await db.ticket.findUniqueOrThrow({ where: { number: dup } })).mergedIntoNumber).toBe(target);
  });

  it("copies a duplicate of 10,000 comments in a bounded number of statements", async () => {
    const target = await open(rita, "Target");
    const dup = await open(carl, "Long duplicate");
    const start = Date.now() - 3600_000;
    for (let i = 0; i < 10_000; i += 1000) {
      await db.comment.createMany({
        data: Array.from({ length: 1000 }, (_, k) => ({ ticketNumber: dup, authorId: k % 2 ? "ada" : "carl", body: `Comment ${i + k}`, internal: k % 7 === 0, createdAt: new Date(start + i + k) })),
      });
    }
    const t0 = performance.now();
    expect(await mergeTicket(ada, dup, target, await versionOf(dup))).toMatchObject({ kind: "merged" });
    const ms = performance.now() - t0;
    console.log(`merge of 10,000 comments: ${ms.toFixed(0)} ms`);
    expect(await db.comment.count({ where: { ticketNumber: target } })).toBe(10_001);
    expect(ms).toBeLessThan(10_000);
    // The copies follow the originals' order, and do not count against their authors' comment budget.
    const last = await db.comment.findFirstOrThrow({ where: { ticketNumber: target }, orderBy: { id: "desc" } });
    expect(last.body).toBe("Comment 9999");
    expect(await addComment(carl, dup, { body: "after the merge", internal: false })).toMatchObject({ kind: "added", ticket: target });
  });
});

describe("a merged duplicate's requester", () => {
  it("their web comment on the duplicate goes to the target, marked from #N, and to its assignee, not its requester", async () => {
    const target = await open(rita, "Target");
    await updateTicket(ann, target, { status: "Open", assigneeId: "ada", version: await versionOf(target) });
    const dup = await open(carl, "Duplicate");
    await mergeTicket(ada, dup, target, await versionOf(dup));
    await db.outboundMail.deleteMany();
    const r = await addComment(carl, dup, { body: "Any news?", internal: false });
    expect(r).toMatchObject({ kind: "added", ticket: target });
    const c = await db.comment.findFirstOrThrow({ where: { body: "Any news?" } });
    expect(c).toMatchObject({ ticketNumber: target, mergedFromNumber: dup, authorId: "carl", writtenAt: null });
    const mail = await db.outboundMail.findMany();
    expect(mail.map((m) => [m.kind, m.toAddress])).toEqual([["requester_comment", "ada@example.com"]]);
    // Carl still cannot read the target.
    expect(await getTicketRow(carl, target)).toBeNull();
    expect((await listTimeline(carl, target)).entries).toEqual([]);
  });

  it("their reply by mail to the duplicate lands in the target", async () => {
    const target = await open(rita, "Target");
    const dup = await open(carl, "Duplicate");
    await mergeTicket(ada, dup, target, await versionOf(dup));
    const reply = rawMessage({ from: "Carl <carl@example.com>", subject: `Re: [#${dup}] Duplicate`, body: "Replying by mail." });
    const outcome = await importMessage(new TextEncoder().encode(reply), { uidKey: null });
    expect(outcome).toMatchObject({ kind: "comment", ticket: target });
    expect(await db.comment.findFirstOrThrow({ where: { body: { startsWith: "Replying by mail." } } })).toMatchObject({ ticketNumber: target, mergedFromNumber: dup });
  });
});

describe("assign to me", () => {
  it("assigns through the ticket's command from the page's version; a stale page is a conflict; a requester may not", async () => {
    const n = await open(rita, "Assign me");
    const v = String(await versionOf(n));
    session.actor = ada;
    expect(await assignToMeAction(n, { fieldErrors: {}, values: {} }, form({ version: v }))).toMatchObject({ ok: true, message: "Assigned to you." });
    const row = await db.ticket.findUniqueOrThrow({ where: { number: n } });
    expect(row).toMatchObject({ assigneeId: "ada", status: 1 });
    expect(await db.activity.findFirst({ where: { ticketNumber: n, field: "assignee" } })).toMatchObject({ fromValue: "Unassigned", toValue: "Ada" });
    // The same page again: it moved on since.
    session.actor = ann;
    expect(await assignToMeAction(n, { fieldErrors: {}, values: {} }, form({ version: v }))).toMatchObject({ message: expect.stringContaining("Not assigned") });
    expect((await db.ticket.findUniqueOrThrow({ where: { number: n } })).assigneeId).toBe("ada");
    session.actor = rita;
    const r = await assignToMeAction(n, { fieldErrors: {}, values: {} }, form({ version: String(row.version) }));
    expect(r.ok).toBeFalsy();
    expect((await db.ticket.findUniqueOrThrow({ where: { number: n } })).assigneeId).toBe("ada");
  });
});

describe("the timeline", () => {
  /** Comments and events interleaved, one a second: c, e, c, c, e, … with some internal notes. */
  async function mixed(count: number) {
    const n = await open(rita, "Mixed");
    const start = Date.now() - 24 * 3600_000;
    const created = await db.activity.findFirstOrThrow({ where: { ticketNumber: n } });
    await db.activity.update({ where: { id: created.id }, data: { createdAt: new Date(start - 1000) } });
    const expected: string[] = ["created"];
    for (let i = 0; i < count; i++) {
      const at = new Date(start + i * 1000);
      if (i % 3 === 1) {
        await db.activity.create({ data: { ticketNumber: n, actorId: "ada", field: "priority", fromValue: "Low", toValue: `P${i}`, createdAt: at } });
        expected.push(`e${i}`);
      } else {
        await db.comment.create({ data: { ticketNumber: n, authorId: "ada", body: `c${i}`, internal: i % 5 === 0, createdAt: at } });
        expected.push(`c${i}`);
      }
    }
    return { n, expected };
  }
  const label = (e: Awaited<ReturnType<typeof listTimeline>>["entries"][number]) =>
    e.type === "comment" ? e.body : e.field === "created" ? "created" : `e${e.to!.slice(1)}`;

  it("pages back and forth through comments and events in time order, each once, by both keysets", async () => {
    const { n, expected } = await mixed(200);
    const seen: string[][] = [];
    let page = await listTimeline(ada, n);
    seen.unshift(page.entries.map(label));
    expect(page.later).toBeNull();
    const pages = [page];
    while (page.earlier) {
      page = await listTimeline(ada, n, { kind: "before", ...page.earlier });
      seen.unshift(page.entries.map(label));
      pages.unshift(page);
    }
    expect(seen.flat()).toEqual(expected);
    // Every place a link names survives the URL (no part is 0 or lost).
    for (const p of pages) {
      for (const [kind, place] of [["before", p.earlier], ["after", p.later]] as const) {
        if (!place) continue;
        const url = new URL(conversationHref(n, { kind, ...place }), "http://x");
        expect(parseConversationParams(Object.fromEntries(url.searchParams))).toEqual({ kind, ...place });
      }
    }
    for (const p of pages) expect(p.entries.filter((e) => e.type === "comment").length).toBeLessThanOrEqual(COMMENTS_PAGE);
    // And forward again from the first page, to the latest.
    const forward: string[] = [...pages[0].entries.map(label)];
    let at = pages[0];
    while (at.later) {
      at = await listTimeline(ada, n, { kind: "after", ...at.later });
      forward.push(...at.entries.map(label));
    }
    expect(forward).toEqual(expected);
  });

  it("a requester's timeline has no internal notes; folded, it has no events", async () => {
    const { n, expected } = await mixed(90);
    const all: string[] = [];
    let page = await listTimeline(rita, n);
    all.unshift(...page.entries.map(label));
    while (page.earlier) {
      page = await listTimeline(rita, n, { kind: "before", ...page.earlier });
      all.unshift(...page.entries.map(label));
    }
    const isNote = (l: string) => l.startsWith("c") && Number(l.slice(1)) % 5 === 0;
    expect(all).toEqual(expected.filter((l) => !isNote(l)));
    // Staff-only events (tags) are not in a requester's timeline either.
    await db.activity.create({ data: { ticketNumber: n, actorId: "ada", field: "tags", fromValue: "", toValue: "vip", createdAt: new Date() } });
    expect((await listTimeline(rita, n)).entries.some((e) => e.type === "event" && e.field === "tags")).toBe(false);
    expect((await listTimeline(ada, n)).entries.some((e) => e.type === "event" && e.field === "tags")).toBe(true);
    const folded = await listTimeline(ada, n, { kind: "latest" }, { history: false });
    expect(folded.entries.every((e) => e.type === "comment")).toBe(true);
  });

  it("a long history pages too: at most TIMELINE_EVENTS_PAGE events a page", async () => {
    const n = await open(rita, "Busy");
    await db.activity.createMany({
      data: Array.from({ length: 3 * TIMELINE_EVENTS_PAGE }, (_, i) => ({ ticketNumber: n, actorId: "ada", field: "status", fromValue: "Open", toValue: `S${i}`, createdAt: new Date(Date.now() + i) })),
    });
    const latest = await listTimeline(ada, n);
    expect(latest.entries).toHaveLength(TIMELINE_EVENTS_PAGE);
    expect(latest.earlier).not.toBeNull();
  });

  it("a merged ticket reads: the merge's line, then what it brought, marked", async () => {
    const target = await open(rita, "Target");
    await addComment(rita, target, { body: "Mine first", internal: false });
    const dup = await open(carl, "Duplicate", "Dup description");
    await addComment(carl, dup, { body: "Dup comment", internal: false });
    await mergeTicket(ada, dup, target, await versionOf(dup));
    const page = await listTimeline(ada, target);
    expect(page.entries.map((e) => (e.type === "comment" ? `${e.body}${e.from ? ` (from #${e.from.number}${e.from.copied?.description ? ", description" : ""})` : ""}` : e.field))).toEqual([
      "created",
      "Mine first",
      "merged_from",
      `Dup description (from #${dup}, description)`,
      `Dup comment (from #${dup})`,
    ]);
  });
});
