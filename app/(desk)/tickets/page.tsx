import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/session";
import { requestTimeZone } from "@/lib/time-zone";
import { isStaff } from "@/lib/people/identity";
import { listTickets, quickViews } from "@/lib/tickets/list";
import { listAssignees, listRequesters } from "@/lib/people/queries";
import { parseListParams } from "@/lib/tickets/list-params";
import { TicketList } from "./TicketList";

export const metadata: Metadata = { title: "Tickets" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function TicketsPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const params = parseListParams(await searchParams);
  const [page, views, assignees, requesters] = await Promise.all([
    listTickets(actor, params),
    quickViews(actor),
    isStaff(actor) ? listAssignees() : Promise.resolve([]),
    listRequesters(actor),
  ]);
  const rowContext = { zone: requestTimeZone().zone, now: new Date() };
  return <TicketList {...{ actor, params, page, views, assignees, requesters, rowContext }} />;
}
