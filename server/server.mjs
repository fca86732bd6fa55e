/**
 * The one door for every request: Next.js in this process behind Node's HTTP server, for
 * `npm start` (the production build) and `npm run dev` (`--dev`: Next.js compiles on demand and
 * reloads), started by server/start.ts after the build and the migrations.
 *
 * Each request first goes through the front door (front-door.mjs: the Content-Security-Policy and
 * its nonce, the recorded path, the sign-in redirect; post-guard.mjs: the wire check of posts).
 * They run here rather than in Next.js's proxy because the proxy has a fixed cost on every request
 * it runs for, which the ticket list and a create should not pay (README, "Performance"); and the
 * same code serves development and production, so development shows the same policy, redirects
 * and refusals.
 *
 * Each request also carries the address of its TCP peer, in a header whose name is drawn at random
 * when the process starts (TRIAGE_PEER_HEADER, read by lib/address.ts): a client can neither
 * set nor guess it. Sign-in throttling counts per client address, and without this server (plain
 * `next start` or `next dev`) the only address a page could see is X-Forwarded-For, which any
 * client can write; there no address is believed.
 *
 * Each request has an id, fresh or the X-Request-Id of a trusted proxy (TRIAGE_TRUSTED_PROXIES),
 * returned in the X-Request-Id response header, given to the app in the same request header, and
 * named on every line logged while it is answered; when its response is done it gets one line of
 * the log: method, path without its query, status, time, bytes, client address (lib/log.mjs,
 * text or TRIAGE_LOG_FORMAT=json; `console` is patched once, here, so that the app's own lines
 * are JSON too).
 *
 * For a load balancer: GET /healthz answers "ok" from this process alone (no database, no Next.js),
 * and /readyz (app/readyz/route.ts) whether the database answers and its migrations are current;
 * here it answers 503 as soon as the process is shutting down.
 *
 * On SIGTERM (or SIGINT) it finishes the requests in flight (each response then closes its
 * connection), answers any request on a connection opened after the signal with 503 "shutting
 * down" (never processed: a proxy may send it to another process), closes idle keep-alive
 * connections (a request that meets one as it closes is dropped unstarted, for the same reason),
 * lets the mail workers finish the message each is on, stops listening once nothing new has come
 * for a moment, and exits 0: at most TRIAGE_SHUTDOWN_SECONDS (20) later, when whatever is left is
 * cut off. So until that limit, every request it received was answered or never started. It keeps listening
 * until then because closing a listening socket resets the connections the kernel has accepted
 * and Node.js has not yet taken, whose clients are already sending.
 *
 *   node server/server.mjs [--dev]      (PORT, default 3000)
 */
import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { clientAddress, isTrusted, normalise, parseTrustedProxies } from "../lib/client-address.mjs";
import { logResponse, patchConsole, requestContext, requestIdFor } from "../lib/log.mjs";

// First: whatever is printed from here on (Next.js's warnings included) is a line of the log.
patchConsole();

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT || 3000);
const dev = process.argv.includes("--dev");
// As `next dev` and `next start` set it; the front door reads it when it loads (below).
process.env.NODE_ENV = dev ? "development" : "production";
// The key that signs the tokens files in posts become (uploads.mjs; lib/files/uploads.ts checks
// them in this same process): drawn here, never configured, so nobody outside can make one.
process.env.TRIAGE_UPLOAD_KEY = crypto.randomBytes(32).toString("hex");
const { openFrontDoor } = await import("./front-door.mjs");
const { guardPost } = await import("./post-guard.mjs");
const { default: next } = await import("next");

// Workaround of a framework limit. When a server action redirects, Next.js fetches the target
// from this server, at the origin `next start` puts in this private variable; a custom server
// that leaves it unset gets an origin whose scheme comes from X-Forwarded-Proto, so behind a TLS
// proxy Next.js talks TLS to this plain-HTTP port and the redirect fails (vercel/next.js#63114;
// the action handler's own comment says "TODO: Remove __NEXT_PRIVATE_ORIGIN"). It can go when
// Next.js takes a custom server's origin from the server itself (its scheme, hostname and port):
// then e2e/tls (redirecting actions behind nginx and Caddy) passes without this line.
process.env.__NEXT_PRIVATE_ORIGIN = `http://localhost:${port}`;

const PEER_HEADER = `x-triage-peer-${crypto.randomBytes(12).toString("hex")}`;
process.env.TRIAGE_PEER_HEADER = PEER_HEADER;
/** Proxies whose X-Forwarded-For and X-Request-Id are believed (server/start.ts validated the list). */
const trusted = parseTrustedProxies(process.env.TRIAGE_TRUSTED_PROXIES);
const TRUSTED = Array.isArray(trusted) ? trusted : [];

/** How long a shutdown waits for the requests in flight and the mail workers. */
const SHUTDOWN_MS = Math.max(1, Number(process.env.TRIAGE_SHUTDOWN_SECONDS) || 20) * 1000;
let draining = false;
/** When the signal came (connections opened since are answered 503). */
let drainingSince = Infinity;

/** A plain-text answer of the process's own, not cached. */
function plain(res, status, text) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(`${text}\n`);
}

/**
 * Each open connection: requests being answered on it, whether it has had one, when it opened.
 * @type {Map<import("node:net").Socket, { active: number, served: boolean, openedAt: number }>}
 */
const connections = new Map();

/** @type {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>} */
let handle;
const server = http.createServer((req, res) => {
  // Its id: on the response, on the request for the app (X-Request-Id), and on every line logged
  // while it is answered; its line is written when the response is done (lib/log.mjs). A request
  // that carries the peer header is this process's own: Next.js fetching the page a server action
  // redirects to, with the post's headers (whose response headers it copies into the post's). It
  // keeps the post's id, and its line names the post's client.
  const peer = req.socket.remoteAddress ?? "";
  const forwardedPeer = req.headers[PEER_HEADER];
  const own = typeof forwardedPeer === "string";
  const requestId = requestIdFor(req.headers["x-request-id"], own || isTrusted(normalise(peer) ?? "", TRUSTED));
  req.headers["x-request-id"] = requestId;
  res.setHeader("x-request-id", requestId);
  const client = () => clientAddress(own ? forwardedPeer : peer, req.headers["x-forwarded-for"] ?? null, TRUSTED);
  logResponse(req, res, { requestId, client });
  // A request on a connection this process has already closed (an idle keep-alive one, while
  // shutting down) is not started, as if it had never come: no answer can go back on it, and a
  // proxy that sees the connection drop sends it to another process (README: rolling restarts).
  // Its line says status 0, aborted.
  if (req.socket.writableEnded) return void req.socket.destroy();
  const conn = connections.get(req.socket);
  if (conn) {
    conn.active++;
    res.once("close", () => {
      conn.active--;
      conn.served = true;
      // Shutting down: a keep-alive connection whose answer was begun before is not reused.
      if (draining && conn.active === 0) req.socket.end();
    });
  }
  requestContext.run({ requestId }, () => answer(req, res, conn));
});

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {{ active: number, served: boolean, openedAt: number } | undefined} conn
 */
function answer(req, res, conn) {
  const pathname = (req.url ?? "/").split("?")[0];
  if (pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")) return plain(res, 200, "ok");
  if (draining) {
    // Each answer from now on closes its connection, so that keep-alive clients come back to
    // the other processes; a load balancer asking whether to send more hears no, and a request
    // that came after the signal on a new connection is not started.
    res.setHeader("connection", "close");
    if (pathname === "/readyz" || (conn && conn.openedAt >= drainingSince)) {
      res.setHeader("retry-after", "1");
      return plain(res, 503, "shutting down");
    }
  }
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  if (openFrontDoor(req, res)) return;
  // The post guard may call back from a stream's event, outside this request's context: bound.
  guardPost(req, res, AsyncLocalStorage.bind((checked) => handle(checked, res)));
}
// In development Next.js answers its reloading socket on this server's upgrade requests.
const app = next({ dev, dir: root, port, hostname: "localhost", httpServer: server });
handle = app.getRequestHandler();
await app.prepare();

server.on("connection", (socket) => {
  connections.set(socket, { active: 0, served: false, openedAt: Date.now() });
  socket.once("close", () => connections.delete(socket));
});

// Behind a proxy that keeps connections open: outlive its idle timeout (nginx: 60 s).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// Every interface, as `next start` does.
server.listen(port, () => {
  console.log(`Triage is listening on http://localhost:${port}${dev ? " (development)" : ""}`);
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function shutdown(signal) {
  if (draining) return;
  draining = true;
  drainingSince = Date.now();
  const deadline = drainingSince + SHUTDOWN_MS;
  console.log(`[triage] ${signal}: finishing the requests in flight (at most ${SHUTDOWN_MS / 1000} s)…`);
  /** @type {{ stop?: () => Promise<void> } | undefined} */
  const workers = globalThis.triageWorkers;
  let workersDone = false;
  void Promise.resolve(workers?.stop?.()).finally(() => (workersDone = true));
  // Until every connection from before the signal is done (and the workers are): those between
  // requests are closed; one that has not sent its first request yet gets a moment to.
  const before = () => [...connections].filter(([, c]) => c.openedAt < drainingSince);
  for (;;) {
    for (const [socket, c] of before()) {
      if (c.active === 0 && (c.served || Date.now() - c.openedAt > 2000)) socket.end();
    }
    if ((before().length === 0 && workersDone) || Date.now() > deadline) break;
    await sleep(25);
  }
  // Stop listening once no connection has come for 100 ms (at most 1 s more). (net.Server's
  // close, not http.Server's, which since Node.js 19 also drops every connection without a
  // request under way, including one whose request has not been read yet.)
  let lastConnection = Math.max(0, ...[...connections.values()].map((c) => c.openedAt));
  for (const stopAt = Math.min(deadline, Date.now() + 1000); Date.now() - lastConnection < 100 && Date.now() < stopAt; ) {
    await sleep(25);
    lastConnection = Math.max(lastConnection, ...[...connections.values()].map((c) => c.openedAt));
  }
  const closed = new Promise((resolve) => net.Server.prototype.close.call(server, () => resolve(true)));
  const inTime = await Promise.race([closed, sleep(Math.max(0, deadline - Date.now()) + 100).then(() => false)]);
  if (!inTime || Date.now() > deadline) {
    console.log("[triage] shutdown: time is up, closing what is left");
    server.closeAllConnections();
  }
  await Promise.race([app.close?.(), sleep(2000)]).catch(() => undefined);
  console.log(`[triage] stopped in ${((Date.now() - drainingSince) / 1000).toFixed(1)} s`);
  process.exit(0);
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void shutdown(signal));
