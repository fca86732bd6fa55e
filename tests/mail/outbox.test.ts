import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import nodemailer from "nodemailer";
import { models as db } from "@/lib/db";
import { createTicket } from "@/lib/tickets/commands";
import { addComment } from "@/lib/tickets/comments";
import type { Actor } from "@/lib/people/identity";
import { deliverDue, retryMail, type Transport } from "@/lib/mail/outbox";
import { startSmtp, type Smtp } from "./smtp";

/** The outbox against a real SMTP server: what arrives, and what happens when the server says no. */

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };

let smtp: Smtp;
let transport: Transport & { close(): void };

beforeAll(async () => {
  for (const u of [rita, ada]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  smtp = await startSmtp();
  transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 4 } as never);
});

afterAll(async () => {
  transport.close();
  await smtp.stop();
});

beforeEach(async () => {
  await db.outboundMail.deleteMany();
  smtp.messages.length = 0;
  smtp.mode("accept");
});

/** Makes every queued message due now (the backoff is tested on its own). */
const dueNow = () => db.outboundMail.updateMany({ where: { status: "queued" }, data: { nextAttemptAt: new Date(0) } });

describe("delivery", () => {
  it("sends a team comment with the subject, text, HTML and threading headers", async () => {
    const n = (await createTicket(rita, { title: "VPN drops", description: "Every hour.", priority: "Medium" })).number;
    await addComment(ada, n, { body: "Please try the new profile.", internal: false });
    expect(await deliverDue(transport)).toEqual({ sent: 2, retry: 0, fail: 0 });
    const [ack, reply] = smtp.messages;
    const rows = await db.outboundMail.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(rows[0].lastResponse).toMatch(/^250/);
    expect(reply.to).toEqual(["rita@example.com"]);
    expect(reply.parsed.subject).toBe(`Re: [#${n}] VPN drops`);
    expect(reply.parsed.text).toContain("Please try the new profile.");
    expect(reply.parsed.html).toContain("Please try the new profile.");
    expect(reply.parsed.messageId).toBe(`<${rows[1].messageId}>`);
    expect(reply.parsed.inReplyTo).toBe(ack.parsed.messageId);
    expect(reply.parsed.references).toContain(ack.parsed.messageId!);
    const header = (name: string) => reply.parsed.headers.find((h) => h.key === name)?.value;
    expect(header("auto-submitted")).toBe("auto-generated");
    expect(header("x-auto-response-suppress")).toBe("All");
  });

  it("retries a 4xx and delivers once when the server accepts", async () => {
    await createTicket(rita, { title: "Retry me", description: "x", priority: "Low" });
    smtp.failNext(2, 451);
    expect(await deliverDue(transport)).toMatchObject({ retry: 1 });
    let row = await db.outboundMail.findFirstOrThrow();
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(row.lastResponse).toMatch(/^451/);
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
    // Not due yet: nothing is sent.
    expect(await deliverDue(transport)).toEqual({ sent: 0, retry: 0, fail: 0 });
    await dueNow();
    expect(await deliverDue(transport)).toMatchObject({ retry: 1 });
    await dueNow();
    expect(await deliverDue(transport)).toMatchObject({ sent: 1 });
    row = await db.outboundMail.findFirstOrThrow();
    expect(row).toMatchObject({ status: "sent", attempts: 3 });
    expect(smtp.messages.filter((m) => m.parsed.subject?.includes("Retry me"))).toHaveLength(1);
  });

  it("fails a 5xx at once, and an admin's Retry sends it again", async () => {
    await createTicket(rita, { title: "Refused", description: "x", priority: "Low" });
    smtp.mode("reject");
    expect(await deliverDue(transport)).toMatchObject({ fail: 1 });
    const row = await db.outboundMail.findFirstOrThrow();
    expect(row.status).toBe("failed");
    expect(row.lastResponse).toMatch(/^550/);
    smtp.mode("accept");
    expect(await deliverDue(transport)).toEqual({ sent: 0, retry: 0, fail: 0 });
    expect(await retryMail(row.id)).toBe(true);
    expect(await deliverDue(transport)).toMatchObject({ sent: 1 });
    expect(await retryMail(row.id)).toBe(false);
  });

  it("keeps mail queued while the server is down, with the connection error as the answer", async () => {
    await createTicket(rita, { title: "Server down", description: "x", priority: "Low" });
    await smtp.stop();
    const down = nodemailer.createTransport({ url: smtp.url, connectionTimeout: 2000 } as never) as Transport;
    try {
      expect(await deliverDue(down)).toMatchObject({ retry: 1 });
      const row = await db.outboundMail.findFirstOrThrow();
      expect(row.status).toBe("queued");
      expect(row.lastResponse).toMatch(/ECONNREFUSED/);
    } finally {
      await smtp.restart();
    }
    await dueNow();
    expect(await deliverDue(transport)).toMatchObject({ sent: 1 });
  });

  it("two workers at once send each message exactly once", async () => {
    const n = (await createTicket(rita, { title: "Parallel", description: "x", priority: "Low" })).number;
    for (let i = 0; i < 30; i++) await addComment(ada, n, { body: `Answer ${i}`, internal: false });
    const queued = await db.outboundMail.count();
    expect(queued).toBe(31);
    const other = nodemailer.createTransport({ url: smtp.url, pool: true } as never) as Transport & { close(): void };
    try {
      const [a, b] = await Promise.all([
        deliverDue(transport, { owner: "worker-a", batch: 5 }),
        deliverDue(other, { owner: "worker-b", batch: 5 }),
      ]);
      let sent = a.sent + b.sent;
      while (sent < queued) sent += (await deliverDue(transport, { owner: "worker-a" })).sent;
      expect(sent).toBe(queued);
    } finally {
      other.close();
    }
    const ids = smtp.messages.map((m) => m.parsed.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(queued);
  });

  it("takes back a message whose worker died holding it, once the lease has run out", async () => {
    await createTicket(rita, { title: "Orphan", description: "x", priority: "Low" });
    await db.outboundMail.updateMany({ data: { status: "sending", leaseOwner: "dead-worker", leaseUntil: new Date(Date.now() + 60_000) } });
    expect(await deliverDue(transport)).toEqual({ sent: 0, retry: 0, fail: 0 });
    await db.outboundMail.updateMany({ data: { leaseUntil: new Date(Date.now() - 1) } });
    expect(await deliverDue(transport)).toMatchObject({ sent: 1 });
  });
});
