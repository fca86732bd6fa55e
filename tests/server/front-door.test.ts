import { afterEach, describe, expect, it, vi } from "vitest";
// @ts-expect-error: plain ESM run by server/server.mjs, without type declarations
import { contentSecurityPolicy, DOWNLOAD_CSP, frontDoor, openFrontDoor } from "../../server/front-door.mjs";
import http from "node:http";
import type { AddressInfo } from "node:net";

type Door = { csp: string; headers: Record<string, string> | null; redirect: string | null };
const door = (method: string, url: string, cookie?: string): Door => frontDoor({ method, url, cookie }, "bm9uY2Vub25jZQ==");

describe("the front door (server/front-door.mjs)", () => {
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
    // A load balancer's readiness check has no session; /readyz-something is a page like any other.
    expect(door("GET", "/readyz").redirect).toBeNull();
    expect(door("GET", "/readyz/x").redirect).not.toBeNull();
    expect(door("GET", "/tickets", "__Secure-triage.session_token=abc.def").redirect).toBeNull();
    expect(door("GET", "/tickets", "a=1; triage.session_token=abc.def; b=2").redirect).toBeNull();
  });
});

describe("what the front door reads from the environment when it loads", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });
  type Module = { frontDoor: typeof frontDoor; contentSecurityPolicy: typeof contentSecurityPolicy };
  async function load(env: Record<string, string>): Promise<Module> {
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    vi.resetModules();
    // @ts-expect-error: plain ESM run by server/server.mjs, without type declarations
    return (await import("../../server/front-door.mjs")) as Module;
  }

  it("opens the benchmark's floor only when the benchmark started Triage (TRIAGE_BENCH_FLOOR=1)", async () => {
    expect(door("GET", "/bench-floor").redirect).toBe(`/sign-in?next=${encodeURIComponent("/bench-floor")}`);
    const bench = await load({ TRIAGE_BENCH_FLOOR: "1" });
    const d = bench.frontDoor({ method: "GET", url: "/bench-floor?part=rows" }, "bm9uY2Vub25jZQ==") as Door;
    expect(d.redirect).toBeNull();
    expect(d.headers).not.toBeNull();
  });

  it("in development (npm run dev): the same policy with 'unsafe-eval' for React, and Next.js's overlay endpoints pass", async () => {
    expect(contentSecurityPolicy("bm9uY2Vub25jZQ==")).not.toContain("unsafe-eval");
    expect(door("GET", "/__nextjs_source-map?filename=x").redirect).not.toBeNull();
    const dev = await load({ NODE_ENV: "development" });
    const policy = dev.contentSecurityPolicy("bm9uY2Vub25jZQ==");
    expect(policy).toContain("script-src 'self' 'nonce-bm9uY2Vub25jZQ==' 'strict-dynamic' 'unsafe-eval'");
    expect(policy.replace(" 'unsafe-eval'", "")).toBe(contentSecurityPolicy("bm9uY2Vub25jZQ=="));
    const d = dev.frontDoor({ method: "GET", url: "/tickets" }, "bm9uY2Vub25jZQ==") as Door;
    expect(d).toMatchObject({ csp: policy, redirect: "/sign-in?next=%2Ftickets" });
    expect((dev.frontDoor({ method: "GET", url: "/__nextjs_source-map?filename=x" }) as Door).redirect).toBeNull();
  });
});

describe("the path recorded for coming back", () => {
  it("leaves out Next.js's _rsc marker and anything that is not a path on this site", () => {
    expect(door("GET", "/tickets/5?_rsc=abc").redirect).toBe(`/sign-in?next=${encodeURIComponent("/tickets/5")}`);
    expect(door("GET", "/tickets?q=vpn&_rsc=abc&page=2", "triage.session_token=a.b").headers?.["x-triage-path"]).toBe("/tickets?q=vpn&page=2");
    expect(door("GET", "http://evil.example/tickets").redirect).toBe("/sign-in");
    expect(door("GET", "http://evil.example/tickets").headers?.["x-triage-path"]).toBe("/");
  });
});

describe("openFrontDoor on a Node request", () => {
  function run(headers: Record<string, string>, url = "/tickets") {
    const req = { method: "GET", url, headers: { ...headers } } as { method: string; url: string; headers: Record<string, string> };
    const set: Record<string, string> = {};
    let status = 0;
    let location = "";
    const res = {
      setHeader: (k: string, v: string) => void (set[k.toLowerCase()] = v),
      writeHead(code: number, h: Record<string, string>) {
        status = code;
        location = h.Location;
        return { end: () => undefined };
      },
    };
    const answered = openFrontDoor(req, res);
    return { answered, req, set, status, location };
  }

  it("replaces what a client sent in the headers only Triage sets", () => {
    const r = run({
      cookie: "triage.session_token=a.b",
      "x-triage-path": "//evil.example",
      "x-triage-missing": "ticket",
      "content-security-policy": "script-src 'nonce-chosen-by-client'",
      "content-security-policy-report-only": "x",
    });
    expect(r.answered).toBe(false);
    expect(r.req.headers["x-triage-path"]).toBe("/tickets");
    expect(r.req.headers["x-triage-missing"]).toBeUndefined();
    expect(r.req.headers["content-security-policy-report-only"]).toBeUndefined();
    expect(r.req.headers["content-security-policy"]).not.toContain("chosen-by-client");
    expect(r.req.headers["content-security-policy"]).toBe(r.set["content-security-policy"]);
  });

  it("drops a client's policy header on files too, and answers a visitor with the redirect", () => {
    const file = run({ "content-security-policy": "script-src 'nonce-x'" }, "/_next/static/a.js");
    expect(file.req.headers["content-security-policy"]).toBeUndefined();
    const visitor = run({}, "/tickets?q=1");
    expect(visitor).toMatchObject({ answered: true, status: 307, location: `/sign-in?next=${encodeURIComponent("/tickets?q=1")}` });
  });
});

describe("downloads", () => {
  it("get a policy that lets nothing run; a file link from mail needs no session, a ticket's download does", () => {
    expect(DOWNLOAD_CSP).toBe("default-src 'none'; img-src 'self'; sandbox");
    const ticket = door("GET", "/tickets/12/attachments/3");
    expect(ticket.csp).toBe(DOWNLOAD_CSP);
    expect(ticket.redirect).toBe(`/sign-in?next=${encodeURIComponent("/tickets/12/attachments/3")}`);
    const mailed = door("GET", "/files/1.2.cml0YQ.1799999999.abc");
    expect(mailed).toEqual({ csp: DOWNLOAD_CSP, headers: null, redirect: null });
    expect(door("GET", "/tickets/12", "triage.session_token=a.b").csp).not.toBe(DOWNLOAD_CSP);
    expect(door("GET", "/tickets/12/attachments/3/x", "triage.session_token=a.b").csp).not.toBe(DOWNLOAD_CSP);
  });

  it("go out with the length the route states, not chunked; other responses are left as they are", async () => {
    const server = http.createServer((req, res) => {
      openFrontDoor(req, res);
      // What Next.js does with a route's response: its own headers, Content-Length dropped, the body written.
      res.setHeader("x-triage-length", "11");
      res.statusCode = 200;
      res.write("hello ");
      res.end("world");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const raw = (path: string) =>
        new Promise<http.IncomingMessage & { body: string }>((resolve, reject) => {
          http.get(`${base}${path}`, { headers: { cookie: "triage.session_token=a.b" } }, (res) => {
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => resolve(Object.assign(res, { body })));
          }).on("error", reject);
        });
      const file = await raw("/files/1.2.x.3.y");
      expect(file.headers["content-length"]).toBe("11");
      expect(file.headers["transfer-encoding"]).toBeUndefined();
      expect(file.headers["x-triage-length"]).toBeUndefined();
      expect(file.headers["content-security-policy"]).toBe(DOWNLOAD_CSP);
      expect(file.body).toBe("hello world");
      const page = await raw("/tickets");
      expect(page.headers["transfer-encoding"]).toBe("chunked");
      expect(page.headers["content-length"]).toBeUndefined();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
