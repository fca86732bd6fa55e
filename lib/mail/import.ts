import "server-only";
import crypto from "node:crypto";
import PostalMime, { type Email } from "postal-mime";
import { db } from "../db";
import { env } from "../env";
import { authSecret } from "../auth/secret";
import { type Actor, ROLES, type Role } from "../tickets/permissions";
import { DESCRIPTION_MAX, TITLE_MAX, statusRank, priorityRank } from "../tickets/schema";
import { notifyComment, notifyTicketCreated, queueAddressCheck, sentRecently } from "./notify";
import { automatedReason } from "./inbound/loop";
import { cleanSubject, normalizeAddress, normalizeMessageId, parseReferences, rawHash, subjectTicketNumber } from "./inbound/ids";
import { htmlToText } from "./inbound/html";
import { stripQuoted } from "./inbound/quotes";
import { tokenFromAddresses, tokenFromText, verifyReplyToken } from "./inbound/token";
import { matchTicket, type Lookups, type Relation } from "./inbound/match";

/**
 * One message from the support mailbox into the desk: a comment on its ticket, a new ticket, or
 * a row set aside with the reason. Whatever happens, the raw message is kept, and the ticket or
 * comment commits in the same transaction as the row that records the import, whose unique keys
 * (the Message-ID, the mailbox UID) make a second import of the same message a no-op.
 */

export type ImportOutcome =
  | { kind: "comment"; ticket: number; commentId: number }
  | { kind: "ticket"; ticket: number }
  | { kind: "ignored"; reason: string }
  | { kind: "quarantined"; reason: string }
  | { kind: "duplicate" }
  | { kind: "held"; reason: string }
  | { kind: "failing"; reason: string };

/** Rows an import may take up again: a failed try, or a message waiting for its sender's address. */
const RETRYABLE = ["failing", "held"];

/** Tries before a message that keeps failing is set aside for an admin. */
export const MAX_IMPORT_ATTEMPTS = 3;
/** How long the set-a-password link in a new requester's acknowledgement works. */
const INVITE_SECONDS = 3 * 24 * 3600;

const first = (e: Email, name: string) => e.headers.filter((h) => h.key === name).at(-1)?.value ?? null;

/**
 * One plain address, or nothing: "a@x,b@y" or "<a@x b@y>" in a From header must never become an
 * account's email (mail to it would go to everyone listed).
 */
const PLAIN_ADDRESS = /^[^\s@,;:<>()[\]\\"]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;

function addressOf(a: Email["from"]): { name: string; address: string } | null {
  if (!a) return null;
  const m = a.address ? a : a.group?.length === 1 ? a.group[0] : null;
  if (!m?.address) return null;
  const address = normalizeAddress(m.address);
  if (address.length > 254 || !PLAIN_ADDRESS.test(address)) return null;
  return { name: m.name.replace(/[\r\n\t]+/g, " ").trim(), address };
}

/**
 * Who sent a parsed message (one plain address, or null), its subject, and why it must be left
 * alone when a robot sent it (null for a person). Used for every message, downloaded or refused.
 */
export function senderOf(email: Email): { from: Sender | null; subject: string; robot: string | null } {
  const from = addressOf(email.from);
  const subject = (email.subject ?? "").slice(0, 500);
  const robot = from
    ? automatedReason(
        {
          from: from.address,
          returnPath: first(email, "return-path") ?? undefined,
          headers: Object.fromEntries(email.headers.map((h) => [h.key, h.value])),
          contentType: first(email, "content-type"),
        },
        { addresses: [env().mailFrom.address] },
      )
    : "no single, valid sender address";
  return { from, subject, robot };
}

/** The message's key for dedupe: its Message-ID, else a hash of its bytes. */
export function messageKeyOf(raw: Uint8Array, messageIdHeader: string | null | undefined) {
  return normalizeMessageId(messageIdHeader) ?? `sha256:${rawHash(raw)}`;
}

/** The message's bytes, as Prisma stores them. */
type Raw = Uint8Array<ArrayBuffer>;

export async function importMessage(source: Uint8Array, where: { uidKey: string | null }): Promise<ImportOutcome> {
  const raw: Raw = new Uint8Array(source);
  let email: Email;
  try {
    email = await PostalMime.parse(raw);
  } catch (e) {
    return setAside(raw, `sha256:${rawHash(raw)}`, where.uidKey, null, "", `could not be parsed: ${(e as Error).message}`, "quarantined");
  }
  const key = messageKeyOf(raw, email.messageId);
  const previous = await db.inboundMail.findFirst({
    where: { OR: [{ messageKey: key }, ...(where.uidKey ? [{ uidKey: where.uidKey }] : [])] },
    select: { id: true, status: true, attempts: true },
  });
  if (previous && !RETRYABLE.includes(previous.status)) return { kind: "duplicate" };

  const { from, subject, robot: reason } = senderOf(email);
  if (reason) return setAside(raw, key, where.uidKey, from?.address ?? null, subject, reason, "ignored");

  try {
    return await importPerson(raw, email, key, where.uidKey, from!, subject);
  } catch (e) {
    // Another poller (one whose lease ran out mid-import) may have imported it in the meantime:
    // then this was a duplicate, and the import it made stands.
    const now = await db.inboundMail.findUnique({ where: { messageKey: key }, select: { status: true } });
    if (now && !RETRYABLE.includes(now.status)) return { kind: "duplicate" };
    const attempts = (previous?.attempts ?? 0) + 1;
    const message = `import failed: ${(e as Error).message}`.slice(0, 500);
    const status = attempts >= MAX_IMPORT_ATTEMPTS ? "quarantined" : "failing";
    await db.inboundMail.upsert({
      where: { messageKey: key },
      create: { messageKey: key, uidKey: where.uidKey, fromAddress: from!.address, subject, raw, size: raw.length, status, reason: message, attempts },
      update: { status, reason: message, attempts, updatedAt: new Date() },
    });
    return status === "quarantined" ? { kind: "quarantined", reason: message } : { kind: "failing", reason: message };
  }
}

async function setAside(raw: Raw, key: string, uidKey: string | null, from: string | null, subject: string, reason: string, status: "ignored" | "quarantined" | "refused"): Promise<ImportOutcome> {
  await db.inboundMail.upsert({
    where: { messageKey: key },
    create: { messageKey: key, uidKey, fromAddress: from ?? "", subject, raw, size: raw.length, status, reason },
    update: { status, reason, updatedAt: new Date() },
  });
  return status === "ignored" ? { kind: "ignored", reason } : { kind: "quarantined", reason };
}

/** What a person wrote, as text: the plain part, else the HTML reduced; quotes cut for replies. */
function bodyOf(email: Email, strip: boolean): string {
  // A comment holds 20,000 characters: the quote rules never need to read a novel.
  const text = (email.text?.trim() ? email.text : email.html ? htmlToText(email.html, { dropQuotes: strip }) : "").slice(0, 200_000);
  const body = (strip ? stripQuoted(text) : text).replace(/\r\n?/g, "\n").trim();
  if (body === "") return "(This message had no text.)";
  if (body.length <= DESCRIPTION_MAX) return body;
  const note = "\n\n[Cut here: the message was longer than a comment may be. The whole message is kept.]";
  return body.slice(0, DESCRIPTION_MAX - note.length) + note;
}

type Sender = { name: string; address: string };

async function importPerson(raw: Raw, email: Email, key: string, uidKey: string | null, from: Sender, subject: string): Promise<ImportOutcome> {
  const secret = authSecret();
  const rawText = `${email.text ?? ""}\n${email.html ?? ""}`;
  const recipients = [...(email.to ?? []), ...(email.cc ?? [])].map((a) => addressOf(a)?.address).filter((a): a is string => !!a);
  const verified = (t: string | null) => (t ? verifyReplyToken(secret, t) : null);
  const tokenTicket = verified(tokenFromAddresses(recipients)) ?? verified(tokenFromText(rawText));
  const sender = await db.user.findUnique({ where: { email: from.address }, select: { id: true, name: true, role: true, emailVerified: true } });
  const references = parseReferences(email.inReplyTo, email.references);
  // Anyone may sign up on the web with any address. Mail from that address must not land in such
  // an account until its owner shows they hold the mailbox: by answering mail Triage sent there,
  // or by following a link sent there. Until then the message waits.
  // A reply to Triage's mail lets that one message in; only a link followed (which sets the
  // password and ends other sessions) confirms the address for good.
  if (sender && !sender.emailVerified && (await hasPasswordAccount(sender.id)) && !(await answersMailTo(references, from.address))) {
    return holdForAddressCheck(raw, key, uidKey, from, subject, sender.id);
  }
  const lookups: Lookups = {
    async ticketByMessageIds(ids) {
      if (ids.length === 0) return null;
      const [out, inn] = await Promise.all([
        db.outboundMail.findFirst({ where: { messageId: { in: ids }, ticketNumber: { not: null } }, orderBy: { id: "desc" }, select: { ticketNumber: true } }),
        db.inboundMail.findFirst({ where: { messageKey: { in: ids }, ticketNumber: { not: null } }, orderBy: { id: "desc" }, select: { ticketNumber: true } }),
      ]);
      return out?.ticketNumber ?? inn?.ticketNumber ?? null;
    },
    senderRelation(ticket, address) {
      // Asked by the matcher and again for the author: one lookup per ticket and address.
      const k = `${ticket} ${address}`;
      if (!relations.has(k)) relations.set(k, relationOf(ticket, address));
      return relations.get(k)!;
    },
  };
  const relations = new Map<string, Promise<Relation>>();
  async function relationOf(ticket: number, address: string): Promise<Relation> {
    const t = await db.ticket.findUnique({ where: { number: ticket }, select: { requesterId: true } });
    if (!t) return "no_ticket";
    const u = address === from.address ? sender : await db.user.findUnique({ where: { email: address }, select: { id: true, name: true, role: true } });
    if (!u) return "other";
    if (u.id === t.requesterId) return "requester";
    return u.role === "agent" || u.role === "admin" ? "staff" : "other";
  }
  const match = await matchTicket(
    {
      references,
      tokenTicket,
      subjectTicket: subjectTicketNumber(subject),
      from: from.address,
    },
    lookups,
  );

  if (match.kind === "comment") {
    const relation = await lookups.senderRelation(match.ticket, from.address);
    if (relation !== "requester" && relation !== "staff") {
      return setAside(raw, key, uidKey, from.address, subject,
        `a reply to ticket #${match.ticket} from ${from.address}, who is neither its requester nor an agent`, "quarantined");
    }
    // Anyone can write an agent's address in From. A comment in the team's name, which goes to the
    // requester as the help desk, needs proof the agent got Triage's mail: a reply to a message
    // sent to that very address.
    if (relation === "staff") {
      if (!(await answersMailTo(references, from.address))) {
        return setAside(raw, key, uidKey, from.address, subject,
          `from an agent's address (${from.address}) but not a reply to mail Triage sent them; set aside in case it is forged`, "quarantined");
      }
    }
    const author: Actor = { id: sender!.id, name: sender!.name, role: asRole(sender!.role) };
    // Reopening takes more than "[#N]" in a subject anyone can type: a reply in the thread, or the
    // signed reference.
    return addEmailComment(raw, email, key, uidKey, from, subject, match.ticket, author, relation === "requester" && match.by !== "subject");
  }
  return openEmailTicket(raw, email, key, uidKey, from, subject, sender);
}

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/** Whether the message answers one that Triage sent to this address (so it reached that mailbox). */
async function answersMailTo(references: string[], address: string): Promise<boolean> {
  if (references.length === 0) return false;
  return (await db.outboundMail.findFirst({ where: { messageId: { in: references }, toAddress: address }, select: { id: true } })) !== null;
}

/** Whether the account can sign in with a password (accounts made from mail start without one). */
async function hasPasswordAccount(userId: string, client: Pick<typeof db, "account"> = db) {
  return (await client.account.count({ where: { userId, providerId: "credential" } })) > 0;
}

/** How many address checks one address gets in an hour. */
const ADDRESS_CHECKS_PER_HOUR = 3;

/**
 * Mail from the address of a web account that has not shown it owns the mailbox: kept, waiting,
 * and a link sent to that address; setting the password through it confirms the address, and the
 * next poll imports what waited (releaseHeld).
 */
async function holdForAddressCheck(raw: Raw, key: string, uidKey: string | null, from: Sender, subject: string, userId: string): Promise<ImportOutcome> {
  const reason = `waiting for ${from.address} to confirm the address (a link was sent to it)`;
  await db.$transaction(async (tx) => {
    const now = new Date();
    const data = { status: "held", reason, updatedAt: now };
    const updated = await tx.inboundMail.updateMany({ where: { messageKey: key, status: { in: RETRYABLE } }, data });
    if (updated.count === 0) {
      await tx.inboundMail.create({ data: { messageKey: key, uidKey, fromAddress: from.address, subject, raw, size: raw.length, ...data } });
    }
    if ((await sentRecently(tx, from.address, "address_check", now)) >= ADDRESS_CHECKS_PER_HOUR) return;
    const link = await inviteLink(tx, userId, now);
    await queueAddressCheck(tx, userId, subject || "(no subject)", link);
  });
  return { kind: "held", reason };
}

/** A set-a-password link (Better Auth's reset token), valid for three days. */
async function inviteLink(tx: Tx, userId: string, now: Date) {
  const token = crypto.randomBytes(18).toString("base64url");
  await tx.verification.create({
    data: { id: crypto.randomUUID(), identifier: `reset-password:${token}`, value: userId, expiresAt: new Date(now.getTime() + INVITE_SECONDS * 1000), createdAt: now, updatedAt: now },
  });
  return `${env().publicUrl}/reset-password?token=${token}`;
}

/** How long mail waits for its sender to confirm the address before it is set aside. */
const HOLD_DAYS = 7;

/**
 * The second chance for what is kept in the database rather than in the mailbox (a message is
 * marked on the server once its row is written, whatever became of it): messages whose import
 * failed, tried again until the third failure sets them aside; and messages that waited for their
 * sender's address, imported once it is confirmed, set aside after HOLD_DAYS. Rows are read a few
 * ids at a time and each raw message alone, so a pile of large waiting mail costs no memory.
 */
export async function retryStored(now = new Date()): Promise<number> {
  await db.inboundMail.updateMany({
    where: { status: "held", createdAt: { lt: new Date(now.getTime() - HOLD_DAYS * 86400_000) } },
    data: { status: "quarantined", reason: `the sender did not confirm the address within ${HOLD_DAYS} days`, updatedAt: now },
  });
  const failing = await db.inboundMail.findMany({ where: { status: "failing" }, orderBy: { id: "asc" }, take: 50, select: { id: true } });
  const verified = await db.user.findMany({
    where: { emailVerified: true, email: { in: (await db.inboundMail.findMany({ where: { status: "held" }, distinct: ["fromAddress"], take: 200, select: { fromAddress: true } })).map((r) => r.fromAddress) } },
    select: { email: true },
  });
  const released = verified.length
    ? await db.inboundMail.findMany({ where: { status: "held", fromAddress: { in: verified.map((u) => u.email) } }, orderBy: { id: "asc" }, take: 50, select: { id: true } })
    : [];
  let imported = 0;
  for (const { id } of [...failing, ...released].sort((a, b) => a.id - b.id)) {
    const m = await db.inboundMail.findUnique({ where: { id }, select: { raw: true, uidKey: true, status: true } });
    if (!m || (m.status !== "failing" && m.status !== "held")) continue;
    const outcome = await importMessage(m.raw, { uidKey: m.uidKey });
    if (outcome.kind === "comment" || outcome.kind === "ticket") imported++;
  }
  return imported;
}

/**
 * The row that says this message was imported, in the import's own transaction. Inserted, so
 * that a second import of the same message racing this one (two pollers) fails on the unique
 * keys and rolls back its ticket or comment; only a row left "failing" by an earlier try is
 * updated instead.
 */
async function recordImport(
  tx: Tx,
  r: { key: string; uidKey: string | null; from: string; subject: string; raw: Raw; ticketNumber: number; commentId: number | null },
) {
  const data = { status: "imported", reason: null, ticketNumber: r.ticketNumber, commentId: r.commentId, updatedAt: new Date() };
  const retried = await tx.inboundMail.updateMany({ where: { messageKey: r.key, status: { in: RETRYABLE } }, data });
  if (retried.count === 0) {
    await tx.inboundMail.create({ data: { messageKey: r.key, uidKey: r.uidKey, fromAddress: r.from, subject: r.subject, raw: r.raw, size: r.raw.length, ...data } });
  }
}

const asRole = (r: string): Role => ((ROLES as readonly string[]).includes(r) ? (r as Role) : "requester");

/**
 * A reply by mail, as a public comment. The requester answering a Resolved ticket ("it is not
 * fixed", as the Resolved mail invites) opens it again, with its history entry.
 */
async function addEmailComment(
  raw: Raw, email: Email, key: string, uidKey: string | null, from: Sender, subject: string, ticket: number, author: Actor, mayReopen: boolean,
): Promise<ImportOutcome> {
  const body = bodyOf(email, true);
  return db.$transaction(async (tx) => {
    const t = await tx.ticket.findUniqueOrThrow({ where: { number: ticket }, select: { title: true, requesterId: true, assigneeId: true, status: true } });
    const now = new Date();
    const comment = await tx.comment.create({
      data: { ticketNumber: ticket, authorId: author.id, body, internal: false, createdAt: now },
      select: { id: true },
    });
    const reopen = mayReopen && t.status === statusRank("Resolved");
    await tx.ticket.update({
      where: { number: ticket },
      data: reopen ? { updatedAt: now, status: statusRank("Open"), resolvedAt: null, version: { increment: 1 } } : { updatedAt: now },
    });
    if (reopen) {
      await tx.activity.create({ data: { ticketNumber: ticket, actorId: author.id, field: "status", fromValue: "Resolved", toValue: "Open", createdAt: now } });
    }
    await recordImport(tx, { key, uidKey, from: from.address, subject, raw, ticketNumber: ticket, commentId: comment.id });
    await notifyComment(tx, { number: ticket, ...t }, { authorId: author.id, authorName: author.name, body, internal: false, at: now });
    return { kind: "comment", ticket, commentId: comment.id } as const;
  });
}

async function openEmailTicket(
  raw: Raw, email: Email, key: string, uidKey: string | null, from: Sender, subject: string,
  sender: { id: string; name: string; role: string } | null,
): Promise<ImportOutcome> {
  const title = cleanSubject(subject).replace(/[\r\n\t]+/g, " ").slice(0, TITLE_MAX).trim() || "(no subject)";
  const description = bodyOf(email, false);
  return db.$transaction(async (tx) => {
    const now = new Date();
    let requester = sender;
    let invite: string | undefined;
    if (!requester) {
      const name = (from.name.trim() || from.address.split("@")[0]).slice(0, 100);
      requester = await tx.user.create({
        data: { id: crypto.randomUUID(), name, email: from.address, role: "requester", createdAt: now, updatedAt: now },
        select: { id: true, name: true, role: true },
      });
    }
    if (!(await hasPasswordAccount(requester.id, tx))) invite = await inviteLink(tx, requester.id, now);
    const ticket = await tx.ticket.create({
      data: {
        title,
        description,
        priority: priorityRank("Medium"),
        status: statusRank("Open"),
        requesterId: requester.id,
        requesterName: requester.name,
        createdAt: now,
        updatedAt: now,
        activity: { create: { actorId: requester.id, field: "created", toValue: null, createdAt: now } },
      },
      select: { number: true },
    });
    await recordImport(tx, { key, uidKey, from: from.address, subject, raw, ticketNumber: ticket.number, commentId: null });
    await notifyTicketCreated(
      tx,
      { number: ticket.number, title, description, createdAt: now, requesterId: requester.id, requesterName: requester.name },
      { invite, viaMail: true },
    );
    return { kind: "ticket", ticket: ticket.number } as const;
  });
}
