/**
 * Times the ticket list's own SQL (lib/tickets/queries.ts: countSql and listSql, exactly as
 * /tickets builds them) directly with better-sqlite3, and shows each query plan. Run by
 * scripts/bench/databases.ts in a child process, because queries.ts is server-only:
 *
 *   node --conditions=react-server --import tsx scripts/lib/sql-probe.ts <db file> <agent id>
 *
 * Prints one JSON object (ProbeResult) on stdout.
 */
import Database from "better-sqlite3";
import { models as prisma } from "../../lib/db";
import { countTickets, effectiveSort, listTickets } from "../../lib/tickets/list";
import { countSql, listSql } from "../../lib/tickets/list-sql";
import { parseListParams } from "../../lib/tickets/list-params";
import { PRAGMAS } from "../../lib/db/sqlite";
import { LONG_QUERY } from "./search-cases";

export type ProbeTiming = { medianUs: number; meanUs: number; calls: number };
export type ProbeCase = {
  name: string;
  query: string;
  count: ProbeTiming & { n: number; plan: string[] };
  list: ProbeTiming & { rows: number; plan: string[] };
};
/** The same reads through Prisma, as the page makes them (countTickets; listTickets = count + page). */
export type PrismaCase = { name: string; query: string; count: ProbeTiming; listTickets: ProbeTiming };
export type ProbeResult = { tickets: number; cases: ProbeCase[]; prisma: PrismaCase[] };

export const PROBE_CASES: { name: string; query: string }[] = [
  { name: "plain", query: "" },
  { name: "filtered (status + priority)", query: "status=Open&status=In+progress&priority=High" },
  { name: "searched (q=printer)", query: "q=printer" },
  { name: "searched + 2 filters + sort", query: "q=printer&status=Open&status=In+progress&priority=High&sort=updated" },
  { name: "quick view: my open", query: "status=Open&status=In+progress&status=Waiting&assignee=me" },
  { name: "quick view: unassigned", query: "status=Open&status=In+progress&status=Waiting&assignee=none" },
  { name: "quick view: all open", query: "status=Open&status=In+progress&status=Waiting" },
  { name: "sort by requester", query: "sort=requester" },
  { name: "deep page (page 1000)", query: "page=1000" },
  // Searches a hostile or careless person can type (issue: search cost bounded whatever is typed).
  { name: "search: twelve one-letter words", query: "q=t+a+s+i+p+m+o+c+w+e+b+d" },
  { name: "search: a word in most tickets, by relevance", query: "q=the" },
  { name: "search: 200 characters", query: `q=${encodeURIComponent(LONG_QUERY)}` },
  { name: "search: one letter", query: "q=s" },
  { name: "search: a prefix (spaceba)", query: "q=spaceba" },
];

const PRISMA_CASES = ["plain", "quick view: all open", "searched + 2 filters + sort", "search: a word in most tickets, by relevance"];

function params(query: string) {
  const raw: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = raw[k];
    raw[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return parseListParams(raw);
}

/** Per-call time: ~0.4 s of calls after a warm-up; a call that takes over a second is timed once. */
function time(fn: () => unknown): ProbeTiming {
  const t0 = process.hrtime.bigint();
  fn();
  const first = Number(process.hrtime.bigint() - t0) / 1000;
  if (first > 1_000_000) return { medianUs: first, meanUs: first, calls: 1 };
  for (let i = 0; i < 2; i++) fn();
  const samples: number[] = [];
  const until = performance.now() + 400;
  while (samples.length < 5 || (performance.now() < until && samples.length < 5000)) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    medianUs: samples[Math.floor(samples.length / 2)],
    meanUs: samples.reduce((a, b) => a + b, 0) / samples.length,
    calls: samples.length,
  };
}

async function timeAsync(fn: () => Promise<unknown>): Promise<ProbeTiming> {
  const t0 = process.hrtime.bigint();
  await fn();
  const first = Number(process.hrtime.bigint() - t0) / 1000;
  if (first > 1_000_000) return { medianUs: first, meanUs: first, calls: 1 };
  for (let i = 0; i < 2; i++) await fn();
  const samples: number[] = [];
  const until = performance.now() + 400;
  while (samples.length < 5 || (performance.now() < until && samples.length < 5000)) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    medianUs: samples[Math.floor(samples.length / 2)],
    meanUs: samples.reduce((a, b) => a + b, 0) / samples.length,
    calls: samples.length,
  };
}

async function main() {
  const [file, agentId] = process.argv.slice(2);
  if (!file || !agentId) throw new Error("usage: sql-probe.ts <db file> <agent id>");
  const db = new Database(file, { fileMustExist: true });
  db.exec(PRAGMAS);
  const actor = { id: agentId, role: "agent" as const, name: "Bench agent" };
  const plan = (sql: string, args: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { id: number; parent: number; detail: string }[]).map(
      (r) => `${r.parent}/${r.id} ${r.detail}`,
    );
  const cases: ProbeCase[] = PROBE_CASES.map(({ name, query }) => {
    const p = params(query);
    const c = countSql(actor, p);
    const countStmt = db.prepare(c.sql);
    const counted = countStmt.get(...c.args) as { n: number | bigint; docs: number | bigint };
    const n = Number(counted.n);
    const page = Math.min(p.page, Math.max(1, Math.ceil(n / p.per)));
    // The order listTickets really uses: a search too broad to rank is sorted by last update.
    const l = listSql(actor, { ...p, ...effectiveSort(actor, p, { docs: Number(counted.docs) }), page }, (page - 1) * p.per);
    const listStmt = db.prepare(l.sql);
    const rows = listStmt.all(...l.args).length;
    return {
      name,
      query,
      count: { ...time(() => countStmt.get(...c.args)), n, plan: plan(c.sql, c.args) },
      list: { ...time(() => listStmt.all(...l.args)), rows, plan: plan(l.sql, l.args) },
    };
  });
  const tickets = db.prepare(`SELECT count(*) FROM "ticket"`).pluck().get() as number;
  db.close();
  const viaPrisma: PrismaCase[] = [];
  for (const { name, query } of PROBE_CASES.filter((c) => PRISMA_CASES.includes(c.name))) {
    const p = params(query);
    viaPrisma.push({
      name,
      query,
      count: await timeAsync(() => countTickets(actor, p)),
      listTickets: await timeAsync(() => listTickets(actor, p)),
    });
  }
  await prisma.$disconnect();
  const result: ProbeResult = { tickets, cases, prisma: viaPrisma };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
