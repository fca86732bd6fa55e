import { NextResponse, type NextRequest } from "next/server";
import { actorFromHeaders } from "@/lib/auth/actor";
import { ticketVisible } from "@/lib/tickets/queries";
import { parseTicketNumber } from "@/lib/tickets/schema";
import { checkFormPost, checkReply, type Verdict } from "@/lib/action-guard";

/**
 * Runs before posts, ticket pages and admin pages (see `config` below): refuses a post whose body
 * is too large or not a form this site made, and sends a ticket or admin page the caller may not
 * see to the not-found page. The Content-Security-Policy, the recorded path and the sign-in
 * redirect are set before Next.js runs, by scripts/front-door.mjs: this proxy costs about 3.6 ms
 * a request, and the ticket list should not pay it.
 */
/** Matches serverActions.bodySizeLimit in next.config.mjs. */
const MAX_BODY = 4 * 1024 * 1024;

/** A plain page for a post refused before any action ran. Nothing was saved. (Its CSP header was set by the front door.) */
function refusal(status: number, title: string, body: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Triage</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<main><h1>${title}</h1>${body}<p><a href="/tickets">Go to the ticket list</a></p></main></body></html>`;
  return new NextResponse(html, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

const tooLarge = () =>
  refusal(
    413,
    "That was too large to accept",
    "<p>The form you sent is over 4 MB. Titles can be up to 200 characters and descriptions and comments up to 20,000. Nothing was saved.</p><p>Go back, shorten the text, and send it again.</p>",
  );

const unreadable = () =>
  refusal(
    400,
    "That form could not be read",
    "<p>What was sent is not a form this site made, so nothing was saved. Go back, reload the page, and try again.</p>",
  );

/**
 * The body of a post, read from a clone (Next.js reads the original), at most MAX_BODY bytes:
 * null when it is larger, whatever Content-Length said (a chunked post has none).
 */
async function readBody(request: NextRequest): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = request.clone().body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Read to the end (Next.js hands the proxy at most 10 MB), keeping only what fits: cancelling
  // the copy halfway leaves the request unread and the client waiting.
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size <= MAX_BODY) chunks.push(value);
  }
  if (size > MAX_BODY) return null;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A byte-order mark at the start of the multipart part named "0" (React would fail to parse it). */
function bomInPartZero(body: Uint8Array<ArrayBuffer>): boolean {
  const text = new TextDecoder("latin1").decode(body);
  return /name="0"\r\n(?:[^\r\n]+\r\n)*\r\n\u00ef\u00bb\u00bf/.test(text);
}

/**
 * Server-action posts are checked for their wire format before React decodes them
 * (lib/action-guard.ts): a malformed one is a 400, never a 500. Other posts pass untouched.
 */
async function checkActionPost(request: NextRequest, body: Uint8Array<ArrayBuffer>): Promise<Verdict> {
  const type = request.headers.get("content-type") ?? "";
  const multipart = type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded");
  try {
    if (request.headers.has("next-action")) {
      // Decoded as Next.js decodes it: a byte-order mark is kept, and refused.
      if (!multipart) return checkReply(new TextDecoder("utf-8", { ignoreBOM: true }).decode(body));
      const form = await new Response(body, { headers: { "content-type": type } }).formData();
      if (form.getAll("0").length !== 1) return { ok: false, reason: 'part "0" missing or sent twice' };
      if (bomInPartZero(body)) return { ok: false, reason: 'a byte-order mark in part "0"' };
      return checkReply(form.get("0"));
    }
    if (!multipart) return { ok: true };
    return checkFormPost(await new Response(body, { headers: { "content-type": type } }).formData());
  } catch {
    return { ok: false, reason: "unreadable body" };
  }
}

/**
 * Pages that would answer notFound() for this caller are sent to the not-found page by rewrite
 * (same URL, status 404, real HTML), because Next.js 16 renders a page's notFound() as an empty
 * body that only JavaScript fills in. Decided here by calling the same session lookup the page
 * uses and a ticket query with the same scope (ticketWhere), in the server's own process: no
 * request to ourselves, so it works whatever the scheme and host the client used. The page
 * still checks for itself.
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
    return ticketVisible(actor, number!) ? null : "ticket";
  } catch {
    return null; // the page decides
  }
}

export async function proxy(request: NextRequest) {
  if (request.method === "POST") {
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY) return tooLarge();
    const body = await readBody(request);
    if (body === null) return tooLarge();
    if (!(await checkActionPost(request, body)).ok) return unreadable();
  }
  const hidden = request.method === "GET" ? await hiddenFromCaller(request, request.nextUrl.pathname) : null;
  if (hidden) {
    const headers = new Headers(request.headers);
    headers.set("x-triage-missing", hidden);
    return NextResponse.rewrite(new URL("/_not-found-here", request.url), { request: { headers } });
  }
  return NextResponse.next();
}

export const config = {
  matcher: [
    // Posts: a form (with a content type) or a server action's call. (Literal strings: Next.js
    // reads this object at build time.)
    { source: "/((?!_next/static|_next/image|favicon.ico|robots.txt|bench-floor).*)", has: [{ type: "header", key: "content-type" }] },
    { source: "/((?!_next/static|_next/image|favicon.ico|robots.txt|bench-floor).*)", has: [{ type: "header", key: "next-action" }] },
    // Pages that answer 404 to some callers.
    "/tickets/:path+",
    "/admin",
    "/admin/:path*",
  ],
};
