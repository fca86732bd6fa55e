import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM beside scripts/server.mjs, without type declarations
import { contentSecurityPolicy, frontDoor } from "../scripts/front-door.mjs";

type Door = { csp: string; headers: Record<string, string> | null; redirect: string | null };
const door = (method: string, url: string, cookie?: string): Door => frontDoor({ method, url, cookie }, "bm9uY2Vub25jZQ==");

describe("the front door (scripts/front-door.mjs)", () => {
  it("puts a nonce policy on every response and on the request", () => {
    const d = door("GET", "/tickets?q=vpn", "triage.session_token=abc.def");
    expect(d.csp).toBe(contentSecurityPolicy("bm9uY2Vub25jZQ=="));
    expect(d.csp).toContain("script-src 'self' 'nonce-bm9uY2Vub25jZQ==' 'strict-dynamic'");
    expect(d.csp).toContain("frame-ancestors 'none'");
    expect(d.csp).not.toContain("unsafe-inline'; script");
    expect(d.headers).toEqual({ "content-security-policy": d.csp, "x-triage-path": "/tickets?q=vpn" });
    expect(d.redirect).toBeNull();
  });

  it("draws a fresh nonce for each request", () => {
    const a = frontDoor({ method: "GET", url: "/sign-in" }) as Door;
    const b = frontDoor({ method: "GET", url: "/sign-in" }) as Door;
    expect(a.csp).not.toBe(b.csp);
  });

  it("sends a page request without a session cookie to sign in and back", () => {
    expect(door("GET", "/tickets/12?x=1").redirect).toBe(`/sign-in?next=${encodeURIComponent("/tickets/12?x=1")}`);
    expect(door("GET", "/").redirect).toBe("/sign-in");
    expect(door("GET", "/tickets", "other=1; triage.session_token=").redirect).not.toBeNull();
    expect(door("GET", "/tickets", "xtriage.session_token=abc").redirect).not.toBeNull();
  });

  it("lets through the public pages, posts, files and a session", () => {
    for (const url of ["/sign-in", "/sign-up?next=%2Ftickets", "/forgot-password", "/reset-password?token=x"]) {
      expect(door("GET", url).redirect, url).toBeNull();
    }
    expect(door("POST", "/tickets/new").redirect).toBeNull();
    expect(door("GET", "/_next/static/chunks/app.js").redirect).toBeNull();
    expect(door("GET", "/_next/static/chunks/app.js").headers).toBeNull();
    expect(door("GET", "/favicon.ico").redirect).toBeNull();
    expect(door("GET", "/tickets", "__Secure-triage.session_token=abc.def").redirect).toBeNull();
    expect(door("GET", "/tickets", "a=1; triage.session_token=abc.def; b=2").redirect).toBeNull();
  });
});
