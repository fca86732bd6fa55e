import Link from "next/link";
import { requireStaff } from "@/lib/auth/session";
import { formatLimit, parseSerialId, QUERY_MAX, SAVED_REPLIES_MAX } from "@/lib/limits";
import { getSavedReply, listSavedReplies } from "@/lib/replies/replies";
import { parseRepliesQuery, repliesHref } from "@/lib/replies/schema";
import { Time } from "../../_components/Time";
import styles from "./replies.module.css";

export const metadata = { title: "Saved replies" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The staff's shared replies, by name, a page at a time, with a search by name. 404 to requesters:
 * for them saved replies do not exist.
 */
export default async function SavedRepliesPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireStaff();
  const sp = await searchParams;
  const query = parseRepliesQuery(sp);
  const savedId = typeof sp.saved === "string" ? parseSerialId(sp.saved) : null;
  const [list, saved] = await Promise.all([listSavedReplies(actor, query), savedId === null ? null : getSavedReply(actor, savedId)]);
  return (
    <>
      <div className="page-head">
        <h1>Saved replies</h1>
        {/* A button that opens the form: a GET form, so it is one without JavaScript too. */}
        <form action="/saved-replies/new">
          <button type="submit" className="button primary">New reply</button>
        </form>
      </div>
      {saved ? <p className="notice success" role="status">Saved “{saved.name}”.</p> : null}
      {sp.deleted === "1" ? <p className="notice success" role="status">Saved reply deleted.</p> : null}
      <p className="summary">
        Replies every agent and admin can insert into a comment from a ticket&apos;s Saved reply picker, with the
        ticket&apos;s details filled in. The desk keeps up to {formatLimit(SAVED_REPLIES_MAX)}.
      </p>

      <form className={styles.search} role="search" action="/saved-replies">
        <div className="field">
          <label htmlFor="replies-q">Search replies</label>
          <input id="replies-q" name="q" type="search" defaultValue={query.q} maxLength={QUERY_MAX} placeholder="Name" />
        </div>
        <button type="submit" className="button secondary">Search</button>
        {query.q ? <Link href="/saved-replies" prefetch={false}>Clear</Link> : null}
      </form>
      <p className="summary">
        {list.total === 0 ? null : `${formatLimit(list.total)} ${list.total === 1 ? "reply" : "replies"}${query.q ? " match" : ""}`}
      </p>

      {list.total === 0 ? (
        <p className="empty">
          {query.q ? "No saved reply has that in its name." : "No saved replies yet. Add the answers you give most often with New reply."}
        </p>
      ) : list.rows.length === 0 ? (
        <p className="empty">No replies on this page. <Link href={repliesHref({ q: query.q })} prefetch={false}>Back to the first page</Link></p>
      ) : (
        <ul className={styles.list} aria-label="Saved replies">
          {list.rows.map((r) => (
            <li key={r.id} className={styles.item}>
              <Link href={`/saved-replies/${r.id}`} className={styles.name} prefetch={false}>{r.name}</Link>
              <p className={styles.preview}>{r.preview}</p>
              <p className={styles.meta}>Last changed by {r.updatedBy} <Time date={r.updatedAt} /></p>
            </li>
          ))}
        </ul>
      )}

      {list.pages > 1 ? (
        <nav aria-label="Pagination" className="pagination">
          {list.page > 1 ? (
            <Link href={repliesHref({ ...query, page: list.page - 1 })} rel="prev" prefetch={false}>Previous page</Link>
          ) : (
            <span className="disabled" aria-hidden="true">Previous page</span>
          )}
          <span className="page-of">Page {list.page} of {list.pages}</span>
          {list.page < list.pages ? (
            <Link href={repliesHref({ ...query, page: list.page + 1 })} rel="next" prefetch={false}>Next page</Link>
          ) : (
            <span className="disabled" aria-hidden="true">Next page</span>
          )}
        </nav>
      ) : null}
    </>
  );
}
