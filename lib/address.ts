/**
 * The client's address, for throttling (and for each request's log line). The rules live in
 * client-address.mjs, plain JavaScript, because server/server.mjs, which Node.js runs without a
 * TypeScript step, applies the same ones when it logs a request; the app imports them from here.
 */
export { clientAddress, isTrusted, normalise, parseTrustedProxies, throttleKey } from "./client-address.mjs";
