import Link from "next/link";
import { requireAdmin } from "@/lib/auth/session";
import { outboxOverview, setAside } from "@/lib/mail/admin";
import { defaults } from "@/lib/mail/settings";
import { Time } from "../../../_components/Time";
import { NotificationsForm } from "../../settings/NotificationsForm";
import { saveDefaultsAction } from "../../settings/actions";
import { RetryForm } from "./RetryForm";
import { retryMailAction } from "./actions";

export const metadata = { title: "Mail" };

const STATUS_TEXT: Record<string, string> = { queued: "Queued", sending: "Sending", sent: "Sent", failed: "Failed" };
const INBOUND_TEXT: Record<string, string> = { quarantined: "Set aside", refused: "Refused", ignored: "Ignored", failing: "Retrying", held: "Waiting for the sender" };

export default async function MailPage() {
  await requireAdmin();
  const [out, aside, defs] = await Promise.all([outboxOverview(), setAside(), defaults()]);
  return (
    <>
      <div className="page-head">
        <h1>Mail</h1>
      </div>
      <p className="summary">
        {out.smtp ? `Sending as ${out.from.address}.` : "No SMTP server is configured (TRIAGE_SMTP_URL): messages wait in the outbox until one is."}{" "}
        {out.imap ? "The support mailbox is polled for new mail." : "No support mailbox is configured (TRIAGE_IMAP_URL)."}
      </p>

      <h2 id="outgoing">Outgoing mail</h2>
      <p className="summary">
        {out.counts.queued} queued, {out.counts.sent} sent, {out.counts.failed} failed. The newest {out.messages.length} are listed.
      </p>
      <div className="table-wrap">
        <table className="mail" aria-labelledby="outgoing">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Recipient</th>
              <th scope="col">Subject</th>
              <th scope="col">Last server answer</th>
              <th scope="col">Queued</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {out.messages.length === 0 ? (
              <tr><td colSpan={6} className="muted">Nothing has been sent yet.</td></tr>
            ) : null}
            {out.messages.map((m) => (
              <tr key={m.id}>
                <td data-label="Status"><span className={`pill mail-${m.status}`}>{STATUS_TEXT[m.status] ?? m.status}</span></td>
                <td data-label="Recipient">{m.toAddress}</td>
                <td data-label="Subject">
                  {m.ticketNumber ? <Link href={`/tickets/${m.ticketNumber}`} prefetch={false}>{m.subject}</Link> : m.subject}
                </td>
                <td data-label="Last server answer" className="answer">{m.lastResponse ?? <span className="muted">None yet</span>}</td>
                <td data-label="Queued"><Time date={m.createdAt} /></td>
                <td data-label="Actions">
                  {m.status === "failed" ? <RetryForm retry={retryMailAction.bind(null, m.id)} subject={m.subject} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="set-aside">Set aside from the mailbox</h2>
      <p className="summary">Mail that did not become a ticket or a comment: automatic replies and bounces (ignored), oversized messages (refused), messages that could not be imported or may be forged (set aside), and mail from the address of an account that has not confirmed it (waiting for the sender, who was sent a link). Each is kept whole.</p>
      <div className="table-wrap">
        <table className="mail" aria-labelledby="set-aside">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">From</th>
              <th scope="col">Subject</th>
              <th scope="col">Reason</th>
              <th scope="col">Received</th>
            </tr>
          </thead>
          <tbody>
            {aside.length === 0 ? (
              <tr><td colSpan={5} className="muted">Nothing has been set aside.</td></tr>
            ) : null}
            {aside.map((m) => (
              <tr key={m.id}>
                <td data-label="Status">{INBOUND_TEXT[m.status] ?? m.status}</td>
                <td data-label="From">{m.fromAddress}</td>
                <td data-label="Subject">{m.subject}</td>
                <td data-label="Reason">{m.reason}</td>
                <td data-label="Received"><Time date={m.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="defaults">Notification defaults</h2>
      <p className="summary">What people hear who have not chosen for themselves at Settings.</p>
      <NotificationsForm save={saveDefaultsAction} choices={defs} legend="By default, email people when" button="Save defaults" />
    </>
  );
}
