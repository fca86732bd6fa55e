import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { models as db, placeholders, read, write } from "@/lib/db";
import { env } from "@/lib/env";
import { diskStore } from "@/lib/files/disk";
import { CHUNK_BYTES, postgresStore } from "@/lib/files/postgres";
import { fileStore, TooLarge, type FileStore } from "@/lib/files/store";
import { createTicket } from "@/lib/tickets/commands";
import { onPostgres } from "../dialect";

/**
 * The file stores (lib/files): on SQLite the disk store; on PostgreSQL the PostgreSQL store and
 * the disk store (a shared folder, TRIAGE_FILES_DIR). Each: put and open, ranges, dedupe, the
 * size limit leaving nothing behind, remove, sweep, and the memory a 25 MB put costs. Then the
 * disk store killed mid-put (kill -9) leaves no file under any hash.
 */

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "triage-files-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Deterministic bytes: `size` of them, different for each seed. */
function bytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sha256 = (b: Uint8Array) => crypto.createHash("sha256").update(b).digest("hex");

/** `data` in pieces of `size` (the last shorter). */
async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.byteLength; i += size) yield data.subarray(i, i + size);
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(body).arrayBuffer());
}

/** The stored size of a file (null: not stored), its body left unread. */
async function sizeOf(store: FileStore, hash: string): Promise<number | null> {
  const got = await store.open(hash);
  await got?.body.cancel();
  return got?.size ?? null;
}

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

/** What a test needs besides the store: what is left behind, and how to make a file old. */
type Kind = {
  store: FileStore;
  /** Everything the store holds, as names: files on disk, rows in the database. */
  contents(): Promise<string[]>;
  /** Sets when the file was last put. */
  age(hash: string, at: Date): Promise<void>;
  /** A leftover of an unfinished put, last written at `at`; resolves to its path. */
  leftover?(at: Date): string;
};

function diskKind(root: string): Kind {
  return {
    store: diskStore(root),
    contents: async () => filesUnder(root),
    age: async (hash, at) => fs.utimesSync(path.join(root, "sha256", hash.slice(0, 2), hash.slice(2, 4), hash), at, at),
    leftover: (at) => {
      fs.mkdirSync(path.join(root, "tmp"), { recursive: true });
      const p = path.join(root, "tmp", `${crypto.randomBytes(8).toString("hex")}.part`);
      fs.writeFileSync(p, "half a file");
      fs.utimesSync(p, at, at);
      return p;
    },
  };
}

function postgresKind(tmpDir: string): Kind {
  return {
    store: postgresStore(tmpDir),
    contents: async () => [
      ...(await read.all<{ hash: string; size: number }>(`SELECT "hash", "size" FROM "file_blob" ORDER BY "hash"`)).map((r) => `blob ${r.hash} ${r.size}`),
      ...(await read.all<{ hash: string; seq: number; n: number }>(`SELECT "hash", "seq", length("data") AS "n" FROM "file_chunk" ORDER BY "hash", "seq"`)).map(
        (r) => `chunk ${r.hash} ${r.seq} ${r.n}`,
      ),
      ...filesUnder(tmpDir).map((f) => `tmp ${f}`),
    ],
    age: async (hash, at) => {
      await write((tx) => tx.run(`UPDATE "file_blob" SET "touchedAt" = ? WHERE "hash" = ?`, at, hash));
    },
  };
}

const kinds: [string, () => Kind][] = onPostgres
  ? [
      ["postgres", () => postgresKind(path.join(scratch, "pg-tmp"))],
      ["disk", () => diskKind(path.join(scratch, "shared"))],
    ]
  : [["disk", () => diskKind(path.join(scratch, "disk"))]];

/**
 * A full collection on demand, to measure what is retained rather than garbage not yet collected.
 * Twice: V8 frees dead ArrayBuffers' memory on a background thread, and the second collection
 * waits for the first one's to finish (after one, arrayBuffers still counted up to 12 MB of garbage).
 */
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;
const gc = () => {
  collect();
  collect();
};

describe.each(kinds)("the %s store", (name, make) => {
  let kind: Kind;
  let store: FileStore;
  beforeAll(() => {
    kind = make();
    store = kind.store;
  });

  it("stores bytes under their sha256 and gives them back, with their size and sniffed type", async () => {
    const data = Buffer.concat([PNG, bytes(700_000, 2)]);
    const put = await store.put(pieces(data, 10_000), 1_000_000);
    expect(put).toEqual({ hash: sha256(data), size: data.byteLength, type: "image/png" });
    const got = await store.open(put.hash);
    expect(got?.size).toBe(data.byteLength);
    expect((await readAll(got!.body)).equals(data)).toBe(true);
  });

  it("takes a Uint8Array, a generator of tiny chunks or a web stream alike", async () => {
    const data = bytes(5000, 3);
    const whole = await store.put(data, 5000);
    const tiny = await store.put(pieces(data, 7), 5000);
    const web = await store.put(new Blob([new Uint8Array(data)]).stream(), 5000);
    expect(new Set([whole.hash, tiny.hash, web.hash])).toEqual(new Set([sha256(data)]));
    expect(tiny.type).toBe("application/octet-stream");
  });

  it("stores an empty file", async () => {
    const put = await store.put(new Uint8Array(0), 10);
    expect(put).toEqual({ hash: sha256(new Uint8Array(0)), size: 0, type: "application/octet-stream" });
    const got = await store.open(put.hash);
    expect(got?.size).toBe(0);
    expect((await readAll(got!.body)).byteLength).toBe(0);
  });

  it("opens an inclusive byte range, across chunk boundaries, with the whole size", async () => {
    const data = bytes(CHUNK_BYTES * 2 + 12_345, 4);
    const { hash } = await store.put(pieces(data, 100_000), data.byteLength);
    const last = data.byteLength - 1;
    for (const [start, end] of [
      [0, 0],
      [0, 99],
      [10, 65_536],
      [CHUNK_BYTES - 1, CHUNK_BYTES],
      [CHUNK_BYTES - 10, 2 * CHUNK_BYTES + 10],
      [CHUNK_BYTES, 2 * CHUNK_BYTES - 1],
      [last, last],
      [0, last],
    ]) {
      const got = await store.open(hash, { start, end });
      expect(got?.size).toBe(data.byteLength);
      expect((await readAll(got!.body)).equals(data.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
    for (const bad of [
      { start: -1, end: 5 },
      { start: 5, end: 4 },
      { start: 0, end: data.byteLength },
      { start: 0.5, end: 4 },
    ]) {
      await expect(store.open(hash, bad)).rejects.toThrow(RangeError);
    }
  });

  it("answers null for an unknown hash, and for anything that is not a hash", async () => {
    expect(await store.open(sha256(Buffer.from("never stored")))).toBeNull();
    for (const h of ["../../etc/passwd", sha256(Buffer.from("x")).toUpperCase(), "", `${"a".repeat(64)}/..`, "a".repeat(63)]) {
      expect(await store.open(h)).toBeNull();
    }
  });

  it("keeps the same bytes once", async () => {
    const data = bytes(CHUNK_BYTES + 1, 5);
    const before = await kind.contents();
    const first = await store.put(data, data.byteLength);
    const middle = await kind.contents();
    const second = await store.put(pieces(data, 777), data.byteLength);
    expect(second).toEqual(first);
    expect(await kind.contents()).toEqual(middle);
    // One file on disk; one blob and its two chunks in the database.
    expect(middle.length - before.length).toBe(name === "postgres" ? 3 : 1);
  });

  it("stores the same bytes put twice at once once", async () => {
    const data = bytes(CHUNK_BYTES + 5, 15);
    const before = await kind.contents();
    const [a, b] = await Promise.all([store.put(pieces(data, 50_000), data.byteLength), store.put(pieces(data, 60_000), data.byteLength)]);
    expect(a).toEqual(b);
    expect((await kind.contents()).length - before.length).toBe(name === "postgres" ? 3 : 1);
    expect((await readAll((await store.open(a.hash))!.body)).equals(data)).toBe(true);
  });

  it("throws TooLarge past the limit, stops reading, and leaves nothing behind", async () => {
    const before = await kind.contents();
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield bytes(1000, pulled);
      }
    }
    await expect(store.put(endless(), 10_500)).rejects.toBeInstanceOf(TooLarge);
    expect(pulled).toBe(11);
    // All at once, and from a web stream (which is cancelled).
    await expect(store.put(bytes(10_501), 10_500)).rejects.toBeInstanceOf(TooLarge);
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(bytes(4096, 9)),
      cancel: () => {
        cancelled = true;
      },
    });
    await expect(store.put(stream, 10_000)).rejects.toThrow(/larger than 10000 bytes/);
    expect(cancelled).toBe(true);
    expect(await kind.contents()).toEqual(before);
    // Exactly the limit is allowed.
    expect((await store.put(bytes(10_500, 6), 10_500)).size).toBe(10_500);
  });

  it("leaves nothing behind when the source fails midway", async () => {
    const before = await kind.contents();
    async function* broken() {
      yield bytes(1000, 7);
      throw new Error("the client went away");
    }
    await expect(store.put(broken(), 10_000)).rejects.toThrow("the client went away");
    expect(await kind.contents()).toEqual(before);
  });

  it("removes a file", async () => {
    const { hash } = await store.put(bytes(3000, 8), 3000);
    await store.remove(hash);
    expect(await sizeOf(store, hash)).toBeNull();
    await store.remove(hash);
    await expect(store.remove("../x")).rejects.toThrow(TypeError);
  });

  it("a file removed while it is read gives its whole bytes or an error, never short bytes", async () => {
    const data = bytes(CHUNK_BYTES * 3, 10);
    const { hash } = await store.put(data, data.byteLength);
    const got = await store.open(hash);
    await store.remove(hash);
    const outcome = await readAll(got!.body).then(
      (b) => (b.equals(data) ? "whole" : "short"),
      () => "error",
    );
    expect(["whole", "error"]).toContain(outcome);
  });

  it("sweeps old files no row names, and leftovers of unfinished puts; keeps the rest", async () => {
    const hour = 3600_000;
    const now = Date.now();
    const cut = new Date(now - hour);
    const orphan = await store.put(bytes(2000, 11), 2000);
    const named = await store.put(bytes(2000, 12), 2000);
    const young = await store.put(bytes(2000, 13), 2000);
    const reput = await store.put(bytes(2000, 14), 2000);
    for (const h of [orphan, named, reput]) await kind.age(h.hash, new Date(now - 2 * hour));
    // The same bytes put again: a row about to name them has the whole grace period to commit.
    await store.put(bytes(2000, 14), 2000);
    const staleTmp = kind.leftover?.(new Date(now - 2 * hour));
    const freshTmp = kind.leftover?.(new Date(now));

    const asked: string[] = [];
    const removed = await store.sweep(cut, async (hashes) => {
      asked.push(...hashes);
      return new Set(hashes.filter((h) => h === named.hash));
    });
    // Asked only about old files; other tests' files are old too only if they aged them.
    expect(asked).toContain(orphan.hash);
    expect(asked).toContain(named.hash);
    expect(asked).not.toContain(young.hash);
    expect(asked).not.toContain(reput.hash);
    expect(removed).toBe(1 + (staleTmp ? 1 : 0));
    expect(await sizeOf(store, orphan.hash)).toBeNull();
    for (const kept of [named, young, reput]) expect(await sizeOf(store, kept.hash)).toBe(2000);
    if (staleTmp) expect(fs.existsSync(staleTmp)).toBe(false);
    if (freshTmp) expect(fs.existsSync(freshTmp)).toBe(true);
    // Everything old and unclaimed: the rest of this file's files go (the fresh leftover and young stay).
    await store.sweep(new Date(now + hour), async () => new Set([young.hash]));
    expect(await sizeOf(store, young.hash)).toBe(2000);
    expect(await sizeOf(store, named.hash)).toBeNull();
    if (freshTmp) expect(fs.existsSync(freshTmp)).toBe(false);
  });

  it("puts 25 MB holding one chunk at a time", async () => {
    const size = 25 * 1024 * 1024;
    const step = 64 * 1024;
    const hash = crypto.createHash("sha256");
    async function* upload() {
      for (let at = 0; at < size; at += step) {
        const chunk = crypto.randomBytes(step);
        hash.update(chunk);
        yield chunk;
      }
    }
    gc();
    const base = process.memoryUsage();
    let peakBuffers = 0;
    let peakRss = 0;
    const sample = () => {
      gc();
      const m = process.memoryUsage();
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers - base.arrayBuffers);
      peakRss = Math.max(peakRss, m.rss - base.rss);
    };
    // A full collection every 200 ms: often enough to see a file's worth of chunks pile up.
    const timer = setInterval(sample, 200);
    const started = performance.now();
    let put;
    try {
      put = await store.put(upload(), size);
    } finally {
      clearInterval(timer);
    }
    const ms = performance.now() - started;
    sample();
    expect(put).toMatchObject({ hash: hash.digest("hex"), size });
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(`${name} store, 25 MB put in ${ms.toFixed(0)} ms: retained buffers grew at most ${mb(peakBuffers)} MB, RSS ${mb(peakRss)} MB`);
    expect(peakBuffers).toBeLessThan(4 * 1024 * 1024);
    const got = await store.open(put.hash, { start: size - 10, end: size - 1 });
    expect((await readAll(got!.body)).byteLength).toBe(10);
    await store.remove(put.hash);
  }, 120_000);
});

describe("fileStore()", () => {
  it(onPostgres ? "is the PostgreSQL store without TRIAGE_FILES_DIR" : "is the disk store beside the SQLite file", async () => {
    const data = bytes(1234, 20);
    const { hash } = await fileStore().put(data, env().attachmentMaxBytes);
    if (onPostgres) {
      expect(await read.get(`SELECT "size" FROM "file_blob" WHERE "hash" = ?`, hash)).toEqual({ size: 1234 });
    } else {
      const file = path.join(env().dataDir, "files", "sha256", hash.slice(0, 2), hash.slice(2, 4), hash);
      expect(fs.readFileSync(file).equals(data)).toBe(true);
    }
  });

  it("sweeps with a query over the attachment rows", async () => {
    await db.user.create({ data: { id: "uploader", name: "Uma", email: "uma@example.com", role: "agent" } });
    const ticket = await createTicket({ id: "uploader", name: "Uma", role: "agent" }, { title: "Scan", description: "Attached.", priority: "Medium" });
    const store = fileStore();
    const kept = await store.put(bytes(100, 21), 100);
    const lost = await store.put(bytes(100, 22), 100);
    await db.attachment.create({
      data: { ticketNumber: ticket.number, name: "scan.pdf", size: 100, type: "application/pdf", hash: kept.hash, uploaderId: "uploader" },
    });
    const isReferenced = async (hashes: string[]) =>
      new Set(
        (await read.all<{ hash: string }>(`SELECT DISTINCT "hash" FROM "attachment" WHERE "hash" IN (${placeholders(hashes.length)})`, ...hashes)).map(
          (r) => r.hash,
        ),
      );
    expect(await store.sweep(new Date(Date.now() + 60_000), isReferenced)).toBeGreaterThanOrEqual(1);
    expect(await sizeOf(store, kept.hash)).toBe(100);
    expect(await sizeOf(store, lost.hash)).toBeNull();
  });
});

describe("the disk store, killed mid-put", () => {
  it("leaves no file under any hash, only a temporary file that sweep removes", async () => {
    const root = path.join(scratch, "killed");
    const child = path.join(scratch, "put-forever.mts");
    fs.writeFileSync(
      child,
      `import { diskStore } from ${JSON.stringify(path.resolve("lib/files/disk.ts"))};
const store = diskStore(process.argv[2]);
let n = 0;
async function* endless() {
  const chunk = Buffer.alloc(64 * 1024, 7);
  for (;;) {
    yield chunk;
    if (++n === 32) process.stdout.write("writing\\n");
    await new Promise((r) => setTimeout(r, 2));
  }
}
await store.put(endless(), 2 ** 40);
`,
    );
    // Node itself with tsx's loader (the tsx command would run it in a grandchild, which a
    // SIGKILL of the command does not reach).
    const proc = spawn(process.execPath, ["--import", "tsx", child, root], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on("exit", (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on("data", (d: Buffer) => d.toString().includes("writing") && resolve());
      proc.on("exit", () => reject(new Error("the child ended before writing")));
    });
    const during = filesUnder(root);
    proc.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^tmp\/[0-9a-f]{32}\.part$/);
    const after = filesUnder(root);
    expect(after).toEqual(during);
    expect(fs.statSync(path.join(root, after[0])).size).toBeGreaterThanOrEqual(31 * 64 * 1024);
    expect(filesUnder(path.join(root, "sha256"))).toEqual([]);

    const store = diskStore(root);
    // Too young for the sweep's grace period: kept (a put could still be writing it).
    expect(await store.sweep(new Date(Date.now() - 60_000), async () => new Set())).toBe(0);
    expect(await store.sweep(new Date(Date.now() + 1000), async () => new Set())).toBe(1);
    expect(filesUnder(root)).toEqual([]);
  }, 60_000);
});
