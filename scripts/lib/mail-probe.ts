/**
 * Times Triage's mail machinery in process, against real servers: the outbox delivering to a
 * local SMTP server (tests/mail/smtp.ts), and the mailbox poller importing 1,000 messages from a
 * real Dovecot (tests/mail/dovecot.ts; skipped when Dovecot is not installed). Run by
 * scripts/bench/databases.ts in a child process, because lib/mail is server-only:
 *
 *   node --conditions=react-server --import tsx scripts/lib/mail-probe.ts <migrated empty db file>
 *
 * Prints one JSON object (MailProbe) on stdout.
 */
import fs from "node:fs";

export type MailProbe = {
  delivery: { messages: number; seconds: number; perSecond: number };
  import: { messages: number; seconds: number; perSecond: number; comments: number; tickets: number } | { skipped: string };
};

const DELIVER = 2000;
const IMPORT = 1000;

async function main() {
  const file = process.argv[2];
  if (!file || !fs.existsSync(file)) throw new Error("usage: mail-probe.ts <migrated db file>");
  process.env.DATABASE_URL = `file:${file}`;
  process.env.AUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.TRIAGE_MAIL_FROM = "Help <help@bench.test>";
  const { models: db } = await import("../../lib/db");
  const { createTicket } = await import("../../lib/tickets/commands");
  const { deliverDue } = await import("../../lib/mail/outbox");
  const { pollMailbox } = await import("../../lib/mail/poll");
  (await import("../../lib/reactions-start")).startReactions();
  const { startSmtp } = await import("../../tests/mail/smtp");
  const nodemailer = (await import("nodemailer")).default;

  // An agent opens the tickets: acknowledgements to requesters on the web are limited to 20 an
  // hour per address, staff are not.
  const alan = { id: "bench-agent", name: "Alan Agent", role: "agent" as const };
  await db.user.create({ data: { ...alan, email: "alan@bench.test" } });

  // Delivery: tickets whose acknowledgements fill the outbox, then the worker drains it.
  const tickets: number[] = [];
  for (let i = 0; i < DELIVER; i++) tickets.push((await createTicket(alan, { title: `Bench mail ${i}`, description: "The printer prints blank pages.", priority: "Medium" })).number);
  const smtp = await startSmtp({ auth: false });
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 4 } as never) as ReturnType<typeof nodemailer.createTransport>;
  let sent = 0;
  const t0 = performance.now();
  while (sent < DELIVER) {
    const r = await deliverDue(transport, { batch: 100, concurrency: 4 });
    if (r.sent + r.retry + r.fail === 0) break;
    sent += r.sent;
  }
  const deliverySeconds = (performance.now() - t0) / 1000;
  transport.close();
  await smtp.stop();
  if (sent !== DELIVER || smtp.messages.length !== DELIVER) throw new Error(`delivered ${sent}, captured ${smtp.messages.length}, expected ${DELIVER}`);

  let imported: MailProbe["import"];
  const dovecot = "/usr/sbin/dovecot";
  if (!fs.existsSync(dovecot)) {
    imported = { skipped: "Dovecot is not installed (apt-get install dovecot-imapd)" };
  } else {
    const { startDovecot } = await import("../../tests/mail/dovecot");
    const { rawMessage } = await import("../../tests/mail/messages");
    const imap = await startDovecot();
    try {
      // Half replies to acknowledgements (threaded by In-Reply-To, from the address they went to),
      // half from new addresses.
      const acks = await db.outboundMail.findMany({ where: { kind: "ticket_created" }, take: IMPORT / 2, select: { messageId: true, subject: true } });
      for (let i = 0; i < IMPORT; i++) {
        const ack = acks[i % acks.length];
        await imap.append(
          i % 2 === 0
            ? rawMessage({ from: "alan@bench.test", subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.messageId}>`, body: `Still broken (${i}).\n\nOn Mon, 30 Nov 2026 at 10:02, Help <help@bench.test> wrote:\n> The printer prints blank pages.` })
            : rawMessage({ from: `Customer ${i} <customer${i}@bench.test>`, subject: `Scanner ${i} jams`, body: "Paper gets stuck in the feeder." }),
        );
      }
      const comments0 = await db.comment.count();
      const tickets0 = await db.ticket.count();
      const t1 = performance.now();
      let seen = 0;
      for (;;) {
        const r = await pollMailbox({ url: imap.url, limit: IMPORT });
        if (r.seen === 0) break;
        seen += r.seen;
      }
      const seconds = (performance.now() - t1) / 1000;
      imported = {
        messages: seen,
        seconds,
        perSecond: seen / seconds,
        comments: (await db.comment.count()) - comments0,
        tickets: (await db.ticket.count()) - tickets0,
      };
    } finally {
      await imap.stop();
    }
  }
  const out: MailProbe = { delivery: { messages: sent, seconds: deliverySeconds, perSecond: sent / deliverySeconds }, import: imported };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
