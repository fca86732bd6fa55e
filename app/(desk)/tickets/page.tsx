import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/session";
import { requestTimeZone } from "@/lib/time-zone";
import { isStaff } from "@/lib/people/identity";
import { listTickets, quickViews } from "@/lib/tickets/list";
import { listAssignees, type AssigneeChoices } from "@/lib/people/queries";
import { parseListParams } from "@/lib/tickets/list-params";
import { resolveListFilters } from "@/lib/tickets/list-filters";
import { mayReadTags } from "@/lib/tickets/permissions";
import { mostUsedTags } from "@/lib/tickets/tags";
import { TicketList } from "./TicketList";
import { bulkUpdateAction, deleteViewAction, saveViewAction } from "./list-actions";
import { listSavedViews } from "@/lib/tickets/saved-views";
import { mayChangeInBulk, mayShareViews } from "@/lib/tickets/permissions";

export const metadata: Metadata = { title: "Tickets" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const NO_ONE: AssigneeChoices = { kind: "select", people: [] };

export default async function TicketsPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const typed = parseListParams(await searchParams);
  // Tags are staff's: anyone else's URL with tags is the list without them (and its links keep none).
  const tagged = mayReadTags(actor);
  const params = tagged ? typed : { ...typed, tags: [] };
  // Who the Requester and Assignee filters name (an index lookup each), then the list by their ids.
  const resolving = resolveListFilters(actor, params);
  const [resolved, page, views, assignees, tagChoices, savedViews] = await Promise.all([
    resolving,
    resolving.then((r) => listTickets(actor, r.params)),
    quickViews(actor),
    isStaff(actor) ? listAssignees() : Promise.resolve(NO_ONE),
    tagged ? mostUsedTags() : Promise.resolve([]),
    listSavedViews(actor),
  ]);
  const rowContext = { zone: requestTimeZone().zone, now: new Date() };
  const filters = { requester: resolved.requester, assignee: resolved.assignee };
  const listActions = {
    bulk: mayChangeInBulk(actor) ? bulkUpdateAction : null,
    saveView: saveViewAction,
    deleteView: deleteViewAction,
    savedViews,
    mayShareViews: mayShareViews(actor),
  };
  return <TicketList {...{ actor, params, page, views, assignees, filters, rowContext, tagChoices, listActions }} />;
}
