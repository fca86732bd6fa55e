import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PriorityPill, StatusPill } from "@/app/_components/Pill";
import { TagList } from "@/app/_components/Tags";
import { formatExact, relative } from "@/app/_components/Time";
import { ticketRowsHtml } from "@/app/_components/ticket-rows";
import { escapeHtml } from "@/lib/text";
import type { TicketRow } from "@/lib/tickets/list";
import { PRIORITIES, STATUSES } from "@/lib/tickets/schema";

/**
 * The list's rows are written as a string (app/_components/ticket-rows.ts). Here React renders
 * the same row from components, with React's own escaping, and the two must match byte for
 * byte: for every status and priority, missing people, hostile titles and names, and zones.
 */
function ReactRow({ t, zone, now }: { t: TicketRow; zone: string; now: Date }) {
  const exact = formatExact(t.updatedAt, zone);
  return (
    <tr>
      <td className="col-number" data-label="#">{t.number}</td>
      <td className="col-title" data-label="Title">
        {t.tags?.length ? (
          <span className="title-tags">
            <a href={`/tickets/${t.number}`} title={t.title} data-intent="">{t.title}</a>
            <TagList tags={t.tags} />
          </span>
        ) : (
          <a href={`/tickets/${t.number}`} title={t.title} data-intent="">{t.title}</a>
        )}
      </td>
      <td className="col-status" data-label="Status"><StatusPill status={t.status} /></td>
      <td className="col-priority" data-label="Priority"><PriorityPill priority={t.priority} /></td>
      <td className="col-person" data-label="Requester">{t.requester ?? "—"}</td>
      <td className="col-person" data-label="Assignee">{t.assignee ?? <span className="muted">—</span>}</td>
      <td className="col-updated" data-label="Updated">
        <time dateTime={t.updatedAt.toISOString()} title={exact}>{relative(t.updatedAt, now, zone)}</time>
      </td>
    </tr>
  );
}

const HOSTILE = [
  `<script>alert("x")</script>`,
  `" onmouseover="alert(1)`,
  `' autofocus onfocus='x`,
  "Tom & Jerry &amp; &lt;b&gt;",
  "</td></tr></tbody><tbody>",
  "Ünïcödé — 日本語 🎫",
  "plain",
];

const now = new Date("2026-11-30T12:00:00Z");
const rows: TicketRow[] = HOSTILE.flatMap((text, i) =>
  STATUSES.map((status, j) => ({
    number: i * 10 + j + 1,
    title: text,
    status,
    priority: PRIORITIES[(i + j) % PRIORITIES.length],
    requester: j % 3 === 0 ? null : HOSTILE[(i + 1) % HOSTILE.length],
    assignee: j % 2 === 0 ? null : HOSTILE[(i + 2) % HOSTILE.length],
    updatedAt: new Date(now.getTime() - (i * 7 + j) ** 3 * 60_000),
    // Staff's rows carry tags (none, one, several); a requester's carry none at all.
    tags: j % 3 === 0 ? undefined : j % 3 === 1 ? [] : ["billing", "vip", "café"],
    version: 1,
  })),
);

const reactTable = (zone: string) => renderToStaticMarkup(<tbody>{rows.map((t) => <ReactRow key={t.number} t={t} zone={zone} now={now} />)}</tbody>);
const stringTable = (zone: string) => renderToStaticMarkup(<tbody dangerouslySetInnerHTML={{ __html: ticketRowsHtml(rows, { zone, now }) }} />);

describe("the list's rows as a string", () => {
  it.each(["UTC", "America/New_York", "Asia/Kolkata"])("are the markup React renders, in %s", (zone) => {
    expect(stringTable(zone)).toBe(reactTable(zone));
  });

  it("never lets a title or a name out of its text or attribute", () => {
    const html = ticketRowsHtml(rows, { zone: "UTC", now });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain(`" onmouseover`);
    expect(html).not.toContain(`</td></tr></tbody><tbody>`);
    expect(html.match(/<tr>/g)).toHaveLength(rows.length);
  });

  it("escapes the five characters HTML gives meaning to", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;");
  });
});
