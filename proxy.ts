import { NextResponse, type NextRequest } from "next/server";

/**
 * Runs before every page: sets the Content-Security-Policy with a fresh nonce (Next.js puts it
 * on its own scripts), records the requested path for "sign in and come back", and sends visitors
 * without a session cookie straight to sign-in. That last step is only a shortcut: every page and
 * action checks the session itself (lib/auth/session.ts).
 */
const PUBLIC = new Set(["/sign-in", "/sign-up"]);
/** Matches serverActions.bodySizeLimit in next.config.mjs. */
const MAX_BODY = 4 * 1024 * 1024;

function tooLarge(csp: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Too large · Triage</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<main><h1>That was too large to accept</h1><p>The form you sent is over 4 MB. Titles can be up to 200 characters and descriptions and comments up to 20,000. Nothing was saved.</p>
<p>Go back, shorten the text, and send it again.</p><p><a href="/tickets">Go to the ticket list</a></p></main></body></html>`;
  return new NextResponse(html, {
    status: 413,
    headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": csp },
  });
}

/**
 * Pages that would answer notFound() for this caller are sent to the not-found page by rewrite
 * (same URL, status 404, real HTML), because Next.js 16 renders a page's notFound() as an empty
 * body that only JavaScript fills in. The page still checks for itself.
 */
async function hiddenFromCaller(request: NextRequest, pathname: string): Promise<"ticket" | "page" | null> {
  let query: string | null = null;
  const ticket = /^\/tickets\/([^/]+)\/?$/.exec(pathname);
  if (ticket && ticket[1] !== "new" && ticket[1] !== "export") {
    if (!/^[1-9]\d{0,14}$/.test(ticket[1]) || !Number.isSafeInteger(Number(ticket[1]))) return "ticket";
    query = `ticket=${ticket[1]}`;
  } else if (pathname === "/admin" || pathname.startsWith("/admin/")) {
    query = "area=admin";
  }
  if (!query) return null;
  try {
    const res = await fetch(new URL(`/api/access?${query}`, request.nextUrl.origin), {
      headers: { cookie: request.headers.get("cookie") ?? "", "x-forwarded-proto": request.headers.get("x-forwarded-proto") ?? "" },
      cache: "no-store",
    });
    return res.status === 404 ? (ticket ? "ticket" : "page") : null;
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

  if (request.method === "POST" && Number(request.headers.get("content-length") ?? 0) > MAX_BODY) {
    return tooLarge(csp);
  }

  const { pathname, search } = request.nextUrl;
  const hasSession = request.cookies.getAll().some((c) => /(^|\.)triage\.session_token$/.test(c.name));
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
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt|bench-floor|api/access).*)"],
};
