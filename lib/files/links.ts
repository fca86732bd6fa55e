import "server-only";
import crypto from "node:crypto";
import { authSecret } from "../auth/secret";
import { isSerialId, isTicketNumber, USER_ID } from "../limits";

/**
 * Links to a file in mail. A requester whose account came from mail has no password, so a link to
 * the ticket's download (which asks to sign in) would not open for them; instead each file in a
 * notification carries a link of its own, signed for one recipient and one attachment, that
 * opens for FILE_LINK_DAYS. Whoever follows it gets the file only if that recipient could still
 * see it then (their ticket, not removed, not an internal note's for a requester): the signature
 * proves who the link was made for, the permission check is the download's own. Anyone can
 * forward the mail, as they could forward the file; the link stops working when the file is
 * removed or the days are over.
 */

/** How long a link in mail opens a file. */
export const FILE_LINK_DAYS = 30;

export type FileLink = { ticket: number; id: number; userId: string; expires: number };

/** A key of its own for links, from the secret that signs sessions. */
const key = () => crypto.createHmac("sha256", authSecret()).update("triage file links v1").digest();

const mac = (payload: string) => crypto.createHmac("sha256", key()).update(payload).digest("base64url");

/** The path (under /files/) of a link to attachment `id` of `ticket`, for `userId`, made at `now`. */
export function fileLinkPath(l: Omit<FileLink, "expires">, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + FILE_LINK_DAYS * 86400;
  const payload = `${l.ticket}.${l.id}.${Buffer.from(l.userId).toString("base64url")}.${expires}`;
  return `/files/${payload}.${mac(payload)}`;
}

/** What a link's token says, if it was made here and has not expired; else null. */
export function readFileLink(token: string, now: Date): FileLink | null {
  const parts = token.split(".");
  if (parts.length !== 5) return null;
  // Compared as text: a changed last character can decode to the same bytes (its low bits are padding).
  const given = Buffer.from(parts[4]);
  const expected = Buffer.from(mac(parts.slice(0, 4).join(".")));
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  const [ticket, id, expires] = [Number(parts[0]), Number(parts[1]), Number(parts[3])];
  const userId = Buffer.from(parts[2], "base64url").toString();
  if (!isTicketNumber(ticket) || !isSerialId(id) || !USER_ID.test(userId) || !Number.isSafeInteger(expires)) return null;
  if (expires * 1000 < now.getTime()) return null;
  return { ticket, id, userId, expires };
}
