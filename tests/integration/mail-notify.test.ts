import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { models as db, write } from "@/lib/db";
import { createTicket, updateTicket } from "@/lib/tickets/commands";
import { addComment } from "@/lib/tickets/comments";
import type { Actor } from "@/lib/people/identity";
import { saveDefaults, saveSettings, settingsOf } from "@/lib/mail/settings";
import { ACKS_PER_HOUR } from "@/lib/mail/notify";

/** Who is told what: the outbox rows each change writes, in its own transaction. */

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };
const bob: Actor = { id: "bob", name: "Bob", role: "agent" };
const ann: Actor = { id: "ann", name: "Ann", role: "admin" };

beforeAll(async () => {
  for (const u of [rita, ada, bob, ann]) {
    await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  }
});

beforeEach(async () => {
  await db.outboundMail.deleteMany();
  await db.notificationChoice.deleteMany();
  await db.notificationDefault.deleteMany();
});

const mail = () => db.outboundMail.findMany({ orderBy: { id: "asc" } });
const open = async (by: Actor = rita) => (await createTicket(by, { title: "Printer on fire", description: "Smoke.", priority: "High" })).number;

describe("a new ticket", () => {
  it("acknowledges it to the requester with its number, link and threading headers", async () => {
    const n = await open();
    const rows = await mail();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "ticket_created", toAddress: "rita@example.com", status: "queued", ticketNumber: n });
    expect(rows[0].subject).toBe(`Received: [#${n}] Printer on fire`);
    expect(rows[0].text).toContain(`/tickets/${n}`);
    expect(rows[0].text).toMatch(/\[ref:t\d+-[a-z0-9]+\]/i);
    expect(rows[0].html).toContain("Printer on fire");
    expect(rows[0].messageId).toMatch(/^[0-9a-f-]{36}@/);
  });

  it("goes to the agents who asked for unassigned tickets, and to nobody else", async () => {
    await saveSettings(bob, { enabled: new Set(["unassigned_ticket"]), timeZone: "Europe/Paris" });
    const n = await open();
    const rows = await mail();
    expect(rows.map((r) => [r.kind, r.toAddress])).toEqual([
      ["ticket_created", "rita@example.com"],
      ["unassigned_ticket", "bob@example.com"],
    ]);
    expect(rows[1].subject).toBe(`New: [#${n}] Printer on fire`);
    // Bob reads times in his zone.
    expect(rows[1].text).toContain("(Europe/Paris)");
  });

  it("honours a requester who turned acknowledgements off, and the admins' default", async () => {
    await saveSettings(rita, { enabled: new Set(), timeZone: "UTC" });
    await open();
    expect(await mail()).toHaveLength(0);
    await db.notificationChoice.deleteMany();
    await saveDefaults(ann, new Set(["team_comment"]));
    await open();
    expect(await mail()).toHaveLength(0);
    expect(await saveDefaults(ada, new Set(["ticket_created"]))).toBe(false);
  });

  it("acknowledges every ticket opened on the web; rate-limits those that came by mail", async () => {
    for (let i = 0; i < ACKS_PER_HOUR + 2; i++) await open();
    expect(await db.outboundMail.count({ where: { kind: "ticket_created" } })).toBe(ACKS_PER_HOUR + 2);
    await db.outboundMail.deleteMany();
    const { notifyTicketCreated } = await import("@/lib/mail/notify");
    for (let i = 0; i < ACKS_PER_HOUR + 2; i++) {
      const n = await open();
      await db.outboundMail.deleteMany({ where: { ticketNumber: n } });
      await write((tx) =>
        notifyTicketCreated(tx, { number: n, title: "By mail", description: "x", createdAt: new Date(), requesterId: "rita", requesterName: "Rita" }, { viaMail: true }),
      );
    }
    expect(await db.outboundMail.count({ where: { kind: "ticket_created" } })).toBe(ACKS_PER_HOUR);
  });
});

describe("comments", () => {
  it("a team comment goes to the requester; an internal note to nobody", async () => {
    const n = await open();
    await db.outboundMail.deleteMany();
    await addComment(ada, n, { body: "Secret: the toner supplier is late", internal: true });
    expect(await mail()).toHaveLength(0);
    await addComment(ada, n, { body: "We are on our way.\nBring a fire extinguisher.", internal: false });
    const rows = await mail();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "team_comment", toAddress: "rita@example.com" });
    expect(rows[0].subject).toBe(`Re: [#${n}] Printer on fire`);
    expect(rows[0].text).toContain("Bring a fire extinguisher.");
    expect(rows[0].text).not.toContain("toner supplier");
  });

  it("threads each message to one person onto the ones before it", async () => {
    const n = await open();
    const [ack] = await mail();
    await addComment(ada, n, { body: "First answer", internal: false });
    await addComment(ada, n, { body: "Second answer", internal: false });
    const [, first, second] = await mail();
    expect(first.inReplyTo).toBe(ack.messageId);
    expect(second.inReplyTo).toBe(first.messageId);
    expect(second.references?.split(" ")).toEqual([ack.messageId, first.messageId]);
  });

  it("a requester's comment goes to the assignee, not to the requester", async () => {
    const n = await open();
    const v = (await db.ticket.findUniqueOrThrow({ where: { number: n } })).version;
    await updateTicket(ann, n, { status: "Open", assigneeId: "ada", version: v });
    await db.outboundMail.deleteMany();
    await addComment(rita, n, { body: "Any news?", internal: false });
    const rows = await mail();
    expect(rows.map((r) => [r.kind, r.toAddress])).toEqual([["requester_comment", "ada@example.com"]]);
  });

  it("escapes what people typed in the HTML part", async () => {
    const n = await open();
    await addComment(ada, n, { body: `<img src=x onerror="alert(1)"> & friends`, internal: false });
    const row = (await mail()).at(-1)!;
    expect(row.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; friends");
    expect(row.html).not.toContain("<img");
  });
});

describe("changes", () => {
  it("tells the requester of Resolved and the new assignee of the assignment, not the actor", async () => {
    const n = await open();
    await db.outboundMail.deleteMany();
    let v = (await db.ticket.findUniqueOrThrow({ where: { number: n } })).version;
    await updateTicket(ann, n, { status: "In progress", assigneeId: "ada", version: v });
    v++;
    await updateTicket(ada, n, { status: "Resolved", assigneeId: "ada", version: v });
    v++;
    await updateTicket(ada, n, { status: "Open", assigneeId: "ada", version: v });
    v++;
    await updateTicket(ada, n, { status: "In progress", assigneeId: "ada", version: v }); // self-assigned already: nothing
    const rows = await mail();
    expect(rows.map((r) => [r.kind, r.toAddress])).toEqual([
      ["assigned", "ada@example.com"],
      ["ticket_resolved", "rita@example.com"],
    ]);
    expect(rows[1].subject).toBe(`Resolved: [#${n}] Printer on fire`);
  });

  it("a refused change (a conflict) writes no mail", async () => {
    const n = await open();
    await db.outboundMail.deleteMany();
    const r = await updateTicket(ada, n, { status: "Resolved", version: 99 });
    expect(r.kind).toBe("conflict");
    expect(await mail()).toHaveLength(0);
  });

  it("mail rolls back with the change it belongs to", async () => {
    const n = await open();
    await db.outboundMail.deleteMany();
    await expect(
      write(async (tx) => {
        const { notifyComment } = await import("@/lib/mail/notify");
        await notifyComment(tx, { number: n, title: "x", requesterId: "rita", assigneeId: null }, { id: 2_000_000_000, authorId: "ada", authorName: "Ada", authorIsStaff: true, body: "hi", internal: false, at: new Date() });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await mail()).toHaveLength(0);
  });
});

describe("settings", () => {
  it("a requester sees and saves only the kinds a requester can receive", async () => {
    const s = await settingsOf(rita);
    expect(s.kinds.map((k) => k.kind)).toEqual(["ticket_created", "team_comment", "ticket_resolved"]);
    await saveSettings(rita, { enabled: new Set(["team_comment", "assigned"]), timeZone: "Asia/Tokyo" });
    const after = await settingsOf(rita);
    expect(after.kinds.map((k) => [k.kind, k.enabled])).toEqual([
      ["ticket_created", false],
      ["team_comment", true],
      ["ticket_resolved", false],
    ]);
    expect(after.timeZone).toBe("Asia/Tokyo");
    expect(await db.notificationChoice.count({ where: { userId: "rita", kind: "assigned" } })).toBe(0);
  });
});

describe("a mail of several comments", () => {
  it("names each author and time, keeps each text as typed, and counts what it leaves for the ticket page", async () => {
    const { commentsMail } = await import("@/lib/mail/compose");
    const at = new Date("2026-12-01T10:02:00Z");
    const mail = commentsMail(
      { name: "Ada", timeZone: "Europe/Paris" },
      { number: 7, title: "Printer on fire" },
      [
        { author: "Rita", body: "First.\nWith a second line.", at },
        { author: "Eve\r\nBcc: x@evil.example", body: `<img src=x onerror="alert(1)">`, at: new Date(at.getTime() + 60_000) },
      ],
      3,
      { publicUrl: "https://help.example.com", replyRef: null },
    );
    expect(mail.subject).toBe("Re: [#7] Printer on fire");
    expect(mail.text).toContain("5 new comments on ticket #7, the first on 1 Dec 2026, 11:02 (Europe/Paris).");
    expect(mail.text).toContain("Rita wrote on 1 Dec 2026, 11:02 (Europe/Paris):\n\nFirst.\nWith a second line.");
    // A name is one line wherever it goes in a mail.
    expect(mail.text).toContain("Eve Bcc: x@evil.example wrote on 1 Dec 2026, 11:03 (Europe/Paris):");
    expect(mail.text).toContain("…and 3 more comments on the ticket page.");
    expect(mail.text).toContain("Ticket #7: https://help.example.com/tickets/7");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("…and 3 more comments on the ticket page.");
  });
});

describe("files in comment mail", () => {
  it("each file is a link signed for its recipient: it opens without signing in, for 30 days, until the file is removed", async () => {
    const { fileStore } = await import("@/lib/files/store");
    const { readFileLink } = await import("@/lib/files/links");
    const { removeAttachment } = await import("@/lib/tickets/attachments");
    const { GET } = await import("@/app/files/[token]/route");
    const n = await open();
    await db.outboundMail.deleteMany();
    const bytes = Buffer.from("%PDF-1.4\n% the invoice\n");
    const stored = await fileStore().put(bytes, 1024 * 1024);
    await addComment(ada, n, { body: "The invoice is attached.", internal: false, files: [{ name: "invoice.pdf", ...stored }] });
    const [row] = await mail();
    expect(row.text).toMatch(/Attached file:\n- invoice\.pdf \(\d+ bytes\): http:\/\/localhost:\d+\/files\/\S+/);
    expect(row.html).toContain(">invoice.pdf</a>");
    const href = /(http:\/\/\S+\/files\/\S+)/.exec(row.text)![1];
    const token = href.split("/files/")[1];
    const get = (t: string) => GET(new Request(`http://localhost/files/${t}`), { params: Promise.resolve({ token: t }) });

    const ok = await get(token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-disposition")).toMatch(/^attachment; filename="invoice.pdf"/);
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);
    // For Rita, for 30 days from now; a day past that it opens nothing.
    const link = readFileLink(token, new Date())!;
    expect(link.userId).toBe("rita");
    expect(readFileLink(token, new Date(Date.now() + 31 * 86400_000))).toBeNull();
    // A changed character, another ticket's number in it, or nonsense: the same 404.
    const [t, id, who, exp, mac] = token.split(".");
    for (const forged of [`${t}.${id}.${who}.${Number(exp) + 1}.${mac}`, `${Number(t) + 1}.${id}.${who}.${exp}.${mac}`, "abc", `${t}.${id}.${Buffer.from("ada").toString("base64url")}.${exp}.${mac}`]) {
      expect((await get(forged)).status, forged).toBe(404);
    }
    // Removed: the link opens nothing either.
    expect((await removeAttachment(ada, n, link.id)).kind).toBe("removed");
    expect((await get(token)).status).toBe(404);
  });
});
