/** Types of client-address.mjs (plain JavaScript: server/server.mjs imports it too). */
export function clientAddress(peer: string | null, forwardedFor: string | null, trusted: readonly string[]): string | null;
export function throttleKey(address: string): string;
export function normalise(raw: string | null | undefined): string | null;
export function isTrusted(address: string, trusted: readonly string[]): boolean;
export function parseTrustedProxies(raw: string | undefined): string[] | { error: string };
