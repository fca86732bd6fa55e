/**
 * Whether an inbound message was sent by a machine rather than a person. Such a message must not
 * open a ticket, become a comment or trigger mail: an out-of-office answering Triage's
 * notification, which Triage answers with a notification, is the classic endless mail loop, and
 * bounces and newsletters are noise in the queue. The reason is a short phrase naming the header
 * that decided, because admins read it in the import log.
 *
 * Decisions:
 * - `X-Auto-Response-Suppress` alone is NOT automated. Outlook and Exchange put it on ordinary
 *   mail too (meetings, many personal messages) to ask us not to auto-reply; Microsoft's own
 *   auto-replies are recognized by `Auto-Submitted` and the `X-MS-Exchange-Generated-Message-Source`
 *   or `X-MS-Exchange-Inbox-Rules-Loop` headers instead.
 * - `X-MS-Exchange-Inbox-Rules-Loop` also marks mail a user's inbox rule forwarded automatically;
 *   that is treated as automated too (a rule forwarding to the help desk would otherwise bounce
 *   our replies back through the rule).
 * - A null Return-Path means "not known", like undefined: only a present but empty one (`<>`,
 *   the null reverse-path of bounces and reports) counts.
 * - The first rule that matches names the reason, in this order: our own mail, a loop, a bounce,
 *   a report, a system sender, auto-reply headers, Exchange, Precedence, mailing list, no-reply.
 */
import { baseAddress } from "./ids";

export type InboundHeaders = {
  /** The sender's address, or null when there is none. */
  from: string | null;
  /** undefined: header absent; "" or "<>": empty (a bounce); null is read as absent. */
  returnPath: string | null | undefined;
  /** Lowercased header names → raw value (the last one wins). */
  headers: Record<string, string>;
  contentType: string | null;
};

const PRECEDENCE: Record<string, string> = {
  bulk: "bulk mail",
  junk: "bulk mail",
  list: "mailing list",
  auto_reply: "auto-reply",
};

export function automatedReason(msg: InboundHeaders, own: { addresses: string[] }): string | null {
  const header = headerReader(msg.headers);
  const ours = new Set(own.addresses.map(baseAddress));
  const from = msg.from ? baseAddress(msg.from) : null;

  if (from && ours.has(from)) return `sent by Triage itself (From: ${msg.from})`;
  const xLoop = header("x-loop");
  if (xLoop && addressesIn(xLoop).some((a) => ours.has(baseAddress(a)))) return `mail loop (X-Loop: ${xLoop})`;

  if (typeof msg.returnPath === "string" && /^[\s<>]*$/.test(msg.returnPath)) return "bounce (empty Return-Path)";
  if (msg.contentType && firstToken(msg.contentType) === "multipart/report") {
    const type = /report-type\s*=\s*"?([\w-]+)/i.exec(msg.contentType)?.[1]?.toLowerCase();
    const what = type === "disposition-notification" ? "read receipt" : "delivery report";
    return `${what} (Content-Type: multipart/report${type ? `; report-type=${type}` : ""})`;
  }
  const local = from?.slice(0, from.lastIndexOf("@")) ?? "";
  if (local === "mailer-daemon" || local === "postmaster") return `bounce (From: ${msg.from})`;

  const autoSubmitted = header("auto-submitted");
  if (autoSubmitted && firstToken(autoSubmitted) !== "no") {
    const what = firstToken(autoSubmitted) === "auto-replied" ? "auto-reply" : "automatic message";
    return `${what} (Auto-Submitted: ${autoSubmitted})`;
  }
  for (const name of ["X-Autoreply", "X-Autorespond"]) {
    const value = header(name.toLowerCase());
    if (value !== null && firstToken(value) !== "no") return `auto-reply (${name}: ${value})`;
  }
  const generated = header("x-ms-exchange-generated-message-source");
  if (generated !== null) return `automatic message from Exchange (X-MS-Exchange-Generated-Message-Source: ${generated})`;
  const rulesLoop = header("x-ms-exchange-inbox-rules-loop");
  if (rulesLoop !== null) return `forwarded by an Exchange inbox rule (X-MS-Exchange-Inbox-Rules-Loop: ${rulesLoop})`;

  const precedence = header("precedence");
  const kind = precedence ? PRECEDENCE[firstToken(precedence)] : undefined;
  if (kind) return `${kind} (Precedence: ${precedence})`;
  const listId = header("list-id");
  if (listId !== null) return `mailing list (List-Id: ${listId})`;
  if (header("list-unsubscribe") !== null) return "mailing list (List-Unsubscribe)";

  if (/^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply)$/.test(local)) return `automated sender (From: ${msg.from})`;
  return null;
}

/** Values are trimmed, unfolded and cut short: they end up in a log line. */
function headerReader(headers: Record<string, string>): (name: string) => string | null {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return (name) => {
    const value = lower.get(name);
    return value === undefined ? null : value.replace(/\s+/g, " ").trim().slice(0, 200);
  };
}

/** "Auto-Replied; owner-email=…" → "auto-replied"; "multipart/report; …" → "multipart/report". */
function firstToken(value: string): string {
  return value.trim().split(/[\s;(]/)[0].toLowerCase();
}

function addressesIn(value: string): string[] {
  return value.match(/[^\s<>,;"'()]+@[^\s<>,;"'()]+/g) ?? [];
}
