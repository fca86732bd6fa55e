import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import { createTicket, updateTicket } from "@/lib/tickets/commands";
import { importMessage } from "@/lib/mail/import";
import type { Actor } from "@/lib/people/identity";
import { pollMailbox, MAILBOX_LEASE } from "@/lib/mail/poll";
import { getAuth } from "@/lib/auth/auth";
import { startDovecot, type Dovecot } from "./dovecot";
import { rawMessage } from "./messages";

/** Real clients' messages in several charsets (lib/mail/inbound/parse.test.ts reads them all). */
const SAMPLES = path.join(import.meta.dirname, "../../lib/mail/inbound/samples/charsets");

/** The support mailbox, for real: messages APPENDed into Dovecot, read by the poller. */

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };
const ann: Actor = { id: "ann", name: "Ann", role: "admin" };

let imap: Dovecot;

beforeAll(async () => {
  for (const u of [rita, ada, ann]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  imap = await startDovecot();
});

afterAll(async () => {
  await imap?.stop();
});

beforeEach(async () => {
  // Everything still unhandled from an earlier test is imported now, so each test sees its own.
  await poll();
});

const poll = (opts: Parameters<typeof pollMailbox>[0] = {}) => pollMailbox({ url: imap.url, ...opts });

async function ticketWithAck(title = "Laptop will not boot") {
  const n = (await createTicket(rita, { title, description: "Black screen.", priority: "High" })).number;
  const ack = await db.outboundMail.findFirstOrThrow({ where: { ticketNumber: n, kind: "ticket_created" } });
  return { n, ack };
}

const comments = (n: number) => db.comment.findMany({ where: { ticketNumber: n }, orderBy: { id: "asc" }, include: { author: true } });

describe("replies", () => {
  it("a reply to Triage's mail becomes the requester's comment, quotes cut, and the message is marked", async () => {
    const { n, ack } = await ticketWithAck();
    const { uid } = await imap.append(
      rawMessage({
        from: "Rita <rita@example.com>",
        subject: `Re: ${ack.subject}`,
        inReplyTo: `<${ack.messageId}>`,
        references: `<${ack.messageId}>`,
        body: `It boots now, but the fan is loud.\n\nOn Mon, 30 Nov 2026 at 10:02, Triage <triage@localhost.localdomain> wrote:\n> Hello Rita,\n> We received your request.`,
      }),
    );
    const r = await poll();
    expect(r.outcomes.comment).toBe(1);
    const [c] = await comments(n);
    expect(c.author.email).toBe("rita@example.com");
    expect(c.body).toBe("It boots now, but the fan is loud.");
    expect(c.internal).toBe(false);
    const listed = (await imap.list()).find((m) => m.uid === uid)!;
    expect(listed.flags).toEqual(expect.arrayContaining(["$TriageDone", "\\Seen"]));
  });

  it("finds its ticket by the signed reference when the provider rewrote the Message-IDs", async () => {
    const { n, ack } = await ticketWithAck("Rewritten ids");
    const ref = /\[ref:[^\]]+\]/.exec(ack.text)![0];
    await imap.append(
      rawMessage({
        from: "rita@example.com",
        subject: "Re: your request",
        inReplyTo: "<AM0PR01MB1234.rewritten@outlook.example>",
        body: `Thanks!\n\n-----Original Message-----\nFrom: Triage\n${ref}`,
      }),
    );
    await poll();
    expect((await comments(n)).map((c) => c.body)).toEqual(["Thanks!"]);
  });

  it("the same message delivered twice gives one comment", async () => {
    const { n, ack } = await ticketWithAck("Twice");
    const raw = rawMessage({ from: "rita@example.com", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: "Only once, please." });
    await imap.append(raw);
    await imap.append(raw);
    const r = await poll();
    expect(r.outcomes).toMatchObject({ comment: 1, duplicate: 1 });
    expect(await comments(n)).toHaveLength(1);
    // Both copies are marked: neither is read again.
    expect((await poll()).seen).toBe(0);
  });

  it("an agent's reply to mail Triage sent them is a public comment that the requester is told about", async () => {
    const { n, ack } = await ticketWithAck("Agent by mail");
    await updateTicket(ann, n, { status: "In progress", assigneeId: "ada", version: 1 });
    const assigned = await db.outboundMail.findFirstOrThrow({ where: { ticketNumber: n, kind: "assigned" } });
    expect(assigned.toAddress).toBe("ada@example.com");
    await imap.append(rawMessage({ from: "Ada <ada@example.com>", subject: `Re: ${assigned.subject}`, inReplyTo: `<${assigned.messageId}>`, body: "Replace the battery." }));
    await poll();
    const [c] = await comments(n);
    expect(c.author.id).toBe("ada");
    expect(c.body).toBe("Replace the battery.");
    const told = await db.outboundMail.findFirst({ where: { ticketNumber: n, kind: "team_comment" } });
    expect(told?.toAddress).toBe("rita@example.com");
    expect(told?.inReplyTo).toBe(ack.messageId);
  });

  it("an agent's address in From without a reply to their own mail is set aside: it may be forged", async () => {
    const { n, ack } = await ticketWithAck("Forged agent");
    const forged = [
      rawMessage({ from: "Ada <ada@example.com>", subject: `Re: [#${n}] Forged agent`, body: "Please send me your password." }),
      // Even in the requester's own thread (Rita could forge Ada's address).
      rawMessage({ from: "Ada <ada@example.com>", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: "Please send me your password." }),
    ];
    for (const raw of forged) await imap.append(raw);
    const r = await poll();
    expect(r.outcomes.quarantined).toBe(2);
    expect(await comments(n)).toHaveLength(0);
    expect(await db.outboundMail.count({ where: { ticketNumber: n, kind: "team_comment" } })).toBe(0);
  });

  it("[#N] alone in a subject does not reopen a Resolved ticket (anyone can type it)", async () => {
    const { n } = await ticketWithAck("Typed tag");
    await updateTicket(ada, n, { status: "Resolved", version: 1 });
    await imap.append(rawMessage({ from: "rita@example.com", subject: `[#${n}] one more thing`, body: "Thanks again." }));
    await poll();
    expect((await comments(n)).map((c) => c.body)).toEqual(["Thanks again."]);
    expect((await db.ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe(4);
  });

  it("the requester answering a Resolved ticket opens it again", async () => {
    const { n, ack } = await ticketWithAck("Came back");
    await updateTicket(ada, n, { status: "Resolved", version: 1 });
    await imap.append(rawMessage({ from: "rita@example.com", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: "It is broken again." }));
    await poll();
    const t = await db.ticket.findUniqueOrThrow({ where: { number: n } });
    expect(t.status).toBe(1);
    expect(t.resolvedAt).toBeNull();
    const history = await db.activity.findMany({ where: { ticketNumber: n, field: "status" }, orderBy: { id: "asc" } });
    expect(history.map((h) => [h.actorId, h.fromValue, h.toValue])).toEqual([["ada", "Open", "Resolved"], ["rita", "Resolved", "Open"]]);
  });

  it("the same message imported twice at once gives one comment", async () => {
    const { n, ack } = await ticketWithAck("Race");
    const raw = Buffer.from(rawMessage({ from: "rita@example.com", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: "Only one of me." }));
    const outcomes = await Promise.all([importMessage(raw, { uidKey: null }), importMessage(raw, { uidKey: null })]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["comment", "duplicate"]);
    expect(await comments(n)).toHaveLength(1);
  });

  it("[#N] in a stranger's subject opens a new ticket, not a comment on someone else's", async () => {
    const { n } = await ticketWithAck("Not yours");
    await imap.append(rawMessage({ from: "Mallory <mallory@evil.example>", subject: `Re: [#${n}] Not yours`, body: "Let me in." }));
    const r = await poll();
    expect(r.outcomes.ticket).toBe(1);
    expect(await comments(n)).toHaveLength(0);
  });

  it("a stranger answering inside a thread is set aside for an admin, not posted", async () => {
    const { n, ack } = await ticketWithAck("Cc'd colleague");
    await imap.append(rawMessage({ from: "colleague@example.org", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: "Me too." }));
    const r = await poll();
    expect(r.outcomes.quarantined).toBe(1);
    expect(await comments(n)).toHaveLength(0);
    const row = await db.inboundMail.findFirstOrThrow({ where: { fromAddress: "colleague@example.org" } });
    expect(row.status).toBe("quarantined");
    expect(row.reason).toContain(`#${n}`);
    expect(row.raw.length).toBeGreaterThan(100);
  });
});

describe("new mail", () => {
  it("a new sender's message opens a ticket; the sender gets an invitation and can set a password and sign in", async () => {
    await imap.append(
      rawMessage({
        from: '"Zoë Quinn" <Zoe.Quinn@Customer.example>',
        subject: "Fwd: Invoice 2211 is wrong",
        body: "The total counts the discount twice.\n\nZoë",
      }),
    );
    const r = await poll();
    expect(r.outcomes.ticket).toBe(1);
    const user = await db.user.findUniqueOrThrow({ where: { email: "zoe.quinn@customer.example" } });
    expect(user).toMatchObject({ name: "Zoë Quinn", role: "requester" });
    const ticket = await db.ticket.findFirstOrThrow({ where: { requesterId: user.id } });
    expect(ticket.title).toBe("Invoice 2211 is wrong");
    expect(ticket.description).toBe("The total counts the discount twice.\n\nZoë");
    const ack = await db.outboundMail.findFirstOrThrow({ where: { toAddress: user.email, kind: "ticket_created" } });
    const link = /\/reset-password\?token=([\w-]+)/.exec(ack.text);
    expect(link).not.toBeNull();
    const auth = getAuth(false);
    await auth.api.resetPassword({ body: { token: link![1], newPassword: "a-new-password-1" } });
    const signedIn = await auth.api.signInEmail({ body: { email: user.email, password: "a-new-password-1" } });
    expect(signedIn.user.id).toBe(user.id);
    // The invitation works once.
    await expect(auth.api.resetPassword({ body: { token: link![1], newPassword: "another-password-2" } })).rejects.toThrow();
  });

  it("an HTML-only message becomes readable text", async () => {
    await imap.append(
      rawMessage({
        from: "html@customer.example",
        subject: "HTML only",
        contentType: "text/html; charset=utf-8",
        body: "<html><body><p>Line one</p><p>Line <b>two</b> &amp; more</p><script>alert(1)</script></body></html>",
      }),
    );
    await poll();
    const t = await db.ticket.findFirstOrThrow({ where: { title: "HTML only" } });
    expect(t.description).toBe("Line one\n\nLine two & more");
  });

  it("Outlook's windows-1252 arrives intact through the real mailbox: title, name and every quote, dash and euro", async () => {
    await imap.append(fs.readFileSync(path.join(SAMPLES, "outlook-windows-1252.eml")));
    await poll();
    const t = await db.ticket.findFirstOrThrow({ where: { title: "Drucker kaputt – Büro 3" }, include: { requester: true } });
    expect(t.requester.name).toBe("Jürgen Müller");
    expect(t.description).toContain("druckt nur noch „Streifen“ – seit dem Update. Kosten bisher: 80 €.");
    expect(t.description).toContain("Ich weiß, es ist „nicht dringend“, aber don’t wait…");
    expect(`${t.title}${t.description}${t.requester.name}`).not.toMatch(/[\u0080-\u009f]/);
  });
});

describe("no loops, no noise", () => {
  it("an out-of-office reply and a bounce create nothing and send nothing", async () => {
    const { n, ack } = await ticketWithAck("Robots");
    const before = { tickets: await db.ticket.count(), mail: await db.outboundMail.count() };
    await imap.append(
      rawMessage({
        from: "rita@example.com",
        subject: `Automatic reply: ${ack.subject}`,
        inReplyTo: `<${ack.messageId}>`,
        headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" },
        body: "I am out of the office until Monday.",
      }),
    );
    await imap.append(
      rawMessage({
        from: "Mail Delivery System <MAILER-DAEMON@mx.example.com>",
        subject: "Undelivered Mail Returned to Sender",
        headers: { "Return-Path": "<>" },
        contentType: 'multipart/report; report-type=delivery-status; boundary="b1"',
        body: "--b1\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--b1--",
      }),
    );
    const r = await poll();
    expect(r.outcomes.ignored).toBe(2);
    expect(await comments(n)).toHaveLength(0);
    expect(await db.ticket.count()).toBe(before.tickets);
    expect(await db.outboundMail.count()).toBe(before.mail);
    const ignored = await db.inboundMail.findMany({ where: { status: "ignored" }, orderBy: { id: "desc" }, take: 2 });
    expect(ignored.map((m) => m.reason).join(" | ")).toMatch(/auto-reply.*\|.*(bounce|report)|(bounce|report).*\|.*auto-reply/);
  });

  it("a From header listing several addresses creates no account and sends nothing", async () => {
    const before = await db.outboundMail.count();
    await imap.append(rawMessage({ from: "<victim1@example.org,victim2@example.org>", subject: "Cheap pills", body: "Buy now." }));
    await imap.append(rawMessage({ from: "Spam <a@example.org b@example.org>", subject: "Cheap pills", body: "Buy now." }));
    expect((await poll()).outcomes.ignored).toBe(2);
    expect(await db.user.count({ where: { email: { contains: "example.org" } } })).toBe(0);
    expect(await db.outboundMail.count()).toBe(before);
  });

  it("an oversized message from a list of addresses is refused without a note to any of them", async () => {
    const before = await db.outboundMail.count();
    await imap.append(rawMessage({ from: "<v1@example.net,v2@example.net>", subject: "Huge list", body: "x".repeat(120_000) }));
    expect((await poll({ maxBytes: 100_000 })).outcomes.refused).toBe(1);
    expect(await db.outboundMail.count()).toBe(before);
  });

  it("mail from Triage's own address is never imported", async () => {
    await imap.append(rawMessage({ from: "Triage <triage@localhost.localdomain>", subject: "Echo", body: "Myself." }));
    expect((await poll()).outcomes.ignored).toBe(1);
  });

  it("an oversized message is refused without downloading it, and its sender told", async () => {
    const big = "x".repeat(120_000);
    await imap.append(rawMessage({ from: "big@customer.example", subject: "Huge scan", body: big }));
    const r = await poll({ maxBytes: 100_000 });
    expect(r.outcomes.refused).toBe(1);
    const row = await db.inboundMail.findFirstOrThrow({ where: { fromAddress: "big@customer.example" } });
    expect(row.status).toBe("refused");
    expect(row.raw.length).toBeLessThan(2000);
    const note = await db.outboundMail.findFirstOrThrow({ where: { toAddress: "big@customer.example" } });
    expect(note.subject).toContain("Huge scan");
    expect(await db.ticket.count({ where: { title: "Huge scan" } })).toBe(0);
  });
});

describe("one poller, exactly once", () => {
  it("a second process does not poll while the first holds the lease", async () => {
    await db.lease.create({ data: { name: MAILBOX_LEASE, owner: "other-process", until: new Date(Date.now() + 30_000) } });
    try {
      expect((await poll()).skipped).toBe(true);
    } finally {
      await db.lease.deleteMany();
    }
  });

  it("a poller killed with SIGKILL in the middle of 50 messages, then a new one: exactly 50 comments", async () => {
    const { n, ack } = await ticketWithAck("Fifty");
    for (let i = 0; i < 50; i++) {
      await imap.append(rawMessage({ from: "rita@example.com", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: `Reply ${i}` }));
    }
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.resolve("tests/mail/poll-once.ts"), imap.url], {
      env: process.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise((r) => child.once("exit", r));
    // Kill it once it has imported some but not all.
    let killedAt = -1;
    for (let t = 0; t < 1200 && killedAt < 0 && child.exitCode === null; t++) {
      const count = await db.comment.count({ where: { ticketNumber: n } });
      if (count >= 5) {
        child.kill("SIGKILL");
        killedAt = count;
      } else await new Promise((r) => setTimeout(r, 25));
    }
    await exited;
    expect(stderr).toBe("");
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(50);
    // The dead poller's lease runs out (30 s); here it is made to run out now.
    await db.lease.updateMany({ data: { until: new Date(0) } });
    await poll();
    const bodies = (await comments(n)).map((c) => c.body).sort((a, b) => Number(a.split(" ")[1]) - Number(b.split(" ")[1]));
    expect(bodies).toEqual(Array.from({ length: 50 }, (_, i) => `Reply ${i}`));
    expect((await imap.list()).filter((m) => !m.flags.includes("$TriageDone"))).toHaveLength(0);
  }, 60_000);
});

describe("threading of what Triage answers", () => {
  it("the acknowledgement of a mailed-in ticket answers the sender's own message", async () => {
    const local = `CAFirst+${Date.now()}=Q`;
    const id = `<${local}@Mail.Customer.Example>`;
    await imap.append(rawMessage({ from: "thread@customer.example", subject: "Thread me", messageId: id, body: "Hello." }));
    await poll();
    const ack = await db.outboundMail.findFirstOrThrow({ where: { toAddress: "thread@customer.example", kind: "ticket_created" } });
    // Exactly as the client wrote it (only the domain folded): clients thread on the string.
    expect(ack.inReplyTo).toBe(`${local}@mail.customer.example`);
    expect(ack.subject).toMatch(/^Received: \[#\d+\] Thread me$/);
  });
});

describe("reset links", () => {
  it("setting a password through one link ends every other reset link of the account", async () => {
    await imap.append(rawMessage({ from: "twolinks@customer.example", subject: "Two links", body: "Hi." }));
    await poll();
    const user = await db.user.findUniqueOrThrow({ where: { email: "twolinks@customer.example" } });
    const auth = getAuth(false);
    await auth.api.requestPasswordReset({ body: { email: user.email } });
    const links = await db.verification.findMany({ where: { value: user.id, identifier: { startsWith: "reset-password:" } } });
    expect(links).toHaveLength(2); // the invitation and the requested link
    const [a, b] = links.map((l) => l.identifier.slice("reset-password:".length));
    await auth.api.resetPassword({ body: { token: a, newPassword: "first-new-password" } });
    await expect(auth.api.resetPassword({ body: { token: b, newPassword: "second-new-password" } })).rejects.toThrow();
    await auth.api.signInEmail({ body: { email: user.email, password: "first-new-password" } });
  });
});

describe("an address someone signed up with on the web", () => {
  async function webAccount(email: string) {
    const auth = getAuth(false);
    const r = await auth.api.signUpEmail({ body: { name: "Web Person", email, password: "web-password-123" } });
    return r.user.id;
  }

  it("mail from it waits until the mailbox's owner confirms the address, then goes in", async () => {
    const id = await webAccount("ceo@corp.example");
    await imap.append(rawMessage({ from: "CEO <ceo@corp.example>", subject: "Board pack", body: "Confidential numbers." }));
    const r = await poll();
    expect(r.outcomes.held).toBe(1);
    expect(await db.ticket.count({ where: { requesterId: id } })).toBe(0);
    const check = await db.outboundMail.findFirstOrThrow({ where: { toAddress: "ceo@corp.example", kind: "address_check" } });
    expect(check.subject).toBe("Your message to the help desk is waiting");
    expect(check.text).not.toContain("Board pack");
    const token = /\/reset-password\?token=([\w-]+)/.exec(check.text)![1];
    await getAuth(false).api.resetPassword({ body: { token, newPassword: "the-real-owner-1" } });
    await poll();
    const ticket = await db.ticket.findFirstOrThrow({ where: { requesterId: id } });
    expect(ticket.title).toBe("Board pack");
    expect((await db.user.findUniqueOrThrow({ where: { id } })).emailVerified).toBe(true);
  });

  it("a reply to mail Triage sent to that address goes in, without confirming the address for later mail", async () => {
    const id = await webAccount("proven@corp.example");
    const n = (await createTicket({ id, name: "Web Person", role: "requester" }, { title: "Proven", description: "x", priority: "Low" })).number;
    // An unproven web address now gets nothing from the desk but its proof link (issue 20); a
    // message Triage sent there before that rule (or to an address proven since) stands for it.
    expect(await db.outboundMail.count({ where: { ticketNumber: n } })).toBe(0);
    const ack = await db.outboundMail.create({
      data: { kind: "team_comment", ticketNumber: n, toUserId: id, toAddress: "proven@corp.example", subject: `[#${n}] Proven`, text: "x", html: "x", messageId: `sent-before-${n}@triage.test`, status: "sent" },
    });
    await imap.append(rawMessage({ from: "proven@corp.example", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: "More details." }));
    expect((await poll()).outcomes.comment).toBe(1);
    // Whoever set the password may not own the mailbox: the next new message still waits.
    expect((await db.user.findUniqueOrThrow({ where: { id } })).emailVerified).toBe(false);
    await imap.append(rawMessage({ from: "proven@corp.example", subject: "Another thing", body: "New topic." }));
    expect((await poll()).outcomes.held).toBe(1);
  });

  it("waiting mail is set aside when the address is not confirmed within a week", async () => {
    await webAccount("slow@corp.example");
    await imap.append(rawMessage({ from: "slow@corp.example", subject: "Slow", body: "Hello." }));
    expect((await poll()).outcomes.held).toBe(1);
    await db.inboundMail.updateMany({ where: { fromAddress: "slow@corp.example" }, data: { createdAt: new Date(Date.now() - 8 * 86400_000) } });
    await poll();
    const row = await db.inboundMail.findFirstOrThrow({ where: { fromAddress: "slow@corp.example" } });
    expect(row.status).toBe("quarantined");
    expect(row.reason).toContain("did not confirm");
  });
});
