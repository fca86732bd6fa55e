/**
 * Load: each scenario (a page on one of the servers) loaded with autocannon, CONNECTIONS
 * connections, after a warm-up, in ROUNDS interleaved rounds of SECONDS in all; and creates,
 * CONNECTIONS posters of the no-JavaScript new-ticket form for SECONDS, every 303 checked in
 * SQL. Besides latencies and rates, the servers' own CPU time per request is read from /proc.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import autocannon from "autocannon";
import pg from "pg";
import { formWithField, multipart } from "../lib/forms";
import { CONNECTIONS, log, ms, nf, percentile, ROUNDS, SECONDS, WARMUP_MAX_SECONDS, WARMUP_REQUESTS, WARMUP_SECONDS, type Column } from "./config";
import { storedOf, ticketCount, type BenchDb } from "./databases";
import { get, type Server } from "./server";

/** A page slower than this for one request is reported, not loaded (it would only queue up). */
const TOO_SLOW_MS = 5_000;

export type Scenario = {
  name: string;
  /** list: /tickets; view: a filtered list compared with it; floor, part and baseline: for comparison. */
  kind: "list" | "view" | "search" | "floor" | "part" | "baseline";
  server: Server;
  path: string;
  cookie?: string;
  tickets: number | null;
  /** Text the page must contain (checked once before the load). */
  expect: string;
  /** The database it runs on, for the PostgreSQL column (postgres.ts); SQLite when absent. */
  column?: Column;
};

export type Load = Omit<Scenario, "server" | "cookie" | "expect"> & {
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

/**
 * CPU time (ms, user + system) of every process in the server's process group, from /proc, and
 * on PostgreSQL of PostgreSQL's processes too (the database's work is the request's cost, as
 * SQLite's is inside the server), with the time of those that ended (a closed connection's
 * backend, an autovacuum worker), which the postmaster holds as its children's; null elsewhere.
 */
export function serverCpuMs(server: Server): number | null {
  if (process.platform !== "linux" || server.child.pid === undefined) return null;
  let ticks = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
      // field 5: process group; PostgreSQL's processes are all named postgres
      if (Number(f[2]) !== server.child.pid && !(server.postgresUrl && name === "postgres")) continue;
      ticks += Number(f[11]) + Number(f[12]); // fields 14 and 15: utime, stime
      if (name === "postgres") ticks += Number(f[13]) + Number(f[14]); // 16 and 17: cutime, cstime (ended children)
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
  // On SQLite a query holds the server's thread, so that answer came after them all; on
  // PostgreSQL queries run on in the database after their clients have gone: wait for it too.
  if (server.postgresUrl) await postgresIdle(server.postgresUrl);
}

/** Waits (up to 2 minutes) until no other statement is running in the database. */
async function postgresIdle(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const { rows } = await c.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    log("  (PostgreSQL still busy after 2 minutes)");
  } finally {
    await c.end();
  }
}

/**
 * Loads the scenarios in ROUNDS interleaved rounds (in one order, then the reverse, and so on),
 * SECONDS in all for each, so that a machine getting busier or quieter during the run does not
 * favour whichever scenario ran first. Every response's latency is kept, so the percentiles are
 * over all of a scenario's requests.
 */
export async function loadAll(scenarios: Scenario[]): Promise<Load[]> {
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
      column: sc.column,
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

/** A GET that reads the whole answer (for the readers beside the creates). */
function fetchPage(url: URL, headers: Record<string, string>, agent: http.Agent) {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(url, { method: "GET", agent, headers, timeout: 60_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

export type Creates = {
  /** /tickets read by `readers` readers while the creates run: p99, and pages read a second. */
  readers: number;
  listDuring: { p50: number; p99: number; perSecond: number; failed: number };
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

/** A server and the session cookie signed in on it. */
export type Target = { server: Server; cookie: string };

/**
 * Creates through the no-JavaScript form: CONNECTIONS posters a server for SECONDS (on each of
 * `on`, several processes on one database), then every 303 checked in SQL; beside them, `readers`
 * readers load /tickets from the first, to see whether reads wait for writes. Server CPU per
 * create (every process's, and PostgreSQL's) is only meaningful without readers.
 */
export async function creates(
  on: Target | Target[],
  db: BenchDb,
  { readers = 0, floor = false }: { readers?: number; floor?: boolean } = {},
): Promise<Creates> {
  const targets = Array.isArray(on) ? on : [on];
  const [{ server, cookie }] = targets;
  // The floor's form has the same fields and an action that saves nothing (app/(bench)/bench-floor).
  const formPath = floor ? "/bench-floor?part=form" : "/tickets/new";
  const page = await get(`${server.base}${formPath}`, cookie);
  if (page.status !== 200) throw new Error(`GET ${formPath} answered ${page.status}`);
  const form = formWithField(page.text, "title");
  if (form.method !== "POST" || form.action.startsWith("javascript:")) {
    throw new Error(`The new-ticket form does not post without JavaScript (action ${form.action})`);
  }
  const hidden = form.fields.filter(([n]) => !["title", "description", "priority"].includes(n));
  // (Every process serves the same build: the action's id is the same on each.)
  const posters = targets.map((t) => ({
    action: new URL(form.action || formPath, `${t.server.base}${formPath}`),
    agent: new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS }),
    headers: { cookie: t.cookie, origin: t.server.base },
  }));
  const { action, agent, headers } = posters[0];
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
  const before = await ticketCount(db);
  const cpuOfAll = () => targets.reduce<number | null>((sum, t) => {
    const v = serverCpuMs(t.server);
    return sum === null || v === null ? null : sum + v;
  }, 0);
  const cpu0 = cpuOfAll();
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const numbers = new Set<number>();
  let errors = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const worker = async ({ action, agent, headers }: (typeof posters)[number]) => {
    while (performance.now() < end) {
      const { body, contentType } = multipart(fields(++seq));
      const t0 = performance.now();
      try {
        const r = await post(action, body, { ...headers, "content-type": contentType }, agent);
        latencies.push(performance.now() - t0);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const m = r.status === 303 ? (floor ? /^\/bench-floor\?created=(\d+)$/ : /^\/tickets\/(\d+)\?created=1$/).exec(r.location ?? "") : null;
        if (m) numbers.add(Number(m[1]));
      } catch {
        errors++;
      }
    }
  };
  // Readers beside the writers: a list page must not wait for another request's write.
  const readerAgent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const listLatencies: number[] = [];
  let listFailed = 0;
  const reader = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const status = await fetchPage(new URL("/tickets", server.base), { cookie }, readerAgent);
        if (status === 200) listLatencies.push(performance.now() - t0);
        else listFailed++;
      } catch {
        listFailed++;
      }
    }
  };
  await Promise.all([...posters.flatMap((p) => Array.from({ length: CONNECTIONS }, () => worker(p))), ...Array.from({ length: readers }, reader)]);
  const seconds = (performance.now() - started) / 1000;
  for (const p of posters) p.agent.destroy();
  readerAgent.destroy();
  listLatencies.sort((a, b) => a - b);
  const cpu1 = cpuOfAll();
  const after = await ticketCount(db);
  const redirects = statuses.get(303) ?? 0;
  // Every 303 named a distinct new ticket, and every one of them is in the database.
  const found = await storedOf(db, [...numbers]);
  // The floor saves nothing: its 303s name distinct posts, and the ticket count stays.
  const durable = floor
    ? after === before && numbers.size === redirects && errors === 0
    : after - before === redirects && numbers.size === redirects && found === redirects && errors === 0;
  latencies.sort((a, b) => a - b);
  const other = [...statuses].filter(([s]) => s !== 303).map(([s, n]) => `${nf.format(n)}× ${s}`).join(", ");
  const result = {
    readers,
    listDuring: {
      p50: percentile(listLatencies, 50),
      p99: percentile(listLatencies, 99),
      perSecond: listLatencies.length / seconds,
      failed: listFailed,
    },
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
    `  ${floor ? "floor posts" : "creates"}: ${result.perSecond.toFixed(1)}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms; ` +
      `${nf.format(redirects)} × 303, tickets ${nf.format(before)} → ${nf.format(after)} (${durable ? "every one stored" : "MISMATCH"})`,
  );
  return result;
}
