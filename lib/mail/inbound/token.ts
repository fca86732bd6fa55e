/**
 * Signed reply tokens, so that a reply finds its ticket even when a provider rewrites the
 * Message-IDs Triage sent, or the client drops References. Outgoing mail carries the token in a
 * footer line ("[ref:t123-…]") that survives in the quoted history. Replies go to the plain
 * support address (not every mail server accepts plus-addresses), but a token found as a
 * plus-tag on a recipient (help+t123-…@example.com, written by hand) counts too.
 *
 * The token says which ticket, and its HMAC says Triage issued it; it does not say who replies
 * (the importer decides the author from the sender's address), so one token per ticket is
 * enough and "t{ticket}-{20 base32 characters}" (100 bits of HMAC-SHA256) stays short. Tokens
 * are lowercase and compared case-insensitively, since some providers lowercase addresses.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const SIG_LENGTH = 20;
const TOKEN = /^t(\d{1,16})-([a-z2-7]{20})$/;
const IN_TEXT = /\[ref:(t\d{1,16}-[a-z2-7]{20})\]/i;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

export function replyToken(secret: string, ticket: number): string {
  if (!Number.isSafeInteger(ticket) || ticket <= 0) throw new Error(`Not a ticket number: ${ticket}`);
  return `t${ticket}-${signature(secret, ticket)}`;
}

/** The ticket a token was issued for, or null when it is malformed or not signed by us. */
export function verifyReplyToken(secret: string, token: string): number | null {
  const m = TOKEN.exec(token.trim().toLowerCase());
  if (!m) return null;
  const ticket = Number(m[1]);
  if (!Number.isSafeInteger(ticket) || ticket <= 0) return null;
  const expected = Buffer.from(signature(secret, ticket));
  const given = Buffer.from(m[2]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? ticket : null;
}

/** The footer line outgoing mail carries, which tokenFromText finds again. */
export function replyMarker(token: string): string {
  return `[ref:${token}]`;
}

/** The first plus-tag among the recipients that looks like a token (not yet verified). */
export function tokenFromAddresses(addresses: string[]): string | null {
  for (const address of addresses) {
    const bracketed = /<([^<>]*)>/.exec(address);
    const addr = (bracketed ? bracketed[1] : address).trim().toLowerCase();
    const at = addr.lastIndexOf("@");
    const plus = addr.indexOf("+");
    if (plus <= 0 || plus > at) continue;
    const tag = addr.slice(plus + 1, at);
    if (TOKEN.test(tag)) return tag;
  }
  return null;
}

/** The first "[ref:t123-…]" marker in a body, quoted history included (not yet verified). */
export function tokenFromText(text: string): string | null {
  return IN_TEXT.exec(text)?.[1].toLowerCase() ?? null;
}

function signature(secret: string, ticket: number): string {
  if (secret === "") throw new Error("The reply-token secret is empty");
  const mac = createHmac("sha256", secret).update(`reply:${ticket}`).digest();
  return base32(mac).slice(0, SIG_LENGTH);
}

/** RFC 4648 base32, lowercase, without padding. */
function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
