import Form from "next/form";
import Link from "next/link";
import type { Actor } from "@/lib/people/identity";
import { isStaff } from "@/lib/people/identity";
import type { QuickView, TicketPage } from "@/lib/tickets/list";
import type { Person } from "@/lib/people/queries";
import { DEFAULT_DIRECTION, PAGE_SIZES, listQuery, type ListParams, type Sort } from "@/lib/tickets/list-params";
import { PRIORITIES, STATUSES } from "@/lib/tickets/schema";
import { QUERY_MAX } from "@/lib/limits";
import { IntentPrefetch } from "../../_components/IntentPrefetch";
import { ticketRowsHtml, type RowContext } from "../../_components/ticket-rows";

const COLUMNS: { sort: Sort; label: string; className: string }[] = [
  { sort: "number", label: "#", className: "col-number" },
  { sort: "title", label: "Title", className: "col-title" },
  { sort: "status", label: "Status", className: "col-status" },
  { sort: "priority", label: "Priority", className: "col-priority" },
  { sort: "requester", label: "Requester", className: "col-person" },
  { sort: "assignee", label: "Assignee", className: "col-person" },
  { sort: "updated", label: "Updated", className: "col-updated" },
];

const nf = new Intl.NumberFormat("en-US");

export type TicketListData = {
  actor: Actor;
  params: ListParams;
  page: TicketPage;
  views: QuickView[];
  assignees: Person[];
  requesters: Person[];
  rowContext: RowContext;
};

/**
 * What /tickets shows, from data already read: the heading, quick views, filters, table and
 * pagination. The page reads the data; the benchmark's floor (app/(bench)/bench-floor) renders
 * this same view from memory, so that the two differ only in what reading costs.
 */
export function TicketList({ actor, params, page, views, assignees, requesters, rowContext }: TicketListData) {
  const staff = isStaff(actor);
  const filtered =
    params.q !== "" || params.status.length > 0 || params.priority.length > 0 || params.assignee !== "" || params.requester !== "";
  const href = (p: Partial<ListParams>) => `/tickets${listQuery({ ...params, ...p })}`;
  const personName = (id: string, people: Person[]) => people.find((x) => x.id === id)?.name ?? "someone";
  const active = [
    ...params.status,
    ...params.priority,
    ...(params.assignee === "me" ? ["assigned to me"] : params.assignee === "none" ? ["unassigned"] : params.assignee ? [`assigned to ${personName(params.assignee, assignees)}`] : []),
    ...(params.requester ? [`from ${personName(params.requester, requesters)}`] : []),
  ];
  const exportHref = `/tickets/export${listQuery({ ...params, page: 1 })}`;

  return (
    <>
      <div className="page-head">
        <h1>Tickets</h1>
        <div className="actions">
          <Link href={exportHref} className="button secondary" prefetch={false}>
            Export CSV
          </Link>
          <Link href="/tickets/new" className="button primary" prefetch={false}>
            New ticket
          </Link>
        </div>
      </div>

      <nav aria-label="Quick views" className="quick-views">
        <ul>
          {views.map((v) => (
            <li key={v.label}>
              <Link href={v.href} prefetch={false}>
                {v.label} <span className="count">{nf.format(v.count)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {/* Keyed by the query: on a client-side navigation (Clear filters, a quick view, a sort link)
          the uncontrolled fields would otherwise keep showing the previous filters. */}
      <Form key={listQuery({ ...params, page: 1 })} action="/tickets" className="filters" role="search" aria-label="Filter tickets">
        <div className="field grow">
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" defaultValue={params.q} maxLength={QUERY_MAX} placeholder="Words in titles and descriptions" />
        </div>
        {/* On a phone the filters fold under one line that says which are on (a <details>: no
            JavaScript needed); on wider screens they are always shown (globals.css). */}
        <details className="filter-more">
          <summary>
            Filters{active.length ? <span className="filter-summary">: {active.join(", ")}</span> : null}
          </summary>
          <div className="filter-fields">
            <div className="field">
              <label htmlFor="status">Status</label>
              <select id="status" name="status" multiple size={5} defaultValue={params.status}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>{s}</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="priority">Priority</label>
              <select id="priority" name="priority" multiple size={4} defaultValue={params.priority}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>{p}</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="assignee">Assignee</label>
              <select id="assignee" name="assignee" defaultValue={params.assignee}>
                <option value="">Anyone</option>
                <option value="me">Me</option>
                <option value="none">Unassigned</option>
                {assignees.map((a) => (
                  <option key={a.id} value={a.id}>{a.name}</option>
                ))}
              </select>
            </div>
            {staff ? (
              <div className="field">
                <label htmlFor="requester">Requester</label>
                <select id="requester" name="requester" defaultValue={params.requester}>
                  <option value="">Anyone</option>
                  {requesters.map((r) => (
                    <option key={r.id} value={r.id}>{r.name}</option>
                  ))}
                </select>
              </div>
            ) : null}
            <div className="field">
              <label htmlFor="per">Per page</label>
              <select id="per" name="per" defaultValue={String(params.per)}>
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={n}>{n}</option>
                ))}
              </select>
            </div>
          </div>
        </details>
        {params.sort !== "relevance" && params.sort !== "updated" ? <input type="hidden" name="sort" value={params.sort} /> : null}
        {params.sort !== "relevance" && params.dir !== DEFAULT_DIRECTION[params.sort] ? <input type="hidden" name="dir" value={params.dir} /> : null}
        <div className="filter-actions">
          <button type="submit" className="button primary">Apply filters</button>
          {filtered ? <Link href="/tickets" prefetch={false}>Clear filters</Link> : null}
        </div>
      </Form>

      <p className="summary" role="status">
        {page.total === 0
          ? "Showing 0 of 0 tickets"
          : `Showing ${nf.format(page.first)}–${nf.format(page.last)} of ${page.estimated ? "about " : ""}${nf.format(page.total)} tickets`}
      </p>

      {page.pagesCapped ? (
        <p className="hint search-hint">
          A search this broad shows its first {nf.format(page.pageCount)} pages. Add a word or a filter to narrow it.
        </p>
      ) : null}

      {page.unranked ? (
        <p className="hint search-hint">
          These words are in too many tickets to rank by best match, so the newest updates come first. Add a more
          specific word to see the best matches first.
        </p>
      ) : null}

      {page.rows.length === 0 ? (
        <div className="empty">
          {filtered ? (
            <p>No tickets match these filters. <Link href="/tickets" prefetch={false}>Clear filters</Link> to see every ticket.</p>
          ) : (
            <p>No tickets yet. <Link href="/tickets/new" prefetch={false}>Create the first one.</Link></p>
          )}
        </div>
      ) : (
        <IntentPrefetch scope={listQuery(params)} className="table-wrap">
          <table className="tickets">
            <caption className="visually-hidden">
              Tickets, sorted by {page.sort === "relevance" ? "best match" : `${COLUMNS.find((c) => c.sort === page.sort)?.label ?? ""} ${page.dir === "asc" ? "ascending" : "descending"}`}
            </caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => {
                  // Marked when the person chose this column's order (or the list's default); a
                  // search's own order is described by the caption and, when broad, the note.
                  const active = params.sort === c.sort;
                  const nextDir = active ? (params.dir === "asc" ? "desc" : "asc") : DEFAULT_DIRECTION[c.sort];
                  return (
                    <th
                      key={c.label}
                      scope="col"
                      className={c.className}
                      aria-sort={active ? (params.dir === "asc" ? "ascending" : "descending") : undefined}
                    >
                      <Link href={href({ sort: c.sort, dir: nextDir, page: 1 })} className="sort" prefetch={false}>
                        {c.label}
                        <span aria-hidden="true" className="sort-mark">
                          {active ? (params.dir === "asc" ? "↑" : "↓") : ""}
                        </span>
                      </Link>
                    </th>
                  );
                })}
              </tr>
            </thead>
            {/* The rows are one string (ticket-rows.ts): the same markup, a fraction of the cost. */}
            <tbody dangerouslySetInnerHTML={{ __html: ticketRowsHtml(page.rows, rowContext) }} />
          </table>
        </IntentPrefetch>
      )}

      <nav aria-label="Pagination" className="pagination">
        {page.page > 1 ? (
          <Link href={href({ page: page.page - 1 })} rel="prev" prefetch={false}>Previous page</Link>
        ) : (
          <span className="disabled" aria-hidden="true">Previous page</span>
        )}
        <span className="page-of">Page {nf.format(page.page)} of {nf.format(page.pageCount)}</span>
        {page.page < page.pageCount ? (
          // The one link prefetched as soon as it shows: paging on is what people do next.
          <Link href={href({ page: page.page + 1 })} rel="next">Next page</Link>
        ) : (
          <span className="disabled" aria-hidden="true">Next page</span>
        )}
      </nav>
    </>
  );
}
