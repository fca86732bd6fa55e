import "server-only";
import { asDate, asDateOrNull, read } from "../db";
import { env } from "../env";

/** What admins see of the mail: the outbox's newest messages and tallies, and what the mailbox set aside. */

export const ADMIN_LIST_LIMIT = 100;

type D = string | Date;

export async function outboxOverview() {
  const [messages, tallies] = await Promise.all([
    read.all<{ id: number; status: string; toAddress: string; subject: string; lastResponse: string | null; attempts: number; createdAt: D; sentAt: D | null; nextAttemptAt: D; ticketNumber: number | null }>(
      `SELECT "id", "status", "toAddress", "subject", "lastResponse", "attempts", "createdAt", "sentAt", "nextAttemptAt", "ticketNumber"
       FROM "outbound_mail" ORDER BY "id" DESC LIMIT ?`,
      ADMIN_LIST_LIMIT,
    ),
    read.all<{ status: string; n: number }>(`SELECT "status", count(*) AS "n" FROM "outbound_mail" GROUP BY "status"`),
  ]);
  const count = (s: string) => Number(tallies.find((t) => t.status === s)?.n ?? 0);
  return {
    messages: messages.map((m) => ({
      ...m,
      id: Number(m.id),
      attempts: Number(m.attempts),
      ticketNumber: m.ticketNumber === null ? null : Number(m.ticketNumber),
      createdAt: asDate(m.createdAt),
      sentAt: asDateOrNull(m.sentAt),
      nextAttemptAt: asDate(m.nextAttemptAt),
    })),
    counts: { queued: count("queued") + count("sending"), sent: count("sent"), failed: count("failed") },
    smtp: Boolean(env().TRIAGE_SMTP_URL),
    imap: Boolean(env().TRIAGE_IMAP_URL),
    from: env().mailFrom,
  };
}

/** Messages from the mailbox that did not become a ticket or a comment, newest first. */
export async function setAside() {
  const rows = await read.all<{ id: number; status: string; fromAddress: string; subject: string; reason: string | null; createdAt: D; attempts: number }>(
    `SELECT "id", "status", "fromAddress", "subject", "reason", "createdAt", "attempts" FROM "inbound_mail"
     WHERE "status" IN ('quarantined', 'refused', 'ignored', 'failing', 'held') ORDER BY "id" DESC LIMIT ?`,
    ADMIN_LIST_LIMIT,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts), createdAt: asDate(r.createdAt) }));
}

/**
 * For a ticket's page: a failed mail to its requester that no later delivery has made good (a
 * newer message still queued does not hide it). Staff see why.
 */
export async function failedRequesterMail(ticket: number, requesterId: string) {
  const [failed, sent] = await Promise.all([
    read.get<{ id: number; lastResponse: string | null; toAddress: string; subject: string }>(
      `SELECT "id", "lastResponse", "toAddress", "subject" FROM "outbound_mail"
       WHERE "ticketNumber" = ? AND "toUserId" = ? AND "status" = 'failed' ORDER BY "id" DESC LIMIT 1`,
      ticket, requesterId,
    ),
    read.get<{ id: number }>(
      `SELECT "id" FROM "outbound_mail" WHERE "ticketNumber" = ? AND "toUserId" = ? AND "status" = 'sent' ORDER BY "id" DESC LIMIT 1`,
      ticket, requesterId,
    ),
  ]);
  return failed && (!sent || Number(sent.id) < Number(failed.id)) ? { ...failed, id: Number(failed.id) } : null;
}
