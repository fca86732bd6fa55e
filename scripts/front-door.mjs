/**
 * What every request needs before Next.js sees it, decided in scripts/server.mjs (the server
 * `npm start` runs) rather than in proxy.ts: Next.js's proxy costs about 3.6 ms a request on
 * this machine whatever it does (measured on /tickets: 70 pages a second through it, 94 without),
 * more than the list's session lookup and reads together. So the front door
 *   - sets the Content-Security-Policy with a fresh nonce on the response, and on the request,
 *     where Next.js reads the nonce for its own scripts;
 *   - records the requested path (x-triage-path) for "sign in and come back";
 *   - sends a GET without a session cookie to sign-in (a shortcut: every page and action checks
 *     the session itself);
 *   - drops the headers only Triage may set (x-triage-path, x-triage-missing) and any policy the
 *     client sent as a request header (Next.js would take its nonce from it).
 * Posts are then checked by post-guard.mjs. proxy.ts is left with what needs the application: the
 * 404 of a ticket or admin page the caller may not see.
 */
import crypto from "node:crypto";

/** Pages anyone may open: the sign-in pages, and the benchmark's floor (404 unless benchmarking). */
const OPEN_PAGES = new Set(["/sign-in", "/sign-up", "/forgot-password", "/reset-password", "/bench-floor"]);
/** Over HTTPS Better Auth names the cookie with the __Secure- prefix. */
const SESSION_COOKIE = /(?:^|;)\s*(?:__Secure-)?triage\.session_token=[^;\s]/;
/** Files: no sign-in redirect, no recorded path, no nonce. */
const FILES = /^\/(?:_next\/|favicon\.ico$|robots\.txt$)/;

export function contentSecurityPolicy(nonce) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * The decision for one request: the policy, the request headers to set (null: none), and where
 * to send it instead (null: on to Next.js). Pure, for tests/front-door.test.ts.
 */
export function frontDoor({ method, url, cookie }, nonce = crypto.randomBytes(16).toString("base64")) {
  const csp = contentSecurityPolicy(nonce);
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  if (FILES.test(pathname)) return { csp, headers: null, redirect: null };
  // The path to come back to: only a path on this site, without Next.js's own _rsc marker.
  const path = url.startsWith("/") ? withoutRsc(url, q) : "/";
  const headers = { "content-security-policy": csp, "x-triage-path": path };
  if (method === "GET" && !OPEN_PAGES.has(pathname) && !SESSION_COOKIE.test(cookie ?? "")) {
    const redirect = path === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(path)}`;
    return { csp, headers, redirect };
  }
  return { csp, headers, redirect: null };
}

function withoutRsc(url, q) {
  if (q === -1 || !url.includes("_rsc=")) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  params.delete("_rsc");
  const rest = params.toString();
  return rest ? `${url.slice(0, q)}?${rest}` : url.slice(0, q);
}

/** Applies frontDoor to a Node request; true when it answered (a redirect) itself. */
export function openFrontDoor(req, res) {
  delete req.headers["x-triage-path"];
  delete req.headers["x-triage-missing"];
  delete req.headers["content-security-policy"];
  delete req.headers["content-security-policy-report-only"];
  const door = frontDoor({ method: req.method ?? "GET", url: req.url ?? "/", cookie: req.headers.cookie });
  res.setHeader("Content-Security-Policy", door.csp);
  if (door.headers) Object.assign(req.headers, door.headers);
  if (door.redirect === null) return false;
  res.writeHead(307, { Location: door.redirect, "Cache-Control": "no-store" }).end();
  return true;
}
