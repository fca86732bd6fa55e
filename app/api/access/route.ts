import { getActor } from "@/lib/auth/session";
import { parseTicketNumber } from "@/lib/tickets/schema";
import { getTicketRow } from "@/lib/tickets/queries";

/**
 * May the caller see this? Asked by proxy.ts before it lets a request reach a page that would
 * otherwise answer with notFound(): Next.js 16 renders notFound() from a page as an empty body
 * that only JavaScript fills in (vercel/next.js#98295), so the proxy sends those requests to the
 * real not-found page instead. Answers 204 (yes), 404 (no), 401 (not signed in). It reveals only
 * what the page itself would.
 */
export async function GET(request: Request) {
  const url = new URL(request.url);
  const actor = await getActor();
  if (!actor) return new Response(null, { status: 401 });
  const ticket = url.searchParams.get("ticket");
  if (ticket !== null) {
    const number = parseTicketNumber(ticket);
    const row = number === null ? null : await getTicketRow(actor, number);
    return new Response(null, { status: row ? 204 : 404 });
  }
  if (url.searchParams.get("area") === "admin") {
    return new Response(null, { status: actor.role === "admin" ? 204 : 404 });
  }
  return new Response(null, { status: 400 });
}
