/**
 * Where to go after signing in: only a path on this site. Absolute URLs, protocol-relative
 * "//host" and backslash tricks are ignored (null).
 */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || next.length > 2000) return null;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  if (/[\u0000-\u001f\\]/.test(next)) return null;
  try {
    const url = new URL(next, "http://triage.invalid");
    if (url.origin !== "http://triage.invalid") return null;
    if (url.pathname === "/sign-in" || url.pathname === "/sign-up") return null;
    // Dot segments are resolved by URL: "/.//evil" comes out as "//evil", a protocol-relative URL.
    if (url.pathname.startsWith("//")) return null;
    return url.pathname + url.search + url.hash;
  } catch {
    return null;
  }
}

/** A session past its absolute lifetime ends, however recently it was used. */
export function sessionTooOld(createdAt: Date, now: Date, maxSeconds: number): boolean {
  return now.getTime() - new Date(createdAt).getTime() > maxSeconds * 1000;
}
