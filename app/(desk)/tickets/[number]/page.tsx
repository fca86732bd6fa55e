import Link from "next/link";
import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/session";
import { can, statusChoices } from "@/lib/tickets/permissions";
import { isAdmin, isStaff } from "@/lib/people/identity";
import { getTicket, type ActivityEntry } from "@/lib/tickets/reads";
import { getPerson, listAssignees, type AssigneeChoices } from "@/lib/people/queries";
import { failedRequesterMail } from "@/lib/mail/admin";
import { parseTicketNumber } from "@/lib/limits";
import { PriorityPill, StatusPill } from "../../../_components/Pill";
import { Time } from "../../../_components/Time";
import { CloseReopenForm, TicketForm } from "./TicketForm";
import { CommentForm } from "./CommentForm";
import { env } from "@/lib/env";
import styles from "./conversation.module.css";
import { addCommentAction, removeAttachmentAction, updateTicketAction } from "../actions";
import { listComments, type ConversationPage } from "@/lib/tickets/comments";
import { attachmentsOf } from "@/lib/tickets/attachments";
import { Attachments, RemoveAttachmentForm } from "./Attachments";
import { conversationHref, parseConversationParams } from "@/lib/tickets/conversation-params";
import { ticketTags } from "@/lib/tickets/tags";
import { TagList } from "../../../_components/Tags";
import { savedReplyChoices } from "@/lib/replies/replies";
import { commentFormAction, insertSavedReplyAction } from "../../saved-replies/actions";

type Params = Promise<{ number: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

async function load(raw: string) {
  const actor = await requireActor();
  const number = parseTicketNumber(raw);
  const ticket = number === null ? null : await getTicket(actor, number);
  if (!ticket) notFound();
  return { actor, ticket };
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const number = parseTicketNumber((await params).number);
  return { title: number === null ? "Ticket not found" : `#${number}` };
}

const NO_ONE: AssigneeChoices = { kind: "select", people: [] };

const FIELD_NAMES: Record<string, string> = { status: "status", priority: "priority", assignee: "assignee", tags: "tags" };

function ActivityLine({ a }: { a: ActivityEntry }) {
  if (a.field === "created") {
    return <><strong>{a.actor}</strong> created this ticket</>;
  }
  if (a.field === "attachment_removed") {
    return <><strong>{a.actor}</strong> removed the attachment <em>{a.from}</em></>;
  }
  return (
    <>
      <strong>{a.actor}</strong> changed {FIELD_NAMES[a.field] ?? a.field} from <em>{a.from || "—"}</em> to <em>{a.to || "—"}</em>
    </>
  );
}

/**
 * Below an earlier page of the conversation: the way back to what follows it, and to the latest
 * comments (where the form adds new ones). Nothing on the latest page.
 */
function LaterComments({ number, page }: { number: number; page: ConversationPage }) {
  if (page.later === null) return null;
  return (
    <nav aria-label="Later conversation" className={`pagination ${styles.pages}`}>
      <p className="muted">These are earlier comments.</p>
      <Link href={conversationHref(number, { kind: "after", id: page.later })} rel="next" prefetch={false}>Later comments</Link>
      <Link href={conversationHref(number, { kind: "latest" })} prefetch={false}>Latest comments</Link>
    </nav>
  );
}

export default async function TicketPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { actor, ticket } = await load((await params).number);
  const sp = await searchParams;
  const staff = can(actor, "changeStatus", { requesterId: ticket.requester.id });
  // Saved replies for the comment form's picker: staff only (a requester never learns they exist).
  const replyChoices = isStaff(actor) ? savedReplyChoices(actor) : null;
  const [assignees, assignee, conversation, mailFailure, tags] = await Promise.all([
    staff ? listAssignees() : Promise.resolve(NO_ONE),
    // For staff, the assignee as they are now: the picker keeps them chosen, marked if deactivated.
    staff && ticket.assignee ? getPerson(ticket.assignee.id) : Promise.resolve(null),
    listComments(actor, ticket.number, parseConversationParams(sp)),
    isStaff(actor) ? failedRequesterMail(ticket.number, ticket.requester.id) : Promise.resolve(null),
    can(actor, "readTags", { requesterId: ticket.requester.id }) ? ticketTags(ticket.number) : Promise.resolve(null),
  ]);
  // The files of the description and of the comments on this page (internal notes' only when the
  // page shows them).
  const files = await attachmentsOf(ticket.number, conversation.comments.map((c) => c.id));
  const mayComment = can(actor, "comment", { requesterId: ticket.requester.id });
  const mayRemove = can(actor, "removeAttachment", { requesterId: ticket.requester.id });
  const remove = mayRemove ? "remove-attachment" : undefined;
  const mayWriteInternal = can(actor, "writeInternalNote", { requesterId: ticket.requester.id });
  const mayCloseOrReopen = !staff && can(actor, "closeOrReopen", { requesterId: ticket.requester.id });

  return (
    <div className="ticket">
      {mayRemove ? <RemoveAttachmentForm id="remove-attachment" action={removeAttachmentAction.bind(null, ticket.number)} /> : null}
      <p className="crumbs"><Link href="/tickets" prefetch={false}>Tickets</Link></p>
      {sp.created === "1" ? (
        <p className="notice success" role="status">Ticket #{ticket.number} created</p>
      ) : null}
      {mailFailure ? (
        <p className="notice error" role="status">
          Mail to the requester ({mailFailure.toAddress}) could not be delivered: {mailFailure.lastResponse ?? "no answer"}.
          {isAdmin(actor) ? <> <Link href="/admin/mail" prefetch={false}>See outgoing mail</Link></> : null}
        </p>
      ) : null}
      <div className="ticket-head">
        <h1>{ticket.title}</h1>
        <p className="ticket-meta">
          <span className="ticket-number">#{ticket.number}</span>
          <StatusPill status={ticket.status} />
          <PriorityPill priority={ticket.priority} />
        </p>
      </div>

      <div className="ticket-grid">
        <div className="ticket-main">
          <section aria-labelledby="description-h">
            <h2 id="description-h" className="visually-hidden">Description</h2>
            <div className="description">{ticket.description}</div>
            <Attachments files={files.ticket} remove={remove} />
          </section>

          <section aria-labelledby="conversation-h" className="conversation" id="conversation">
            <h2 id="conversation-h">Conversation</h2>
            {conversation.comments.length === 0 ? <p className="muted">No comments yet.</p> : (
              <>
                {conversation.earlier !== null ? (
                  <nav aria-label="Earlier conversation" className={`pagination ${styles.pages}`}>
                    <Link href={conversationHref(ticket.number, { kind: "before", id: conversation.earlier })} rel="prev" prefetch={false}>
                      Earlier comments
                    </Link>
                  </nav>
                ) : null}
                <ol className="comments">
                  {conversation.comments.map((c) => (
                    <li key={c.id} className={c.internal ? "comment internal" : "comment"}>
                      <p className="comment-head">
                        <strong>{c.author}</strong>
                        {c.internal ? <span className="pill internal-pill">Internal note</span> : null}
                        <Time date={c.createdAt} />
                      </p>
                      <div className="comment-body">{c.body}</div>
                      <Attachments files={files.comments.get(c.id)} remove={remove} />
                    </li>
                  ))}
                </ol>
                <LaterComments number={ticket.number} page={conversation} />
              </>
            )}
            {mayComment ? <CommentForm save={(replyChoices ? commentFormAction : addCommentAction).bind(null, ticket.number)} mayWriteInternal={mayWriteInternal} maxBytes={env().attachmentMaxBytes}
              replies={replyChoices ? { choices: await replyChoices, insert: insertSavedReplyAction.bind(null, ticket.number) } : undefined} /> : null}
          </section>

          <section aria-labelledby="history-h" className="history">
            <h2 id="history-h">History</h2>
            <ol className="timeline">
              {ticket.activity.map((a) => (
                <li key={a.id}>
                  <ActivityLine a={a} /> <Time date={a.at} />
                </li>
              ))}
            </ol>
          </section>
        </div>

        <aside className="ticket-side" aria-label="Details">
          <dl className="details">
            <dt>Status</dt>
            <dd><StatusPill status={ticket.status} /></dd>
            <dt>Priority</dt>
            <dd><PriorityPill priority={ticket.priority} /></dd>
            <dt>Requester</dt>
            <dd>{ticket.requester.name}</dd>
            <dt>Assignee</dt>
            <dd>{ticket.assignee ? (assignee?.deactivated ? `${ticket.assignee.name} (deactivated)` : ticket.assignee.name) : "Unassigned"}</dd>
            {tags !== null ? (
              <>
                <dt>Tags</dt>
                <dd>{tags.length ? <TagList tags={tags} /> : "None"}</dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd><Time date={ticket.createdAt} mode="exact" /></dd>
            <dt>Updated</dt>
            <dd><Time date={ticket.updatedAt} mode="exact" /></dd>
            {ticket.resolvedAt ? (
              <>
                <dt>Resolved</dt>
                <dd><Time date={ticket.resolvedAt} mode="exact" /></dd>
              </>
            ) : null}
          </dl>
          {staff ? (
            <TicketForm
              save={updateTicketAction.bind(null, ticket.number)}
              version={ticket.version}
              status={ticket.status}
              priority={ticket.priority}
              assignee={assignee}
              statuses={statusChoices(actor, { requesterId: ticket.requester.id, status: ticket.status })}
              assignees={assignees}
              tags={tags ?? []}
            />
          ) : mayCloseOrReopen ? (
            <CloseReopenForm save={updateTicketAction.bind(null, ticket.number)} version={ticket.version} status={ticket.status} />
          ) : null}
        </aside>
      </div>
    </div>
  );
}
