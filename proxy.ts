import { NextResponse, type NextRequest } from "next/server";
import { actorFromHeaders } from "@/lib/auth/actor";
import { ticketVisible } from "@/lib/tickets/reads";
import { parseTicketNumber } from "@/lib/limits";

/**
 * Runs before ticket pages and admin pages (see `config` below) and sends one the caller may not
 * see to the not-found page. Everything else a request needs before Next.js (the
 * Content-Security-Policy, the recorded path, the sign-in redirect, the wire check of posts) is
 * done by the front door, server/front-door.mjs and server/post-guard.mjs: this proxy has a fixed
 * cost on every request it runs for, which neither the ticket list nor a create should pay.
 *
 * Workaround of a framework limit: pages that would answer notFound() for this caller are sent to
 * the not-found page by rewrite (same URL, status 404, real HTML), because Next.js renders a page's
 * notFound() as an empty body that only JavaScript fills in (vercel/next.js#62228, open; a fix is
 * proposed in vercel/next.js#98455). Decided here by calling the same session lookup the page
 * uses and a ticket query with the same scope (ticketWhere), in the server's own process: no
 * request to ourselves, so it works whatever the scheme and host the client used. The page
 * still checks for itself. This proxy can go when the installed Next.js server-renders a page's
 * notFound() (check: the no-JavaScript e2e project, `nojs`, still finds the not-found page's
 * heading on a hidden ticket and on an admin page with this file removed).
 */
async function hiddenFromCaller(request: NextRequest, pathname: string): Promise<"ticket" | "page" | null> {
  const ticket = /^\/tickets\/([^/]+)\/?$/.exec(pathname);
  const isTicket = ticket !== null && ticket[1] !== "new" && ticket[1] !== "export";
  const isAdmin = pathname === "/admin" || pathname.startsWith("/admin/");
  if (!isTicket && !isAdmin) return null;
  const number = isTicket ? parseTicketNumber(ticket[1]) : null;
  if (isTicket && number === null) return "ticket";
  try {
    const actor = await actorFromHeaders(request.headers);
    if (!actor) return null; // the page sends them to sign in
    if (isAdmin) return actor.role === "admin" ? null : "page";
    return (await ticketVisible(actor, number!)) ? null : "ticket";
  } catch {
    return null; // the page decides
  }
}

export async function proxy(request: NextRequest) {
  const hidden = request.method === "GET" ? await hiddenFromCaller(request, request.nextUrl.pathname) : null;
  if (hidden) {
    const headers = new Headers(request.headers);
    headers.set("x-triage-missing", hidden);
    return NextResponse.rewrite(new URL("/_not-found-here", request.url), { request: { headers } });
  }
  return NextResponse.next();
}

export const config = {
  // Pages that answer 404 to some callers: a ticket (one segment: not its attachments' downloads,
  // which answer their own 404 and should not pay for this), the admin pages. (Literal strings:
  // Next.js reads this object at build time.)
  matcher: [
    "/tickets/:number",
    "/admin",
    "/admin/:path*",
  ],
};
