/**
 * The client's address: the one rule, in plain JavaScript so that both server/server.mjs (the
 * address on each request's log line, lib/log.mjs) and the app (sign-in and sign-up throttling,
 * through lib/address.ts) use it. Types: client-address.d.mts; tests: address.test.ts.
 */
import { isIP } from "node:net";

/**
 * The client's address, for throttling. It is the TCP peer's address, which server/server.mjs
 * records in a header only it knows the name of (TRIAGE_PEER_HEADER; a client cannot set it).
 * `X-Forwarded-For` is believed only as far as it was written by proxies listed in
 * TRIAGE_TRUSTED_PROXIES: from the peer backwards, each trusted hop names the one before it, and
 * the first untrusted one is the client. An entry that is not an address ends the walk with no
 * address (a trusted proxy wrote something we cannot read; what is before it is anybody's).
 * Without trusted proxies a client cannot pick its own address by sending a header.
 */
export function clientAddress(peer, forwardedFor, trusted) {
  let current = normalise(peer);
  if (!current) return null;
  const hops = (forwardedFor ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  while (isTrusted(current, trusted) && hops.length) {
    const next = normalise(hops.pop());
    if (!next) return null;
    current = next;
  }
  return current;
}

/**
 * The key an address is throttled under: an IPv4 address as it is, an IPv6 address by its /64
 * (one subscriber usually holds a whole /64, and could otherwise try from 2^64 addresses).
 */
export function throttleKey(address) {
  if (isIP(address) !== 6) return address;
  const [head, tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** "::ffff:127.0.0.1" -> "127.0.0.1"; anything that is not an IP address -> null. */
export function normalise(raw) {
  if (!raw) return null;
  let s = raw.trim().toLowerCase();
  if (s.startsWith("[") && s.includes("]")) s = s.slice(1, s.indexOf("]"));
  if (s.startsWith("::ffff:") && isIP(s.slice(7)) === 4) s = s.slice(7);
  return isIP(s) ? s : null;
}

/** Whether an address is one of the trusted proxies: exact addresses or IPv4 CIDR ranges. */
export function isTrusted(address, trusted) {
  return trusted.some((t) => {
    const [net, bits] = t.split("/");
    if (bits === undefined) return normalise(net) === address;
    if (isIP(net) !== 4 || isIP(address) !== 4) return false;
    const n = Number(bits);
    if (!Number.isInteger(n) || n < 0 || n > 32) return false;
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    return ((ipv4(net) & mask) >>> 0) === ((ipv4(address) & mask) >>> 0);
  });
}

/** @param {string} s */
const ipv4 = (s) => s.split(".").reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);

/** TRIAGE_TRUSTED_PROXIES as a list; each entry must be an IP address or an IPv4 CIDR range. */
export function parseTrustedProxies(raw) {
  const list = (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (const t of list) {
    const [net, bits] = t.split("/");
    const okNet = bits === undefined ? isIP(net) !== 0 : isIP(net) === 4 && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
    if (!okNet) return { error: `"${t}" is not an IP address or an IPv4 range like 10.0.0.0/8` };
  }
  return list;
}
