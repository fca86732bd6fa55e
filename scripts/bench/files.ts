/**
 * Attachments: what files cost the desk. Figures, not a test (nothing passes or fails).
 *
 *   npm run bench:files
 *
 * Beside the main bench (its own server and database): seeds a SQLite database (`npm run seed --
 * --demo --tickets 1000`), starts the production server the way `npm start` does (server/server.mjs,
 * NODE_ENV=production, the main bench's build in .next-bench (scripts/bench/build.ts: built when
 * missing or older than the sources), and TRIAGE_UPLOADS as
 * server/start.ts sets it, so that the front door streams files to `<data dir>/incoming`), signs in
 * through the no-JavaScript form, and measures:
 *
 *   1. the disk itself: a 25 MB file written with fsync, and read back (the floor);
 *   2. uploads through the no-JavaScript New ticket form (multipart, streamed from this process):
 *      one 25 MB file, REPEATS times, MB/s to the 303, on a quiet server and while 2 readers load
 *      /tickets; then UPLOAD_BATCHES batches of 8 at once, with the server's RSS (VmRSS every 50 ms)
 *      and /tickets read by 2 readers meanwhile, against /tickets read the same way with no upload
 *      running (interleaved); every upload's ticket checked in SQL;
 *   3. downloads of a 25 MB attachment (GET /tickets/N/attachments/ID), REPEATS times, quiet and
 *      while 2 readers load /tickets;
 *   4. a ticket page with 20 attachments (20 PNGs in one post) against one with none (same title
 *      and description, no comments), loaded with autocannon in interleaved rounds, as the agent
 *      (who gets a Remove button per file) and as the requester.
 *
 * MB are 1,048,576 bytes (as TRIAGE_ATTACHMENT_MAX_MB counts them). The table is printed and
 * written to .tmp/bench-files.md.
 *
 * Environment: BENCH_SECONDS (default 20: load per page),
 * BENCH_ROUNDS (default 4), BENCH_UPLOAD_BATCHES (default 3: batches of 8 uploads).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { formWithField } from "../lib/forms";
import { ensureBuild } from "./build";
import { DIST, WORK as BENCH_WORK } from "./config";
import { signIn } from "./server";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, ".tmp", "bench-files");
const RESULTS = path.join(ROOT, ".tmp", "bench-files.md");
const SECONDS = Number(process.env.BENCH_SECONDS) || 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 4;
const UPLOAD_BATCHES = Math.max(1, Number(process.env.BENCH_UPLOAD_BATCHES) || 3);
const TICKETS = 1000;
const CONNECTIONS = 4;
const WARMUP_SECONDS = 4;
/** Readers of /tickets beside the uploads (and in the quiet windows they are compared with). */
const READERS = 2;
const MB = 1024 * 1024;
/** TRIAGE_ATTACHMENT_MAX_MB's default: a message's files together, so this one file is exactly at the limit. */
const MAX_MB = 25;
const FILE_BYTES = MAX_MB * MB;
const REPEATS = 3;
const AT_ONCE = 8;
const PNGS = 20;
/** ATTACHMENTS_PER_MESSAGE, as server/start.ts passes it on. */
const MAX_FILES = 20;

const nf = new Intl.NumberFormat("en-US");
const log = (s: string) => console.log(s);
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] : 0;
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A ratio, with enough digits to tell a small one from nothing. */
const times = (r: number) => `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;

// ---------------------------------------------------------------------------------------------
// The database

function seedDatabase(file: string) {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/seed.ts", "--demo", "--tickets", String(TICKETS)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}` },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`seed failed:\n${r.stdout}\n${r.stderr}`);
}

/** The database as the server left it, read-only. */
function readDb<T>(file: string, query: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The build and the server

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) if (c.pid) try { process.kill(-c.pid, "SIGKILL"); } catch { /* gone */ }
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => process.exit(130)); // the exit handler stops the server
}

function freePort(from: number): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(freePort(from + 1)));
    s.listen(from, "127.0.0.1", () => s.close(() => resolve(from)));
  });
}

type Server = { base: string; child: ChildProcess; pid: number; uploads: string; stop: () => void };

/** server/server.mjs, started as server/start.ts starts it (its TRIAGE_UPLOADS included). */
async function startServer(dbFile: string): Promise<Server> {
  const port = await freePort(3680);
  const base = `http://127.0.0.1:${port}`;
  const logFile = path.join(WORK, "server.log");
  const out = fs.openSync(logFile, "w");
  // lib/env.ts: the data folder is the SQLite file's, and uploads go to <data dir>/incoming.
  const uploads = path.join(path.dirname(dbFile), "incoming");
  const child = spawn(process.execPath, [path.join(ROOT, "server", "server.mjs")], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", out, out],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: DIST,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: `file:${dbFile}`,
      PORT: String(port),
      TRIAGE_URL: base,
      AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
      TRIAGE_MAIL_WORKERS: "off",
      // The default is 100 files a person an hour: this run attaches more than that.
      TRIAGE_FILES_PER_HOUR: "100000",
      TRIAGE_ATTACHMENT_MAX_MB: String(MAX_MB),
      TRIAGE_UPLOADS: JSON.stringify({ dir: uploads, maxBytes: MAX_MB * MB, maxFiles: MAX_FILES }),
    },
  });
  fs.closeSync(out);
  children.add(child);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited; see ${logFile}`);
    try {
      const res = await fetch(`${base}/sign-in`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`the server did not start; see ${logFile}`);
    await sleep(250);
  }
  const pid = child.pid!;
  // Without TRIAGE_UPLOADS the front door buffers posts in memory, within 4 MB: not what is measured here.
  const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  const set = environ.find((e) => e.startsWith("TRIAGE_UPLOADS="));
  if (!set || JSON.parse(set.slice("TRIAGE_UPLOADS=".length)).dir !== uploads) throw new Error("the server runs without TRIAGE_UPLOADS");
  log(`Server: ${base} (pid ${pid}), uploads streamed to ${path.relative(ROOT, uploads)}`);
  return { base, child, pid, uploads, stop: () => child.pid && process.kill(-child.pid, "SIGTERM") };
}

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/** CPU time (ms, user + system) of every process in the server's process group, from /proc. */
function serverCpuMs(server: Server): number {
  let ticks = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) !== server.pid) continue;
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* ended meanwhile */
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** The server process's resident memory (VmRSS), in bytes. */
function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Samples the server's RSS every 50 ms until stopped: the peak, and how many samples. */
function sampleRss(pid: number) {
  let peak = rss(pid);
  let samples = 1;
  const timer = setInterval(() => {
    peak = Math.max(peak, rss(pid));
    samples++;
  }, 50);
  return () => {
    clearInterval(timer);
    peak = Math.max(peak, rss(pid));
    return { peak, samples: samples + 1 };
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP: forms posted as a browser without JavaScript posts them, files streamed

type Part = { name: string; value: string } | { name: string; filename: string; type: string; size: number; bytes: () => Iterable<Uint8Array> };

/** multipart/form-data as a browser encodes it, produced as it is sent (a 25 MB file is never held). */
function multipartStream(parts: Part[]) {
  const boundary = `----TriageBenchFiles${crypto.randomBytes(8).toString("hex")}`;
  const esc = (s: string) => s.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const pieces = parts.map((p) => {
    const file = "filename" in p;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${esc(p.name)}"${file ? `; filename="${esc(p.filename)}"\r\nContent-Type: ${p.type}` : ""}\r\n\r\n`,
      "utf8",
    );
    const text = file ? null : Buffer.from(p.value.replace(/\r?\n/g, "\r\n"), "utf8");
    return { head, text, part: p, size: head.length + (file ? p.size : text!.length) + 2 };
  });
  const crlf = Buffer.from("\r\n");
  const tail = Buffer.from(`--${boundary}--\r\n`);
  function* chunks(): Generator<Uint8Array> {
    for (const { head, text, part } of pieces) {
      yield head;
      if (text) yield text;
      else if ("bytes" in part) yield* part.bytes();
      yield crlf;
    }
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: pieces.reduce((n, p) => n + p.size, tail.length),
    body: () => Readable.from(chunks(), { objectMode: false }),
  };
}

/** One random MB, whose slices make up every large file after a head of its own (so no two files are the same bytes). */
const BLOCK = crypto.randomBytes(MB);
const STEP = 64 * 1024;

/** A file of `size` bytes: a random head, then BLOCK over and over, in 64 KB chunks. */
function* largeFile(size: number): Generator<Uint8Array> {
  const head = crypto.randomBytes(64);
  yield head;
  for (let sent = head.length; sent < size; ) {
    const at = sent % BLOCK.length;
    const n = Math.min(STEP, size - sent, BLOCK.length - at);
    yield BLOCK.subarray(at, at + n);
    sent += n;
  }
}

/** A small real PNG (64×64, RGB, noise; sniffed as image/png), different for each `seed`. */
function png(seed: number): Buffer {
  const w = 64;
  const h = 64;
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  const rows = Buffer.alloc(h * (1 + w * 3));
  let x = seed * 2654435761;
  for (let i = 0; i < rows.length; i++) {
    if (i % (1 + w * 3) === 0) continue; // filter byte: none
    x = (x * 1103515245 + 12345) >>> 0;
    rows[i] = x >>> 24;
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

type Session = { base: string; cookie: string };
type Posted = { status: number; location: string | null; ms: number; text: string; ticket: number | null };

/** A GET with the whole body read, redirects not followed. */
async function get(url: string, cookie: string) {
  const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const text = await res.text();
  return { status: res.status, text, bytes: Buffer.byteLength(text) };
}

/** The New ticket form's hidden fields (React's $ACTION_… inputs) and where it posts, as a browser without JavaScript reads them. */
async function newTicketForm(s: Session) {
  const page = await get(`${s.base}/tickets/new`, s.cookie);
  if (page.status !== 200) throw new Error(`GET /tickets/new answered ${page.status}`);
  const form = formWithField(page.text, "title");
  if (form.method !== "POST" || form.action.startsWith("javascript:")) throw new Error(`The new-ticket form does not post without JavaScript (action ${form.action})`);
  if (!form.html.includes('name="attachments"')) throw new Error("The new-ticket form has no attachments field");
  const hidden = form.fields.filter(([n]) => !["title", "description", "priority"].includes(n));
  return { action: new URL(form.action || "/tickets/new", `${s.base}/tickets/new`), hidden };
}

type Form = Awaited<ReturnType<typeof newTicketForm>>;

const TITLE = "Label printer in the warehouse prints blank pages";
const DESCRIPTION = "The label printer prints blank labels since this morning; screenshots of the settings attached.\n\nDevice: Zebra ZD421\nLocation: Warehouse";

/** Posts the New ticket form with these files (none: the empty file part a browser sends); times it to the response's head. */
function createTicket(s: Session, form: Form, files: Part[], title = TITLE): Promise<Posted> {
  const body = multipartStream([
    ...form.hidden.map(([name, value]) => ({ name, value })),
    { name: "title", value: title },
    { name: "description", value: DESCRIPTION },
    { name: "priority", value: "Medium" },
    ...(files.length ? files : [{ name: "attachments", filename: "", type: "application/octet-stream", size: 0, bytes: () => [] }]),
  ]);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(form.action, {
      method: "POST",
      agent: false,
      headers: { cookie: s.cookie, origin: s.base, "content-type": body.contentType, "content-length": String(body.length) },
    });
    req.setTimeout(300_000, () => req.destroy(new Error("the post timed out")));
    req.on("error", reject);
    req.on("response", (res) => {
      const ms = performance.now() - started;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const location = res.headers.location ?? null;
        const m = res.statusCode === 303 ? /^\/tickets\/(\d+)\?created=1$/.exec(location ?? "") : null;
        resolve({ status: res.statusCode ?? 0, location, ms, text: Buffer.concat(chunks).toString("utf8"), ticket: m ? Number(m[1]) : null });
      });
    });
    body.body().pipe(req);
  });
}

/** One 25 MB file through the form; throws unless it made a ticket. */
async function uploadLarge(s: Session, form: Form, n: number): Promise<Posted & { ticket: number }> {
  const r = await createTicket(s, form, [{ name: "attachments", filename: `capture-${n}.bin`, type: "application/octet-stream", size: FILE_BYTES, bytes: () => largeFile(FILE_BYTES) }], `${TITLE} (upload ${n})`);
  if (r.ticket === null) throw new Error(`Uploading ${MAX_MB} MB answered ${r.status} (${r.location ?? "no Location"}):\n${r.text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 600)}`);
  return r as Posted & { ticket: number };
}

/** A download read to its end: its status, Content-Length, the bytes counted, and the time to the last byte. */
function download(url: string, cookie: string) {
  return new Promise<{ status: number; contentLength: string | undefined; bytes: number; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { agent: false, headers: { cookie } }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentLength: res.headers["content-length"], bytes, ms: performance.now() - started }));
    });
    req.setTimeout(300_000, () => req.destroy(new Error("the download timed out")));
    req.on("error", reject);
  });
}

/** READERS readers loading /tickets one request after another until `done()`: each 200's time, and the others. */
async function readList(s: Session, done: () => boolean) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: READERS });
  const url = new URL("/tickets", s.base);
  const times: number[] = [];
  let failed = 0;
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(url, { agent, headers: { cookie: s.cookie } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      });
      req.setTimeout(120_000, () => req.destroy(new Error("timed out")));
      req.on("error", reject);
    });
  const reader = async () => {
    while (!done()) {
      const t0 = performance.now();
      try {
        if ((await one()) === 200) times.push(performance.now() - t0);
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: READERS }, reader));
  agent.destroy();
  return { times, failed };
}

/** `work` with READERS readers of /tickets beside it all along: its result, and how many pages they read meanwhile. */
async function withReaders<T>(s: Session, work: () => Promise<T>): Promise<{ result: T; reads: number }> {
  let done = false;
  const readers = readList(s, () => done);
  try {
    const result = await work();
    done = true;
    return { result, reads: (await readers).times.length };
  } finally {
    done = true;
  }
}

// ---------------------------------------------------------------------------------------------
// 1. The disk

function rawDisk() {
  const file = path.join(WORK, "raw.bin");
  const writes: number[] = [];
  const reads: number[] = [];
  const buf = Buffer.alloc(MB);
  for (let i = 0; i < REPEATS; i++) {
    fs.rmSync(file, { force: true });
    let t0 = performance.now();
    const fd = fs.openSync(file, "wx", 0o600);
    for (let at = 0; at < FILE_BYTES; at += MB) {
      BLOCK.copy(buf);
      buf.writeUInt32BE(i * 100 + at / MB, 0);
      fs.writeSync(fd, buf);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    writes.push(performance.now() - t0);
    t0 = performance.now();
    const rd = fs.openSync(file, "r");
    let got = 0;
    for (let n = 1; n > 0; got += n) n = fs.readSync(rd, buf, 0, buf.length, null);
    fs.closeSync(rd);
    reads.push(performance.now() - t0);
    if (got !== FILE_BYTES) throw new Error(`read back ${got} bytes`);
  }
  fs.rmSync(file, { force: true });
  return { write: writes.map((ms) => mbps(FILE_BYTES, ms)), read: reads.map((ms) => mbps(FILE_BYTES, ms)) };
}

// ---------------------------------------------------------------------------------------------
// 4. Ticket pages under load (as scripts/bench/conversation.ts loads them)

type Scenario = { name: string; url: string; cookie: string; check: (html: string) => string | null };
type Result = { name: string; bytes: number; p50: number; p99: number; rps: number; requests: number; failed: number; cpuMs: number };

async function loadAll(server: Server, scenarios: Scenario[]): Promise<Result[]> {
  const lat = new Map<Scenario, number[]>(scenarios.map((s) => [s, []]));
  const secs = new Map<Scenario, number>(scenarios.map((s) => [s, 0]));
  const bad = new Map<Scenario, number>(scenarios.map((s) => [s, 0]));
  const cpu = new Map<Scenario, number>(scenarios.map((s) => [s, 0]));
  const bytes = new Map<Scenario, number>();
  for (const s of scenarios) {
    const first = await get(s.url, s.cookie);
    const problem = first.status !== 200 ? `answered ${first.status}` : s.check(first.text);
    if (problem) throw new Error(`${s.name}: ${problem}`);
    bytes.set(s, first.bytes);
  }
  const run = async (s: Scenario, seconds: number, record: boolean) => {
    const latencies: number[] = [];
    const cpu0 = serverCpuMs(server);
    const started = performance.now();
    const r = await autocannon({ url: s.url, connections: CONNECTIONS, duration: seconds, headers: { cookie: s.cookie }, timeout: 60 }).on(
      "response",
      (_c, _s, _b, t) => latencies.push(t),
    );
    if (!record) return;
    cpu.set(s, cpu.get(s)! + serverCpuMs(server) - cpu0);
    secs.set(s, secs.get(s)! + (performance.now() - started) / 1000);
    lat.get(s)!.push(...latencies);
    bad.set(s, bad.get(s)! + r.non2xx + r.errors + r.timeouts);
  };
  log(`Warming up (${WARMUP_SECONDS} s each)…`);
  for (const s of scenarios) await run(s, WARMUP_SECONDS, false);
  for (let round = 0; round < ROUNDS; round++) {
    log(`Round ${round + 1} of ${ROUNDS} (${(SECONDS / ROUNDS).toFixed(1)} s each)…`);
    for (const s of round % 2 ? [...scenarios].reverse() : scenarios) await run(s, SECONDS / ROUNDS, true);
  }
  return scenarios.map((s) => {
    const sorted = lat.get(s)!.sort((a, b) => a - b);
    return { name: s.name, bytes: bytes.get(s)!, p50: percentile(sorted, 50), p99: percentile(sorted, 99), rps: sorted.length / secs.get(s)!, requests: sorted.length, failed: bad.get(s)!, cpuMs: cpu.get(s)! / sorted.length };
  });
}

// ---------------------------------------------------------------------------------------------

type Batch = { ms: number; before: number; peak: number; after: number; samples: number; cpuMs: number; tickets: number[]; readers: { times: number[]; failed: number } };

async function main() {
  process.chdir(ROOT);
  const file = path.join(WORK, "bench.db");
  log(`Seeding ${path.relative(ROOT, file)}: --demo --tickets ${nf.format(TICKETS)}…`);
  seedDatabase(file);
  // The main bench's build (scripts/bench/build.ts), which `npm run bench` has just made or found.
  fs.mkdirSync(BENCH_WORK, { recursive: true });
  ensureBuild();
  const server = await startServer(file);
  const agent: Session = { base: server.base, cookie: await signIn(server.base, "agent@example.com", "triage-agent-demo") };
  const requester: Session = { base: server.base, cookie: await signIn(server.base, "requester@example.com", "triage-requester-demo") };
  const form = await newTicketForm(agent);

  // 1. The disk (beside the database: where the store and the upload folder are).
  log("Disk: 25 MB written with fsync and read back…");
  const disk = rawDisk();

  // 2a. One 25 MB upload at a time. A first small post warms up the action (not counted).
  log(`Uploads: one ${MAX_MB} MB file, ${REPEATS} times…`);
  const warm = await createTicket(agent, form, [{ name: "attachments", filename: "warm.png", type: "image/png", size: png(0).length, bytes: () => [png(0)] }], `${TITLE} (warm-up)`);
  if (warm.ticket === null) throw new Error(`The warm-up post answered ${warm.status}`);
  const singles: (Posted & { ticket: number })[] = [];
  let n = 0;
  const singleCpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const cpu0 = serverCpuMs(server);
    singles.push(await uploadLarge(agent, form, ++n));
    singleCpu.push(serverCpuMs(server) - cpu0);
  }
  if (!fs.existsSync(server.uploads)) throw new Error(`Nothing went through ${server.uploads}: the front door did not stream the files`);
  const singleMbps = singles.map((r) => mbps(FILE_BYTES, r.ms));
  // The same while the desk serves pages: /tickets read by READERS readers all along.
  log(`Uploads: one ${MAX_MB} MB file while /tickets is read, ${REPEATS} times…`);
  const busySingles: { mbps: number; reads: number; ticket: number }[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const { result, reads } = await withReaders(agent, () => uploadLarge(agent, form, ++n));
    busySingles.push({ mbps: mbps(FILE_BYTES, result.ms), reads, ticket: result.ticket });
  }

  // 2b. 8 at once, with /tickets read beside them, interleaved with quiet windows as long.
  log(`Uploads: ${AT_ONCE} × ${MAX_MB} MB at once, ${UPLOAD_BATCHES} batches, /tickets read by ${READERS} readers meanwhile and in quiet windows between…`);
  const warmUntil = performance.now() + 3000;
  await readList(agent, () => performance.now() > warmUntil);
  const quiet = { times: [] as number[], failed: 0, ms: 0 };
  const batches: Batch[] = [];
  /** /tickets with no upload running, as long as a batch takes (the median so far; 5 s before the first). */
  const quietWindow = async () => {
    const ms = batches.length ? median(batches.map((x) => x.ms)) : 5000;
    const until = performance.now() + ms;
    const r = await readList(agent, () => performance.now() > until);
    quiet.times.push(...r.times);
    quiet.failed += r.failed;
    quiet.ms += ms;
  };
  for (let b = 0; b < UPLOAD_BATCHES; b++) {
    await quietWindow();
    await sleep(500);
    const before = rss(server.pid);
    const cpu0 = serverCpuMs(server);
    const stop = sampleRss(server.pid);
    let done = false;
    const started = performance.now();
    const readers = readList(agent, () => done);
    const posted = await Promise.all(Array.from({ length: AT_ONCE }, () => uploadLarge(agent, form, ++n)));
    const ms = performance.now() - started;
    done = true;
    const { peak, samples } = stop();
    const read = await readers;
    const cpuMs = serverCpuMs(server) - cpu0;
    await sleep(1000);
    batches.push({ ms, before, peak, after: rss(server.pid), samples, cpuMs, tickets: posted.map((p) => p.ticket), readers: read });
    log(`  batch ${b + 1}: ${fmt(ms / 1000)} s, RSS ${fmt(before / MB)} → peak ${fmt(peak / MB)} MB, /tickets read ${read.times.length} times`);
  }
  await quietWindow();

  // Every upload is a ticket with one attachment of exactly 25 MB, its bytes in the store.
  const uploaded = [...singles.map((s) => s.ticket), ...busySingles.map((s) => s.ticket), ...batches.flatMap((b) => b.tickets)];
  const rows = readDb(file, (db) =>
    db
      .prepare(
        `SELECT t."number", count(a."id") AS "files", min(a."size") AS "min", max(a."size") AS "max", max(a."hash") AS "hash"
         FROM "ticket" t LEFT JOIN "attachment" a ON a."ticketNumber" = t."number" AND a."commentId" IS NULL
         WHERE t."number" IN (${uploaded.map(() => "?").join(", ")}) GROUP BY t."number"`,
      )
      .all(...uploaded) as { number: number; files: number; min: number; max: number; hash: string }[],
  );
  const whole = rows.filter((r) => r.files === 1 && r.min === FILE_BYTES && r.max === FILE_BYTES);
  const onDisk = whole.filter((r) => fs.statSync(path.join(WORK, "files", "sha256", r.hash.slice(0, 2), r.hash.slice(2, 4), r.hash), { throwIfNoEntry: false })?.size === FILE_BYTES);
  const distinct = new Set(whole.map((r) => r.hash)).size;
  const batchTickets = batches.flatMap((b) => b.tickets);
  const batchWhole = whole.filter((r) => batchTickets.includes(r.number)).length;
  log(`SQL: ${whole.length} of ${uploaded.length} tickets have one attachment of ${nf.format(FILE_BYTES)} bytes (${distinct} distinct files, ${onDisk.length} in the store at that size).`);

  // 3. Downloads of the first one.
  const [first] = singles;
  const attachment = readDb(file, (db) => db.prepare(`SELECT "id" FROM "attachment" WHERE "ticketNumber" = ?`).get(first.ticket) as { id: number });
  const url = `${server.base}/tickets/${first.ticket}/attachments/${attachment.id}`;
  log(`Downloads: ${url.slice(server.base.length)}, ${REPEATS} times…`);
  const downloads = [];
  for (let i = 0; i < REPEATS; i++) {
    const d = await download(url, agent.cookie);
    if (d.status !== 200 || d.bytes !== FILE_BYTES) throw new Error(`The download answered ${d.status} with ${d.bytes} bytes`);
    downloads.push(d);
  }
  const lengthsRight = downloads.every((d) => d.contentLength === String(FILE_BYTES));
  const downMbps = downloads.map((d) => mbps(FILE_BYTES, d.ms));
  log(`Downloads: the same while /tickets is read, ${REPEATS} times…`);
  const busyDownloads: { mbps: number; reads: number }[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const { result, reads } = await withReaders(agent, () => download(url, agent.cookie));
    if (result.status !== 200 || result.bytes !== FILE_BYTES) throw new Error(`The download answered ${result.status} with ${result.bytes} bytes`);
    busyDownloads.push({ mbps: mbps(FILE_BYTES, result.ms), reads: reads });
  }

  // 4. A ticket page with 20 files against one with none: same title and description, no comments, both the requester's.
  log(`Pages: a ticket with ${PNGS} PNGs and one without, created by the requester…`);
  const requesterForm = await newTicketForm(requester);
  const pngs = Array.from({ length: PNGS }, (_, i) => png(i + 1));
  const withFiles = await createTicket(
    requester,
    requesterForm,
    pngs.map((p, i) => ({ name: "attachments", filename: `screenshot-${String(i + 1).padStart(2, "0")}.png`, type: "image/png", size: p.length, bytes: () => [p] })),
  );
  const without = await createTicket(requester, requesterForm, []);
  if (withFiles.ticket === null || without.ticket === null) throw new Error(`Creating the page tickets answered ${withFiles.status} and ${without.status}`);
  const pageRows = readDb(file, (db) =>
    db.prepare(`SELECT count(*) AS "n", sum("type" = 'image/png') AS "png" FROM "attachment" WHERE "ticketNumber" = ?`).get(withFiles.ticket) as { n: number; png: number },
  );
  if (pageRows.n !== PNGS || pageRows.png !== PNGS) throw new Error(`The ticket with files has ${pageRows.n} attachments (${pageRows.png} PNG)`);
  const links = (html: string) => (html.match(/href="\/tickets\/\d+\/attachments\/\d+"/g) ?? []).length;
  const has = (count: number) => (html: string) =>
    !html.includes("Conversation") ? "no Conversation" : links(html) !== count ? `${links(html)} attachment links, not ${count}` : null;
  const page = (t: number) => `${server.base}/tickets/${t}`;
  const pageSize = (bytes: number) => `${fmt(bytes / 1024)} KB`;
  const results = await loadAll(server, [
    { name: `agent, ${PNGS} attachments`, url: page(withFiles.ticket), cookie: agent.cookie, check: has(PNGS) },
    { name: "agent, none", url: page(without.ticket), cookie: agent.cookie, check: has(0) },
    { name: `requester, ${PNGS} attachments`, url: page(withFiles.ticket), cookie: requester.cookie, check: has(PNGS) },
    { name: "requester, none", url: page(without.ticket), cookie: requester.cookie, check: has(0) },
  ]);

  // What was left behind.
  const leftIncoming = fs.existsSync(server.uploads) ? fs.readdirSync(server.uploads).length : 0;
  const storeTmp = path.join(WORK, "files", "tmp");
  const leftTmp = fs.existsSync(storeTmp) ? fs.readdirSync(storeTmp).length : 0;
  const finalRss = rss(server.pid);
  server.stop();

  // -------------------------------------------------------------------------------------------
  const out: string[] = [];
  const w = (s = "") => out.push(s);
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "?";
  const list = (xs: number[]) => xs.map(fmt).join(", ");
  const quietSorted = [...quiet.times].sort((a, b) => a - b);
  const during = batches.flatMap((b) => b.readers.times).sort((a, b) => a - b);
  const duringFailed = batches.reduce((s, b) => s + b.readers.failed, 0);
  const uploadMs = batches.reduce((s, b) => s + b.ms, 0);
  const growth = batches.map((b) => (b.peak - b.before) / MB);
  const aggregate = batches.map((b) => mbps(AT_ONCE * FILE_BYTES, b.ms));
  const rawWrite = median(disk.write);
  const rawRead = median(disk.read);

  w(`## Attachments (\`npm run bench:files\`)`);
  w();
  w(`${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, commit ${commit}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}; SQLite, ${nf.format(TICKETS)} seeded tickets; MB = 1,048,576 bytes; a 25 MB file is ${nf.format(FILE_BYTES)} bytes, exactly the limit.`);
  w();
  w(`| Measure | Figure | Detail |`);
  w(`|---|---:|---|`);
  w(`| 1. Disk: write 25 MB + fsync | ${fmt(rawWrite)} MB/s | median of ${list(disk.write)} MB/s |`);
  w(`| 1. Disk: read 25 MB back | ${fmt(rawRead)} MB/s | median of ${list(disk.read)} MB/s (from the page cache: just written) |`);
  w(`| 2. Upload: one 25 MB file (to the 303) | ${fmt(median(singleMbps))} MB/s | median of ${list(singleMbps)} MB/s (${singles.map((s) => `${fmt(s.ms)} ms`).join(", ")}); ${times(median(singleMbps) / rawWrite)} the disk's write |`);
  w(`| 2. Upload: one 25 MB file while /tickets is read (${READERS} readers) | ${fmt(median(busySingles.map((b) => b.mbps)))} MB/s | median of ${list(busySingles.map((b) => b.mbps))} MB/s (${busySingles.map((b) => b.reads).join(", ")} pages read meanwhile); ${times(median(busySingles.map((b) => b.mbps)) / median(singleMbps))} the quiet upload |`);
  w(`| 2. Server CPU per 25 MB upload (one at a time) | ${fmt(median(singleCpu))} ms | ${list(singleCpu)} ms (every process in its group) |`);
  w(`| 2. Upload: ${AT_ONCE} × 25 MB at once | ${fmt(median(aggregate))} MB/s in all | ${batches.length} batches: ${batches.map((b) => `${fmt(b.ms / 1000)} s`).join(", ")} (${list(aggregate)} MB/s); ${times(median(aggregate) / rawWrite)} the disk's write |`);
  w(`| 2. Server CPU per 25 MB upload (${AT_ONCE} at once) | ${fmt(median(batches.map((b) => b.cpuMs / AT_ONCE)))} ms | ${list(batches.map((b) => b.cpuMs / AT_ONCE))} ms (every process in its group, readers' requests included) |`);
  w(`| 2. Server RSS growth during ${AT_ONCE} uploads | ${fmt(Math.max(...growth))} MB | peak − before, per batch: ${batches.map((b) => `${fmt(b.before / MB)} → ${fmt(b.peak / MB)} MB (+${fmt((b.peak - b.before) / MB)}; ${fmt(b.after / MB)} MB 1 s after)`).join("; ")}; VmRSS of pid ${server.pid} every 50 ms (${nf.format(batches.reduce((t, b) => t + b.samples, 0))} samples) |`);
  w(`| 2. /tickets, quiet (${READERS} readers) | p50 ${fmt(percentile(quietSorted, 50))} ms, p99 ${fmt(percentile(quietSorted, 99))} ms | ${nf.format(quietSorted.length)} requests in ${fmt(quiet.ms / 1000)} s${quiet.failed ? `, ${quiet.failed} failed` : ""} |`);
  w(`| 2. /tickets, during the uploads (${READERS} readers) | p50 ${fmt(percentile(during, 50))} ms, p99 ${fmt(percentile(during, 99))} ms | ${nf.format(during.length)} requests in ${fmt(uploadMs / 1000)} s${duringFailed ? `, ${duringFailed} failed` : ""}; p50 ${(percentile(during, 50) / percentile(quietSorted, 50)).toFixed(2)}x, p99 ${(percentile(during, 99) / percentile(quietSorted, 99)).toFixed(2)}x quiet |`);
  w(`| 2. Checked in SQL | ${batchWhole} of ${batchTickets.length} | tickets of the ${AT_ONCE}-at-once batches with one attachment row of ${nf.format(FILE_BYTES)} bytes (all uploads: ${whole.length} of ${uploaded.length}; ${distinct} distinct hashes; ${onDisk.length} in the store at that size) |`);
  w(`| 3. Download: 25 MB attachment | ${fmt(median(downMbps))} MB/s | median of ${list(downMbps)} MB/s; Content-Length ${lengthsRight ? `${nf.format(FILE_BYTES)} every time` : downloads.map((d) => d.contentLength ?? "none").join(", ")}; ${times(median(downMbps) / rawRead)} the disk's read |`);
  w(`| 3. Download while /tickets is read (${READERS} readers) | ${fmt(median(busyDownloads.map((b) => b.mbps)))} MB/s | median of ${list(busyDownloads.map((b) => b.mbps))} MB/s (${busyDownloads.map((b) => b.reads).join(", ")} pages read meanwhile); ${times(median(busyDownloads.map((b) => b.mbps)) / median(downMbps))} the quiet download |`);
  w(`| Left behind | ${leftIncoming} + ${leftTmp} files | in incoming/ (the front door's) and files/tmp/ (the store's) after the run; server RSS at the end ${fmt(finalRss / MB)} MB |`);
  w();
  w(`4. Ticket pages, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds, ${SECONDS} s per page in all (same title and description, no comments; the agent gets a Remove form per file):`);
  w();
  w(`| Page | Size | p50 | p99 | req/s | Server CPU per request | Requests | Failed |`);
  w(`|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const r of results) w(`| ${r.name} | ${pageSize(r.bytes)} | ${fmt(r.p50)} ms | ${fmt(r.p99)} ms | ${r.rps.toFixed(1)} | ${fmt(r.cpuMs)} ms | ${nf.format(r.requests)} | ${r.failed} |`);
  w();
  for (const who of ["agent", "requester"]) {
    const [many, none] = results.filter((r) => r.name.startsWith(`${who}, `));
    w(`- ${who}: with ${PNGS} attachments p50 ${(many.p50 / none.p50).toFixed(2)}x and p99 ${(many.p99 / none.p99).toFixed(2)}x the page without (target: at most 1.2x); req/s ${(many.rps / none.rps).toFixed(2)}x, CPU per request ${(many.cpuMs / none.cpuMs).toFixed(2)}x, size ${(many.bytes / none.bytes).toFixed(2)}x.`);
  }
  const text = out.join("\n");
  log(`\n${text}`);
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${text}\n`);
  log(`\n(Written to ${path.relative(ROOT, RESULTS)}; the server's log is ${path.relative(ROOT, path.join(WORK, "server.log"))}.)`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
