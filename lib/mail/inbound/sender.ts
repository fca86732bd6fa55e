import type { Email } from "postal-mime";
import { oneLine } from "../../text";
import { automatedReason } from "./loop";
import { normalizeAddress, normalizeMessageId, rawHash } from "./ids";

/** Who sent a parsed message, and whether a person or a robot. Pure. */

export type Sender = { name: string; address: string };

export const firstHeader = (e: Email, name: string) => e.headers.filter((h) => h.key === name).at(-1)?.value ?? null;

/**
 * One plain address, or nothing: "a@x,b@y" or "<a@x b@y>" in a From header must never become an
 * account's email (mail to it would go to everyone listed).
 */
const PLAIN_ADDRESS = /^[^\s@,;:<>()[\]\\"]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;

export function addressOf(a: Email["from"]): Sender | null {
  if (!a) return null;
  const m = a.address ? a : a.group?.length === 1 ? a.group[0] : null;
  if (!m?.address) return null;
  const address = normalizeAddress(m.address);
  if (address.length > 254 || !PLAIN_ADDRESS.test(address)) return null;
  return { name: oneLine(m.name).trim(), address };
}

/**
 * Who sent a parsed message (one plain address, or null), its subject (one line), and why it
 * must be left alone when a robot sent it (null for a person). Used for every message,
 * downloaded or refused. `ours`: the support address, whose own mail is never imported.
 */
export function senderOf(email: Email, ours: string): { from: Sender | null; subject: string; robot: string | null } {
  const from = addressOf(email.from);
  const subject = oneLine(email.subject ?? "").slice(0, 500);
  const robot = from
    ? automatedReason(
        {
          from: from.address,
          returnPath: firstHeader(email, "return-path") ?? undefined,
          headers: Object.fromEntries(email.headers.map((h) => [h.key, h.value])),
          contentType: firstHeader(email, "content-type"),
        },
        { addresses: [ours] },
      )
    : "no single, valid sender address";
  return { from, subject, robot };
}

/** The message's key for dedupe: its Message-ID, else a hash of its bytes. */
export function messageKeyOf(raw: Uint8Array, messageIdHeader: string | null | undefined) {
  return normalizeMessageId(messageIdHeader) ?? `sha256:${rawHash(raw)}`;
}
