import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";

// A small limit, so that a file over it is cheap to make (before anything reads the configuration).
process.env.TRIAGE_ATTACHMENT_MAX_MB = "1";

const { models: db } = await import("@/lib/db");
const { importMessage } = await import("@/lib/mail/import");
const { fileStore } = await import("@/lib/files/store");
const { attachmentFor, attachmentsOf, referencedHashes } = await import("@/lib/tickets/attachments");
const { addComment } = await import("@/lib/tickets/comments");
const { createTicket } = await import("@/lib/tickets/commands");
import type { Actor } from "@/lib/people/identity";
import { rawMessage, type MessageFile } from "../mail/messages";

/**
 * Attachments as ticket facts (issue 21): what mail brings is stored once and attached with its
 * ticket or comment in the import's transaction; a download answers only to those who may see its
 * ticket (and, on an internal note, staff); what is too large or too many is left out and said so.
 */

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const carl: Actor = { id: "carl", name: "Carl", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };

beforeAll(async () => {
  for (const u of [rita, carl, ada]) {
    await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role, emailVerified: true } });
  }
});

/** A 1x1 PNG and the start of a JPEG: enough bytes for the type to be told from them. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(200)]);

/** A message from `from` with `files` (tests/mail/messages.ts writes it as mail clients do). */
const message = (from: string, subject: string, body: string, files: MessageFile[]) => Buffer.from(rawMessage({ from, subject, body, files }));

async function bytesOf(hash: string): Promise<Buffer> {
  const opened = await fileStore().open(hash);
  return Buffer.from(await new Response(opened!.body).arrayBuffer());
}

const ticketAttachments = (n: number) => db.attachment.findMany({ where: { ticketNumber: n }, orderBy: { id: "asc" } });

describe("mail brings files", () => {
  it("a new ticket by mail gets the message's attachments and inline images; a file over the limit is left out, and the ticket says so", async () => {
    const big = crypto.randomBytes(1024 * 1024 + 1);
    const outcome = await importMessage(
      message("Rita <rita@example.com>", "Printer shows an error", "See the screenshot.", [
        { name: "screen.png", type: "image/png", bytes: PNG },
        { name: "photo.jpg", type: "image/jpeg", bytes: JPEG, inlineId: "photo@client" },
        { name: "dump.bin", type: "application/octet-stream", bytes: big },
      ]),
      { uidKey: null },
    );
    expect(outcome.kind).toBe("ticket");
    const n = (outcome as { ticket: number }).ticket;
    const rows = await ticketAttachments(n);
    expect(rows.map((r) => [r.name, r.type, r.size, r.commentId, r.uploaderId])).toEqual([
      ["screen.png", "image/png", PNG.length, null, "rita"],
      ["photo.jpg", "image/jpeg", JPEG.length, null, "rita"],
    ]);
    expect(await bytesOf(rows[0].hash)).toEqual(PNG);
    const t = await db.ticket.findUniqueOrThrow({ where: { number: n } });
    expect(t.description).toBe("See the screenshot.\n\n[Not attached: “dump.bin” (1,048,577 bytes) is larger than the 1 MB limit for a file. The whole message is kept.]");
    // The page shows them, images marked for a preview.
    const shown = await attachmentsOf(n, []);
    expect(shown.ticket.map((a) => [a.name, a.image, a.href])).toEqual([
      ["screen.png", true, `/tickets/${n}/attachments/${rows[0].id}`],
      ["photo.jpg", true, `/tickets/${n}/attachments/${rows[1].id}`],
    ]);
  });

  it("a reply's files belong to its comment; the same bytes twice are stored once", async () => {
    const first = await importMessage(message("rita@example.com", "Scanner", "Broken.", [{ name: "a.png", type: "image/png", bytes: PNG }]), { uidKey: null });
    const n = (first as { ticket: number }).ticket;
    const reply = await importMessage(
      message("rita@example.com", `Re: [#${n}] Scanner`, "Same picture again.", [{ name: "again.png", type: "image/png", bytes: PNG }]),
      { uidKey: null },
    );
    expect(reply.kind).toBe("comment");
    const commentId = (reply as { commentId: number }).commentId;
    const rows = await ticketAttachments(n);
    expect(rows.map((r) => [r.name, r.commentId])).toEqual([["a.png", null], ["again.png", commentId]]);
    expect(rows[0].hash).toBe(rows[1].hash);
    const shown = await attachmentsOf(n, [commentId]);
    expect(shown.comments.get(commentId)?.map((a) => a.name)).toEqual(["again.png"]);
    expect((await referencedHashes([rows[0].hash, "0".repeat(64)])).has(rows[0].hash)).toBe(true);
  });

  it("at most 20 files come with one message; the rest are named as left out", async () => {
    const parts = Array.from({ length: 23 }, (_, i) => ({ name: `f${i}.bin`, type: "application/octet-stream", bytes: Buffer.from(`file ${i}`) }));
    const outcome = await importMessage(message("rita@example.com", "Many files", "Logs.", parts), { uidKey: null });
    const n = (outcome as { ticket: number }).ticket;
    expect(await db.attachment.count({ where: { ticketNumber: n } })).toBe(20);
    const t = await db.ticket.findUniqueOrThrow({ where: { number: n } });
    expect(t.description).toContain("[Not attached: 3 more files: a message brings at most 20. The whole message is kept.]");
  });

  it("a hostile file name is kept as a label, never a path: no directories, controls or bidi overrides", async () => {
    const outcome = await importMessage(
      message("rita@example.com", "Name", "x", [{ name: "../../etc/passwd\u202Egnp.exe", type: "application/octet-stream", bytes: Buffer.from("MZ") }]),
      { uidKey: null },
    );
    const [row] = await ticketAttachments((outcome as { ticket: number }).ticket);
    expect(row.name).toBe("passwdgnp.exe");
    expect(row.type).toBe("application/octet-stream");
  });
});

describe("who may download", () => {
  it("the ticket's requester and staff; another requester gets what a missing file gets; an internal note's file is staff-only", async () => {
    const n = (await createTicket(rita, { title: "Invoice", description: "Attached.", priority: "Low" })).number;
    const stored = await fileStore().put(PNG, 1024 * 1024);
    const file = { name: "invoice.png", ...stored };
    const added = await addComment(rita, n, { body: "Here", internal: false, files: [file] });
    const note = await addComment(ada, n, { body: "Internal", internal: true, files: [{ ...file, name: "internal.png" }] });
    expect(added.kind).toBe("added");
    expect(note.kind).toBe("added");
    const [pub, internal] = await ticketAttachments(n);
    expect(await attachmentFor(rita, n, pub.id)).toMatchObject({ name: "invoice.png", size: PNG.length, type: "image/png" });
    expect(await attachmentFor(ada, n, pub.id)).not.toBeNull();
    expect(await attachmentFor(carl, n, pub.id)).toBeNull();
    expect(await attachmentFor(ada, n, internal.id)).toMatchObject({ name: "internal.png" });
    expect(await attachmentFor(rita, n, internal.id)).toBeNull();
    // An id of another ticket's file, or one that fits no column, is the same nothing.
    const other = (await createTicket(carl, { title: "Other", description: "x", priority: "Low" })).number;
    expect(await attachmentFor(carl, other, pub.id)).toBeNull();
    expect(await attachmentFor(ada, n, 2 ** 31)).toBeNull();
    expect(await attachmentFor(ada, n, -1)).toBeNull();
  });

  it("a comment refused changes nothing: no attachment row", async () => {
    const n = (await createTicket(carl, { title: "Private", description: "x", priority: "Low" })).number;
    const stored = await fileStore().put(PNG, 1024 * 1024);
    expect(await addComment(rita, n, { body: "Sneaky", internal: false, files: [{ name: "x.png", ...stored }] })).toEqual({ kind: "not_found" });
    expect(await addComment(rita, (await createTicket(rita, { title: "Mine", description: "x", priority: "Low" })).number, {
      body: "note", internal: true, files: [{ name: "x.png", ...stored }],
    })).toMatchObject({ kind: "forbidden" });
    expect(await db.attachment.count({ where: { name: "x.png" } })).toBe(0);
  });
});

describe("the sweep", () => {
  it("collects bytes no attachment names once the grace period is over, and keeps those a row names", async () => {
    const { sweepFiles, SWEEP_GRACE_MS } = await import("@/lib/tickets/attachments");
    const orphan = await fileStore().put(Buffer.from(`orphan ${crypto.randomUUID()}`), 1024);
    const named = (await db.attachment.findFirstOrThrow()).hash;
    // Within the grace period nothing goes.
    await sweepFiles(new Date());
    expect(await fileStore().open(orphan.hash)).not.toBeNull();
    await sweepFiles(new Date(Date.now() + SWEEP_GRACE_MS + 60_000));
    expect(await fileStore().open(orphan.hash)).toBeNull();
    expect(await fileStore().open(named)).not.toBeNull();
  });
});

describe("removing a file", () => {
  it("staff only; the row stays, marked who and when; History says so; the bytes go once nothing else names them", async () => {
    const { removeAttachment } = await import("@/lib/tickets/attachments");
    const n = (await createTicket(rita, { title: "Password in a screenshot", description: "Oops.", priority: "Low" })).number;
    const secret = Buffer.concat([PNG, crypto.randomBytes(64)]);
    const stored = await fileStore().put(secret, 1024 * 1024);
    const shared = await fileStore().put(JPEG, 1024 * 1024);
    await addComment(rita, n, { body: "See", internal: false, files: [{ name: "secret.png", ...stored }, { name: "photo.jpg", ...shared }] });
    const other = (await createTicket(carl, { title: "Same photo", description: "x", priority: "Low" })).number;
    await addComment(carl, other, { body: "Mine too", internal: false, files: [{ name: "photo.jpg", ...shared }] });
    const [png, jpg] = await ticketAttachments(n);

    expect(await removeAttachment(rita, n, png.id)).toEqual({ kind: "forbidden", message: "Only agents can remove attachments." });
    expect(await removeAttachment(ada, other, png.id)).toEqual({ kind: "not_found" });
    expect(await removeAttachment(ada, n, 2 ** 31)).toEqual({ kind: "not_found" });
    expect((await ticketAttachments(n)).every((a) => a.removedAt === null)).toBe(true);

    expect(await removeAttachment(ada, n, png.id)).toEqual({ kind: "removed", name: "secret.png" });
    expect(await removeAttachment(ada, n, png.id)).toEqual({ kind: "not_found" });
    const row = await db.attachment.findUnique({ where: { id: png.id } });
    expect(row).toMatchObject({ removedById: "ada" });
    expect(row!.removedAt).toBeInstanceOf(Date);
    expect(await db.activity.findFirst({ where: { ticketNumber: n, field: "attachment_removed" } })).toMatchObject({ actorId: "ada", fromValue: "secret.png" });
    expect(await fileStore().open(stored.hash)).toBeNull();
    expect(await attachmentFor(ada, n, png.id)).toBeNull();
    // The page shows its place: removed by Ada.
    const shown = await attachmentsOf(n, [png.commentId!]);
    expect(shown.comments.get(png.commentId!)!.map((f) => [f.name, f.removed?.by ?? null])).toEqual([["secret.png", "Ada"], ["photo.jpg", null]]);

    // Bytes another ticket still names stay.
    expect((await removeAttachment(ada, n, jpg.id)).kind).toBe("removed");
    expect(await bytesOf(shared.hash)).toEqual(JPEG);
  });
});

describe("files an hour, by mail too", () => {
  it("a message's files past what its sender may still attach this hour are left out, and the note says why", async () => {
    const { storeMessageFiles, leftOutNote } = await import("@/lib/mail/attachments");
    const { filesLeftThisHour } = await import("@/lib/tickets/attachments");
    const three = [1, 2, 3].map((i) => ({ filename: `${i}.png`, mimeType: "image/png", content: Buffer.concat([PNG, Buffer.from([i])]) }));
    const out = await storeMessageFiles(three as never, { left: 2, limit: 100 });
    expect(out.files.map((f) => f.name)).toEqual(["1.png", "2.png"]);
    expect(leftOutNote(out.leftOut)).toBe("\n\n[Not attached: 1 more file: one person may attach 100 files an hour. The whole message is kept.]");
    // What is left counts every channel's files of the last hour.
    const before = await filesLeftThisHour("carl");
    const n = (await createTicket(carl, { title: "Counted", description: "x", priority: "Low", files: [{ name: "a.png", ...(await fileStore().put(PNG, 1024 * 1024)) }] })).number;
    expect(n).toBeGreaterThan(0);
    expect(await filesLeftThisHour("carl")).toEqual({ left: before.left - 1, limit: before.limit });
  });
});
