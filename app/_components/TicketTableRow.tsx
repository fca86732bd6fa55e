import Link from "next/link";
import type { TicketRow } from "@/lib/tickets/queries";
import { PriorityPill, StatusPill } from "./Pill";
import { Time } from "./Time";

/** One row of the ticket list (also rendered by the benchmark's floor page, so both measure the same markup). */
export function TicketTableRow({ t }: { t: TicketRow }) {
  return (
    <tr>
      <td className="col-number" data-label="#">{t.number}</td>
      <td className="col-title" data-label="Title">
        {/* Prefetched on intent (IntentPrefetch), not because it scrolled into view. */}
        <Link href={`/tickets/${t.number}`} title={t.title} prefetch={false} data-intent="">{t.title}</Link>
      </td>
      <td className="col-status" data-label="Status"><StatusPill status={t.status} /></td>
      <td className="col-priority" data-label="Priority"><PriorityPill priority={t.priority} /></td>
      <td className="col-person" data-label="Requester">{t.requester ?? "—"}</td>
      <td className="col-person" data-label="Assignee">{t.assignee ?? <span className="muted">—</span>}</td>
      <td className="col-updated" data-label="Updated"><Time date={t.updatedAt} /></td>
    </tr>
  );
}
