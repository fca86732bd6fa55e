import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { Metadata } from "next";
import { PRIORITIES, STATUSES, type Priority, type Status } from "@/lib/tickets/schema";
import { TicketTableRow } from "../../_components/TicketTableRow";

/**
 * The benchmark's floor (scripts/bench.ts): the ticket list's 50-row table, rendered the same way
 * as /tickets but from rows made once in memory — no database, no session, no proxy. What
 * /tickets costs beyond this is the price of its queries and auth. It exists only when the
 * benchmark starts the server (TRIAGE_BENCH_FLOOR=1); everywhere else it answers 404.
 */
export const metadata: Metadata = { title: "Bench floor", robots: { index: false } };

type Row = {
  number: number;
  title: string;
  status: Status;
  priority: Priority;
  requester: string | null;
  assignee: string | null;
  updatedAt: Date;
};

const COLUMNS = [
  { sort: "number", label: "#", className: "col-number", dir: "desc" },
  { sort: "title", label: "Title", className: "col-title", dir: "asc" },
  { sort: "status", label: "Status", className: "col-status", dir: "asc" },
  { sort: "priority", label: "Priority", className: "col-priority", dir: "desc" },
  { sort: "requester", label: "Requester", className: "col-person", dir: "asc" },
  { sort: "assignee", label: "Assignee", className: "col-person", dir: "asc" },
  { sort: "updated", label: "Updated", className: "col-updated", dir: "desc" },
] as const;

const AREAS = ["VPN", "Invoice PDF", "Printer on floor 3", "Outlook calendar", "SSO login", "Payroll export"];
const PROBLEMS = ["drops every 10 minutes on Wi-Fi", "shows wrong VAT", "is very slow since Monday", "keeps asking for my password"];
const PEOPLE = ["Priya Patel", "Tom Becker", "Amara Okafor", "Lucas Moreau", "Mei Lin"];
const AGENTS = ["Sam Carter", "Dana Whitfield", "Jonas Berg"];

const ROWS: Row[] = Array.from({ length: 50 }, (_, i) => ({
  number: 100_000 - i,
  title: `${AREAS[i % AREAS.length]} ${PROBLEMS[i % PROBLEMS.length]}`,
  status: STATUSES[i % STATUSES.length],
  priority: PRIORITIES[(i * 3) % PRIORITIES.length],
  requester: PEOPLE[i % PEOPLE.length],
  assignee: i % 4 === 0 ? null : AGENTS[i % AGENTS.length],
  updatedAt: new Date(Date.now() - i * 37 * 60_000),
}));

const nf = new Intl.NumberFormat("en-US");

export default async function BenchFloorPage() {
  await connection();
  if (process.env.TRIAGE_BENCH_FLOOR !== "1") notFound();
  const total = 100_000;
  return (
    <main id="main" className="page">
      <div className="page-head">
        <h1>Tickets</h1>
        <div className="actions">
          <Link href="/tickets/new" className="button primary" prefetch={false}>
            New ticket
          </Link>
        </div>
      </div>

      <p className="summary" role="status">
        {`Showing ${nf.format(1)}–${nf.format(ROWS.length)} of ${nf.format(total)} tickets`}
      </p>

      <div className="table-wrap">
        <table className="tickets">
          <caption className="visually-hidden">Tickets, sorted by Updated descending</caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const active = c.sort === "updated";
                return (
                  <th
                    key={c.label}
                    scope="col"
                    className={c.className}
                    aria-sort={active ? "descending" : undefined}
                  >
                    <Link href={`/tickets?sort=${c.sort}&dir=${active ? "asc" : c.dir}`} className="sort" prefetch={false}>
                      {c.label}
                      <span aria-hidden="true" className="sort-mark">
                        {active ? "↓" : ""}
                      </span>
                    </Link>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((t) => <TicketTableRow key={t.number} t={t} />)}
          </tbody>
        </table>
      </div>

      <nav aria-label="Pagination" className="pagination">
        <span className="disabled" aria-hidden="true">Previous page</span>
        <span className="page-of">Page 1 of {nf.format(Math.ceil(total / ROWS.length))}</span>
        <Link href="/tickets?page=2" rel="next">Next page</Link>
      </nav>
    </main>
  );
}
