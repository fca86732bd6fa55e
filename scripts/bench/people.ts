/**
 * People at the scale mail brings (issue 23): the pages that name people, at 1,000 and at 100,000
 * people, with the same 20,000 tickets.
 *
 *   npm run bench:people
 *
 * Seeds two SQLite databases under .tmp/bench-people (the demo accounts and people, then people up
 * to the size: about 1% agents, a twentieth of them deactivated, the rest requesters; the same
 * 20,000 tickets in both, spread over the same 900 requesters and 8 agents; ANALYZEd), builds
 * .next-bench as `npm run bench` does (scripts/bench/build.ts, when the sources are newer), serves each with
 * server/server.mjs, signs in through the no-JavaScript form (the demo agent for the desk, the
 * demo admin for the admins' page) and loads each page with autocannon as the main bench does
 * (scripts/bench/load.ts: 4 connections, a warm-up, BENCH_ROUNDS interleaved rounds of
 * BENCH_SECONDS in all, default 2 and 10). Prints p50, p99, the page's size and the server's CPU
 * per request, and each page's 100,000 against its 1,000:
 *   /tickets (the list with its filter form: at 1,000 people the Assignee filter is a select of the
 *   agents, at 100,000 a typed email), /tickets?requester=<email>, a ticket page, the suggestions
 *   route (a requester's prefix, and an assignee's one-letter prefix: the broadest), /admin/users
 *   and /admin/users?q=<a name's start> (whatever that page is at the time: a page slower than 5 s
 *   for one request is timed, not loaded).
 * BENCH_POSTGRES=1 adds the 100,000 on PostgreSQL (a copy of the SQLite database). Figures, not a
 * test: nothing is asserted.
 */
import fs from "node:fs";
import path from "node:path";
import { ensureDemoAccounts, ensureDemoPeople } from "../seed/accounts";
import { seedTickets } from "../seed/bulk";
import { migrate, openSeedDatabase, type DB } from "../seed/db";
import { rng } from "../seed/text";
import { ensureBuild } from "./build";
import { log, ms, nf, ROOT, WORK as BENCH_WORK, type Column } from "./config";
import type { BenchDb } from "./databases";
import { loadAll, type Load, type Scenario } from "./load";
import { get, killAll, signIn, startServer, stopServersOnExit, type Server } from "./server";

const WORK = path.join(ROOT, ".tmp", "bench-people");
const SIZES = [1_000, 100_000] as const;
const TICKETS = 20_000;
/**
 * The tickets are the same in both databases: spread over the same demo people and the first
 * requesters and agents added (fewer than the smaller desk has), so that only the number of people
 * differs.
 */
const WITH_TICKETS = { requesters: 900, agents: 8 };
/** A page slower than this for one request is timed once, not loaded (as scripts/bench/load.ts does). */
const TOO_SLOW_MS = 5_000;
const POSTGRES = process.env.BENCH_POSTGRES === "1";

const FIRST = ["Maria", "José", "Ana", "John", "Mary", "Wei", "Fatima", "Ahmed", "Olga", "Liam", "Emma", "Noah", "Aisha", "Yuki", "Lars", "Chloé", "Marco", "Priya", "Tomasz", "Ines"];
const LAST = ["García", "Smith", "Nguyen", "Müller", "Rossi", "Kowalski", "Okafor", "Tanaka", "Johansson", "Martin", "Silva", "Khan", "Novak", "Dubois", "Brown"];
const DOMAINS = ["example.com", "mail.example.org", "customer.example.net", "contoso.example", "fabrikam.example"];

type Seeded = BenchDb & { people: number; requesterEmail: string; ticket: number };
/** What an admin types to find someone on the users page: the start of a common first name. */
const NAME_PREFIX = "Mar";

/** People up to `total` (the demo ones included), ~1% agents (a twentieth of them deactivated), with addresses and names as mail brings them. */
function addPeople(db: DB, total: number): { requesters: string[]; agents: string[] } {
  const rand = rng(23);
  const now = new Date().toISOString().replace("Z", "+00:00");
  const have = db.prepare(`SELECT count(*) FROM "user"`).pluck().get() as number;
  const insert = db.prepare(
    `INSERT INTO "user" ("id", "name", "email", "emailVerified", "role", "createdAt", "updatedAt", "deactivatedAt") VALUES (?, ?, ?, 0, ?, ?, ?, ?)`,
  );
  const requesters: string[] = [];
  const agents: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < total - have; i++) {
      const first = FIRST[Math.floor(rand() * FIRST.length)];
      const last = LAST[Math.floor(rand() * LAST.length)];
      const agent = i % 100 === 99;
      const id = `bench-person-${i}`;
      const local = `${first}.${last}`.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      insert.run(id, `${first} ${last}`, `${local}.${i}@${DOMAINS[i % DOMAINS.length]}`, agent ? "agent" : "requester", now, now, agent && i % 2000 === 1999 ? now : null);
      (agent ? agents : requesters).push(id);
    }
  })();
  return { requesters, agents };
}

async function makeDatabase(template: string, people: number): Promise<Seeded> {
  const dir = path.join(WORK, `${people}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "triage.db");
  fs.copyFileSync(template, file);
  const db = openSeedDatabase(`file:${file}`);
  try {
    const started = performance.now();
    const agent = (await ensureDemoAccounts(db)).find((a) => a.role === "agent")!;
    const demo = await ensureDemoPeople(db);
    const added = addPeople(db, people);
    const requesters = [...demo.requesters, ...added.requesters.slice(0, WITH_TICKETS.requesters)];
    const agents = [...demo.agents, ...added.agents.slice(0, WITH_TICKETS.agents)];
    const seed = seedTickets(db, TICKETS, { people: { ...demo, requesters, agents }, seed: 20261204 });
    db.exec("ANALYZE");
    db.pragma("wal_checkpoint(TRUNCATE)");
    // A requester of the seeded people with tickets, the newest ticket, and a name's start.
    const requesterEmail = (db.prepare(`SELECT u."email" FROM "ticket" t JOIN "user" u ON u."id" = t."requesterId" WHERE u."id" LIKE 'bench-person-%' ORDER BY t."number" DESC LIMIT 1`).pluck().get() as string | undefined)
      ?? (db.prepare(`SELECT u."email" FROM "ticket" t JOIN "user" u ON u."id" = t."requesterId" ORDER BY t."number" DESC LIMIT 1`).pluck().get() as string);
    const ticket = db.prepare(`SELECT max("number") FROM "ticket"`).pluck().get() as number;
    const count = db.prepare(`SELECT count(*) FROM "user"`).pluck().get() as number;
    log(`Seeded ${nf.format(count)} people (${nf.format(added.agents.length + demo.agents.length)} agents) and ${nf.format(TICKETS)} tickets in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return { file, tickets: TICKETS, agentId: agent.id, seed, people: count, requesterEmail, ticket };
  } finally {
    db.close();
  }
}

type Target = { db: Seeded; server: Server; agent: string; admin: string; column: Column };

/** The pages measured, by the names the table shows. */
const PAGES = [
  "/tickets",
  "/tickets?requester=<email>",
  "/tickets/<n>",
  "/people/suggest?q=mar",
  "/people/suggest?q=a&for=assignee",
  "/admin/users",
  `/admin/users?q=${NAME_PREFIX}`,
] as const;
type Page = (typeof PAGES)[number];
const nameOf = (page: Page, column: Column, people: number) => `${page} [${column}, ${nf.format(people)} people]`;

function scenarios({ db, server, agent, admin, column }: Target): Scenario[] {
  const at = { server, tickets: db.tickets, column };
  const paths: Record<Page, { path: string; cookie: string; expect: string; kind: Scenario["kind"] }> = {
    "/tickets": { path: "/tickets", cookie: agent, expect: "Apply filters", kind: "list" },
    "/tickets?requester=<email>": { path: `/tickets?${new URLSearchParams({ requester: db.requesterEmail })}`, cookie: agent, expect: "Showing 1", kind: "view" },
    "/tickets/<n>": { path: `/tickets/${db.ticket}`, cookie: agent, expect: "Save changes", kind: "view" },
    "/people/suggest?q=mar": { path: "/people/suggest?q=mar", cookie: agent, expect: `"people":[{`, kind: "part" },
    "/people/suggest?q=a&for=assignee": { path: "/people/suggest?q=a&for=assignee", cookie: agent, expect: `"people":[`, kind: "part" },
    "/admin/users": { path: "/admin/users", cookie: admin, expect: "Search people", kind: "view" },
    [`/admin/users?q=${NAME_PREFIX}`]: { path: `/admin/users?q=${NAME_PREFIX}`, cookie: admin, expect: "Search people", kind: "view" },
  };
  return PAGES.map((page) => ({ name: nameOf(page, column, db.people), ...paths[page], ...at }));
}

async function serve(db: Seeded, column: Column): Promise<Target> {
  const server = await startServer(db, `people-${column}-${db.people}`);
  const agent = await signIn(server.base, "agent@example.com", "triage-agent-demo");
  const admin = await signIn(server.base, "admin@example.com", "triage-admin-demo");
  return { db, server, agent, admin, column };
}

async function main() {
  process.chdir(ROOT);
  stopServersOnExit();
  const started = performance.now();
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  // The build's and the servers' logs go where the main bench keeps them.
  fs.mkdirSync(BENCH_WORK, { recursive: true });
  ensureBuild();
  const template = path.join(WORK, "template.db");
  migrate(template, () => {});
  const dbs: Seeded[] = [];
  for (const people of SIZES) dbs.push(await makeDatabase(template, people));

  const targets: Target[] = [];
  // (Two servers side by side: each page is loaded alone, in interleaved rounds, so they never compete.)
  for (const db of dbs) targets.push(await serve(db, "SQLite"));
  let dropPostgres = async () => {};
  if (POSTGRES) {
    const { freshDatabase } = await import("../../tests/postgres/server");
    const { copyToPostgres } = await import("../db/copy-to-postgres");
    const large = dbs[dbs.length - 1];
    const target = await freshDatabase("bench_people");
    dropPostgres = () => target.drop();
    await copyToPostgres(large.file, target.url);
    targets.push(await serve({ ...large, postgresUrl: target.url }, "PostgreSQL"));
  }

  // Each page once, for its size; one slower than TOO_SLOW_MS is reported from that request alone
  // (the admins' page listed all 100,000 people in 40 s before it had search and pages). The desk's
  // pages are loaded first, so that such a page (170 MB of HTML) has not yet passed through the
  // server's heap when they are measured.
  const sizes = new Map<string, number>();
  const slow = new Map<string, number>();
  const results: Load[] = [];
  const isAdminPage = (s: Scenario) => s.path.startsWith("/admin/");
  for (const group of [(s: Scenario) => !isAdminPage(s), isAdminPage]) {
    const fast: Scenario[] = [];
    for (const s of targets.flatMap(scenarios).filter(group)) {
      const r = await get(`${s.server.base}${s.path}`, s.cookie);
      if (r.status !== 200) throw new Error(`${s.path} answered ${r.status}`);
      sizes.set(s.name, Buffer.byteLength(r.text));
      if (r.ms > TOO_SLOW_MS) {
        slow.set(s.name, r.ms);
        log(`  ${s.name}: one request took ${(r.ms / 1000).toFixed(1)} s: not loaded`);
      } else fast.push(s);
    }
    results.push(...(await loadAll(fast)));
  }
  for (const t of targets) await t.server.stop();
  await dropPostgres();

  const byName = new Map(results.map((r) => [r.name, r]));
  const cell = (name: string) => {
    const size = sizes.has(name) ? `, ${(sizes.get(name)! / 1024).toFixed(1)} KB` : "";
    if (slow.has(name)) return `one request ${(slow.get(name)! / 1000).toFixed(1)} s, not loaded${size}`;
    const r = byName.get(name);
    if (!r) return "–";
    if (r.skipped) return `not loaded: ${r.skipped}${size}`;
    return `${ms(r.p50)} / ${ms(r.p99)} ms, CPU ${r.cpuPerRequest === null ? "?" : `${ms(r.cpuPerRequest)} ms`}${size}`;
  };
  const lines = [
    `\n## People: ${SIZES.map((n) => nf.format(n)).join(" and ")} people, ${nf.format(TICKETS)} tickets\n`,
    `| Page | Database | ${SIZES.map((n) => `${nf.format(n)} people: p50 / p99, server CPU per request, size`).join(" | ")} | p99 ${nf.format(SIZES[1])} ÷ ${nf.format(SIZES[0])} |`,
    `|---|---|${SIZES.map(() => "---:").join("|")}|---:|`,
  ];
  for (const column of [...new Set(targets.map((t) => t.column))]) {
    for (const page of PAGES) {
      const names = SIZES.map((n) => nameOf(page, column, n));
      const [small, large] = names.map((n) => byName.get(n));
      const ratio = small && large && !small.skipped && !large.skipped ? `${(large.p99 / small.p99).toFixed(2)}x` : "–";
      lines.push(`| ${page} | ${column} | ${names.map(cell).join(" | ")} | ${ratio} |`);
    }
  }
  lines.push(`\nRun took ${((performance.now() - started) / 1000).toFixed(0)} s. Servers' logs: .tmp/bench/server-people-*.log.`);
  log(lines.join("\n"));
  fs.writeFileSync(path.join(ROOT, ".tmp", "bench-people-results.md"), `${lines.join("\n")}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    killAll();
    process.exit(1);
  },
);
