import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { currentRequestId, formatLine, logPath, logResponse, outsideRequest, requestContext, requestIdFor } from "./log.mjs";

describe("logPath: what of a URL a log line may show", () => {
  it("never a query string: the tokens of reset and address links, a search's words", () => {
    expect(logPath("/reset-password?token=AbC123secret")).toBe("/reset-password");
    expect(logPath("/confirm-address?token=AbC123secret&callbackURL=/x")).toBe("/confirm-address");
    expect(logPath("/tickets?q=my+password+is+hunter2&page=2")).toBe("/tickets");
    expect(logPath("/sign-in?next=%2Ftickets%2F12")).toBe("/sign-in");
    expect(logPath("/tickets#comment-3")).toBe("/tickets");
    expect(logPath("/tickets/12")).toBe("/tickets/12");
  });

  it("never the token of a /files/ link (it opens the file for whoever has it)", () => {
    expect(logPath("/files/eyJ0IjoxMiwiYSI6MywidSI6Inh5eiJ9.c2lnbmF0dXJl")).toBe("/files/:token");
    expect(logPath("/files/abc.def?download=1")).toBe("/files/:token");
    expect(logPath("/files/abc.def/")).toBe("/files/:token/");
    expect(logPath("/files/abc/more")).toBe("/files/:token/more");
    // Attachments by ticket and id are not secrets: only those who may see the ticket open them.
    expect(logPath("/tickets/12/attachments/34")).toBe("/tickets/12/attachments/34");
  });

  it("an absolute URL in the request line: its path, by the same rules", () => {
    expect(logPath("http://help.example.com/reset-password?token=x")).toBe("/reset-password");
    expect(logPath("https://help.example.com/files/tok")).toBe("/files/:token");
    expect(logPath("http://help.example.com")).toBe("/");
  });

  it("nothing that could break a line or fake another: spaces, control characters and non-ASCII escaped; long paths cut", () => {
    expect(logPath("/a b\n2026-01-01T00:00:00Z GET /admin 200")).toBe("/a%20b%0A2026-01-01T00:00:00Z%20GET%20/admin%20200");
    expect(logPath("/caf\u00e9")).toBe("/caf%E9");
    expect(logPath("")).toBe("/");
    expect(logPath(undefined)).toBe("/");
    const long = logPath(`/${"x".repeat(5000)}`);
    expect(long).toHaveLength(1025);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("requestIdFor", () => {
  it("draws a fresh id when the header is missing or the sender is not a trusted proxy", () => {
    const a = requestIdFor(undefined, false);
    const b = requestIdFor(undefined, true);
    expect(a).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(b).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a).not.toBe(b);
    expect(requestIdFor("chosen-by-a-client", false)).not.toBe("chosen-by-a-client");
  });

  it("takes a trusted proxy's id when it is short and plain (nginx's $request_id, a UUID)", () => {
    expect(requestIdFor("0f3a9c1e5b7d4a2c8e6f0a1b3c5d7e9f", true)).toBe("0f3a9c1e5b7d4a2c8e6f0a1b3c5d7e9f");
    expect(requestIdFor("6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b", true)).toBe("6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b");
  });

  it("refuses a trusted proxy's id that is long, empty, repeated or has anything but letters, digits and ._:-", () => {
    for (const bad of ["x".repeat(65), "", "a b", "a\nb", "<script>", "a,b", "id\"}", "caf\u00e9"]) {
      expect(requestIdFor(bad, true)).not.toBe(bad);
      expect(requestIdFor(bad, true)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    expect(requestIdFor(["a", "b"], true)).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});

describe("the request a line belongs to", () => {
  it("is the one being answered, through awaits and timers; work a request only wakes is no request's", async () => {
    const seen = await requestContext.run({ requestId: "r1" }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      const inside = currentRequestId();
      const woken = await outsideRequest(() => new Promise((r) => setTimeout(() => r(currentRequestId()), 1)));
      return { inside, woken, after: currentRequestId() };
    });
    expect(seen).toEqual({ inside: "r1", woken: undefined, after: "r1" });
    expect(currentRequestId()).toBeUndefined();
  });
});

describe("formatLine", () => {
  const record = { time: "2026-12-04T10:00:00.000Z", level: "info", msg: "GET /tickets 200", requestId: "r1", status: 200, client: null };

  it("JSON: one object a line, time, level and msg first, every field", () => {
    const line = formatLine(record, "json");
    expect(line.endsWith("\n")).toBe(true);
    expect(line.trimEnd()).not.toContain("\n");
    expect(Object.keys(JSON.parse(line))).toEqual(["time", "level", "msg", "requestId", "status", "client"]);
    expect(JSON.parse(formatLine({ ...record, msg: "two\nlines", requestId: undefined }, "json"))).toEqual({
      time: record.time, level: "info", msg: "two\nlines", status: 200, client: null,
    });
  });

  it("text: the time, the level unless info, the message and the request's id", () => {
    expect(formatLine(record, "text")).toBe("2026-12-04T10:00:00.000Z GET /tickets 200 [r1]\n");
    expect(formatLine({ ...record, level: "warn", requestId: undefined }, "text")).toBe("2026-12-04T10:00:00.000Z WARN GET /tickets 200\n");
  });
});

describe("logResponse: one line per request, with nothing secret in it", () => {
  afterEach(() => vi.restoreAllMocks());

  async function serve(handler: http.RequestListener): Promise<{ url: string; lines: () => string[]; close: () => Promise<void> }> {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk !== "string" || !chunk.startsWith("20")) return write(chunk, ...rest);
      out.push(chunk);
      return true;
    }) as typeof process.stdout.write);
    const server = http.createServer((req, res) => {
      logResponse(req, res, { requestId: "req-1", client: () => "198.51.100.7" });
      requestContext.run({ requestId: "req-1" }, () => handler(req, res));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      lines: () => out,
      close: () => new Promise((r) => server.close(() => r())),
    };
  }

  it("method, path without its query, status, body bytes, duration, client; no header, cookie or body", async () => {
    const s = await serve((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(201, { "content-type": "text/plain" });
        res.write("héllo ");
        res.end(Buffer.from("world"));
      });
    });
    try {
      const r = await fetch(`${s.url}/reset-password?token=TOKEN-IN-QUERY`, {
        method: "POST",
        headers: { cookie: "triage.session_token=COOKIE-VALUE", authorization: "Bearer AUTH-VALUE", "x-forwarded-for": "6.6.6.6" },
        body: "password=BODY-PASSWORD",
      });
      expect(await r.text()).toBe("héllo world");
      await vi.waitFor(() => expect(s.lines()).toHaveLength(1));
      const line = s.lines()[0];
      expect(line).toMatch(/^\S+Z 198\.51\.100\.7 POST \/reset-password 201 12 B [\d.]+ ms \[req-1\]\n$/);
      for (const secret of ["TOKEN-IN-QUERY", "COOKIE-VALUE", "AUTH-VALUE", "BODY-PASSWORD", "6.6.6.6", "token"]) expect(line).not.toContain(secret);
    } finally {
      await s.close();
    }
  });

  it("a response cut off by the client is logged too, as aborted", async () => {
    const s = await serve((req, res) => {
      res.writeHead(200);
      res.write("part");
      req.socket.destroy();
    });
    try {
      await fetch(`${s.url}/tickets/export`).then((r) => r.text()).catch(() => undefined);
      await vi.waitFor(() => expect(s.lines()).toHaveLength(1));
      expect(s.lines()[0]).toMatch(/ GET \/tickets\/export 200 4 B [\d.]+ ms \(aborted\) \[req-1\]\n$/);
    } finally {
      await s.close();
    }
  });
});

describe("console, as text", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("prints as before, with the request's id in front while one is answered", async () => {
    vi.stubEnv("TRIAGE_LOG_FORMAT", "text");
    vi.resetModules();
    const log = await import("./log.mjs");
    const printed: unknown[][] = [];
    const saved = { debug: console.debug, log: console.log, info: console.info, warn: console.warn, error: console.error };
    console.log = (...args: unknown[]) => void printed.push(args);
    try {
      log.patchConsole();
      console.log("files: swept %d", 3);
      log.requestContext.run({ requestId: "abc" }, () => console.log("inside %s", "a request"));
    } finally {
      Object.assign(console, saved);
    }
    expect(printed).toEqual([["files: swept %d", 3], ["[abc] inside a request"]]);
  });
});

describe("with TRIAGE_LOG_FORMAT=json", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("console's lines become JSON lines (without terminal colours), with the request's id while one is answered", async () => {
    vi.stubEnv("TRIAGE_LOG_FORMAT", "json");
    vi.resetModules();
    const log = await import("./log.mjs");
    const lines: Array<[string, string]> = [];
    for (const stream of ["stdout", "stderr"] as const) {
      vi.spyOn(process[stream], "write").mockImplementation(((chunk: string) => lines.push([stream, chunk]) > 0) as typeof process.stdout.write);
    }
    const saved = { debug: console.debug, log: console.log, info: console.info, warn: console.warn, error: console.error };
    try {
      log.patchConsole();
      console.log("\u001b[32m\u001b[1m✓\u001b[22m\u001b[39m Triage is listening on %s", "http://localhost:3000");
      log.requestContext.run({ requestId: "abc" }, () => console.error(new Error("boom")));
      log.logLine("info", "outbox: message 3 (comment) sent", { job: "outbox", id: 3, kind: "comment" });
    } finally {
      Object.assign(console, saved);
    }
    expect(lines.map(([stream]) => stream)).toEqual(["stdout", "stderr", "stdout"]);
    const [started, failed, job] = lines.map(([, chunk]) => JSON.parse(chunk));
    expect(started).toMatchObject({ level: "info", msg: "✓ Triage is listening on http://localhost:3000" });
    expect(started.requestId).toBeUndefined();
    expect(failed).toMatchObject({ level: "error", requestId: "abc" });
    expect(failed.msg).toMatch(/^Error: boom\n\s+at /);
    expect(job).toMatchObject({ level: "info", job: "outbox", id: 3, kind: "comment" });
    expect(new Date(job.time).toISOString()).toBe(job.time);
  });
});
