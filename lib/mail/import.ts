import "server-only";
import crypto from "node:crypto";
import type { Email } from "postal-mime";
import { read, write } from "../db";
import { env } from "../env";
import { authSecret } from "../auth/secret";
import { createSetPasswordLink } from "../auth/links";
import { DESCRIPTION_MAX, TITLE_MAX } from "../limits";
import { createRequester } from "../people/commands";
import { signUpClosed, signUpPolicy } from "../desk/settings";
import { mayWriteIn } from "../desk/sign-up-policy";
import { parseRole, type Actor } from "../people/identity";
import { filesLeftThisHour } from "../tickets/attachments";
import { createTicketIn, reopenResolvedIn } from "../tickets/commands";
import { addCommentIn } from "../tickets/comments";
import { oneLine, normalizeNewlines } from "../text";
import { queueAddressCheck } from "./account-mail";
import { leftOutNote, storeMessageFiles } from "./attachments";
import { sentRecently } from "./queue";
import { cleanSubject, parseReferences, rawHash, subjectTicketNumber } from "./inbound/ids";
import { htmlToText } from "./inbound/html";
import { parseMessage } from "./inbound/parse";
import { stripQuoted } from "./inbound/quotes";
import { tokenFromAddresses, tokenFromText, verifyReplyToken } from "./inbound/token";
import { matchTicket, type Lookups, type Relation } from "./inbound/match";
import { addressOf, messageKeyOf, senderOf, type Sender } from "./inbound/sender";
import {
  answersMailTo,
  expireHeld,
  previousImport,
  recordFailure,
  recordHeld,
  recordImport,
  retryCandidates,
  RETRYABLE,
  setAside,
  statusOf,
  storedMessage,
  ticketByMessageIds,
  type SetAsideStatus,
  type Stored,
} from "./store";

/**
 * One message from the support mailbox into the desk. Mail decides *what* a message is (a
 * comment on its ticket, a new ticket, or set aside with the reason); the ticket commands
 * (lib/tickets) write it, as they write what comes from the web. Whatever happens, the raw message
 * is kept, and the ticket or comment commits in the same transaction as the row that records the
 * import (lib/mail/store.ts), whose unique keys make a second import of the same message a no-op.
 */


export type ImportOutcome =
  | { kind: "comment"; ticket: number; commentId: number }
  | { kind: "ticket"; ticket: number }
  | { kind: "ignored"; reason: string }
  | { kind: "quarantined"; reason: string }
  | { kind: "duplicate" }
  | { kind: "held"; reason: string }
  | { kind: "failing"; reason: string };

/** An import that must wait (and will go in later), rather than one that failed. */
class Deferred extends Error {}

/** Tries before a message that keeps failing is set aside for an admin. */
export const MAX_IMPORT_ATTEMPTS = 3;
/** How long the set-a-password link in a new requester's acknowledgement works. */
const INVITE_SECONDS = 3 * 24 * 3600;
/** How many address checks one address gets in an hour. */
const ADDRESS_CHECKS_PER_HOUR = 3;
/** How long mail waits for its sender to confirm the address before it is set aside. */
const HOLD_DAYS = 7;

export async function importMessage(source: Uint8Array, where: { uidKey: string | null }): Promise<ImportOutcome> {
  const raw = new Uint8Array(source);
  let email: Email;
  try {
    email = await parseMessage(raw);
  } catch (e) {
    const m: Stored = { key: `sha256:${rawHash(raw)}`, uidKey: where.uidKey, from: "", subject: "", raw };
    return aside(m, "quarantined", `could not be parsed: ${(e as Error).message}`);
  }
  const key = messageKeyOf(raw, email.messageId);
  const previous = await previousImport(key, where.uidKey);
  if (previous && !RETRYABLE.includes(previous.status)) return { kind: "duplicate" };

  const { from, subject, robot } = senderOf(email, env().mailFrom.address);
  const m: Stored = { key, uidKey: where.uidKey, from: from?.address ?? "", subject, raw };
  if (robot) return aside(m, "ignored", robot);

  try {
    return await importPerson(m, email, from!);
  } catch (e) {
    // Another poller (one whose lease ran out mid-import) may have imported it in the meantime:
    // then this was a duplicate, and the import it made stands.
    const now = await statusOf(key);
    if (now && !RETRYABLE.includes(now)) return { kind: "duplicate" };
    // A comment held back by the per-minute limit is not a failure: it waits for the next poll
    // without using up a try.
    const attempts = (previous?.attempts ?? 0) + (e instanceof Deferred ? 0 : 1);
    const message = (e instanceof Deferred ? `waiting: ${e.message}` : `import failed: ${(e as Error).message}`).slice(0, 500);
    const status = attempts >= MAX_IMPORT_ATTEMPTS ? "quarantined" : "failing";
    await recordFailure(m, status, message, attempts);
    return status === "quarantined" ? { kind: "quarantined", reason: message } : { kind: "failing", reason: message };
  }
}

async function aside(m: Stored, status: SetAsideStatus, reason: string): Promise<ImportOutcome> {
  await setAside(m, status, reason);
  return status === "ignored" ? { kind: "ignored", reason } : { kind: "quarantined", reason };
}

/**
 * What a person wrote, as text: the plain part, else the HTML reduced; quotes cut for replies;
 * `note` (what was left out of the message's files) at the end, always whole.
 */
function bodyOf(email: Email, strip: boolean, note = ""): string {
  // A comment holds 20,000 characters: the quote rules never need to read a novel.
  const text = (email.text?.trim() ? email.text : email.html ? htmlToText(email.html, { dropQuotes: strip }) : "").slice(0, 200_000);
  const body = normalizeNewlines(strip ? stripQuoted(text) : text).trim();
  if (body === "") return `(This message had no text.)${note}`;
  if (body.length + note.length <= DESCRIPTION_MAX) return body + note;
  const cut = "\n\n[Cut here: the message was longer than a comment may be. The whole message is kept.]";
  return body.slice(0, DESCRIPTION_MAX - cut.length - note.length) + cut + note;
}

type Account = { id: string; name: string; role: string; emailVerified: boolean; deactivated: boolean };

async function accountByEmail(address: string): Promise<Account | null> {
  const u = await read.get<{ id: string; name: string; role: string; emailVerified: number | boolean; deactivatedAt: unknown }>(
    `SELECT "id", "name", "role", "emailVerified", "deactivatedAt" FROM "user" WHERE "email" = ?`,
    address,
  );
  return u ? { id: u.id, name: u.name, role: u.role, emailVerified: Boolean(u.emailVerified), deactivated: u.deactivatedAt !== null } : null;
}

/** Whether the account can sign in with a password (accounts made from mail start without one). */
async function hasPasswordAccount(userId: string) {
  return (await read.get(`SELECT 1 AS "x" FROM "account" WHERE "userId" = ? AND "providerId" = 'credential' LIMIT 1`, userId)) !== undefined;
}

async function importPerson(m: Stored, email: Email, from: Sender): Promise<ImportOutcome> {
  const secret = authSecret();
  const rawText = `${email.text ?? ""}\n${email.html ?? ""}`;
  const recipients = [...(email.to ?? []), ...(email.cc ?? [])].map((a) => addressOf(a)?.address).filter((a): a is string => !!a);
  const verified = (t: string | null) => (t ? verifyReplyToken(secret, t) : null);
  const tokenTicket = verified(tokenFromAddresses(recipients)) ?? verified(tokenFromText(rawText));
  const sender = await accountByEmail(from.address);
  // A deactivated person's mail adds nothing (an admin may reactivate them and import it by hand).
  if (sender?.deactivated) return aside(m, "quarantined", `from ${from.address}, whose account is deactivated`);
  const references = parseReferences(email.inReplyTo, email.references);
  // Anyone may sign up on the web with any address. Mail from that address must not land in such
  // an account until its owner shows they hold the mailbox: by answering mail Triage sent there,
  // or by following a link sent there. Until then the message waits.
  // A reply to Triage's mail lets that one message in; only a link followed (which sets the
  // password and ends other sessions) confirms the address for good.
  if (sender && !sender.emailVerified && (await hasPasswordAccount(sender.id)) && !(await answersMailTo(references, from.address))) {
    return holdForAddressCheck(m, from, sender.id);
  }
  const relations = new Map<string, Promise<Relation>>();
  async function relationOf(ticket: number, address: string): Promise<Relation> {
    const t = await read.get<{ requesterId: string }>(`SELECT "requesterId" FROM "ticket" WHERE "number" = ?`, ticket);
    if (!t) return "no_ticket";
    const u = address === from.address ? sender : await accountByEmail(address);
    if (!u) return "other";
    if (u.id === t.requesterId) return "requester";
    return parseRole(u.role) === "requester" ? "other" : "staff";
  }
  const lookups: Lookups = {
    ticketByMessageIds,
    senderRelation(ticket, address) {
      // Asked by the matcher and again for the author: one lookup per ticket and address.
      const k = `${ticket} ${address}`;
      if (!relations.has(k)) relations.set(k, relationOf(ticket, address));
      return relations.get(k)!;
    },
  };
  const match = await matchTicket({ references, tokenTicket, subjectTicket: subjectTicketNumber(m.subject), from: from.address }, lookups);

  if (match.kind === "comment") {
    const relation = await lookups.senderRelation(match.ticket, from.address);
    if (relation !== "requester" && relation !== "staff") {
      return aside(m, "quarantined", `a reply to ticket #${match.ticket} from ${from.address}, who is neither its requester nor an agent`);
    }
    // Anyone can write an agent's address in From. A comment in the team's name, which goes to the
    // requester as the help desk, needs proof the agent got Triage's mail: a reply to a message
    // sent to that very address.
    if (relation === "staff" && !(await answersMailTo(references, from.address))) {
      return aside(m, "quarantined",
        `from an agent's address (${from.address}) but not a reply to mail Triage sent them; set aside in case it is forged`);
    }
    const author: Actor = { id: sender!.id, name: sender!.name, role: parseRole(sender!.role) };
    // Reopening takes more than "[#N]" in a subject anyone can type: a reply in the thread, or the
    // signed reference. Whether this author may reopen is the ticket's rule (reopenResolvedIn).
    return addEmailComment(m, email, match.ticket, author, match.by !== "subject");
  }
  // Someone without an account opens a ticket (and gets an account) only as the Sign-up page allows.
  if (!sender && !mayWriteIn(await signUpPolicy(), from.address)) {
    return aside(m, "quarantined", `from ${from.address}, who has no account; the sign-up settings keep mail from unknown senders out`);
  }
  return openEmailTicket(m, email, from, sender);
}

/**
 * Mail from the address of a web account that has not shown it owns the mailbox: kept, waiting,
 * and a link sent to that address; setting the password through it confirms the address, and the
 * next poll imports what waited (retryStored).
 */
async function holdForAddressCheck(m: Stored, from: Sender, userId: string): Promise<ImportOutcome> {
  const reason = `waiting for ${from.address} to confirm the address (a link was sent to it)`;
  const now = new Date();
  const due = (await sentRecently(read, from.address, "address_check", now)) < ADDRESS_CHECKS_PER_HOUR;
  const link = due ? await createSetPasswordLink(userId, INVITE_SECONDS) : null;
  await write(async (tx) => {
    await recordHeld(tx, m, reason);
    if (link) await queueAddressCheck(tx, userId, link);
  });
  return { kind: "held", reason };
}

/**
 * The second chance for what is kept in the database rather than in the mailbox (a message is
 * marked on the server once its row is written, whatever became of it): messages whose import
 * failed, tried again until the third failure sets them aside; and messages that waited for their
 * sender's address, imported once it is confirmed, set aside after HOLD_DAYS.
 */
export async function retryStored(now = new Date()): Promise<number> {
  await expireHeld(now, HOLD_DAYS);
  let imported = 0;
  for (const id of await retryCandidates()) {
    const stored = await storedMessage(id);
    if (!stored || !RETRYABLE.includes(stored.status)) continue;
    const outcome = await importMessage(stored.raw, { uidKey: stored.uidKey });
    if (outcome.kind === "comment" || outcome.kind === "ticket") imported++;
  }
  return imported;
}

/** A reply by mail, as a public comment (and, from the requester in the thread, a reopened ticket). */
async function addEmailComment(m: Stored, email: Email, ticket: number, author: Actor, inThread: boolean): Promise<ImportOutcome> {
  const { files, leftOut } = await storeMessageFiles(email.attachments, await filesLeftThisHour(author.id));
  const body = bodyOf(email, true, leftOutNote(leftOut));
  const channel = { via: "mail" as const, messageKey: m.key };
  return write(async (tx) => {
    const added = await addCommentIn(tx, author, ticket, { body, internal: false, files }, channel);
    if (added.kind === "rate_limited") throw new Deferred("its sender added more comments in the last minute than one person may; imported on a later poll");
    if (added.kind !== "added") throw new Error(`the comment was refused (${added.kind})`);
    if (inThread) await reopenResolvedIn(tx, author, ticket, channel);
    // A reply to a merged duplicate went to the ticket it was merged into: recorded there.
    await recordImport(tx, m, { ticketNumber: added.ticket, commentId: added.id });
    return { kind: "comment", ticket: added.ticket, commentId: added.id } as const;
  });
}

async function openEmailTicket(m: Stored, email: Email, from: Sender, sender: Account | null): Promise<ImportOutcome> {
  const title = oneLine(cleanSubject(m.subject)).slice(0, TITLE_MAX).trim() || "(no subject)";
  const hour = sender ? await filesLeftThisHour(sender.id) : { left: env().TRIAGE_FILES_PER_HOUR, limit: env().TRIAGE_FILES_PER_HOUR };
  const { files, leftOut } = await storeMessageFiles(email.attachments, hour);
  const description = bodyOf(email, false, leftOutNote(leftOut));
  const now = new Date();
  // A requester made from this message, or one who never set a password, gets a link to set one
  // (made first: Better Auth writes it outside this transaction).
  const userId = sender?.id ?? crypto.randomUUID();
  // Not while the Sign-up page closes accounts to this address: they may write in, but a web
  // account is an admin's invitation away.
  const mayJoin = (await signUpClosed(from.address)) === null;
  const invite = mayJoin && (!sender || !(await hasPasswordAccount(sender.id))) ? await createSetPasswordLink(userId, INVITE_SECONDS) : undefined;
  return write(async (tx) => {
    const requester: Actor = sender
      ? { id: sender.id, name: sender.name, role: parseRole(sender.role) }
      : await createRequester(tx, { id: userId, name: from.name, email: from.address }, now);
    const { number } = await createTicketIn(tx, requester, { title, description, priority: "Medium", files }, { via: "mail", invite, messageKey: m.key });
    await recordImport(tx, m, { ticketNumber: number, commentId: null });
    return { kind: "ticket", ticket: number } as const;
  });
}
