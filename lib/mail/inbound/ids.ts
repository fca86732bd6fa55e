/**
 * Identifiers in mail headers, normalized so that the same message, address or ticket always
 * compares equal: Message-IDs for threading and de-duplication, addresses for "is this us?",
 * the "[#123]" tag in subjects, and a hash of the raw message for "imported already?".
 */
import { createHash } from "node:crypto";

/** RFC 5322 lines are at most 998 characters; an id longer than that is not one. */
const MAX_ID = 998;
const MAX_REFERENCES = 50;
/** "Re:", "Fwd:" and their German, French, Nordic and Dutch forms, with "Re[2]:" counters. */
const REPLY_PREFIX = /^\s*(?:re|fwd?|aw|wg|tr|sv|vs|antw|rif)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/i;
/** "[#123]" or "[Triage #123]" (any short name before the number). */
const TICKET_TAG = /\[(?:[^[\]#\r\n]{1,40}\s)?#(\d{1,16})\]/;
const TICKET_TAGS = new RegExp(TICKET_TAG.source, "g");

/**
 * "<ABC.123@Mail.Example.COM>" → "ABC.123@mail.example.com": brackets and whitespace (header
 * folding) removed, the domain lowercased (it is case-insensitive), the left part kept as it is
 * (RFC 5322 makes it case-sensitive). The id is also what Triage writes back into In-Reply-To
 * when it answers a mailed-in ticket, and a mail client threads on the exact string. An empty
 * or over-long value is no id.
 */
export function normalizeMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const bracketed = /<([^<>]*)>/.exec(raw);
  const id = (bracketed ? bracketed[1] : raw).replace(/\s+/g, "");
  if (id === "" || id.length > MAX_ID) return null;
  const at = id.lastIndexOf("@");
  return at < 0 ? id : id.slice(0, at) + id.slice(at).toLowerCase();
}

/**
 * Every id from In-Reply-To and References, normalized, each once, oldest first and the
 * direct parent (In-Reply-To) last; at most 50, keeping the thread's first and newest.
 */
export function parseReferences(inReplyTo: string | null | undefined, references: string | null | undefined): string[] {
  const ids = [...splitIds(references), ...splitIds(inReplyTo)];
  const seen = new Set<string>();
  const newestLast: string[] = [];
  for (let i = ids.length - 1; i >= 0; i--) {
    if (seen.has(ids[i])) continue;
    seen.add(ids[i]);
    newestLast.unshift(ids[i]);
  }
  return capReferences(newestLast, MAX_REFERENCES);
}

function splitIds(value: string | null | undefined): string[] {
  if (!value) return [];
  const parts = value.includes("<") ? [...value.matchAll(/<[^<>]*>/g)].map((m) => m[0]) : value.split(/[\s,]+/);
  return parts.map(normalizeMessageId).filter((id): id is string => id !== null);
}

/**
 * The References of an outgoing reply: the thread's first id and the newest max - 1, the
 * practice RFC 5322 describes for long threads, so the root still threads and headers stay short.
 */
export function capReferences(ids: string[], max = 20): string[] {
  if (max < 1) return [];
  if (ids.length <= max) return [...ids];
  return max === 1 ? [ids[0]] : [ids[0], ...ids.slice(ids.length - (max - 1))];
}

/** sha256 of the raw message, hex: the same bytes imported twice are the same mail. */
export function rawHash(raw: Uint8Array): string {
  return createHash("sha256").update(raw).digest("hex");
}

/** " Anna <Anna.Berg+X@Example.ORG> " → "anna.berg+x@example.org": trimmed, unbracketed, lowercased. */
export function normalizeAddress(addr: string): string {
  const bracketed = /<([^<>]*)>/.exec(addr);
  return (bracketed ? bracketed[1] : addr).trim().toLowerCase();
}

/**
 * The address without its "+tag": "help+t123-…@example.com" → "help@example.com". Only for
 * asking "is this one of our own addresses?"; a sender's own plus-address is a different person's
 * choice and stays as it is everywhere else.
 */
export function baseAddress(addr: string): string {
  const address = normalizeAddress(addr);
  const at = address.lastIndexOf("@");
  if (at <= 0) return address;
  const local = address.slice(0, at);
  const plus = local.indexOf("+");
  return plus <= 0 ? address : `${local.slice(0, plus)}${address.slice(at)}`;
}

/**
 * The ticket number tagged in a subject, "[#123]" or "[Triage #123]", wherever it stands (so
 * "Re:", "AW:", "Fwd:" before it do not matter); the first tag wins. Only positive safe integers.
 */
export function subjectTicketNumber(subject: string | null | undefined): number | null {
  if (!subject) return null;
  const m = TICKET_TAG.exec(subject);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The subject a new ticket gets: without reply/forward prefixes and ticket tags. */
export function cleanSubject(subject: string | null | undefined): string {
  let s = (subject ?? "").replace(TICKET_TAGS, " ").replace(/\s+/g, " ").trim();
  for (let previous = ""; previous !== s; ) {
    previous = s;
    s = s.replace(REPLY_PREFIX, "").trim();
  }
  return s === "" ? "(no subject)" : s;
}
