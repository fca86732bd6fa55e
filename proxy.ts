import { NextResponse, type NextRequest } from "next/server";
import { actorFromHeaders } from "@/lib/auth/actor";
import { getTicketRow } from "@/lib/tickets/queries";
import { parseTicketNumber } from "@/lib/tickets/schema";
import { checkFormPost, checkReply, type Verdict } from "@/lib/action-guard";

/**
 * Runs before every page: sets the Content-Security-Policy with a fresh nonce (Next.js puts it
 * on its own scripts), records the requested path for "sign in and come back", and sends visitors
 * without a session cookie straight to sign-in. That last step is only a shortcut: every page and
 * action checks the session itself (lib/auth/session.ts).
 */
const PUBLIC = new Set(["/sign-in", "/sign-up", "/forgot-password", "/reset-password"]);
const SESSION_COOKIE = /^(__Secure-)?triage\.session_token$/;
/** Matches serverActions.bodySizeLimit in next.config.mjs. */
const MAX_BODY = 4 * 1024 * 1024;

/** A plain page for a post refused before any action ran. Nothing was saved. */
function refusal(status: number, title: string, body: string, csp: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Triage</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<main><h1>${title}</h1>${body}<p><a href="/tickets">Go to the ticket list</a></p></main></body></html>`;
  return new NextResponse(html, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": csp },
  });
}

const tooLarge = (csp: string) =>
  refusal(
    413,
    "That was too large to accept",
    "<p>The form you sent is over 4 MB. Titles can be up to 200 characters and descriptions and comments up to 20,000. Nothing was saved.</p><p>Go back, shorten the text, and send it again.</p>",
    csp,
  );

const unreadable = (csp: string) =>
  refusal(
    400,
    "That form could not be read",
    "<p>What was sent is not a form this site made, so nothing was saved. Go back, reload the page, and try again.</p>",
    csp,
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
 * body that only JavaScript fills in. Decided here by calling the same session lookup and the
 * same ticket query the page uses (the proxy runs on Node.js, in the server's process): no
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
    return (await getTicketRow(actor, number!)) ? null : "ticket";
  } catch {
    return null; // the page decides
  }
}

export async function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const dev = process.env.NODE_ENV !== "production";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  if (request.method === "POST") {
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY) return tooLarge(csp);
    const body = await readBody(request);
    if (body === null) return tooLarge(csp);
    if (!(await checkActionPost(request, body)).ok) return unreadable(csp);
  }

  const { pathname, search } = request.nextUrl;
  // Over HTTPS Better Auth names the cookie with the __Secure- prefix.
  const hasSession = request.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name));
  if (!hasSession && !PUBLIC.has(pathname) && request.method === "GET") {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
    const res = NextResponse.redirect(url);
    res.headers.set("Content-Security-Policy", csp);
    return res;
  }

  const hidden = request.method === "GET" ? await hiddenFromCaller(request, pathname) : null;
  if (hidden) {
    const headers = withCsp(request, nonce, csp);
    headers.set("x-triage-missing", hidden);
    const res = NextResponse.rewrite(new URL("/_not-found-here", request.url), { request: { headers } });
    res.headers.set("Content-Security-Policy", csp);
    return res;
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.delete("x-triage-missing");
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("x-triage-path", pathname + search);
  requestHeaders.set("Content-Security-Policy", csp);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

function withCsp(request: NextRequest, nonce: string, csp: string): Headers {
  const h = new Headers(request.headers);
  h.set("x-nonce", nonce);
  h.set("Content-Security-Policy", csp);
  return h;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt|bench-floor).*)"],
};
