/**
 * What every request needs before Next.js sees it, decided in server/server.mjs (the server
 * `npm start` and `npm run dev` run) rather than in proxy.ts: Next.js's proxy has a fixed cost on
 * every request it runs for, which the ticket list and a create should not pay. So the front door
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

/** `npm run dev`: server.mjs --dev sets NODE_ENV before it loads this module. */
const DEV = process.env.NODE_ENV === "development";

/**
 * Pages anyone may open: the sign-in pages, and the benchmark's floor when the benchmark built and
 * started Triage (TRIAGE_BENCH_FLOOR=1: only then is /bench-floor in the build, next.config.mjs).
 */
const OPEN_PAGES = new Set([
  "/sign-in",
  "/sign-up",
  "/forgot-password",
  "/reset-password",
  ...(process.env.TRIAGE_BENCH_FLOOR === "1" ? ["/bench-floor"] : []),
]);
/** Over HTTPS Better Auth names the cookie with the __Secure- prefix. */
const SESSION_COOKIE = /(?:^|;)\s*(?:__Secure-)?triage\.session_token=[^;\s]/;

/** Whether a page is one anyone may open (its forms are the signed-out ones). */
export const isOpenPage = (pathname) => OPEN_PAGES.has(pathname);

/** Whether a request carries a session cookie at all (what it is worth, the app decides). */
export const hasSessionCookie = (cookie) => SESSION_COOKIE.test(cookie ?? "");
/**
 * Files: no sign-in redirect, no recorded path, no nonce. Those of Next.js, attachments through
 * links in mail (/files/…, signed: app/files/[token]/route.ts), and /readyz for a load balancer
 * (app/readyz/route.ts; /healthz never gets here, server.mjs answers it). In development also
 * Next.js's own endpoints for its error overlay (/__nextjs_source-map and the like), which exist
 * only there.
 */
const FILES = DEV
  ? /^\/(?:_next\/|files\/|__nextjs_|favicon\.ico$|robots\.txt$|readyz$)/
  : /^\/(?:_next\/|files\/|favicon\.ico$|robots\.txt$|readyz$)/;

/**
 * Attachments' downloads (/tickets/N/attachments/ID, and /files/<token> from links in mail): a
 * policy of their own that lets nothing run, style or frame, even an image opened on its own
 * (lib/files/serve.ts sets the same, for a server without this door).
 */
const DOWNLOAD = /^\/(?:tickets\/[^/]+\/attachments\/[^/]+|files\/[^/]+)$/;
export const DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; sandbox";

/**
 * The private header a download states its length in (lib/files/serve.ts): Next.js drops a route's
 * Content-Length and sends the body chunked, so the door puts it back (see openFrontDoor).
 */
const LENGTH = "x-triage-length";

/**
 * The policy for a nonce. In development React rebuilds server stack traces with eval(), so
 * Next.js's CSP guide adds 'unsafe-eval' there; the production build never needs it.
 */
export function contentSecurityPolicy(nonce, dev = DEV) {
  return [
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
}

/**
 * The decision for one request: the policy, the request headers to set (null: none), and where
 * to send it instead (null: on to Next.js). Pure, for tests/server/front-door.test.ts.
 */
export function frontDoor({ method, url, cookie }, nonce = crypto.randomBytes(16).toString("base64")) {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  const csp = DOWNLOAD.test(pathname) ? DOWNLOAD_CSP : contentSecurityPolicy(nonce);
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
  if (door.csp === DOWNLOAD_CSP) withLength(res);
  if (door.headers) Object.assign(req.headers, door.headers);
  if (door.redirect === null) return false;
  res.writeHead(307, { Location: door.redirect, "Cache-Control": "no-store" }).end();
  return true;
}

/**
 * A download's length, as Content-Length: the header the route set (LENGTH) becomes the real one
 * as the head goes out, so the body is sent with its length, not chunked (a client shows progress
 * and knows a cut-short download for what it is).
 */
function withLength(res) {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    const length = res.getHeader(LENGTH);
    if (length !== undefined) {
      res.removeHeader(LENGTH);
      if (/^\d+$/.test(String(length)) && res.statusCode !== 304) res.setHeader("Content-Length", String(length));
    }
    return writeHead.apply(this, args);
  };
}
