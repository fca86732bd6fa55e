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
    where: { status: { in: ["quarantined", "refused", "ignored", "failing"] } },
    orderBy: { id: "desc" },
    take: ADMIN_LIST_LIMIT,
    select: { id: true, status: true, fromAddress: true, subject: true, reason: true, createdAt: true, attempts: true },
  });
}

/** For a ticket's page: the newest mail to its requester, when it failed (staff see why). */
export async function failedRequesterMail(ticket: number, requesterId: string) {
  const last = await reader.outboundMail.findFirst({
    where: { ticketNumber: ticket, toUserId: requesterId },
    orderBy: { id: "desc" },
    select: { status: true, lastResponse: true, toAddress: true, subject: true },
  });
  return last?.status === "failed" ? last : null;
}
