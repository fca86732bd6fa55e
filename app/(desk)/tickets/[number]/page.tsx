import Link from "next/link";
import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/session";
import { can, statusChoices } from "@/lib/tickets/permissions";
import { isAdmin, isStaff } from "@/lib/people/identity";
import { getTicket, ticketVisible } from "@/lib/tickets/reads";
import { getPerson, listAssignees, type AssigneeChoices } from "@/lib/people/queries";
import { failedRequesterMail } from "@/lib/mail/admin";
import { parseTicketNumber } from "@/lib/limits";
import { PriorityPill, StatusPill } from "../../../_components/Pill";
import { Time } from "../../../_components/Time";
import { CloseReopenForm, TicketForm } from "./TicketForm";
import { CommentForm } from "./CommentForm";
import { env } from "@/lib/env";
import { addCommentAction, assignToMeAction, mergeAction, removeAttachmentAction, updateTicketAction } from "../actions";
import { listTimeline } from "@/lib/tickets/timeline";
import { attachmentsOf } from "@/lib/tickets/attachments";
import { Attachments, RemoveAttachmentForm } from "./Attachments";
import { historyHidden, parseConversationParams } from "@/lib/tickets/conversation-params";
import { ticketTags } from "@/lib/tickets/tags";
import { TagList } from "../../../_components/Tags";
import { savedReplyChoices } from "@/lib/replies/replies";
import { commentFormAction, insertSavedReplyAction } from "../../saved-replies/actions";
import { Timeline } from "./Timeline";
import { AssignToMeForm, MergeForm } from "./StaffActions";

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

export default async function TicketPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { actor, ticket } = await load((await params).number);
  const sp = await searchParams;
  const staff = can(actor, "changeStatus", { requesterId: ticket.requester.id });
  // Saved replies for the comment form's picker: staff only (a requester never learns they exist).
  const replyChoices = isStaff(actor) ? savedReplyChoices(actor) : null;
  const hideHistory = historyHidden(sp);
  const [assignees, assignee, conversation, mailFailure, mergedInto, tags] = await Promise.all([
    staff ? listAssignees() : Promise.resolve(NO_ONE),
    // For staff, the assignee as they are now: the picker keeps them chosen, marked if deactivated.
    staff && ticket.assignee ? getPerson(ticket.assignee.id) : Promise.resolve(null),
    listTimeline(actor, ticket.number, parseConversationParams(sp), { history: !hideHistory }),
    isStaff(actor) ? failedRequesterMail(ticket.number, ticket.requester.id) : Promise.resolve(null),
    // Where a merged duplicate went, and whether this person may follow the link there.
    ticket.mergedIntoNumber === null ? Promise.resolve(null)
      : ticketVisible(actor, ticket.mergedIntoNumber).then((visible) => ({ number: ticket.mergedIntoNumber!, visible })),
    can(actor, "readTags", { requesterId: ticket.requester.id }) ? ticketTags(ticket.number) : Promise.resolve(null),
  ]);
  const mergedFrom = parseTicketNumber(typeof sp.merged === "string" ? sp.merged : "");
  // The files of the description and of the comments on this page (internal notes' only when the
  // page shows them).
  const files = await attachmentsOf(ticket.number, conversation.entries.flatMap((e) => (e.type === "comment" ? [e.id] : [])));
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
      {mergedFrom !== null ? <p className="notice success" role="status">Ticket #{mergedFrom} merged into this ticket</p> : null}
      {mergedInto ? (
        <p className="notice merged-notice">
          {mergedInto.visible
            ? <>Merged into <Link href={`/tickets/${mergedInto.number}`} prefetch={false}>#{mergedInto.number}</Link>: the conversation goes on there.</>
            : <>Merged into #{mergedInto.number}: the team answers there, and what you add here goes there.</>}
        </p>
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
            <Timeline number={ticket.number} page={conversation} files={files.comments} remove={remove} historyHidden={hideHistory} linkTickets={isStaff(actor)} />
            {mayComment ? <CommentForm save={(replyChoices ? commentFormAction : addCommentAction).bind(null, ticket.number)} mayWriteInternal={mayWriteInternal} maxBytes={env().attachmentMaxBytes}
              replies={replyChoices ? { choices: await replyChoices, insert: insertSavedReplyAction.bind(null, ticket.number) } : undefined} /> : null}
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
          {/* A merged duplicate stays Closed (its conversation goes on where it was merged). */}
          {ticket.mergedIntoNumber !== null ? null : staff ? (
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
          {staff && ticket.mergedIntoNumber === null ? (
            <AssignToMeForm save={assignToMeAction.bind(null, ticket.number)} version={ticket.version} />
          ) : null}
          {can(actor, "merge", { requesterId: ticket.requester.id }) && ticket.mergedIntoNumber === null ? (
            <MergeForm save={mergeAction.bind(null, ticket.number)} version={ticket.version} />
          ) : null}
        </aside>
      </div>
    </div>
  );
}
