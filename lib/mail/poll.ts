import "server-only";
import { ImapFlow } from "imapflow";
import { env } from "../env";
import { read, write } from "../db";
import { importMessage, retryStored, type ImportOutcome } from "./import";
import { parseMessage } from "./inbound/parse";
import { messageKeyOf, senderOf } from "./inbound/sender";
import { recordRefused } from "./store";
import { releaseLease, takeLease } from "./lease";
import { workerId, wakeOutbox } from "./outbox";
import { oversizeMail } from "./compose";
import { queueToAddress, sentRecently } from "./queue";
import { isLocalHost } from "./local-host";

/**
 * The mailbox poller. Each pass takes the "mailbox" lease (one poller at a time, however many
 * processes share the database), lists the messages not yet marked as handled, and imports them
 * one by one. A message is marked (keyword $TriageDone, and \Seen) only after its import has
 * committed; killed in between, the next pass finds it again and the import's unique keys make
 * the second try a no-op. A message larger than the limit is never downloaded: its sender is told.
 */

export const MAILBOX_LEASE = "mailbox";
/** Longer than one chunk of messages takes to fetch and import; renewed before each chunk. */
const LEASE_MS = 60_000;
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const DONE = "$TriageDone";

export type ImapConfig = { host: string; port: number; secure: boolean; user: string; pass: string; mailbox: string };

/** imaps://user:pass@host:993/INBOX → its parts (the path names the folder, INBOX by default). */
export function parseImapUrl(url: string): ImapConfig {
  const u = new URL(url);
  const secure = u.protocol === "imaps:";
  const mailbox = decodeURIComponent(u.pathname.replace(/^\/+/, "")) || "INBOX";
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox,
  };
}

export type PollResult = { skipped: boolean; seen: number; outcomes: Record<ImportOutcome["kind"] | "refused", number> };

export async function pollMailbox(opts: { url?: string; owner?: string; maxBytes?: number; limit?: number } = {}): Promise<PollResult> {
  const url = opts.url ?? env().TRIAGE_IMAP_URL;
  const owner = opts.owner ?? workerId;
  const maxBytes = opts.maxBytes ?? MAX_MESSAGE_BYTES;
  const outcomes: PollResult["outcomes"] = { comment: 0, ticket: 0, ignored: 0, quarantined: 0, duplicate: 0, held: 0, failing: 0, refused: 0 };
  if (!url) return { skipped: true, seen: 0, outcomes };
  if (!(await takeLease(MAILBOX_LEASE, owner, LEASE_MS))) return { skipped: true, seen: 0, outcomes };
  let released = 0;
  const cfg = parseImapUrl(url);
  const client = new ImapFlow({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    auth: { user: cfg.user, pass: cfg.pass },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    // A mailbox on this machine offering STARTTLS with a self-signed certificate (a stock
    // Dovecot) is used as it is; anywhere else the certificate is checked.
    ...(isLocalHost(cfg.host) ? { tls: { rejectUnauthorized: false } } : {}),
  });
  let seen = 0;
  try {
    try {
      released = await retryStored();
    } catch (e) {
      console.error(`[triage] mailbox: stored messages could not be tried again: ${(e as Error).message}`);
    }
    await client.connect();
    const lock = await client.getMailboxLock(cfg.mailbox);
    try {
      const box = client.mailbox;
      if (!box) throw new Error(`mailbox ${cfg.mailbox} could not be opened`);
      const keywords = !box.permanentFlags || box.permanentFlags.has("\\*");
      const uids = (await client.search(keywords ? { unKeyword: DONE } : { seen: false }, { uid: true })) || [];
      const todo = uids.slice(0, opts.limit ?? 500);
      // Sizes and headers first (no command may run while a fetch streams), bodies one at a time.
      const heads: Array<{ uid: number; size: number; headers: Buffer | undefined }> = [];
      for await (const m of client.fetch(todo, { uid: true, size: true, headers: true }, { uid: true })) {
        heads.push({ uid: m.uid, size: m.size ?? 0, headers: m.headers });
      }
      const marks = keywords ? [DONE, "\\Seen"] : ["\\Seen"];
      for (const chunk of chunks(heads, maxBytes)) {
        // Renewed before each chunk (one write per 50 messages): a poll longer than the lease
        // keeps it, and one that lost it stops.
        if (!(await takeLease(MAILBOX_LEASE, owner, LEASE_MS))) break;
        const wanted = chunk.filter((h) => h.size <= maxBytes).map((h) => h.uid);
        const sources = new Map<number, Buffer>();
        if (wanted.length) {
          for await (const m of client.fetch(wanted.join(","), { uid: true, source: true }, { uid: true })) {
            if (m.source) sources.set(m.uid, m.source);
          }
        }
        const handled: number[] = [];
        for (const head of chunk) {
          const uidKey = `${cfg.mailbox}:${box.uidValidity}:${head.uid}`;
          let outcome: ImportOutcome["kind"] | "refused";
          if (head.size > maxBytes) {
            outcome = await refuseOversize(head.headers ?? Buffer.alloc(0), head.size, uidKey, maxBytes);
          } else {
            const source = sources.get(head.uid);
            if (!source) continue; // expunged by someone else meanwhile
            outcome = (await importMessage(source, { uidKey })).kind;
          }
          seen++;
          outcomes[outcome]++;
          // Marked whatever became of it: its row, raw message included, is written, and one that
          // failed is tried again from there (retryStored), up to the import's limit.
          handled.push(head.uid);
        }
        // Marked only now that each of their imports is committed.
        if (handled.length) await client.messageFlagsAdd(handled.join(","), marks, { uid: true });
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } finally {
    client.close();
    await releaseLease(MAILBOX_LEASE, owner);
  }
  if (released || outcomes.ticket || outcomes.comment || outcomes.refused || outcomes.held) wakeOutbox();
  return { skipped: false, seen, outcomes };
}

/** Messages in groups of at most 50 and 20 MB, so that one round trip fetches many. */
function* chunks<T extends { size: number }>(heads: T[], maxBytes: number): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const h of heads) {
    const size = h.size > maxBytes ? 0 : h.size;
    if (chunk.length && (chunk.length >= 50 || bytes + size > 20 * 1024 * 1024)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(h);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}

/** An oversized message: kept as its headers only, and its sender (unless a robot) told why. */
async function refuseOversize(headers: Buffer, size: number, uidKey: string, maxBytes: number): Promise<"refused" | "duplicate"> {
  const email = await parseMessage(Buffer.concat([headers, Buffer.from("\r\n")]));
  const key = messageKeyOf(Buffer.concat([headers, Buffer.from(`size:${size}`)]), email.messageId);
  if (await read.get(`SELECT 1 AS "x" FROM "inbound_mail" WHERE "messageKey" = ? OR "uidKey" = ? LIMIT 1`, key, uidKey)) return "duplicate";
  const { from: sender, subject, robot } = senderOf(email, env().mailFrom.address);
  const from = sender?.address ?? null;
  const reason = `larger than ${Math.round(maxBytes / 1024 / 1024)} MB (${Math.round(size / 1024 / 1024)} MB); not downloaded`;
  await write(async (tx) => {
    await recordRefused(tx, { key, uidKey, from: from ?? "", subject, raw: new Uint8Array(headers) }, size, reason);
    if (robot || !from) return;
    // A note per address a few times an hour at most: a forged From cannot aim a stream of them.
    if ((await sentRecently(tx, from, "oversize_refusal", new Date())) >= 3) return;
    const mail = oversizeMail({ name: sender!.name || from, timeZone: null }, subject || "(no subject)", maxBytes, { publicUrl: env().publicUrl, replyRef: null });
    await queueToAddress(tx, "oversize_refusal", from, mail, email.messageId ? email.messageId.replace(/^<|>$/g, "") : null);
  });
  return "refused";
}
