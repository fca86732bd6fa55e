import Link from "next/link";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/session";
import { TAGS_ON_DESK } from "@/lib/tickets/tag-names";
import { listTags, TAGS_PAGE } from "@/lib/tickets/tags";
import { renameTagAction } from "./actions";
import { TagTable } from "./TagTable";

export const metadata = { title: "Tags" };

const nf = new Intl.NumberFormat("en-US");
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/** The URL's search and page: anything malformed is no search, page 1. */
const query = z.object({
  q: z.string().transform((s) => s.replace(/[\u0000-\u001f\u007f]/g, "").trim().toLowerCase().slice(0, 40)).catch(""),
  page: z.preprocess((v) => (typeof v === "string" && /^\d{1,4}$/.test(v) ? Number(v) : 1), z.number().int().min(1).max(Math.ceil(TAGS_ON_DESK / TAGS_PAGE))).catch(1),
});

/** /admin/tags: the desk's tags by name, with their ticket counts; rename one, or merge it into another by its name. */
export default async function TagsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireAdmin();
  const raw = await searchParams;
  const { q, page } = query.parse({ q: first(raw.q), page: first(raw.page) });
  const list = await listTags(actor, { q, page });
  const href = (p: number) => `/admin/tags?${new URLSearchParams({ ...(q ? { q } : {}), ...(p > 1 ? { page: String(p) } : {}) })}`;
  const from = (page - 1) * TAGS_PAGE + 1;
  return (
    <>
      <div className="page-head">
        <h1>Tags</h1>
      </div>
      <p className="summary">
        Agents tag tickets on each ticket&apos;s page. Rename a tag here; renaming it to another tag&apos;s name merges the two. Tickets keep
        their place in the list, and the audit log records the change.
      </p>

      <form className="people-search" role="search" action="/admin/tags">
        <div className="field">
          <label htmlFor="tags-q">Search tags</label>
          <input id="tags-q" name="q" type="search" defaultValue={q} maxLength={40} placeholder="Part of a name" />
        </div>
        <button type="submit" className="button secondary">Search</button>
        {q ? <Link href="/admin/tags" prefetch={false}>Clear</Link> : null}
      </form>

      <p className="summary" role="status">
        {list.rows.length
          ? `Showing ${nf.format(from)}\u2013${nf.format(from + list.rows.length - 1)}${list.more ? "" : ` of ${nf.format(from + list.rows.length - 1)}`} ${list.rows.length === 1 && !list.more && page === 1 ? "tag" : "tags"}`
          : page > 1
            ? "No more tags past the previous page."
            : q
              ? `No tag contains \u201c${q}\u201d.`
              : "No tags yet. Agents add them in a ticket's Tags field."}
      </p>

      {list.rows.length ? <TagTable rename={renameTagAction} rows={list.rows} /> : null}

      {page > 1 || list.more ? (
        <nav aria-label="Pagination" className="pagination">
          {page > 1 ? <Link href={href(page - 1)} rel="prev" prefetch={false}>Previous page</Link> : <span className="disabled" aria-hidden="true">Previous page</span>}
          {list.more ? <Link href={href(page + 1)} rel="next" prefetch={false}>Next page</Link> : <span className="disabled" aria-hidden="true">Next page</span>}
        </nav>
      ) : null}
    </>
  );
}
