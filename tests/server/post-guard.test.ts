import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM run by server/server.mjs, without type declarations
import { bodyLimit, checkPost, guardPost, MAX_BODY, SIGNED_OUT_MAX_BODY } from "../../server/post-guard.mjs";

type Verdict = { ok: boolean; reason?: string };
const check = (headers: Record<string, string>, body: string | Buffer): Promise<Verdict> =>
  checkPost(headers, Buffer.isBuffer(body) ? body : Buffer.from(body));

function multipart(parts: [string, string | Buffer][], boundary = "----triage-test") {
  const chunks: Buffer[] = [];
  for (const [name, value] of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`));
    chunks.push(Buffer.isBuffer(value) ? value : Buffer.from(value));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

describe("checkPost: the wire format of a post", () => {
  it("passes forms without action fields, and posts of other kinds", async () => {
    const { body, type } = multipart([["title", "Printer"], ["description", "Blank pages"]]);
    expect(await check({ "content-type": type }, body)).toEqual({ ok: true });
    expect(await check({ "content-type": "application/json" }, "{not json")).toEqual({ ok: true });
  });

  it("passes a no-JavaScript action post and refuses one whose bound arguments are not JSON", async () => {
    const good = multipart([["$ACTION_REF_1", ""], ["$ACTION_1:0", '{"id":"abc","bound":"$@1"}'], ["$ACTION_1:1", "[12]"], ["body", "hi"]]);
    expect(await check({ "content-type": good.type }, good.body)).toEqual({ ok: true });
    const bad = multipart([["$ACTION_REF_1", ""], ["$ACTION_1:0", '{"id":"abc","bound":"$@1"}'], ["$ACTION_1:1", "not json"]]);
    expect((await check({ "content-type": bad.type }, bad.body)).ok).toBe(false);
  });

  it("checks a JavaScript action call's arguments, as text or as part 0", async () => {
    expect(await check({ "next-action": "abc", "content-type": "text/plain;charset=UTF-8" }, '[1,"x"]')).toEqual({ ok: true });
    expect((await check({ "next-action": "abc", "content-type": "text/plain;charset=UTF-8" }, '["$Q5"]')).ok).toBe(false);
    expect((await check({ "next-action": "abc", "content-type": "text/plain" }, "\uFEFF[1]")).ok).toBe(false);
    const withForm = multipart([["0", '["$K1"]'], ["1_title", "x"]]);
    expect(await check({ "next-action": "abc", "content-type": withForm.type }, withForm.body)).toEqual({ ok: true });
    const twice = multipart([["0", "[1]"], ["0", "[2]"]]);
    expect((await check({ "next-action": "abc", "content-type": twice.type }, twice.body)).ok).toBe(false);
    const bom = multipart([["0", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("[1]")])]]);
    expect((await check({ "next-action": "abc", "content-type": bom.type }, bom.body)).ok).toBe(false);
  });

  it("refuses a multipart body that does not parse", async () => {
    expect((await check({ "next-action": "abc", "content-type": "multipart/form-data; boundary=x" }, "garbage")).ok).toBe(false);
  });
});

/** A cookie that looks like a session (the guard does not judge it; the action does). */
const SESSION = "triage.session_token=abc.def";

describe("guardPost in front of a server", () => {
  let server: http.Server;
  let base: string;
  /** What reached the handler behind the guard. */
  const passed: { method: string; url: string; body: Buffer; header: string | undefined }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      guardPost(req, res, (checked: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        checked.on("data", (c: Buffer) => chunks.push(c));
        checked.on("end", () => {
          const body = Buffer.concat(chunks);
          passed.push({ method: checked.method!, url: checked.url!, body, header: checked.headers["x-kept"] as string | undefined });
          res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("hands a good post on with the same bytes, headers, path and method", async () => {
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const { body, type } = multipart([["title", "Ünïcödé ✓"], ["file", binary]]);
    const r = await fetch(`${base}/tickets/new?x=1`, { method: "POST", body, headers: { "content-type": type, "x-kept": "yes", cookie: SESSION } });
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer()).equals(body)).toBe(true);
    expect(passed.at(-1)).toMatchObject({ method: "POST", url: "/tickets/new?x=1", header: "yes" });
  });

  it("hands GETs and posts without a content type on untouched", async () => {
    expect((await fetch(`${base}/tickets`)).status).toBe(200);
    expect(passed.at(-1)?.method).toBe("GET");
  });

  it("answers a malformed action post with a 400 page, and nothing reaches the handler", async () => {
    const before = passed.length;
    const r = await fetch(`${base}/tickets/1`, { method: "POST", body: "not json", headers: { "next-action": "abc", "content-type": "text/plain;charset=UTF-8" } });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("That form could not be read");
    expect(passed.length).toBe(before);
  });

  it("answers a body over 4 MB with a 413, whether or not it said its length, and keeps serving", async () => {
    const before = passed.length;
    const big = Buffer.alloc(MAX_BODY + 1, 120);
    const declared = await fetch(`${base}/tickets/new`, { method: "POST", body: big, headers: { "content-type": "text/plain", cookie: SESSION } });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain("That was too large to accept");
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const chunked = await fetch(`${base}/tickets/new`, { method: "POST", body: stream, headers: { "content-type": "text/plain", cookie: SESSION }, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(passed.length).toBe(before);
    expect((await fetch(`${base}/tickets`)).status).toBe(200);
  });

  it("holds a signed-out form to a small ceiling: 413 past 64 KB, before the body is kept, whatever the cookie", async () => {
    const before = passed.length;
    const body = Buffer.alloc(SIGNED_OUT_MAX_BODY + 1, 120);
    for (const [path, cookie] of [["/sign-in", SESSION], ["/sign-up", ""], ["/tickets/new", ""]] as const) {
      const r = await fetch(`${base}${path}`, { method: "POST", body, headers: { "content-type": "text/plain", ...(cookie ? { cookie } : {}) } });
      expect(r.status, path).toBe(413);
      expect(await r.text()).toContain("far more than signing in or creating an account takes");
    }
    // Told no length: cut at the same ceiling.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 4 * SIGNED_OUT_MAX_BODY) return controller.close();
        sent += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024));
      },
    });
    const chunked = await fetch(`${base}/sign-up`, { method: "POST", body: stream, headers: { "content-type": "text/plain" }, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(passed.length).toBe(before);
    // A real sign-in form is far below it.
    const small = await fetch(`${base}/sign-in`, { method: "POST", body: "email=a%40b.c&password=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(small.status).toBe(200);
    expect(bodyLimit("/sign-in?next=%2Ftickets", { cookie: SESSION })).toBe(SIGNED_OUT_MAX_BODY);
    expect(bodyLimit("/tickets/new", { cookie: SESSION })).toBe(MAX_BODY);
  });
});
