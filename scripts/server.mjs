/**
 * Serves the production build: Next.js in this process behind Node's HTTP server, so that each
 * request carries the address of its TCP peer in a header whose name is drawn at random when the
 * process starts (TRIAGE_PEER_HEADER, read by lib/auth/address.ts): a client can neither set nor
 * guess it, and when Triage runs some other way (next start, next dev) there is no such header
 * and no address is believed. Sign-in throttling counts per client address, and with `next start`
 * the only address a page can see is X-Forwarded-For, which any client can write.
 * Each request goes through the front door first (front-door.mjs: the Content-Security-Policy
 * and its nonce, the recorded path, the sign-in redirect; post-guard.mjs: the wire check of
 * posts), which Next.js's proxy did at a cost of about 3.6 ms a request; so pages served some
 * other way (next start, next dev) have no CSP, and a malformed action post there is a 500.
 * Started by scripts/start.ts after the build and the migrations.
 */
import crypto from "node:crypto";
import http from "node:http";
import path from "node:path";
import next from "next";
import { openFrontDoor } from "./front-door.mjs";
import { guardPost } from "./post-guard.mjs";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT || 3000);
// What `next start` sets: where Next.js fetches a server action's redirect target from, on this
// machine. Without it Next builds that URL from X-Forwarded-Proto (https behind a TLS proxy) and
// the request's host, and talks TLS to this plain-HTTP port.
process.env.__NEXT_PRIVATE_ORIGIN = `http://localhost:${port}`;

const PEER_HEADER = `x-triage-peer-${crypto.randomBytes(12).toString("hex")}`;
process.env.TRIAGE_PEER_HEADER = PEER_HEADER;

const app = next({ dev: false, dir: root, port, hostname: "localhost" });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  if (openFrontDoor(req, res)) return;
  guardPost(req, res, (checked) => handle(checked, res));
});
// Behind a proxy that keeps connections open: outlive its idle timeout (nginx: 60 s).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// Every interface, as `next start` does.
server.listen(port, () => {
  console.log(`Triage is listening on http://localhost:${port}`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    app.close?.().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
