import Form from "next/form";
import Link from "next/link";
import type { Actor } from "@/lib/people/identity";
import { isStaff } from "@/lib/people/identity";
import type { QuickView, TicketPage } from "@/lib/tickets/list";
import type { AssigneeChoices } from "@/lib/people/queries";
import type { PersonFilter } from "@/lib/tickets/list-filters";
import { DEFAULT_DIRECTION, PAGE_SIZES, listQuery, type ListParams, type Sort } from "@/lib/tickets/list-params";
import { PRIORITIES, STATUSES } from "@/lib/tickets/schema";
import { QUERY_MAX } from "@/lib/limits";
import { TAGS_PER_FILTER } from "@/lib/tickets/tag-names";
import { IntentPrefetch } from "../../_components/IntentPrefetch";
import { ticketRowsHtml, type RowContext } from "../../_components/ticket-rows";
import { PersonInput } from "./PersonInput";
import styles from "./filters.module.css";
import type { BoundFormAction } from "@/lib/forms";
import type { BulkField } from "@/lib/tickets/bulk-form";
import { BULK_FORM, rowValue } from "@/lib/tickets/bulk-form";
import type { SavedView } from "@/lib/tickets/saved-views";
import { BulkForm, SelectAll } from "./BulkForm";
import { viewCountText } from "./SavedViews";
import { SavedViewsPanel } from "./SavedViewsPanel";
import type { ViewField } from "./list-actions";

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
  /** Who the Assignee filter lists (staff; a requester's offers Me and Unassigned only). */
  assignees: AssigneeChoices;
  /** Who the URL's Requester and Assignee filters name (lib/tickets/list-filters.ts). */
  filters: { requester: PersonFilter; assignee: PersonFilter };
  rowContext: RowContext;
  /** The desk's most used tags, suggested by the Tags filter (staff; absent: no suggestions). */
  tagChoices?: readonly string[];
  /**
   * The list's own actions and the reader's saved views (the page passes them; the benchmark's
   * floor leaves them out). `bulk` only for staff.
   */
  listActions?: {
    bulk: BoundFormAction<BulkField> | null;
    saveView: BoundFormAction<ViewField>;
    deleteView: (form: FormData) => Promise<void>;
    savedViews: SavedView[];
    mayShareViews: boolean;
  };
};

/** A person as a filter's summary names them. */
function who(f: PersonFilter): string {
  if (f.kind === "person") return f.person.deactivated ? `${f.person.name} (deactivated)` : f.person.name;
  return f.kind === "unknown" ? `“${f.typed}”` : "";
}

/** What a typed filter field shows for the filter in the URL: the person's email, or what was typed. */
function typedValue(f: PersonFilter): string {
  switch (f.kind) {
    case "anyone":
      return "";
    case "me":
      return "Me";
    case "none":
      return "Unassigned";
    case "person":
      return f.person.email;
    case "unknown":
      return f.typed;
  }
}

/** The error under a filter field, when the URL names no one (or several): its id for aria-describedby. */
function FilterError({ id, filter }: { id: string; filter: PersonFilter }) {
  return filter.kind === "unknown" ? <p className="field-error" id={id}>{filter.message}</p> : null;
}

/**
 * The Assignee filter: Anyone, Me, Unassigned and each assignable person, as a select when they
 * are few enough to list (lib/people/queries.ts, ASSIGNEE_SELECT_MAX), otherwise a typed email
 * with suggestions. Someone the URL names who is not offered (deactivated, or no longer staff) is
 * shown as the current choice all the same.
 */
function AssigneeFilter({ staff, choices, filter }: { staff: boolean; choices: AssigneeChoices; filter: PersonFilter }) {
  const invalid = filter.kind === "unknown";
  const errorId = "assignee-error";
  if (staff && choices.kind === "typed") {
    return (
      <div className={`field ${styles.person}`}>
        <label htmlFor="assignee">Assignee</label>
        <PersonInput id="assignee" name="assignee" defaultValue={typedValue(filter)} suggest="assignee" fixed={["Me", "Unassigned"]}
          placeholder="Email, Me or Unassigned" invalid={invalid} describedBy={invalid ? errorId : undefined} />
        <FilterError id={errorId} filter={filter} />
      </div>
    );
  }
  const people = staff && choices.kind === "select" ? choices.people : [];
  const value = filter.kind === "me" ? "me" : filter.kind === "none" ? "none" : filter.kind === "person" ? filter.person.id : filter.kind === "unknown" ? filter.typed : "";
  const extra =
    !staff ? null
    : filter.kind === "person" && !people.some((p) => p.id === filter.person.id) ? { value: filter.person.id, label: who(filter) }
    : filter.kind === "unknown" ? { value: filter.typed, label: filter.typed }
    : null;
  return (
    <div className="field">
      <label htmlFor="assignee">Assignee</label>
      <select id="assignee" name="assignee" defaultValue={value} aria-invalid={invalid || undefined} aria-describedby={invalid ? errorId : undefined}>
        <option value="">Anyone</option>
        <option value="me">Me</option>
        <option value="none">Unassigned</option>
        {people.map((a) => (
          <option key={a.id} value={a.id}>{a.label}</option>
        ))}
        {extra ? <option value={extra.value}>{extra.label}</option> : null}
      </select>
      {staff ? <FilterError id={errorId} filter={filter} /> : null}
    </div>
  );
}

/**
 * What /tickets shows, from data already read: the heading, quick views, filters, table and
 * pagination. The page reads the data; the benchmark's floor (app/(bench)/bench-floor) renders
 * this same view from memory, so that the two differ only in what reading costs.
 */
export function TicketList({ actor, params, page, views, assignees, filters, rowContext, tagChoices, listActions }: TicketListData) {
  const staff = isStaff(actor);
  const filtered =
    params.q !== "" || params.status.length > 0 || params.priority.length > 0 || params.assignee !== "" || params.requester !== "" || params.tags.length > 0;
  const href = (p: Partial<ListParams>) => `/tickets${listQuery({ ...params, ...p })}`;
  const { requester, assignee } = filters;
  const active = [
    ...params.status,
    ...params.priority,
    ...(assignee.kind === "me" ? ["assigned to me"] : assignee.kind === "none" ? ["unassigned"] : who(assignee) ? [`assigned to ${who(assignee)}`] : []),
    ...(who(requester) ? [`from ${who(requester)}`] : []),
    ...(params.tags.length ? [`tagged ${params.tags.join(" and ")}`] : []),
  ];
  const requesterInvalid = requester.kind === "unknown";
  const exportHref = `/tickets/export${listQuery({ ...params, page: 1 })}`;
  // Staff select rows for a bulk change; the checkboxes belong to the bulk form (BulkForm.tsx).
  const bulk = staff && page.rows.length > 0 ? (listActions?.bulk ?? null) : null;

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
          {listActions?.savedViews.map((v) => (
            <li key={`view-${v.id}`} className="saved-view">
              <Link href={v.href} prefetch={false}>
                {v.name} <span className="count">{viewCountText(v)}</span>
                {v.shared ? <span className="visually-hidden"> (shared)</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {listActions ? (
        <SavedViewsPanel views={listActions.savedViews.filter((v) => v.deletable).map(({ id, name, shared }) => ({ id, name, shared }))} query={listQuery({ ...params, page: 1 })} mayShare={listActions.mayShareViews}
          save={listActions.saveView} remove={listActions.deleteView} />
      ) : null}

      {/* Keyed by the query: on a client-side navigation (Clear filters, a quick view, a sort link)
          the uncontrolled fields would otherwise keep showing the previous filters. */}
      <Form key={listQuery({ ...params, page: 1 })} action="/tickets" className="filters" role="search" aria-label="Filter tickets">
        <div className="field grow">
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" data-shortcut="search" defaultValue={params.q} maxLength={QUERY_MAX} placeholder="Words in titles and descriptions" />
        </div>
        {/* On a phone the filters fold under one line that says which are on (a <details>: no
            JavaScript needed); on wider screens they are always shown (globals.css). */}
        <details className={`filter-more ${styles.more}`}>
          <summary>
            Filters{active.length ? <span className={`filter-summary ${styles.active}`}>: {active.join(", ")}</span> : null}
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
            <AssigneeFilter staff={staff} choices={assignees} filter={assignee} />
            {staff ? (
              <div className={`field ${styles.person}`}>
                <label htmlFor="requester">Requester</label>
                <PersonInput id="requester" name="requester" defaultValue={typedValue(requester)} suggest="requester"
                  placeholder="Email or name" invalid={requesterInvalid} describedBy={requesterInvalid ? "requester-error" : undefined} />
                <FilterError id="requester-error" filter={requester} />
              </div>
            ) : null}
            {staff ? (
              <div className={`field ${styles.tags}`}>
                <label htmlFor="tags">Tags</label>
                {/* Several tags, separated by commas: tickets with all of them. */}
                <input id="tags" name="tags" type="text" defaultValue={params.tags.join(", ")} aria-describedby="tags-hint"
                  list={tagChoices?.length ? "tag-choices" : undefined} autoComplete="off" spellCheck={false} placeholder="billing, vip" />
                <p className="visually-hidden" id="tags-hint">Tickets with all of these tags, up to {TAGS_PER_FILTER}, separated by commas.</p>
                {tagChoices?.length ? (
                  <datalist id="tag-choices">
                    {tagChoices.map((t) => <option key={t} value={t} />)}
                  </datalist>
                ) : null}
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
          {params.q
            ? `A search this broad shows its first ${nf.format(page.pageCount)} pages. Add a word or a filter to narrow it.`
            : `A view this broad shows its first ${nf.format(page.pageCount)} pages. Add a filter to narrow it.`}
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
        <>
        {bulk ? <BulkForm apply={bulk} shown={page.rows.map(rowValue)} assignees={assignees} /> : null}
        <IntentPrefetch scope={listQuery(params)} className="table-wrap">
          <table className={bulk ? "tickets selectable" : "tickets"} data-shortcut="ticket-list">
            <caption className="visually-hidden">
              Tickets, sorted by {page.sort === "relevance" ? "best match" : `${COLUMNS.find((c) => c.sort === page.sort)?.label ?? ""} ${page.dir === "asc" ? "ascending" : "descending"}`}
            </caption>
            <thead>
              <tr>
                {bulk ? (
                  <th scope="col" className="col-select">
                    <SelectAll />
                  </th>
                ) : null}
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
            <tbody dangerouslySetInnerHTML={{ __html: ticketRowsHtml(page.rows, rowContext, bulk ? { selectForm: BULK_FORM } : {}) }} />
          </table>
        </IntentPrefetch>
        </>
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
