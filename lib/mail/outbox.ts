import "server-only";
import crypto from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import { placeholders, read, sqlDate, write } from "../db";
import { env } from "../env";
import { isLocalHost } from "./local-host";

/**
 * Delivery of the outbox. A worker claims due messages with a lease (a row it owns until a time),
 * sends each through SMTP, and records the server's answer: accepted → sent; a 4xx or a broken
 * connection → tried again later with backoff; a 5xx → failed at once (the server said never).
 * Several processes on one database never send one message twice while a lease holds; a process
 * that dies mid-send leaves a lease that expires, and its messages go out again (with the same
 * Message-ID, so a mail client shows the rare repeat as one message).
 */

export type Transport = Pick<Transporter, "sendMail">;

/**
 * Longer than any batch can take (20 messages over 4 connections, each send allowed 10 s to
 * connect and 30 s of silence): a lease never runs out under a live worker. A worker that dies
 * holds its batch this long.
 */
export const LEASE_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 8;

/** 30 s, 1 min, 2 min, 4 min … capped at 1 h; with ±20% jitter so retries from many rows spread. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export type SmtpOutcome = { kind: "sent"; response: string } | { kind: "retry"; response: string } | { kind: "fail"; response: string };

/** What an SMTP error means for the message: 5xx is final, anything else may pass later. */
export function classifySmtpError(e: unknown): SmtpOutcome {
  const err = e as { responseCode?: number; response?: string; code?: string; message?: string };
  const response = (err.response ?? [err.code, err.message].filter(Boolean).join(": ") ?? String(e)).slice(0, 1000);
  if (typeof err.responseCode === "number" && err.responseCode >= 500 && err.responseCode < 600) {
    return { kind: "fail", response };
  }
  return { kind: "retry", response };
}

const globalForTransport = globalThis as unknown as { triageSmtp?: { url: string; transport: Transport } };

/** One pooled connection set per process and URL; null when no SMTP server is configured. */
export function smtpTransport(): Transport | null {
  const url = env().TRIAGE_SMTP_URL;
  if (!url) return null;
  const cached = globalForTransport.triageSmtp;
  if (cached?.url === url) return cached.transport;
  const transport = nodemailer.createTransport({
    url,
    // A relay on this machine offering STARTTLS with a self-signed certificate (a stock Postfix)
    // is used as it is; anywhere else (a provider, with a password) the certificate is checked.
    ...(isLocalHost(new URL(url).hostname) ? { tls: { rejectUnauthorized: false } } : {}),
    pool: true,
    maxConnections: 4,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  globalForTransport.triageSmtp = { url, transport };
  return transport;
}

export const workerId = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;

/** A claimed message, as the worker sends it. */
export type Claimed = {
  id: number;
  kind: string;
  ticketNumber: number | null;
  toAddress: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo: string | null;
  references: string | null;
  replyTo: string | null;
  attempts: number;
};

const DUE = `(("status" = 'queued' AND "nextAttemptAt" <= ?) OR ("status" = 'sending' AND "leaseUntil" < ?))`;

/** Takes up to `limit` due messages for this worker, atomically. */
export async function claimDue(owner: string, limit: number, now = new Date()): Promise<Claimed[]> {
  const until = sqlDate(now.getTime() + LEASE_MS);
  const at = sqlDate(now);
  // A look on the read connection first: an idle outbox costs no write lock.
  if (!(await read.get(`SELECT "id" FROM "outbound_mail" WHERE ${DUE} LIMIT 1`, at, at))) return [];
  const rows = await write(async (tx) => {
    const ids = (await tx.all<{ id: number }>(`SELECT "id" FROM "outbound_mail" WHERE ${DUE} ORDER BY "id" ASC LIMIT ?`, at, at, limit)).map((r) => Number(r.id));
    if (ids.length === 0) return [];
    // The condition again: a row another process claimed in between is not taken twice.
    await tx.run(
      `UPDATE "outbound_mail" SET "status" = 'sending', "leaseOwner" = ?, "leaseUntil" = ?, "attempts" = "attempts" + 1
       WHERE "id" IN (${placeholders(ids.length)}) AND ${DUE}`,
      owner, until, ...ids, at, at,
    );
    return tx.all<Claimed>(
      `SELECT "id", "kind", "ticketNumber", "toAddress", "subject", "text", "html", "messageId", "inReplyTo", "references", "replyTo", "attempts"
       FROM "outbound_mail" WHERE "id" IN (${placeholders(ids.length)}) AND "leaseOwner" = ? AND "leaseUntil" = ? AND "status" = 'sending'
       ORDER BY "id" ASC`,
      ...ids, owner, until,
    );
  });
  return rows.map((m) => ({ ...m, id: Number(m.id), attempts: Number(m.attempts), ticketNumber: m.ticketNumber === null ? null : Number(m.ticketNumber) }));
}


function headersFor(m: Claimed) {
  const from = env().mailFrom;
  return {
    from: from.name ? { name: from.name, address: from.address } : from.address,
    to: m.toAddress,
    replyTo: m.replyTo ?? undefined,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: `<${m.messageId}>`,
    inReplyTo: m.inReplyTo ? `<${m.inReplyTo}>` : undefined,
    references: m.references ? m.references.split(" ").map((r) => `<${r}>`) : undefined,
    headers: {
      "Auto-Submitted": "auto-generated",
      "X-Auto-Response-Suppress": "All",
      ...(m.ticketNumber ? { "X-Triage-Ticket": String(m.ticketNumber) } : {}),
    },
  };
}

/** Sends one claimed message; what the server answered decides what becomes of it. */
async function send(transport: Transport, m: Claimed): Promise<SmtpOutcome> {
  try {
    const info = await transport.sendMail(headersFor(m));
    return { kind: "sent", response: String(info.response ?? "accepted").slice(0, 1000) };
  } catch (e) {
    const outcome = classifySmtpError(e);
    if (outcome.kind === "retry" && m.attempts >= MAX_ATTEMPTS) {
      return { kind: "fail", response: `${outcome.response} (gave up after ${m.attempts} attempts)` };
    }
    return outcome;
  }
}

/**
 * Records what happened to a batch in one transaction (one disk sync for the batch, not one per
 * message), for the rows this worker still holds. Dying before this leaves the leases to run out
 * and the batch to go again: the price of not syncing once per message.
 */
async function record(owner: string, done: Array<{ m: Claimed; outcome: SmtpOutcome }>) {
  if (done.length === 0) return;
  const now = new Date();
  const at = sqlDate(now);
  const held = `"leaseOwner" = ? AND "status" = 'sending'`;
  const release = `"leaseOwner" = NULL, "leaseUntil" = NULL`;
  await write(async (tx) => {
    const sent = done.filter((d) => d.outcome.kind === "sent");
    // Most answers are the same "250 …": one statement for all the rows that got it.
    for (const [response, rows] of groupBy(sent, (d) => d.outcome.response)) {
      await tx.run(
        `UPDATE "outbound_mail" SET "status" = 'sent', "sentAt" = ?, "lastResponse" = ?, ${release}
         WHERE "id" IN (${placeholders(rows.length)}) AND ${held}`,
        at, response, ...rows.map((d) => d.m.id), owner,
      );
    }
    for (const { m, outcome } of done.filter((d) => d.outcome.kind !== "sent")) {
      if (outcome.kind === "fail") {
        await tx.run(`UPDATE "outbound_mail" SET "status" = 'failed', "lastResponse" = ?, ${release} WHERE "id" = ? AND ${held}`, outcome.response, m.id, owner);
      } else {
        await tx.run(
          `UPDATE "outbound_mail" SET "status" = 'queued', "lastResponse" = ?, "nextAttemptAt" = ?, ${release} WHERE "id" = ? AND ${held}`,
          outcome.response, sqlDate(now.getTime() + backoffMs(m.attempts)), m.id, owner,
        );
      }
    }
  });
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return out;
}

/** What became of one message in a pass, for the worker's log line: nothing anybody wrote. */
export type Delivery = { id: number; kind: string; status: "sent" | "queued" | "failed"; attempts: number; ms: number };

/**
 * One pass: claims what is due and sends it, a few at a time. Returns what happened; `report`
 * hears of each message once its outcome is recorded.
 */
export async function deliverDue(
  transport: Transport,
  opts: { owner?: string; batch?: number; concurrency?: number; report?: (d: Delivery) => void } = {},
): Promise<{ sent: number; retry: number; fail: number }> {
  const owner = opts.owner ?? workerId;
  const claimed = await claimDue(owner, opts.batch ?? 20);
  const tally = { sent: 0, retry: 0, fail: 0 };
  const done: Array<{ m: Claimed; outcome: SmtpOutcome; ms: number }> = [];
  const queue = [...claimed];
  const lanes = Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, async () => {
    for (let m = queue.shift(); m; m = queue.shift()) {
      const started = performance.now();
      const outcome = await send(transport, m);
      done.push({ m, outcome, ms: Math.round(performance.now() - started) });
      tally[outcome.kind]++;
    }
  });
  await Promise.all(lanes);
  await record(owner, done);
  const status = { sent: "sent", retry: "queued", fail: "failed" } as const;
  for (const { m, outcome, ms } of done) opts.report?.({ id: m.id, kind: m.kind, status: status[outcome.kind], attempts: m.attempts, ms });
  return tally;
}

/** An admin's "Retry": a failed message goes back to the queue, due now, with a fresh count. */
export async function retryMail(id: number): Promise<boolean> {
  const changed = await write((tx) =>
    tx.run(
      `UPDATE "outbound_mail" SET "status" = 'queued', "attempts" = 0, "nextAttemptAt" = ?, "lastResponse" = NULL WHERE "id" = ? AND "status" = 'failed'`,
      sqlDate(new Date()), id,
    ),
  );
  wakeOutbox();
  return changed === 1;
}

const globalForWake = globalThis as unknown as { triageOutboxWake?: () => void };

/** Tells this process's worker that mail is waiting, so that it need not wait for its next tick. */
export function wakeOutbox() {
  globalForWake.triageOutboxWake?.();
}

export function onOutboxWake(fn: (() => void) | undefined) {
  globalForWake.triageOutboxWake = fn;
}
