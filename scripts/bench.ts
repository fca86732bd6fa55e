/**
 * `npm run bench`: figures, not a test. Prints a markdown table and writes it to
 * .tmp/bench-results.md.
 *
 * Builds a production build into .next-bench when it is missing or older than the sources,
 * seeds throwaway databases under .tmp/bench (1,000 and 100,000 tickets, with scripts/seed.ts),
 * serves each with its own scripts/server.mjs (what `npm start` runs) on a free port from 3300–3320, signs in
 * once on each as an agent through the real no-JavaScript sign-in form, and loads the pages with
 * autocannon (4 connections, BENCH_SECONDS per scenario, default 10, split into BENCH_ROUNDS
 * interleaved rounds, default 2, so that a machine busy with other work skews them alike):
 *   a) /tickets at 1,000 and at 100,000 tickets;
 *   b) the floor, /bench-floor: the same table from memory (no database, no session);
 *   c) at 100,000: a search with two filters and a sort, and each quick view;
 *   d) the list's own count and page SQL, timed in process with better-sqlite3, with plans;
 *   e) creates through the no-JavaScript form post of /tickets/new, every 303 checked in SQL.
 * The server is stopped on exit, on error and on Ctrl-C; the whole run is capped at 30 minutes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { formWithField, multipart } from "./lib/forms";
import type { ProbeCase, ProbeResult } from "./lib/sql-probe";
import { LONG_QUERY } from "./lib/search-cases";
import { browserCost, type BrowserCost } from "./bench/browser";
import { DEMO_ACCOUNTS, ensureDemoAccounts, ensureDemoPeople, migrate, openSeedDatabase, seedTickets, type SeedTicketsResult } from "./seed";

const ROOT = path.resolve(__dirname, "..");
process.chdir(ROOT);

const DIST = ".next-bench";
const WORK = path.join(ROOT, ".tmp", "bench");
const RESULTS = path.join(ROOT, ".tmp", "bench-results.md");
const SECONDS = Math.min(60, Math.max(1, Number(process.env.BENCH_SECONDS) || 10));
const ROUNDS = Math.min(10, Math.max(1, Math.round(Number(process.env.BENCH_ROUNDS) || 2)));
/** Warm-up per scenario: at least this many requests (JIT, caches), in 2 s steps, at most 10 s. */
const WARMUP_REQUESTS = 40;
const WARMUP_SECONDS = 2;
const WARMUP_MAX_SECONDS = 10;
const CONNECTIONS = 4;
const HOST = "127.0.0.1";
const PORT_RANGE = [3300, 3320] as const;
const RUN_LIMIT_MS = 30 * 60_000;
/** A page slower than this for one request is reported, not loaded (it would only queue up). */
const TOO_SLOW_MS = 5_000;
const SMALL = 1_000;
const LARGE = 100_000;
const OPEN = "status=Open&status=In+progress&status=Waiting";

const nf = new Intl.NumberFormat("en-US");
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] : 0;
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
const log = (s: string) => console.log(s);

// ---------------------------------------------------------------------------------------------
// Processes: every server this script starts is stopped, whatever happens.

const children = new Set<ChildProcess>();

function kill(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // its process group: next start and anything it forked
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function killAll() {
  for (const c of children) kill(c, "SIGKILL");
  children.clear();
}

process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping the benchmark server.`);
    killAll();
    process.exit(130);
  });
}
setTimeout(() => {
  console.error(`\nThe benchmark ran over ${RUN_LIMIT_MS / 60_000} minutes: stopping.`);
  killAll();
  process.exit(1);
}, RUN_LIMIT_MS).unref();

// ---------------------------------------------------------------------------------------------
// Build

/** Newest modification time under the given paths (as scripts/start.ts decides). */
function newest(paths: string[]): number {
  let max = 0;
  const walk = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      if (/^(node_modules|generated|\.next.*)$/.test(path.basename(p))) return;
      for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    } else max = Math.max(max, st.mtimeMs);
  };
  paths.forEach(walk);
  return max;
}

/**
 * `next build` with another distDir adds that folder's types to tsconfig.json's "include" and
 * points next-env.d.ts at them. Take those edits back, so that the benchmark leaves the
 * repository as it found it (other entries, written by other builds meanwhile, are kept).
 */
function undoBuildEdits(nextEnvBefore: string | null) {
  try {
    const text = fs.readFileSync("tsconfig.json", "utf8");
    if (text.includes(`"${DIST}/`)) {
      const json = JSON.parse(text) as { include?: string[] };
      if (Array.isArray(json.include)) {
        json.include = json.include.filter((p) => !p.startsWith(`${DIST}/`));
        fs.writeFileSync("tsconfig.json", `${JSON.stringify(json, null, 2)}\n`);
      }
    }
  } catch (e) {
    console.warn(`Could not tidy tsconfig.json after the build: ${(e as Error).message}`);
  }
  try {
    if (nextEnvBefore !== null && fs.readFileSync("next-env.d.ts", "utf8").includes(`./${DIST}/`)) {
      fs.writeFileSync("next-env.d.ts", nextEnvBefore);
    }
  } catch {
    /* next-env.d.ts is generated; nothing to keep */
  }
}

function ensureBuild() {
  const buildId = path.join(ROOT, DIST, "BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const sourcesAt = newest(["app", "lib", "proxy.ts", "next.config.mjs", "package-lock.json", "prisma/schema.prisma"]);
  if (builtAt >= sourcesAt) {
    log(`Build: ${DIST} is up to date.`);
    return;
  }
  const logFile = path.join(WORK, "build.log");
  log(`Build: ${builtAt ? "sources changed" : "no build yet"}; building ${DIST} (log: ${path.relative(ROOT, logFile)})…`);
  const nextEnvBefore = fs.existsSync("next-env.d.ts") ? fs.readFileSync("next-env.d.ts", "utf8") : null;
  const started = performance.now();
  const r = spawnSync(bin("next"), ["build"], {
    cwd: ROOT,
    env: { ...process.env, NEXT_DIST_DIR: DIST, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20 * 60_000,
  });
  undoBuildEdits(nextEnvBefore);
  fs.writeFileSync(logFile, `${r.stdout ?? ""}\n${r.stderr ?? ""}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(`next build failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail}`);
  }
  log(`Build: done in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

// ---------------------------------------------------------------------------------------------
// Databases

type BenchDb = { file: string; tickets: number; agentId: string; seed: SeedTicketsResult };

async function makeDatabase(template: string, name: string, tickets: number): Promise<BenchDb> {
  const dir = path.join(WORK, name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "triage.db");
  fs.copyFileSync(template, file);
  const db = openSeedDatabase(`file:${file}`);
  try {
    const accounts = await ensureDemoAccounts(db);
    const agent = accounts.find((a) => a.role === "agent")!;
    const people = await ensureDemoPeople(db);
    const seed = seedTickets(db, tickets, { people, seed: 20261125 });
    db.pragma("wal_checkpoint(TRUNCATE)");
    log(
      `Seeded ${name}: ${nf.format(tickets)} tickets in ${(seed.ms / 1000).toFixed(2)} s ` +
        `(${nf.format(Math.round(seed.perSecond))} tickets/s; ${nf.format(Math.round(tickets / (seed.cpuMs / 1000)))} per CPU-second)`,
    );
    return { file, tickets, agentId: agent.id, seed };
  } finally {
    db.close();
  }
}

function ticketCount(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT count(*) FROM "ticket"`).pluck().get() as number;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Server

type Server = { base: string; child: ChildProcess; logFile: string; stop: () => Promise<void> };

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, HOST, () => s.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  for (let p = PORT_RANGE[0]; p <= PORT_RANGE[1]; p++) if (await portFree(p)) return p;
  throw new Error(`No free port in ${PORT_RANGE[0]}–${PORT_RANGE[1]}`);
}

async function startServer(db: BenchDb, label: string): Promise<Server> {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const logFile = path.join(WORK, `server-${label}.log`);
  const out = fs.openSync(logFile, "w");
  // The same server `npm start` runs (scripts/server.mjs: Next.js behind Node's HTTP server).
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/server.mjs")], {
    cwd: ROOT,
    detached: true, // its own process group, so that stopping it stops everything it started
    stdio: ["ignore", out, out],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: DIST,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: `file:${db.file}`,
      PORT: String(port),
      TRIAGE_URL: base,
      AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
      TRIAGE_BENCH_FLOOR: "1",
    },
  });
  fs.closeSync(out);
  children.add(child);
  const stop = async () => {
    kill(child, "SIGTERM");
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
    const timer = setTimeout(() => kill(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    children.delete(child);
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`next start exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
    }
    try {
      const res = await fetch(`${base}/sign-in`, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server did not answer within 2 minutes; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`Server (${label}): ${base}, ${nf.format(db.tickets)} tickets.`);
  return { base, child, logFile, stop };
}

// ---------------------------------------------------------------------------------------------
// HTTP

async function get(url: string, cookie?: string) {
  const started = performance.now();
  const res = await fetch(url, {
    headers: cookie ? { cookie } : {},
    redirect: "manual",
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, ms: performance.now() - started };
}

/** Signs in the way a browser without JavaScript does: the server action's form, posted as multipart. */
async function signIn(base: string, email: string, password: string): Promise<string> {
  const page = await get(`${base}/sign-in`);
  if (page.status !== 200) throw new Error(`GET /sign-in answered ${page.status}`);
  const form = formWithField(page.text, "email");
  if (form.method !== "POST" || form.action.startsWith("javascript:")) {
    throw new Error(`The sign-in form does not post without JavaScript (method ${form.method}, action ${form.action})`);
  }
  const fields = form.fields.filter(([n]) => n !== "email" && n !== "password");
  fields.push(["email", email], ["password", password]);
  const { body, contentType } = multipart(fields);
  const res = await fetch(new URL(form.action || "/sign-in", `${base}/sign-in`), {
    method: "POST",
    body,
    headers: { "content-type": contentType, origin: base },
    redirect: "manual",
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 303) throw new Error(`Signing in answered ${res.status}, not 303:\n${text.slice(0, 500)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => /^(__Secure-)?triage\.session_token=/.test(c));
  if (!cookie) throw new Error(`Signing in set no triage.session_token cookie (Set-Cookie: ${res.headers.getSetCookie().join(" | ")})`);
  return cookie;
}

type Scenario = {
  name: string;
  /** list: /tickets; view: a filtered list compared with it; floor and part: for comparison. */
  kind: "list" | "view" | "search" | "floor" | "part";
  server: Server;
  path: string;
  cookie?: string;
  tickets: number | null;
  /** Text the page must contain (checked once before the load). */
  expect: string;
};

type Load = Omit<Scenario, "server" | "cookie" | "expect"> & {
  rps: number;
  /** The server's CPU time per request (user + system, all its processes): steadier than req/s on a busy machine. */
  cpuPerRequest: number | null;
  p50: number;
  p99: number;
  requests: number;
  problems: string;
  skipped?: string;
};

const CLOCK_TICKS = (() => {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  return Number(r.stdout?.trim()) || 100;
})();

/** CPU time (ms, user + system) of every process in the server's process group, from /proc; null elsewhere. */
function serverCpuMs(server: Server): number | null {
  if (process.platform !== "linux" || server.child.pid === undefined) return null;
  let ticks = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
      if (Number(f[2]) !== server.child.pid) continue; // field 5: process group
      ticks += Number(f[11]) + Number(f[12]); // fields 14 and 15: utime, stime
    } catch {
      /* the process ended meanwhile */
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/**
 * Waits until the server has worked off what autocannon left in flight when it stopped (a slow
 * page can leave a queue behind it), so that the next scenario starts on an idle server.
 */
async function settle(server: Server) {
  try {
    await get(`${server.base}/bench-floor`);
  } catch {
    /* the next scenario's own check reports a dead server */
  }
}

/**
 * Loads the scenarios in ROUNDS interleaved rounds (in one order, then the reverse, and so on),
 * SECONDS in all for each, so that a machine getting busier or quieter during the run does not
 * favour whichever scenario ran first. Every response's latency is kept, so the percentiles are
 * over all of a scenario's requests.
 */
async function loadAll(scenarios: Scenario[]): Promise<Load[]> {
  type Acc = {
    latencies: number[];
    seconds: number;
    cpuMs: number | null;
    statuses: Map<number, number>;
    errors: number;
    timeouts: number;
    skipped?: string;
  };
  const acc = new Map<Scenario, Acc>();
  for (const sc of scenarios) {
    const a: Acc = { latencies: [], seconds: 0, cpuMs: 0, statuses: new Map(), errors: 0, timeouts: 0 };
    acc.set(sc, a);
    const url = `${sc.server.base}${sc.path}`;
    const first = await get(url, sc.cookie);
    if (first.status !== 200 || !first.text.includes(sc.expect)) {
      throw new Error(`${sc.path} answered ${first.status} without "${sc.expect}"`);
    }
    const again = first.ms > TOO_SLOW_MS ? await get(url, sc.cookie) : first;
    if (again.ms > TOO_SLOW_MS) {
      a.skipped = `one request took ${(again.ms / 1000).toFixed(1)} s: not loaded`;
      a.latencies.push(first.ms, again.ms);
      log(`  ${sc.name}: ${a.skipped}`);
    }
  }
  const live = scenarios.filter((sc) => !acc.get(sc)!.skipped);
  const run = async (sc: Scenario, seconds: number, record: boolean): Promise<number> => {
    const a = acc.get(sc)!;
    const headers = sc.cookie ? { cookie: sc.cookie } : undefined;
    const latencies: number[] = [];
    const cpu0 = serverCpuMs(sc.server);
    const started = performance.now();
    const r = await autocannon({ url: `${sc.server.base}${sc.path}`, connections: CONNECTIONS, duration: seconds, headers, timeout: 60 }).on(
      "response",
      (_client, _status, _bytes, responseTime) => latencies.push(responseTime),
    );
    const elapsed = (performance.now() - started) / 1000;
    await settle(sc.server);
    const cpu1 = serverCpuMs(sc.server);
    if (!record) return latencies.length;
    a.seconds += elapsed;
    a.cpuMs = a.cpuMs === null || cpu0 === null || cpu1 === null ? null : a.cpuMs + (cpu1 - cpu0);
    a.latencies.push(...latencies);
    for (const [code, { count }] of Object.entries(r.statusCodeStats)) a.statuses.set(Number(code), (a.statuses.get(Number(code)) ?? 0) + count);
    a.errors += r.errors;
    a.timeouts += r.timeouts;
    return latencies.length;
  };
  log(`Warming up (${WARMUP_REQUESTS} requests or ${WARMUP_MAX_SECONDS} s each)…`);
  for (const sc of live) {
    const until = performance.now() + WARMUP_MAX_SECONDS * 1000;
    for (let n = 0; n < WARMUP_REQUESTS && performance.now() < until; ) n += await run(sc, WARMUP_SECONDS, false);
  }
  for (let round = 0; round < ROUNDS; round++) {
    log(`Round ${round + 1} of ${ROUNDS} (${(SECONDS / ROUNDS).toFixed(1)} s each)…`);
    const order = round % 2 === 0 ? live : [...live].reverse();
    for (const sc of order) await run(sc, SECONDS / ROUNDS, true);
  }
  return scenarios.map((sc) => {
    const a = acc.get(sc)!;
    const sorted = [...a.latencies].sort((x, y) => x - y);
    const non2xx = [...a.statuses].filter(([code]) => code < 200 || code >= 300);
    const problems = [
      non2xx.length ? `non-2xx: ${non2xx.map(([code, n]) => `${nf.format(n)}× ${code}`).join(", ")}` : "",
      a.errors ? `${nf.format(a.errors)} errors` : "",
      a.timeouts ? `${nf.format(a.timeouts)} timeouts` : "",
    ]
      .filter(Boolean)
      .join("; ");
    const load: Load = {
      name: sc.name,
      kind: sc.kind,
      path: sc.path,
      tickets: sc.tickets,
      rps: a.skipped ? 0 : sorted.length / a.seconds,
      cpuPerRequest: a.skipped || a.cpuMs === null || sorted.length === 0 ? null : a.cpuMs / sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      requests: sorted.length,
      problems,
      skipped: a.skipped,
    };
    if (!a.skipped) {
      const cpu = load.cpuPerRequest === null ? "" : `, server CPU ${ms(load.cpuPerRequest)} ms/request`;
      log(`  ${sc.name}: ${load.rps.toFixed(1)} req/s, p50 ${ms(load.p50)} ms, p99 ${ms(load.p99)} ms${cpu}${problems ? ` (${problems})` : ""}`);
    }
    return load;
  });
}

function post(url: URL, body: Buffer, headers: Record<string, string>, agent: http.Agent) {
  return new Promise<{ status: number; location: string | null }>((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": String(body.length) }, timeout: 60_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

type Creates = {
  perSecond: number;
  cpuPerRequest: number | null;
  p50: number;
  p99: number;
  redirects: number;
  other: string;
  errors: number;
  before: number;
  after: number;
  durable: boolean;
  seconds: number;
};

/** Creates through the no-JavaScript form: CONNECTIONS posters for SECONDS, then every 303 checked in SQL. */
async function creates(server: Server, cookie: string, db: BenchDb): Promise<Creates> {
  const page = await get(`${server.base}/tickets/new`, cookie);
  if (page.status !== 200) throw new Error(`GET /tickets/new answered ${page.status}`);
  const form = formWithField(page.text, "title");
  if (form.method !== "POST" || form.action.startsWith("javascript:")) {
    throw new Error(`The new-ticket form does not post without JavaScript (action ${form.action})`);
  }
  const hidden = form.fields.filter(([n]) => !["title", "description", "priority"].includes(n));
  const action = new URL(form.action || "/tickets/new", `${server.base}/tickets/new`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const headers = { cookie, origin: server.base };
  let seq = 0;
  const fields = (n: number): [string, string][] => [
    ...hidden,
    ["title", `Bench ${n}: label printer in the warehouse prints blank pages`],
    [
      "description",
      `Created by the benchmark (request ${n}).\n\nThe label printer prints blank labels since this morning.\n\nDevice: Zebra ZD421\nLocation: Warehouse`,
    ],
    ["priority", ["Low", "Medium", "High", "Urgent"][n % 4]],
  ];
  // One unmeasured post: the first one compiles and caches the action.
  {
    const { body, contentType } = multipart(fields(++seq));
    const r = await post(action, body, { ...headers, "content-type": contentType }, agent);
    if (r.status !== 303) throw new Error(`Creating a ticket answered ${r.status}, not 303`);
  }
  const before = ticketCount(db.file);
  const cpu0 = serverCpuMs(server);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const numbers = new Set<number>();
  let errors = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const { body, contentType } = multipart(fields(++seq));
      const t0 = performance.now();
      try {
        const r = await post(action, body, { ...headers, "content-type": contentType }, agent);
        latencies.push(performance.now() - t0);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const m = r.status === 303 ? /^\/tickets\/(\d+)\?created=1$/.exec(r.location ?? "") : null;
        if (m) numbers.add(Number(m[1]));
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const cpu1 = serverCpuMs(server);
  const after = ticketCount(db.file);
  const redirects = statuses.get(303) ?? 0;
  // Every 303 named a distinct new ticket, and every one of them is in the database.
  const check = new Database(db.file, { readonly: true });
  const found = check
    .prepare(`SELECT count(*) FROM "ticket" WHERE "number" IN (SELECT value FROM json_each(?))`)
    .pluck()
    .get(JSON.stringify([...numbers])) as number;
  check.close();
  const durable = after - before === redirects && numbers.size === redirects && found === redirects && errors === 0;
  latencies.sort((a, b) => a - b);
  const other = [...statuses].filter(([s]) => s !== 303).map(([s, n]) => `${nf.format(n)}× ${s}`).join(", ");
  const result = {
    perSecond: redirects / seconds,
    cpuPerRequest: cpu0 === null || cpu1 === null || latencies.length === 0 ? null : (cpu1 - cpu0) / latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    redirects,
    other,
    errors,
    before,
    after,
    durable,
    seconds,
  };
  log(
    `  creates: ${result.perSecond.toFixed(1)}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms; ` +
      `${nf.format(redirects)} × 303, tickets ${nf.format(before)} → ${nf.format(after)} (${durable ? "every one stored" : "MISMATCH"})`,
  );
  return result;
}

// ---------------------------------------------------------------------------------------------
// In-process SQL (scripts/lib/sql-probe.ts runs the list's own SQL builders)

function probe(db: BenchDb): ProbeResult {
  const r = spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join("scripts", "lib", "sql-probe.ts"), db.file, db.agentId],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${db.file}`, NODE_ENV: "production" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 10 * 60_000,
    },
  );
  if (r.status !== 0) throw new Error(`sql-probe failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as ProbeResult;
}

// ---------------------------------------------------------------------------------------------
// Report

const us = (v: number) => (v >= 10_000 ? nf.format(Math.round(v)) : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const check = (ok: boolean) => (ok ? "✓" : "✗");

function report(r: {
  startedAt: Date;
  loadBefore: number[];
  loadAfter: number[];
  seeds: BenchDb[];
  loads: Load[];
  create: Creates;
  sql: ProbeResult;
  browser: BrowserCost;
}): string {
  const small = r.loads.find((l) => l.kind === "list" && l.tickets === SMALL)!;
  const large = r.loads.find((l) => l.kind === "list" && l.tickets === LARGE)!;
  const floor = r.loads.find((l) => l.kind === "floor")!;
  const out: string[] = [];
  const la = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
  out.push(`## Triage benchmark, ${r.startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC`);
  out.push("");
  out.push(
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? "?"}), load average ${la(r.loadBefore)} at the start and ${la(r.loadAfter)} at the end; ` +
      `Node ${process.version}; production build in ${DIST}; autocannon, ${CONNECTIONS} connections, ${SECONDS} s per scenario ` +
      `in ${ROUNDS} interleaved round(s), after a warm-up of ${WARMUP_REQUESTS} requests (or ${WARMUP_MAX_SECONDS} s); signed in as an agent; ` +
      `1k and 100k on two servers (one database each); percentiles over every request.`,
  );
  out.push("");
  const cpu = (v: number | null) => (v === null ? "—" : ms(v));
  out.push("| Scenario | Tickets | req/s | p50 ms | p99 ms | Server CPU ms/request | Requests | Problems |");
  out.push("|---|---:|---:|---:|---:|---:|---:|---|");
  for (const l of r.loads) {
    out.push(
      `| ${l.name} \`${l.path}\` | ${l.tickets === null ? "—" : nf.format(l.tickets)} | ${l.skipped ? "—" : l.rps.toFixed(1)} | ${ms(l.p50)} | ${ms(l.p99)} | ${cpu(l.cpuPerRequest)} | ${nf.format(l.requests)} | ${l.skipped ?? (l.problems || "")} |`,
    );
  }
  const c = r.create;
  out.push(
    `| create: no-JS post of /tickets/new | ${nf.format(c.before)} | ${c.perSecond.toFixed(1)} | ${ms(c.p50)} | ${ms(c.p99)} | ${cpu(c.cpuPerRequest)} | ${nf.format(c.redirects)} × 303 | ${[c.other, c.errors ? `${c.errors} errors` : ""].filter(Boolean).join("; ")} |`,
  );
  out.push("");
  out.push("| Ratio | Value | Target | |");
  out.push("|---|---:|---:|---|");
  const ratio = (label: string, v: number | null, target: string, ok: (v: number) => boolean) =>
    out.push(`| ${label} | ${v === null || !Number.isFinite(v) ? "—" : v.toFixed(2)} | ${target} | ${v === null || !Number.isFinite(v) ? "not measured" : check(ok(v))} |`);
  const rps = (l: Load) => (l.skipped ? null : l.rps);
  const div = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);
  ratio("/tickets req/s, 100k ÷ 1k", div(rps(large), rps(small)), "≥ 0.90", (v) => v >= 0.9);
  ratio("… the same from server CPU per request (1k ÷ 100k)", div(small.cpuPerRequest, large.cpuPerRequest), "≥ 0.90", (v) => v >= 0.9);
  ratio("/tickets at 100k ÷ floor, req/s", div(rps(large), rps(floor)), "≥ 0.85", (v) => v >= 0.85);
  ratio("… the same from server CPU per request (floor ÷ /tickets)", div(floor.cpuPerRequest, large.cpuPerRequest), "≥ 0.85", (v) => v >= 0.85);
  for (const l of r.loads.filter((x) => x.kind === "view")) {
    ratio(`p99: ${l.name} ÷ plain list`, l.skipped ? l.p99 / large.p99 : div(l.p99, large.p99), "≤ 1.50", (v) => v <= 1.5);
  }
  for (const l of r.loads.filter((x) => x.kind === "search")) {
    ratio(`p99: ${l.name} ÷ plain list`, l.skipped ? l.p99 / large.p99 : div(l.p99, large.p99), "≤ 3.00", (v) => v <= 3);
  }
  out.push(
    `| creates stored: ticket count grew by ${nf.format(c.after - c.before)}, 303 answers ${nf.format(c.redirects)} | ${c.durable ? "equal" : "differ"} | equal | ${check(c.durable)} |`,
  );
  out.push("");
  const b = r.browser;
  out.push("What one person causes, in Chromium with JavaScript on (100k tickets, signed in as an agent):");
  out.push("");
  out.push("| Step | Dynamic requests | Which | Time |");
  out.push("|---|---:|---|---:|");
  out.push(`| open /tickets, then 3 s | ${b.listRequests.length} | ${b.listRequests.join("; ")} | |`);
  out.push(`| click a ticket's title, then 3 s | ${b.ticketRequests.length} | ${b.ticketRequests.join("; ")} | ${ms(b.clickToHeadingMs)} ms to its heading |`);
  out.push(`| back to the list, then 3 s | ${b.backRequests.length} | ${b.backRequests.join("; ")} | |`);
  out.push(`| rest the pointer on a title 250 ms, then click | | | ${ms(b.hoverThenClickToHeadingMs)} ms to its heading |`);
  out.push(`| target: at most 5 dynamic requests in the 3 s after the list loads | ${b.listRequests.length} | | ${check(b.listRequests.length <= 5)} |`);
  out.push("");
  out.push(`The list's own SQL (countSql and listSql from lib/tickets/queries.ts), in process with better-sqlite3 at ${nf.format(r.sql.tickets)} tickets, median per call:`);
  out.push("");
  out.push("| Query | Count µs | Page µs | Matching |");
  out.push("|---|---:|---:|---:|");
  for (const q of r.sql.cases) {
    out.push(`| ${q.name}${q.query ? ` \`?${q.query}\`` : ""} | ${us(q.count.medianUs)} | ${us(q.list.medianUs)} | ${nf.format(q.count.n)} |`);
  }
  out.push("");
  out.push("The same reads through Prisma, as the page makes them (`countTickets`; `listTickets` = count + page), median per call:");
  out.push("");
  out.push("| Query | countTickets µs | listTickets µs | Raw SQL count + page µs |");
  out.push("|---|---:|---:|---:|");
  for (const q of r.sql.prisma) {
    const raw = r.sql.cases.find((c) => c.name === q.name);
    out.push(
      `| ${q.name} | ${us(q.count.medianUs)} | ${us(q.listTickets.medianUs)} | ${raw ? us(raw.count.medianUs + raw.list.medianUs) : "—"} |`,
    );
  }
  out.push("");
  out.push("| Seed | Tickets | Seconds | Tickets/s | Tickets per CPU-second |");
  out.push("|---|---:|---:|---:|---:|");
  for (const s of r.seeds) {
    out.push(
      `| ${path.basename(path.dirname(s.file))} | ${nf.format(s.tickets)} | ${(s.seed.ms / 1000).toFixed(2)} | ${nf.format(Math.round(s.seed.perSecond))} | ${nf.format(Math.round(s.tickets / (s.seed.cpuMs / 1000)))} |`,
    );
  }
  const slow = r.sql.cases.filter((q) => q.list.medianUs > 5_000 || q.count.medianUs > 5_000);
  if (slow.length) {
    out.push("");
    out.push("Query plans of the slow ones (over 5 ms):");
    for (const q of slow) out.push("", ...planBlock(q));
  }
  out.push("");
  return out.join("\n");
}

function planBlock(q: ProbeCase): string[] {
  return [
    `${q.name} (\`?${q.query}\`): count ${us(q.count.medianUs)} µs, page ${us(q.list.medianUs)} µs`,
    "```",
    "-- count",
    ...q.count.plan,
    "-- page",
    ...q.list.plan,
    "```",
  ];
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  ensureBuild();

  const template = path.join(WORK, "template.db");
  migrate(template, () => {});
  const small = await makeDatabase(template, "1k", SMALL);
  const large = await makeDatabase(template, "100k", LARGE);
  const agent = DEMO_ACCOUNTS.find((a) => a.role === "agent")!;

  // Both servers at once, so that their scenarios can take turns.
  const smallServer = await startServer(small, "1k");
  let loads: Load[];
  let create: Creates;
  let browser: BrowserCost;
  try {
    const largeServer = await startServer(large, "100k");
    try {
      const smallCookie = await signIn(smallServer.base, agent.email, agent.password);
      const cookie = await signIn(largeServer.base, agent.email, agent.password);
      const list = (n: number) => `of ${nf.format(n)} tickets`;
      const on = { server: largeServer, cookie, tickets: LARGE };
      const scenarios: Scenario[] = [
        { name: "/tickets", kind: "list", path: "/tickets", server: smallServer, cookie: smallCookie, tickets: SMALL, expect: list(SMALL) },
        { name: "/tickets", kind: "list", path: "/tickets", ...on, expect: list(LARGE) },
        { name: "floor: same table from memory", kind: "floor", path: "/bench-floor", server: largeServer, tickets: null, expect: "<table" },
        // Parts of the cost: a public page (proxy and layout, no session), a signed-in page without the list.
        { name: "part: sign-in page, signed out", kind: "part", path: "/sign-in", server: largeServer, tickets: null, expect: "Sign in" },
        { name: "part: new-ticket page (session, no list)", kind: "part", path: "/tickets/new", ...on, tickets: null, expect: "New ticket" },
        { name: "quick view: my open", kind: "view", path: `/tickets?${OPEN}&assignee=me`, ...on, expect: "Showing " },
        { name: "quick view: unassigned", kind: "view", path: `/tickets?${OPEN}&assignee=none`, ...on, expect: "Showing " },
        { name: "quick view: all open", kind: "view", path: `/tickets?${OPEN}`, ...on, expect: "Showing " },
        {
          name: "search + 2 filters + sort",
          kind: "view",
          path: "/tickets?q=printer&status=Open&status=In%20progress&priority=High&sort=updated",
          ...on,
          expect: "Showing ",
        },
        // What anyone can type: the search must cost about what the list does, whatever it is.
        { name: "search: twelve one-letter words", kind: "search", path: "/tickets?q=t+a+s+i+p+m+o+c+w+e+b+d", ...on, expect: "Showing " },
        { name: "search: a word in most tickets (q=the), best match first", kind: "search", path: "/tickets?q=the", ...on, expect: "Showing " },
        { name: "search: 200 characters", kind: "search", path: `/tickets?q=${encodeURIComponent(LONG_QUERY)}`, ...on, expect: "Showing " },
        { name: "search: a rarer word (q=printer), best match first", kind: "search", path: "/tickets?q=printer", ...on, expect: "Showing " },
      ];
      loads = await loadAll(scenarios);
      log("Browser: what one person's list view and ticket view cost…");
      browser = await browserCost(largeServer.base, cookie);
      log("Creates: posting the new-ticket form…");
      create = await creates(largeServer, cookie, large);
    } finally {
      await largeServer.stop();
    }
  } finally {
    await smallServer.stop();
  }

  log("SQL: timing the list's count and page queries in process…");
  const sql = probe(large);
  const md = report({ startedAt, loadBefore, loadAfter: os.loadavg(), seeds: [small, large], loads, create, sql, browser: browser! });
  fs.writeFileSync(RESULTS, md);
  console.log(`\n${md}`);
  console.log(`Written to ${path.relative(ROOT, RESULTS)}.`);
}

main()
  .then(() => {
    killAll();
    process.exit(0);
  })
  .catch((e) => {
    console.error(`\nBenchmark failed: ${e instanceof Error ? e.message : e}`);
    killAll();
    process.exit(1);
  });
