import { escapeHtml } from "@/lib/text";
import type { TicketRow } from "@/lib/tickets/list";
import { PRIORITY_ICON, STATUS_ICON, slug } from "./Pill";
import { formatExact, relative } from "./Time";

/**
 * The list's rows as one HTML string, for `<tbody dangerouslySetInnerHTML>`. Fifty rows as React
 * elements were most of what a list page costs: each element is built, serialised into the
 * page's RSC payload, read back and rendered to HTML, and the table was 21 elements a row. As a
 * string the rows cost a string in the payload (measured again on Next.js 16 for issue 19: the
 * figures are in the README). The markup is byte for byte what the React components render
 * (StatusPill, PriorityPill, Time, a plain link), which tests/ticket-rows.test.tsx checks against
 * React's own rendering for hostile titles and names. React never hydrates this HTML, so the
 * links cannot be <Link>: IntentPrefetch, around the table, opens them in place and prefetches.
 *
 * Every value from the database is escaped here, and only here, with lib/text's escapeHtml: it
 * covers text and attribute values (quoted with "), which is all this markup uses.
 */

/** What the rows need besides themselves: the reader's time zone and the moment of the render. */
export type RowContext = { zone: string; now: Date };

/**
 * A staff row's title with its tags beside it (TagList's markup); the title alone when the row
 * has none (or is a requester's, whose rows carry no tags at all).
 */
function titleHtml(t: TicketRow, title: string): string {
  const link = `<a href="/tickets/${t.number}" title="${title}" data-intent="">${title}</a>`;
  if (!t.tags?.length) return link;
  const chips = t.tags.map((g) => `<li class="tag">${escapeHtml(g)}</li>`).join("");
  return `<span class="title-tags">${link}<ul class="tags" aria-label="Tagged">${chips}</ul></span>`;
}

/**
 * A row's "Select ticket #N" checkbox (staff's bulk changes): part of the form with id `form`
 * (the list's bulk form, which is not around the table), carrying the number and the version the
 * row was drawn at (lib/tickets/bulk-form.ts). The label around it is the touch target.
 */
function selectCell(t: TicketRow, form: string): string {
  return (
    `<td class="col-select"><label class="select-box"><input type="checkbox" form="${escapeHtml(form)}" name="ticket" value="${t.number}:${t.version}">` +
    `<span class="visually-hidden">Select ticket #${t.number}</span></label></td>`
  );
}

export function ticketRowsHtml(rows: TicketRow[], { zone, now }: RowContext, opts: { selectForm?: string } = {}): string {
  let out = "";
  for (const t of rows) {
    const title = escapeHtml(t.title);
    const exact = escapeHtml(formatExact(t.updatedAt, zone));
    const status = slug(t.status);
    const priority = slug(t.priority);
    out +=
      `<tr>${opts.selectForm ? selectCell(t, opts.selectForm) : ""}<td class="col-number" data-label="#">${t.number}</td>` +
      `<td class="col-title" data-label="Title">${titleHtml(t, title)}</td>` +
      `<td class="col-status" data-label="Status"><span class="pill status-${status}"><span aria-hidden="true" class="pill-icon">${STATUS_ICON[t.status]}</span>${escapeHtml(t.status)}</span></td>` +
      `<td class="col-priority" data-label="Priority"><span class="pill priority-${priority}"><span aria-hidden="true" class="pill-icon">${PRIORITY_ICON[t.priority]}</span>${escapeHtml(t.priority)}</span></td>` +
      `<td class="col-person" data-label="Requester">${t.requester === null ? "—" : escapeHtml(t.requester)}</td>` +
      `<td class="col-person" data-label="Assignee">${t.assignee === null ? `<span class="muted">—</span>` : escapeHtml(t.assignee)}</td>` +
      `<td class="col-updated" data-label="Updated"><time dateTime="${t.updatedAt.toISOString()}" title="${exact}">${escapeHtml(relative(t.updatedAt, now, zone))}</time></td></tr>`;
  }
  return out;
}
