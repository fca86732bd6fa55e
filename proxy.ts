import { NextResponse, type NextRequest } from "next/server";

/**
 * Runs before every page: sets the Content-Security-Policy with a fresh nonce (Next.js puts it
 * on its own scripts), records the requested path for "sign in and come back", and sends visitors
 * without a session cookie straight to sign-in. That last step is only a shortcut: every page and
 * action checks the session itself (lib/auth/session.ts).
 */
const PUBLIC = new Set(["/sign-in", "/sign-up"]);

export function proxy(request: NextRequest) {
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

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("x-triage-path", pathname + search);
  requestHeaders.set("Content-Security-Policy", csp);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|robots.txt|bench-floor).*)",
      missing: [{ type: "header", key: "next-action" }],
    },
  ],
};
