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
 *   node server/server.mjs [--dev]      (PORT, default 3000)
 */
import crypto from "node:crypto";
import http from "node:http";
import path from "node:path";
import next from "next";

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

/** @type {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>} */
let handle;
const server = http.createServer((req, res) => {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  if (openFrontDoor(req, res)) return;
  guardPost(req, res, (checked) => handle(checked, res));
});
// In development Next.js answers its reloading socket on this server's upgrade requests.
const app = next({ dev, dir: root, port, hostname: "localhost", httpServer: server });
handle = app.getRequestHandler();
await app.prepare();

// Behind a proxy that keeps connections open: outlive its idle timeout (nginx: 60 s).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// Every interface, as `next start` does.
server.listen(port, () => {
  console.log(`Triage is listening on http://localhost:${port}${dev ? " (development)" : ""}`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    app.close?.().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
