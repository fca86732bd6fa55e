/**
 * The ticket page at 10,000 comments against 10 (issue 20, item 2): p99 within 1.5x.
 *
 *   npm run bench:conversation
 *
 * Beside the main bench (its own servers and database, for now): seeds a SQLite database (`npm run seed -- --demo
 * --tickets 2`, then comments with SQL: 10 on one ticket, 10,000 on the other, a quarter of them
 * internal notes, 100–1,500 characters each), starts the production server the way scripts/bench
 * does (server/server.mjs, NODE_ENV=production, its own NEXT_DIST_DIR, built when missing), signs
 * in through the no-JavaScript form as the demo agent and as the tickets' requester, and loads
 * each ticket page with autocannon (CONNECTIONS connections, a warm-up, then ROUNDS interleaved
 * rounds of SECONDS in all per page). Prints p50/p99, req/s and the page's size for each, and the
 * ratio of the p99s.
 *
 * Environment: NEXT_DIST_DIR (default .next-conv), BENCH_SECONDS (default 20), BENCH_ROUNDS
 * (default 4), BENCH_BASELINE=<dir of a built checkout> to time that checkout's ticket page at
 * 10,000 comments too (a few single requests: before the fix it takes seconds).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { signIn } from "./server";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, ".tmp", "bench-conversation");
const DIST = process.env.NEXT_DIST_DIR || ".next-conv";
const SECONDS = Number(process.env.BENCH_SECONDS) || 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 4;
const CONNECTIONS = 4;
const WARMUP_SECONDS = 4;
const SMALL = 10;
const LARGE = 10_000;
/** A ticket with a little more than a page of comments: its latest page costs what any longer one's does. */
const PAGE = 50;

const nf = new Intl.NumberFormat("en-US");
const log = (s: string) => console.log(s);
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] : 0;
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

// ---------------------------------------------------------------------------------------------
// The database

/** Text of a realistic length: 100–1,500 characters of words, with a line break now and then. */
function body(rand: () => number, i: number): string {
  const words = ["printer", "queue", "driver", "restart", "the", "again", "works", "after", "update", "error", "screen", "network", "please", "check", "and", "it", "still", "fails", "when", "I", "open", "settings"];
  const length = 100 + Math.floor(rand() * 1400);
  let s = `#${i} `;
  while (s.length < length) s += (rand() < 0.05 ? "\n" : "") + words[Math.floor(rand() * words.length)] + " ";
  return s.trim();
}

function seedDatabase(file: string) {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/seed.ts", "--demo", "--tickets", "3"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}` },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`seed failed:\n${r.stdout}\n${r.stderr}`);
  const db = new Database(file);
  const id = (email: string) => (db.prepare(`SELECT "id", "name" FROM "user" WHERE "email" = ?`).get(email) as { id: string; name: string });
  const agent = id("agent@example.com");
  const requester = id("requester@example.com");
  const [small, large, full] = (db.prepare(`SELECT "number" FROM "ticket" ORDER BY "number"`).all() as { number: number }[]).map((t) => t.number);
  db.prepare(`UPDATE "ticket" SET "requesterId" = ?, "requesterName" = ?`).run(requester.id, requester.name);
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const insert = db.prepare(`INSERT INTO "comment" ("ticketNumber", "authorId", "body", "internal", "createdAt") VALUES (?, ?, ?, ?, ?)`);
  const start = Date.now() - 30 * 86400_000;
  db.transaction(() => {
    for (const [ticket, count] of [[small, SMALL], [large, LARGE], [full, PAGE]] as const) {
      for (let i = 0; i < count; i++) {
        const internal = i % 4 === 3;
        const author = internal || i % 2 ? agent.id : requester.id;
        insert.run(ticket, author, body(rand, i), internal ? 1 : 0, new Date(start + i * 60_000).toISOString().replace("Z", "+00:00"));
      }
    }
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { small, large, full };
}

// ---------------------------------------------------------------------------------------------
// The build and the server

/** `next build` into DIST when it has none; the edits it makes to tsconfig.json and next-env.d.ts are taken back. */
function ensureBuild() {
  if (fs.existsSync(path.join(ROOT, DIST, "BUILD_ID"))) {
    log(`Build: ${DIST} exists (delete it to build again).`);
    return;
  }
  const keep = ["tsconfig.json", "next-env.d.ts"].map((f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")] as const);
  log(`Build: next build into ${DIST}…`);
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "next"), ["build"], {
    cwd: ROOT,
    env: { ...process.env, NEXT_DIST_DIR: DIST, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const [f, text] of keep) fs.writeFileSync(path.join(ROOT, f), text);
  if (r.status !== 0) throw new Error(`next build failed:\n${(r.stdout + r.stderr).split("\n").slice(-40).join("\n")}`);
}

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) if (c.pid) try { process.kill(-c.pid, "SIGKILL"); } catch { /* gone */ }
});

function freePort(from: number): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(freePort(from + 1)));
    s.listen(from, "127.0.0.1", () => s.close(() => resolve(from)));
  });
}

type Server = { base: string; child: ChildProcess; stop: () => void };

async function startServer(label: string, cwd: string, script: string, dbFile: string, extraEnv: Record<string, string>): Promise<Server> {
  const port = await freePort(3650);
  const base = `http://127.0.0.1:${port}`;
  const out = fs.openSync(path.join(WORK, `server-${label}.log`), "w");
  const child = spawn(process.execPath, [script], {
    cwd,
    detached: true,
    stdio: ["ignore", out, out],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: `file:${dbFile}`,
      PORT: String(port),
      TRIAGE_URL: base,
      AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
      TRIAGE_MAIL_WORKERS: "off",
      ...extraEnv,
    },
  });
  children.add(child);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server ${label} exited; see ${WORK}/server-${label}.log`);
    try {
      const res = await fetch(`${base}/sign-in`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`server ${label} did not start`);
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`Server (${label}): ${base}`);
  return { base, child, stop: () => child.pid && process.kill(-child.pid, "SIGTERM") };
}

async function get(url: string, cookie: string) {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const text = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(text), text, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// Load

type Scenario = { name: string; url: string; cookie: string; expect: string; server: Server };
type Result = { name: string; bytes: number; p50: number; p99: number; rps: number; requests: number; non2xx: number; cpuMs: number };

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/** CPU time (ms, user + system) of every process in the server's process group, from /proc: steadier than latency on a busy machine. */
function serverCpuMs(server: Server): number {
  let ticks = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) !== server.child.pid) continue;
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* ended meanwhile */
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

async function loadAll(scenarios: Scenario[]): Promise<Result[]> {
  const lat = new Map<Scenario, number[]>(scenarios.map((s) => [s, []]));
  const secs = new Map<Scenario, number>(scenarios.map((s) => [s, 0]));
  const bad = new Map<Scenario, number>(scenarios.map((s) => [s, 0]));
  const bytes = new Map<Scenario, number>();
  const cpu = new Map<Scenario, number>(scenarios.map((s) => [s, 0]));
  for (const s of scenarios) {
    const first = await get(s.url, s.cookie);
    if (first.status !== 200 || !first.text.includes(s.expect)) throw new Error(`${s.name}: ${first.status} without "${s.expect}"`);
    bytes.set(s, first.bytes);
  }
  const run = async (s: Scenario, seconds: number, record: boolean) => {
    const latencies: number[] = [];
    const cpu0 = serverCpuMs(s.server);
    const started = performance.now();
    const r = await autocannon({ url: s.url, connections: CONNECTIONS, duration: seconds, headers: { cookie: s.cookie }, timeout: 60 }).on(
      "response",
      (_c, _s, _b, t) => latencies.push(t),
    );
    if (!record) return;
    cpu.set(s, cpu.get(s)! + serverCpuMs(s.server) - cpu0);
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
    return { name: s.name, bytes: bytes.get(s)!, p50: percentile(sorted, 50), p99: percentile(sorted, 99), rps: sorted.length / secs.get(s)!, requests: sorted.length, non2xx: bad.get(s)!, cpuMs: cpu.get(s)! / sorted.length };
  });
}

async function main() {
  process.chdir(ROOT);
  const file = path.join(WORK, "bench.db");
  log(`Seeding ${path.relative(ROOT, file)}: ${nf.format(SMALL)} and ${nf.format(LARGE)} comments on two tickets…`);
  const { small, large, full } = seedDatabase(file);
  ensureBuild();
  const server = await startServer("conversation", ROOT, path.join(ROOT, "server", "server.mjs"), file, { NEXT_DIST_DIR: DIST });
  const agent = await signIn(server.base, "agent@example.com", "triage-agent-demo");
  const requester = await signIn(server.base, "requester@example.com", "triage-requester-demo");
  const page = (n: number) => `${server.base}/tickets/${n}`;
  const results = await loadAll([
    { name: `agent, ${nf.format(SMALL)} comments`, url: page(small), cookie: agent, expect: "Conversation", server },
    { name: `agent, ${nf.format(LARGE)} comments`, url: page(large), cookie: agent, expect: "Earlier comments", server },
    { name: `requester, ${nf.format(SMALL)} comments`, url: page(small), cookie: requester, expect: "Conversation", server },
    { name: `requester, ${nf.format(LARGE)} comments`, url: page(large), cookie: requester, expect: "Earlier comments", server },
    ...(process.env.BENCH_FULL_PAGE ? [{ name: `agent, ${PAGE} comments (for comparison)`, url: page(full), cookie: agent, expect: "Conversation", server }] : []),
  ]);
  // An earlier page deep in the conversation costs what the latest does.
  const deep = await get(page(large), agent);
  const oldest = Number(/\?before=(\d+)/.exec(deep.text)?.[1] ?? 0);
  server.stop();

  log("\n| Page | Size | p50 | p99 | req/s | Server CPU per request | Requests | Failed |\n|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    log(`| ${r.name} | ${fmt(r.bytes / 1024)} KB | ${fmt(r.p50)} ms | ${fmt(r.p99)} ms | ${r.rps.toFixed(1)} | ${fmt(r.cpuMs)} ms | ${nf.format(r.requests)} | ${r.non2xx} |`);
  }
  for (const who of ["agent", "requester"]) {
    const [s, l] = results.filter((r) => r.name.startsWith(`${who}, `) && !r.name.includes("for comparison"));
    log(`${who}: at ${nf.format(LARGE)} comments p99 is ${(l.p99 / s.p99).toFixed(2)}x that at ${nf.format(SMALL)} (must be within 1.5x); CPU per request ${(l.cpuMs / s.cpuMs).toFixed(2)}x.`);
  }
  if (oldest) log(`(The latest page links to ?before=${oldest}.)`);

  const baseline = process.env.BENCH_BASELINE;
  if (baseline) {
    const dir = path.resolve(baseline);
    const script = ["server/server.mjs", "scripts/server.mjs"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!script) throw new Error(`${dir} has no server/server.mjs or scripts/server.mjs`);
    const old = await startServer("baseline", dir, script, file, { NEXT_DIST_DIR: "" });
    const cookie = await signIn(old.base, "agent@example.com", "triage-agent-demo");
    for (const n of [small, large]) {
      const times: number[] = [];
      let size = 0;
      for (let i = 0; i < 4; i++) {
        const r = await get(`${old.base}/tickets/${n}`, cookie);
        if (r.status !== 200) throw new Error(`baseline /tickets/${n}: ${r.status}`);
        times.push(r.ms);
        size = r.bytes;
      }
      log(`Baseline (${path.basename(dir)}), agent, ticket with ${nf.format(n === small ? SMALL : LARGE)} comments: ${fmt(size / 1024)} KB, ${times.map((t) => `${fmt(t)} ms`).join(", ")} (one request at a time)`);
    }
    old.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
