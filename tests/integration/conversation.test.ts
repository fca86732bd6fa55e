import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/people/identity";
import { session } from "../fake-session";

/**
 * Flooding a ticket: comments per person per minute (every channel), and mail about a burst of
 * comments coalesced into one message per ticket and recipient per window. This file sets its own
 * limits (before anything reads the configuration): 100 comments a minute, a 120-second window.
 */
vi.hoisted(() => {
  process.env.TRIAGE_COMMENTS_PER_MINUTE = "100";
  process.env.TRIAGE_MAIL_COALESCE_SECONDS = "120";
});
const LIMIT = 100;
const WINDOW_MS = 120_000;

vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { models: db, read } = await import("@/lib/db");
const { createTicket, updateTicket } = await import("@/lib/tickets/commands");
const { addComment } = await import("@/lib/tickets/comments");
const { addCommentAction } = await import("@/app/(desk)/tickets/actions");
const { deliverDue } = await import("@/lib/mail/outbox");
const { importMessage, retryStored } = await import("@/lib/mail/import");
const { rawMessage } = await import("../mail/messages");
const { MAIL_COMMENTS_MAX } = await import("@/lib/limits");

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const carl: Actor = { id: "carl", name: "Carl", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };
const bob: Actor = { id: "bob", name: "Bob", role: "agent" };
const ann: Actor = { id: "ann", name: "Ann", role: "admin" };

beforeAll(async () => {
  for (const u of [rita, carl, ada, bob, ann]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
});

beforeEach(async () => {
  // Each test starts with nobody over the limit and an empty outbox.
  await db.comment.deleteMany();
  await db.outboundMail.deleteMany();
  await db.inboundMail.deleteMany();
});

const open = async (by: Actor = rita, title = "Printer on fire") => (await createTicket(by, { title, description: "Smoke.", priority: "High" })).number;

/** A ticket of Rita's assigned to Ada, with its mail so far cleared. */
async function assigned() {
  const n = await open();
  const v = (await db.ticket.findUniqueOrThrow({ where: { number: n } })).version;
  await updateTicket(ann, n, { status: "Open", assigneeId: "ada", version: v });
  await db.outboundMail.deleteMany();
  return n;
}

/** `count` comments by `who` written straight into the table, `agoMs` ago (none of them mailed). */
async function earlier(who: Actor, n: number, count: number, agoMs = 30_000, internal = false) {
  await db.comment.createMany({
    data: Array.from({ length: count }, (_, i) => ({ ticketNumber: n, authorId: who.id, body: `earlier ${i}`, internal, createdAt: new Date(Date.now() - agoMs) })),
  });
}

/** Moves every comment a minute and a second into the past: the per-minute count starts again. */
const aMinuteLater = () => db.comment.updateMany({ data: { createdAt: new Date(Date.now() - 61_000) } });

const mail = () => db.outboundMail.findMany({ orderBy: { id: "asc" } });

/** A worker whose SMTP server accepts everything. */
const accepting = { sendMail: async () => ({ response: "250 2.0.0 OK" }) } as unknown as Parameters<typeof deliverDue>[0];

describe("comments per person per minute", () => {
  it(`the ${LIMIT + 1}st comment in a minute, on any ticket, is refused with a clear message; nothing is written`, async () => {
    const a = await open();
    const b = await open();
    await earlier(rita, a, LIMIT - 1);
    expect(await addComment(rita, b, { body: "The hundredth", internal: false })).toMatchObject({ kind: "added" });
    const before = await db.ticket.findUniqueOrThrow({ where: { number: b } });
    const mails = await db.outboundMail.count();
    const refused = await addComment(rita, b, { body: "One too many", internal: false });
    expect(refused).toMatchObject({ kind: "rate_limited" });
    if (refused.kind !== "rate_limited") throw new Error("not refused");
    expect(refused.message).toMatch(/^Not added: one person may add 100 comments a minute\. Try again in \d+ seconds?; your comment is kept below\.$/);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(31);
    expect(await db.comment.count({ where: { body: "One too many" } })).toBe(0);
    expect(await db.ticket.findUniqueOrThrow({ where: { number: b } })).toEqual(before);
    expect(await db.outboundMail.count()).toBe(mails);
  });

  it("internal notes count too; other people are not held back", async () => {
    const n = await open();
    await earlier(ada, n, LIMIT, 10_000, true);
    expect(await addComment(ada, n, { body: "Another note", internal: true })).toMatchObject({ kind: "rate_limited" });
    expect(await addComment(ada, n, { body: "A reply", internal: false })).toMatchObject({ kind: "rate_limited" });
    expect(await addComment(bob, n, { body: "Bob is fine", internal: false })).toMatchObject({ kind: "added" });
    expect(await addComment(rita, n, { body: "Rita too", internal: false })).toMatchObject({ kind: "added" });
  });

  it("a minute later the person may comment again", async () => {
    const n = await open();
    await earlier(rita, n, LIMIT);
    expect(await addComment(rita, n, { body: "Too soon", internal: false })).toMatchObject({ kind: "rate_limited" });
    await aMinuteLater();
    expect(await addComment(rita, n, { body: "Now it goes", internal: false })).toMatchObject({ kind: "added" });
  });

  it("refused comments do not count; a ticket nobody may see is not found before any limit", async () => {
    const n = await open();
    await earlier(rita, n, LIMIT);
    for (let i = 0; i < 3; i++) expect(await addComment(rita, n, { body: "again", internal: false })).toMatchObject({ kind: "rate_limited" });
    expect(await db.comment.count({ where: { authorId: "rita" } })).toBe(LIMIT);
    const carls = await open(carl);
    expect(await addComment(rita, carls, { body: "x", internal: false })).toEqual({ kind: "not_found" });
  });

  it("the form says why and keeps the comment typed, marking no field", async () => {
    const n = await open();
    await earlier(rita, n, LIMIT);
    session.actor = rita;
    const form = new FormData();
    form.append("body", "My carefully typed comment");
    const state = await addCommentAction(n, { fieldErrors: {}, values: {} }, form);
    expect(state.ok).toBeFalsy();
    expect(state.message).toMatch(/one person may add 100 comments a minute/);
    expect(state.values).toEqual({ body: "My carefully typed comment" });
    expect(state.fieldErrors).toEqual({});
  });

  it("a reply by mail over the limit is kept, and becomes the comment once the minute has passed", async () => {
    const n = await open();
    const ack = (await mail()).find((m) => m.kind === "ticket_created")!;
    await earlier(rita, n, LIMIT);
    const reply = rawMessage({ from: "Rita <rita@example.com>", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: "Sent from my phone, in a hurry." });
    const first = await importMessage(new TextEncoder().encode(reply), { uidKey: null });
    expect(first.kind).toBe("failing");
    expect(await db.comment.count({ where: { body: "Sent from my phone, in a hurry." } })).toBe(0);
    const kept = await db.inboundMail.findFirstOrThrow();
    expect(kept.status).toBe("failing");

    await aMinuteLater();
    expect(await retryStored()).toBe(1);
    expect(await db.comment.count({ where: { ticketNumber: n, authorId: "rita", body: "Sent from my phone, in a hurry." } })).toBe(1);
  });
});

describe("mail about a burst of comments", () => {
  it("72 comments from the requester in 20 seconds: two mails to the assignee, carrying every comment, bounded", async () => {
    const n = await assigned();
    let firstQueuedId: string | null = null;
    for (let i = 0; i < 72; i++) {
      expect(await addComment(rita, n, { body: `Comment ${i}: ${"x".repeat(1000)}`, internal: false })).toMatchObject({ kind: "added" });
      // A worker going round every few comments sends what is due.
      if (i % 3 === 2) await deliverDue(accepting);
      if (i === 3) firstQueuedId = (await mail()).at(-1)!.messageId;
    }
    const rows = await mail();
    expect(rows.map((r) => [r.kind, r.toAddress, r.status])).toEqual([
      ["requester_comment", "ada@example.com", "sent"],
      ["requester_comment", "ada@example.com", "queued"],
    ]);
    const [sent, queued] = rows;
    // The first went at once, with what had come by the time the worker came round.
    expect(sent.text).toContain("3 new comments on ticket");
    for (const i of [0, 1, 2]) expect(sent.text).toContain(`Comment ${i}: `);
    // The second carries the rest, cut to what one mail holds, and waits a window after the first.
    expect(queued.text).toContain("69 new comments on ticket");
    for (let i = 3; i < 3 + MAIL_COMMENTS_MAX; i++) expect(queued.text).toContain(`Comment ${i}: `);
    expect(queued.text).not.toContain(`Comment ${3 + MAIL_COMMENTS_MAX}: `);
    expect(queued.text).toContain(`…and ${69 - MAIL_COMMENTS_MAX} more comments on the ticket page.`);
    expect(queued.html).toContain(`…and ${69 - MAIL_COMMENTS_MAX} more comments on the ticket page.`);
    expect(queued.text.length).toBeLessThan(MAIL_COMMENTS_MAX * 1100 + 2000);
    expect(queued.nextAttemptAt.getTime() - sent.sentAt!.getTime()).toBeGreaterThanOrEqual(WINDOW_MS - 1);
    expect(queued.nextAttemptAt.getTime() - sent.sentAt!.getTime()).toBeLessThan(WINDOW_MS + 1000);
    // Rewritten in place: one Message-ID, threaded onto the first.
    expect(queued.messageId).toBe(firstQueuedId);
    expect(queued.inReplyTo).toBe(sent.messageId);
    expect(queued.subject).toBe(`Re: [#${n}] Printer on fire`);
  });

  it("20,000-character comments: a mail carries one whole and counts the rest", async () => {
    const n = await assigned();
    for (let i = 0; i < 5; i++) await addComment(rita, n, { body: `${i}`.repeat(20_000), internal: false });
    const [row] = await mail();
    expect(row.text).toContain("0".repeat(20_000));
    expect(row.text).not.toContain("1".repeat(100));
    expect(row.text).toContain("5 new comments on ticket");
    expect(row.text).toContain("…and 4 more comments on the ticket page.");
    expect(row.text.length).toBeLessThan(21_000);
    expect(row.html.length).toBeLessThan(22_000);
  });

  it("the requester gets the team's public comments gathered: no internal note, not their own", async () => {
    const n = await open();
    await db.outboundMail.deleteMany();
    await addComment(ada, n, { body: "We are looking at it.", internal: false });
    await addComment(ada, n, { body: "Internal: the vendor is late again", internal: true });
    await addComment(rita, n, { body: "Thanks, waiting.", internal: false });
    await addComment(bob, n, { body: "Bob here: a new part is ordered.", internal: false });
    const rows = (await mail()).filter((r) => r.toAddress === "rita@example.com");
    expect(rows).toHaveLength(1);
    expect(rows[0].text).toContain("2 new comments on ticket");
    expect(rows[0].text).toContain("We are looking at it.");
    expect(rows[0].text).toContain("Bob here: a new part is ordered.");
    expect(rows[0].text).toMatch(/Bob wrote on .*:/);
    expect(rows[0].text).not.toContain("vendor");
    expect(rows[0].html).not.toContain("vendor");
    expect(rows[0].text).not.toContain("Thanks, waiting.");
  });

  it("the assignee's mail carries only the requester's comments", async () => {
    const n = await assigned();
    await addComment(rita, n, { body: "First from Rita", internal: false });
    await addComment(bob, n, { body: "Bob answers Rita", internal: false });
    await addComment(rita, n, { body: "Second from Rita", internal: false });
    const toAda = (await mail()).filter((r) => r.toAddress === "ada@example.com");
    expect(toAda).toHaveLength(1);
    expect(toAda[0].text).toContain("First from Rita");
    expect(toAda[0].text).toContain("Second from Rita");
    expect(toAda[0].text).not.toContain("Bob answers Rita");
  });

  it("a message the worker has tried is never rewritten: the next comment starts another", async () => {
    const n = await assigned();
    await addComment(rita, n, { body: "Before the try", internal: false });
    // Tried once and refused for now (4xx): queued again, with an attempt.
    await db.outboundMail.updateMany({ data: { attempts: 1, nextAttemptAt: new Date(Date.now() + 30_000), lastResponse: "421 try later" } });
    await addComment(rita, n, { body: "After the try", internal: false });
    const rows = await mail();
    expect(rows).toHaveLength(2);
    expect(rows[0].text).not.toContain("After the try");
    expect(rows[1].text).toContain("After the try");
    expect(rows[1].text).not.toContain("Before the try");
    expect(rows[1].nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + WINDOW_MS - 5000);
  });

  it("after a quiet spell a comment is mailed at once; a failed message holds nothing back", async () => {
    const n = await assigned();
    await addComment(rita, n, { body: "Long ago", internal: false });
    await db.outboundMail.updateMany({ data: { status: "sent", attempts: 1, sentAt: new Date(Date.now() - WINDOW_MS - 1000) } });
    await addComment(rita, n, { body: "After a quiet spell", internal: false });
    let last = (await mail()).at(-1)!;
    expect(last.text).toContain("After a quiet spell");
    expect(last.text).not.toContain("Long ago");
    expect(last.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());

    await db.outboundMail.updateMany({ data: { status: "failed", attempts: 1, sentAt: null } });
    await addComment(rita, n, { body: "After a failure", internal: false });
    last = (await mail()).at(-1)!;
    expect(last.text).toContain("After a failure");
    expect(last.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await db.outboundMail.count()).toBe(3);
  });

  it("one comment alone reads as before: who, when, the text", async () => {
    const n = await assigned();
    await addComment(rita, n, { body: "Only this.", internal: false });
    const [row] = await mail();
    expect(row.text).toMatch(/Rita commented on ticket #\d+ on .*\.\n\nRita wrote:\n\nOnly this\./);
    expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    // The outbox row's time is the first comment's: what it gathers from.
    const c = await read.get<{ createdAt: string | Date }>(`SELECT "createdAt" FROM "comment" WHERE "body" = ?`, "Only this.");
    expect(row.createdAt.getTime()).toBe(new Date(c!.createdAt).getTime());
  });
});
