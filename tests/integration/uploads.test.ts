import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/people/identity";
import { session } from "../fake-session";

/**
 * Files attached on the web: the New ticket and comment actions called as Next.js calls them,
 * with files as the front door hands them on (signed tokens naming the file it streamed to disk,
 * server/uploads.mjs) and as plain `next start` does (File objects). A file over the limit, too
 * many files, a forged token or a person past their files an hour change nothing.
 */

// Small limits (before anything reads the configuration): 1 MB a message, 5 files an hour.
process.env.TRIAGE_ATTACHMENT_MAX_MB = "1";
process.env.TRIAGE_FILES_PER_HOUR = "5";
process.env.TRIAGE_UPLOAD_KEY = crypto.randomBytes(32).toString("hex");

vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
// The audit log asks where the request came from: no proxy, no peer here.
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw Object.assign(new Error(`NEXT_REDIRECT ${to}`), { to });
  },
}));

const { models: db } = await import("@/lib/db");
const { env } = await import("@/lib/env");
const { fileStore } = await import("@/lib/files/store");
const { addCommentAction, createTicketAction, removeAttachmentAction } = await import("@/app/(desk)/tickets/actions");
const { createTicket } = await import("@/lib/tickets/commands");
// @ts-expect-error: a plain ES module of the front door, without types
const { signToken } = await import("../../server/uploads.mjs");

const rita: Actor = { id: "rita", name: "Rita", role: "requester" };
const carl: Actor = { id: "carl", name: "Carl", role: "requester" };
const ada: Actor = { id: "ada", name: "Ada", role: "agent" };

beforeAll(async () => {
  for (const u of [rita, carl, ada]) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
});

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const state = { fieldErrors: {}, values: {} };

/** A file as the front door hands it on: written to the upload folder, named by a signed token. */
function streamed(name: string, bytes: Buffer): string {
  const id = `w${crypto.randomBytes(16).toString("hex")}`;
  fs.mkdirSync(env().uploadDir, { recursive: true });
  fs.writeFileSync(path.join(env().uploadDir, id), bytes);
  return signToken(process.env.TRIAGE_UPLOAD_KEY, { f: id, n: name, s: bytes.length, o: false });
}
/** A file the front door dropped past the limit: only its name and size remain. */
const dropped = (name: string, size: number) => signToken(process.env.TRIAGE_UPLOAD_KEY, { f: null, n: name, s: size, o: true });

function form(fields: Record<string, string>, files: (string | File)[] = []) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append("attachments", f);
  return fd;
}

async function create(actor: Actor, title: string, files: (string | File)[]) {
  session.actor = actor;
  try {
    return { state: await createTicketAction(state, form({ title, description: "See the files.", priority: "Medium" }, files)), number: null };
  } catch (e) {
    const to = (e as { to?: string }).to;
    if (!to) throw e;
    return { state: null, number: Number(/\/tickets\/(\d+)/.exec(to)![1]) };
  }
}

const counts = async () => [await db.ticket.count(), await db.comment.count(), await db.attachment.count()];

describe("New ticket with files", () => {
  it("files streamed by the front door are stored and attached with the ticket, under the names given", async () => {
    const big = crypto.randomBytes(300_000);
    const made = await create(rita, "Printer on fire", [streamed("screen shot.png", PNG), streamed("../../etc/log.txt", big)]);
    expect(made.number).not.toBeNull();
    const rows = await db.attachment.findMany({ where: { ticketNumber: made.number! }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.name, r.size, r.type, r.commentId, r.uploaderId])).toEqual([
      ["screen shot.png", PNG.length, "image/png", null, "rita"],
      ["log.txt", big.length, "application/octet-stream", null, "rita"],
    ]);
    const opened = await fileStore().open(rows[1].hash);
    expect(Buffer.from(await new Response(opened!.body).arrayBuffer()).equals(big)).toBe(true);
  });

  it("File objects (Next.js without the front door) are stored too; an empty file input is no file", async () => {
    const made = await create(carl, "From next start", [new File([PNG], "a.png"), new File([], "")]);
    expect(await db.attachment.findMany({ where: { ticketNumber: made.number! }, select: { name: true } })).toEqual([{ name: "a.png" }]);
  });

  it("a file over the limit is an error on Attachments naming the file and the limit; nothing is created or stored", async () => {
    const before = await counts();
    const made = await create(rita, "Too big", [streamed("ok.png", PNG), dropped("holiday video.mp4", 5 * 1024 * 1024)]);
    expect(made.state).toMatchObject({
      fieldErrors: { attachments: ["“holiday video.mp4” is over the 1 MB limit for attachments."] },
      values: { title: "Too big" },
    });
    expect(await counts()).toEqual(before);
  });

  it("files together over the limit name the one that crossed it; with another field's error both are shown", async () => {
    const half = crypto.randomBytes(600_000);
    session.actor = rita;
    const result = await createTicketAction(state, form({ title: "", description: "x", priority: "Medium" }, [new File([half], "one.bin"), new File([half], "two.bin")]));
    expect(result.fieldErrors).toEqual({
      title: ["Enter a title."],
      attachments: ["“two.bin” takes the files over the 1 MB limit for attachments (all files of one message together)."],
    });
  });

  it("more than 20 files is an error, and nothing is stored", async () => {
    const before = await counts();
    const made = await create(rita, "Many", Array.from({ length: 21 }, (_, i) => new File([PNG], `${i}.png`)));
    expect(made.state?.fieldErrors).toEqual({ attachments: ["Attach at most 20 files to one message (21 were chosen)."] });
    expect(await counts()).toEqual(before);
  });

  it("a forged token, text in the file field, or a token pointed at another file gets the unreadable-form answer and changes nothing", async () => {
    const before = await counts();
    const real = streamed("a.png", PNG);
    const [payload] = real.slice("triage-file:".length).split(".");
    const fields = JSON.parse(Buffer.from(payload, "base64url").toString());
    const other = Buffer.from(JSON.stringify({ ...fields, f: "../../triage.db" })).toString("base64url");
    for (const forged of ["hello", `triage-file:${other}.${real.split(".")[1]}`, real.replace(/.$/, (c) => (c === "A" ? "B" : "A")), signToken("another key", fields)]) {
      const made = await create(rita, "Forged", [forged]);
      expect(made.state?.message).toBe("That form could not be read. Reload the page and try again.");
    }
    expect(await counts()).toEqual(before);
  });

  it("a file sent in a text field (its token, as the front door hands it on) is a forged form too", async () => {
    const before = await counts();
    session.actor = rita;
    for (const field of ["title", "description", "priority"]) {
      const fields = { title: "A title", description: "A description", priority: "Medium", [field]: streamed("x.txt", Buffer.from("Medium")) };
      expect((await createTicketAction(state, form(fields))).message, field).toBe("That form could not be read. Reload the page and try again.");
    }
    expect(await counts()).toEqual(before);
  });
});

describe("comments with files", () => {
  it("a comment's files belong to it; an agent's internal note's files too", async () => {
    const n = (await createTicket(carl, { title: "Comment files", description: "x", priority: "Low" })).number;
    session.actor = carl;
    expect(await addCommentAction(n, state, form({ body: "Here it is" }, [streamed("trace.png", PNG)]))).toMatchObject({ ok: true, message: "Comment added." });
    session.actor = ada;
    expect(await addCommentAction(n, state, form({ body: "Internal", internal: "on" }, [new File([PNG], "internal.png")]))).toMatchObject({ ok: true });
    const rows = await db.attachment.findMany({ where: { ticketNumber: n }, include: { comment: true }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.name, r.comment?.body, r.comment?.internal])).toEqual([
      ["trace.png", "Here it is", false],
      ["internal.png", "Internal", true],
    ]);
  });

  it("files on a ticket one may not comment on are not stored: the answer is Ticket not found", async () => {
    const n = (await createTicket(carl, { title: "Carl's", description: "x", priority: "Low" })).number;
    const before = await counts();
    session.actor = rita;
    const bytes = crypto.randomBytes(1000);
    expect(await addCommentAction(n, state, form({ body: "Sneaky" }, [new File([bytes], "x.bin")]))).toMatchObject({ message: "Ticket not found." });
    expect(await counts()).toEqual(before);
    expect(await fileStore().open(crypto.createHash("sha256").update(bytes).digest("hex"))).toBeNull();
  });

  it("past TRIAGE_FILES_PER_HOUR (5 here) a message with files is refused and says so; nothing is stored; without files it goes", async () => {
    const n = (await createTicket(ada, { title: "Busy", description: "x", priority: "Low" })).number;
    session.actor = ada;
    const used = await db.attachment.count({ where: { uploaderId: "ada" } });
    for (let i = used; i < 5; i++) expect(await addCommentAction(n, state, form({ body: `file ${i}` }, [new File([PNG], `${i}.png`)]))).toMatchObject({ ok: true });
    const before = await counts();
    const refused = await addCommentAction(n, state, form({ body: "one more" }, [new File([PNG], "more.png")]));
    expect(refused).toMatchObject({ values: { body: "one more" } });
    expect(refused.fieldErrors.attachments?.[0]).toMatch(/^Not sent: one person may attach 5 files an hour, and you have attached 5\./);
    expect(await counts()).toEqual(before);
    expect(await addCommentAction(n, state, form({ body: "no files" }))).toMatchObject({ ok: true });
  });
});

describe("Remove attachment", () => {
  it("takes the ticket bound and the file's id from the pressed button; a requester, a forged id or another ticket's file changes nothing", async () => {
    const n = (await createTicket(rita, { title: "Remove me", description: "x", priority: "Low" })).number;
    const other = (await createTicket(carl, { title: "Not this one", description: "x", priority: "Low" })).number;
    session.actor = rita;
    await addCommentAction(n, state, form({ body: "oops" }, [new File([PNG], "password.png")]));
    const file = (await db.attachment.findFirst({ where: { ticketNumber: n } }))!;
    const removed = async () => (await db.attachment.findUnique({ where: { id: file.id } }))!.removedById;
    await removeAttachmentAction(n, form({ attachment: String(file.id) }));
    expect(await removed()).toBeNull();
    session.actor = ada;
    for (const forged of ["", "abc", "0", "-1", String(file.id) + ".0", "1e3", '{"gt":0}']) await removeAttachmentAction(n, form({ attachment: forged }));
    await removeAttachmentAction(other, form({ attachment: String(file.id) }));
    for (const bound of ["1", { gt: 0 }, -1, null]) await removeAttachmentAction(bound, form({ attachment: String(file.id) }));
    expect(await removed()).toBeNull();
    await removeAttachmentAction(n, form({ attachment: String(file.id) }));
    expect(await removed()).toBe("ada");
  });
});
