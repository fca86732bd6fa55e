import Link from "next/link";
import { Time } from "../../../_components/Time";
import type { AttachmentView } from "@/lib/tickets/attachments";
import type { CommentEntry, EventEntry, TimelinePage } from "@/lib/tickets/timeline";
import { conversationHref } from "@/lib/tickets/conversation-params";
import { Attachments } from "./Attachments";
import styles from "./conversation.module.css";

const FIELD_NAMES: Record<string, string> = { status: "status", priority: "priority", assignee: "assignee", tags: "tags" };

/** Another ticket named by an event: a link for staff, who may open every ticket; a number for others. */
function TicketRef({ n, link }: { n: string | null; link: boolean }) {
  return link ? <Link href={`/tickets/${n}`} prefetch={false}>#{n}</Link> : <>#{n}</>;
}

/** One history event, as a sentence. */
function EventLine({ a, linkTickets }: { a: EventEntry; linkTickets: boolean }) {
  if (a.field === "created") return <><strong>{a.actor}</strong> created this ticket</>;
  if (a.field === "attachment_removed") return <><strong>{a.actor}</strong> removed the attachment <em>{a.from}</em></>;
  if (a.field === "merged_into") return <><strong>{a.actor}</strong> merged this ticket into <TicketRef n={a.to} link={linkTickets} /></>;
  if (a.field === "merged_from") return <><strong>{a.actor}</strong> merged <TicketRef n={a.from} link={linkTickets} /> into this ticket</>;
  return (
    <>
      <strong>{a.actor}</strong> changed {FIELD_NAMES[a.field] ?? a.field} from <em>{a.from || "—"}</em> to <em>{a.to || "—"}</em>
    </>
  );
}

/** Where a comment came from, when another ticket: a copy made by a merge, or a reply to a merged duplicate. */
function Origin({ c }: { c: CommentEntry }) {
  if (!c.from) return null;
  const label = c.from.copied?.description ? `Description of #${c.from.number}` : `From #${c.from.number}`;
  return <span className="pill merged-pill">{label}</span>;
}

function CommentItem({ c, files, remove }: { c: CommentEntry; files?: AttachmentView[]; remove?: string }) {
  return (
    <li className={c.internal ? "comment internal" : "comment"}>
      <p className="comment-head">
        <strong>{c.author}</strong>
        {c.internal ? <span className="pill internal-pill">Internal note</span> : null}
        <Origin c={c} />
        {/* A copy shows when it was written on its own ticket. */}
        <Time date={c.from?.copied?.writtenAt ?? c.createdAt} />
      </p>
      <div className="comment-body">{c.body}</div>
      <Attachments files={files} remove={remove} />
    </li>
  );
}

/**
 * The conversation: one timeline of comments, internal notes (for those who may read them) and
 * history events, oldest first, a page at a time by links that work without JavaScript
 * ("Earlier comments", "Later comments", "Latest comments"), and a link that folds the history
 * away or brings it back (`?history=hide`).
 */
export function Timeline({
  number,
  page,
  files,
  remove,
  historyHidden,
  linkTickets,
}: {
  number: number;
  page: TimelinePage;
  files: Map<number, AttachmentView[]>;
  remove?: string;
  historyHidden: boolean;
  /** Whether tickets named by history events are links (for staff: a requester may not open another's). */
  linkTickets: boolean;
}) {
  const opts = { historyHidden };
  return (
    <>
      <p className={styles.fold}>
        <Link href={conversationHref(number, { kind: "latest" }, { historyHidden: !historyHidden })} prefetch={false} scroll={false}>
          {historyHidden ? "Show history" : "Hide history"}
        </Link>
        {historyHidden ? <span className="muted"> History is hidden: comments only.</span> : null}
      </p>
      {page.entries.length === 0 ? (
        <p className="muted">No comments yet.</p>
      ) : (
        <>
          {page.earlier !== null ? (
            <nav aria-label="Earlier conversation" className={`pagination ${styles.pages}`}>
              <Link href={conversationHref(number, { kind: "before", ...page.earlier }, opts)} rel="prev" prefetch={false}>
                Earlier comments
              </Link>
            </nav>
          ) : null}
          <ol className={`comments ${styles.timeline}`}>
            {page.entries.map((e) =>
              e.type === "comment" ? (
                <CommentItem key={`c${e.id}`} c={e} files={files.get(e.id)} remove={remove} />
              ) : (
                <li key={`e${e.id}`} className={`event ${styles.event}`}>
                  <span><EventLine a={e} linkTickets={linkTickets} /> <Time date={e.createdAt} /></span>
                </li>
              ),
            )}
          </ol>
          {page.later !== null ? (
            <nav aria-label="Later conversation" className={`pagination ${styles.pages}`}>
              <p className="muted">These are earlier comments.</p>
              <Link href={conversationHref(number, { kind: "after", ...page.later }, opts)} rel="next" prefetch={false}>Later comments</Link>
              <Link href={conversationHref(number, { kind: "latest" }, opts)} prefetch={false}>Latest comments</Link>
            </nav>
          ) : null}
        </>
      )}
    </>
  );
}
