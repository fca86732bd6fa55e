import "server-only";
import { reader } from "../db";
import { env } from "../env";

/** What admins see of the mail: the outbox's newest messages and tallies, and what the mailbox set aside. */

export const ADMIN_LIST_LIMIT = 100;

export async function outboxOverview() {
  const [messages, tallies] = await Promise.all([
    reader.outboundMail.findMany({
      orderBy: { id: "desc" },
      take: ADMIN_LIST_LIMIT,
      select: {
        id: true,
        status: true,
        toAddress: true,
        subject: true,
        lastResponse: true,
        attempts: true,
        createdAt: true,
        sentAt: true,
        nextAttemptAt: true,
        ticketNumber: true,
      },
    }),
    reader.outboundMail.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  const count = (s: string) => tallies.find((t) => t.status === s)?._count._all ?? 0;
  return {
    messages,
    counts: { queued: count("queued") + count("sending"), sent: count("sent"), failed: count("failed") },
    smtp: Boolean(env().TRIAGE_SMTP_URL),
    imap: Boolean(env().TRIAGE_IMAP_URL),
    from: env().mailFrom,
  };
}

/** Messages from the mailbox that did not become a ticket or a comment, newest first. */
export async function setAside() {
  return reader.inboundMail.findMany({
    where: { status: { in: ["quarantined", "refused", "ignored", "failing", "held"] } },
    orderBy: { id: "desc" },
    take: ADMIN_LIST_LIMIT,
    select: { id: true, status: true, fromAddress: true, subject: true, reason: true, createdAt: true, attempts: true },
  });
}

/**
 * For a ticket's page: a failed mail to its requester that no later delivery has made good (a
 * newer message still queued does not hide it). Staff see why.
 */
export async function failedRequesterMail(ticket: number, requesterId: string) {
  const where = { ticketNumber: ticket, toUserId: requesterId };
  const [failed, sent] = await Promise.all([
    reader.outboundMail.findFirst({ where: { ...where, status: "failed" }, orderBy: { id: "desc" }, select: { id: true, lastResponse: true, toAddress: true, subject: true } }),
    reader.outboundMail.findFirst({ where: { ...where, status: "sent" }, orderBy: { id: "desc" }, select: { id: true } }),
  ]);
  return failed && (!sent || sent.id < failed.id) ? failed : null;
}
