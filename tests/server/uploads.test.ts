import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The front door's files (server/uploads.mjs through post-guard.mjs): a signed-in multipart post's
 * files go to disk as they arrive and reach Next.js as signed tokens; its text arrives byte for
 * byte; past the limit the bytes are dropped and the file marked; far past it, a 413.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triage-uploads-"));
const KEY = crypto.randomBytes(32).toString("hex");
const LIMIT = 100_000;
process.env.TRIAGE_UPLOAD_KEY = KEY;
process.env.TRIAGE_UPLOADS = JSON.stringify({ dir, maxBytes: LIMIT, maxFiles: 3 });
// @ts-expect-error: plain ESM run by server/server.mjs, without type declarations
const { guardPost, MAX_BODY } = await import("../../server/post-guard.mjs");
// @ts-expect-error: as above
const { signToken, TOKEN_PREFIX } = await import("../../server/uploads.mjs");

const SESSION = "triage.session_token=abc";

type Token = { f: string | null; n: string; s: number; o: boolean };
function token(value: FormDataEntryValue | null): Token {
  expect(typeof value).toBe("string");
  const [payload, mac] = String(value).slice(TOKEN_PREFIX.length).split(".");
  const fields = JSON.parse(Buffer.from(payload, "base64url").toString());
  expect(signToken(KEY, fields)).toBe(`${TOKEN_PREFIX}${payload}.${mac}`);
  return fields;
}

describe("files in a signed-in post", () => {
  let server: http.Server;
  let base: string;
  /** What reached the handler: the form it read, and the files on disk while it ran. */
  const seen: { form: FormData; raw: Buffer; files: Record<string, Buffer> }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      guardPost(req, res, (checked: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        checked.on("data", (c: Buffer) => chunks.push(c));
        checked.on("end", async () => {
          const raw = Buffer.concat(chunks);
          const form = await new Response(raw, { headers: { "content-type": checked.headers["content-type"]! } }).formData();
          const files: Record<string, Buffer> = {};
          for (const name of fs.readdirSync(dir)) files[name] = fs.readFileSync(path.join(dir, name));
          seen.push({ form, raw, files });
          res.writeHead(200).end("ok");
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const post = (body: BodyInit, headers: Record<string, string> = {}) => fetch(`${base}/tickets/new`, { method: "POST", body, headers: { cookie: SESSION, ...headers } });

  it("streams each file to disk and hands on a token naming it; the text comes byte for byte; the files go once answered", async () => {
    const png = crypto.randomBytes(40_000);
    const fd = new FormData();
    fd.append("title", "\ufeffÜnïcödé ✓ \u0000");
    fd.append("attachments", new File([png], "résumé ✓.png"));
    fd.append("attachments", new File([Buffer.from("hello")], "a.txt"));
    fd.append("attachments", new File([], ""));
    const r = await post(fd);
    expect(r.status).toBe(200);
    const { form, files, raw } = seen.at(-1)!;
    // Byte for byte, a byte-order mark too (a reader of the form drops it; post-guard.mjs looks for it).
    expect(raw.includes(Buffer.from('name="title"\r\n\r\n\ufeffÜnïcödé ✓ \u0000\r\n'))).toBe(true);
    const [first, second, ...rest] = form.getAll("attachments").map(token);
    expect(rest).toEqual([]); // the empty file field is no file
    expect(first).toMatchObject({ n: "résumé ✓.png", s: png.length, o: false });
    expect(second).toMatchObject({ n: "a.txt", s: 5, o: false });
    expect(files[first.f!].equals(png)).toBe(true);
    expect(files[second.f!].toString()).toBe("hello");
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("files over the limit together: the one that crosses it and every later one are marked, their bytes dropped", async () => {
    const fd = new FormData();
    fd.append("attachments", new File([crypto.randomBytes(60_000)], "one.bin"));
    fd.append("attachments", new File([crypto.randomBytes(60_000)], "two.bin"));
    fd.append("attachments", new File([crypto.randomBytes(10)], "three.bin"));
    expect((await post(fd)).status).toBe(200);
    const { form, files } = seen.at(-1)!;
    const tokens = form.getAll("attachments").map(token);
    expect(tokens.map((t) => [t.n, t.s, t.o, t.f === null])).toEqual([
      ["one.bin", 60_000, false, false],
      ["two.bin", 60_000, true, true],
      ["three.bin", 10, true, true],
    ]);
    expect(Object.keys(files)).toEqual([tokens[0].f]);
  });

  it("one file more than a message may carry gets a token (the form says there are too many); later ones are dropped", async () => {
    const fd = new FormData();
    for (let i = 0; i < 6; i++) fd.append("attachments", new File([`file ${i}`], `${i}.txt`));
    expect((await post(fd)).status).toBe(200);
    expect(seen.at(-1)!.form.getAll("attachments").map((v) => token(v).n)).toEqual(["0.txt", "1.txt", "2.txt", "3.txt"]);
  });

  it("a post far over the limit (4 × it and the text's 4 MB) is a 413, said or streamed, and nothing is left on disk", async () => {
    const before = seen.length;
    const big = Buffer.alloc(4 * LIMIT + MAX_BODY + 10, 1);
    const fd = new FormData();
    fd.append("attachments", new File([big], "huge.bin"));
    const r = await post(fd);
    expect(r.status).toBe(413);
    expect(await r.text()).toContain("far over the");
    expect(seen.length).toBe(before);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("text over 4 MB is a 413; a multipart body that does not parse is a 400; a forged token passes through as text", async () => {
    const before = seen.length;
    const fd = new FormData();
    fd.append("description", "x".repeat(MAX_BODY + 1));
    expect((await post(fd)).status).toBe(413);
    const garbage = await post("--x\r\nnonsense", { "content-type": "multipart/form-data; boundary=x" });
    expect(garbage.status).toBe(400);
    expect(seen.length).toBe(before);
    // Text that looks like a token is handed on as text: lib/files/uploads.ts refuses what it did not sign.
    const forged = new FormData();
    forged.append("attachments", `${TOKEN_PREFIX}e30.AAAA`);
    expect((await post(forged)).status).toBe(200);
    expect(seen.at(-1)!.form.get("attachments")).toBe(`${TOKEN_PREFIX}e30.AAAA`);
  });
});

describe("a file dropped past the limit while its writes are still queued", () => {
  it("is marked over the limit, never an unreadable form", async () => {
    // A slow disk: every write waits, so the queue is full when the limit is crossed.
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), "triage-uploads-slow-"));
    // @ts-expect-error: plain ESM, without type declarations
    const { streamFiles } = await import("../../server/uploads.mjs");
    const { Readable } = await import("node:stream");
    const fd = new FormData();
    fd.append("title", "x");
    fd.append("attachments", new File([Buffer.alloc(3 * 1024 * 1024, 1)], "big.bin"));
    const res = new Response(fd);
    const body = Buffer.from(await res.arrayBuffer());
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536));
    const req = Object.assign(Readable.from(chunks), { headers: { "content-type": res.headers.get("content-type")! } });
    const out = await streamFiles(req, { dir: dir2, maxBytes: 2 * 1024 * 1024, maxFiles: 3, key: KEY }, MAX_BODY);
    expect(out.kind).toBe("ok");
    const form = await new Response(out.body, { headers: { "content-type": out.contentType } }).formData();
    expect(token(form.get("attachments"))).toMatchObject({ n: "big.bin", o: true, f: null });
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.readdirSync(dir2)).toEqual([]);
  });
});
