import { getActor } from "@/lib/auth/session";
import { parseListParams } from "@/lib/tickets/list-params";
import { exportTickets } from "@/lib/tickets/list";
import { resolveListFilters } from "@/lib/tickets/list-filters";
import { csvLine } from "@/lib/tickets/csv";
import { mayReadTags } from "@/lib/tickets/permissions";
import { formatTags } from "@/lib/tickets/tag-names";

/**
 * The current filtered view as CSV, streamed a batch at a time so that 100,000 rows never sit in
 * memory. Requesters get only their own tickets: the query is the list's, with the same actor.
 */
export async function GET(request: Request) {
  const actor = await getActor();
  const url = new URL(request.url);
  if (!actor) {
    // A relative Location: request.url names the host Next.js listens on (localhost behind a
    // proxy), not the one the person used.
    const next = encodeURIComponent(`/tickets${url.search}`);
    return new Response(null, { status: 303, headers: { Location: `/sign-in?next=${next}`, "Cache-Control": "no-store" } });
  }
  const typed = parseListParams(Object.fromEntries([...new Set(url.searchParams.keys())].map((k) => {
    const all = url.searchParams.getAll(k);
    return [k, all.length > 1 ? all : all[0]];
  })));
  // The Requester and Assignee filters as the list reads them: typed emails and names to ids.
  const { params } = await resolveListFilters(actor, typed);
  // Staff's export has a Tags column; anyone else's has no trace of tags (their URL's are ignored).
  const tagged = mayReadTags(actor);
  const encoder = new TextEncoder();
  const batches = exportTickets(actor, tagged ? params : { ...params, tags: [] });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const head = ["Number", "Title", "Status", "Priority", "Requester", "Assignee", "Created", "Updated"];
      controller.enqueue(encoder.encode(csvLine(tagged ? [...head, "Tags"] : head)));
    },
    async pull(controller) {
      const { value, done } = await batches.next();
      if (done) {
        controller.close();
        return;
      }
      controller.enqueue(
        encoder.encode(
          value
            .map((t) => {
              const cells = [t.number, t.title, t.status, t.priority, t.requester ?? "", t.assignee ?? "", t.createdAt.toISOString(), t.updatedAt.toISOString()];
              return csvLine(tagged ? [...cells, formatTags(t.tags ?? [])] : cells);
            })
            .join(""),
        ),
      );
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tickets-${stamp}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
