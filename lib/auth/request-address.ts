import "server-only";
import { headers } from "next/headers";
import { clientAddress, throttleKey } from "../address";
import { env } from "../env";

let warnedUntrusted = false;

/**
 * The client's address as throttling counts it: the TCP peer, or what trusted proxies say it was
 * (lib/address.ts), IPv6 by its /64. Null when Triage was not started by server/server.mjs.
 */
export async function requestAddress(): Promise<string | null> {
  const address = await requestClientAddress();
  return address === null ? null : throttleKey(address);
}

/** The same client's address as it is (the audit log records who came from where exactly). */
export async function requestClientAddress(): Promise<string | null> {
  const h = await headers();
  const name = process.env.TRIAGE_PEER_HEADER;
  const peer = name ? h.get(name) : null;
  const { TRIAGE_TRUSTED_PROXIES: trusted } = env();
  const address = clientAddress(peer, h.get("x-forwarded-for"), trusted);
  if (!warnedUntrusted && peer && trusted.length === 0 && h.has("x-forwarded-for")) {
    // Behind a proxy that is not trusted, everyone shares the proxy's address and its limit.
    warnedUntrusted = true;
    console.warn(`X-Forwarded-For from ${peer} is ignored: if a reverse proxy is in front, list it in TRIAGE_TRUSTED_PROXIES.`);
  }
  return address;
}
