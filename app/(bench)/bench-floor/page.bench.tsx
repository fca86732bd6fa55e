import { connection } from "next/server";
import type { Metadata } from "next";
import { DEFAULT_LIST_PARAMS, listQuery, type ListParams } from "@/lib/tickets/list-params";
import type { Actor } from "@/lib/people/identity";
import type { TicketPage, TicketRow } from "@/lib/tickets/list";
import type { AssigneeChoices } from "@/lib/people/queries";
import { PRIORITIES, STATUSES } from "@/lib/tickets/schema";
import { TopBar } from "../../_components/TopBar";
import { ticketRowsHtml } from "../../_components/ticket-rows";
import { TicketList } from "../../(desk)/tickets/TicketList";
import { floorCreate } from "./actions";

/**
 * The benchmark's floor (scripts/bench/): the /tickets page an agent sees (top bar, quick views,
 * filters, the 50-row table, pagination) rendered by the same components from data made once in
 * memory: no database, no session, no proxy. What /tickets costs beyond this is the price of its
 * reads and its session. `?part=rows` renders the 50 rows alone in a bare table, to show what the
 * rest of the page costs; `?part=form` a form with the new-ticket fields whose action saves
 * nothing (./actions.ts), the floor of a create. It is built only when the benchmark builds
 * (TRIAGE_BENCH_FLOOR=1 adds the "bench.tsx" page extension in next.config.mjs): the product has no
 * such route.
 */
export const metadata: Metadata = { title: "Bench floor", robots: { index: false } };

const AREAS = ["VPN", "Invoice PDF", "Printer on floor 3", "Outlook calendar", "SSO login", "Payroll export"];
const PROBLEMS = ["drops every 10 minutes on Wi-Fi", "shows wrong VAT", "is very slow since Monday", "keeps asking for my password"];
const PEOPLE = ["Priya Patel", "Tom Becker", "Amara Okafor", "Lucas Moreau", "Mei Lin"];
const AGENTS = ["Sam Carter", "Dana Whitfield", "Jonas Berg"];

const ROWS: TicketRow[] = Array.from({ length: 50 }, (_, i) => ({
  number: 100_000 - i,
  title: `${AREAS[i % AREAS.length]} ${PROBLEMS[i % PROBLEMS.length]}`,
  status: STATUSES[i % STATUSES.length],
  priority: PRIORITIES[(i * 3) % PRIORITIES.length],
  requester: PEOPLE[i % PEOPLE.length],
  assignee: i % 4 === 0 ? null : AGENTS[i % AGENTS.length],
  updatedAt: new Date(Date.now() - i * 37 * 60_000),
  version: 1,
}));

const TOTAL = 100_000;
const ACTOR: Actor = { id: "bench-agent", name: "Alex Agent", role: "agent", timeZone: null };
const ASSIGNEES: AssigneeChoices = {
  kind: "select",
  people: [...AGENTS, "Alex Agent", "Ada Admin"].map((name, i) => ({ id: `bench-${i}`, label: name })),
};
const ANYONE = { requester: { kind: "anyone" }, assignee: { kind: "anyone" } } as const;
const PAGE: TicketPage = {
  rows: ROWS,
  total: TOTAL,
  page: 1,
  pageCount: TOTAL / ROWS.length,
  first: 1,
  last: ROWS.length,
  sort: "updated",
  dir: "desc",
  unranked: false,
  estimated: false,
  pagesCapped: false,
};
const OPEN: ListParams = { ...DEFAULT_LIST_PARAMS, status: ["Open", "In progress", "Waiting"] };
const VIEWS = [
  { label: "My open tickets", href: `/tickets${listQuery({ ...OPEN, assignee: "me" })}`, count: 14_250 },
  { label: "Unassigned", href: `/tickets${listQuery({ ...OPEN, assignee: "none" })}`, count: 15_012 },
  { label: "All open", href: `/tickets${listQuery(OPEN)}`, count: 60_030 },
];

export default async function BenchFloorPage({ searchParams }: { searchParams: Promise<{ part?: string }> }) {
  await connection();
  const rowContext = { zone: "UTC", now: new Date() };
  const part = (await searchParams).part;
  if (part === "form") {
    return (
      <main id="main" className="page">
        <form action={floorCreate} className="form">
          <input name="title" aria-label="Title" />
          <textarea name="description" aria-label="Description" />
          <select name="priority" aria-label="Priority" defaultValue="Medium">
            {PRIORITIES.map((p) => <option key={p}>{p}</option>)}
          </select>
          <button type="submit">Create ticket</button>
        </form>
      </main>
    );
  }
  if (part === "rows") {
    return (
      <main id="main" className="page">
        <table className="tickets">
          <tbody dangerouslySetInnerHTML={{ __html: ticketRowsHtml(ROWS, rowContext) }} />
        </table>
      </main>
    );
  }
  return (
    <>
      <TopBar actor={ACTOR} />
      <main id="main" className="page">
        <TicketList
          actor={ACTOR}
          params={DEFAULT_LIST_PARAMS}
          page={PAGE}
          views={VIEWS}
          assignees={ASSIGNEES}
          filters={ANYONE}
          rowContext={rowContext}
        />
      </main>
    </>
  );
}
