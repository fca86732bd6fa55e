/**
 * `npm run bench` (scripts/bench.ts runs run): figures, not a test. Prints a markdown table and
 * writes it to .tmp/bench-results.md.
 *
 * Builds a production build into .next-bench when it is missing or older than the sources
 * (build.ts), seeds throwaway databases under .tmp/bench (1,000 and 100,000 tickets, with
 * scripts/seed/; databases.ts), serves each with its own server/server.mjs (what `npm start`
 * runs) on a free port from 3300–3320, signs in once on each as an agent through the real
 * no-JavaScript sign-in form (server.ts), and loads the pages with autocannon (4 connections,
 * BENCH_SECONDS per scenario, default 10, split into BENCH_ROUNDS interleaved rounds, default 2,
 * so that a machine busy with other work skews them alike; load.ts):
 *   a) /tickets at 1,000 and at 100,000 tickets;
 *   b) the floor, /bench-floor: the same page from the same components, its data made in memory
 *      (no database, no session); and its 50 rows alone;
 *   b') /tickets as commit BASELINE served it, on a copy of the same 100,000 tickets (baseline.ts);
 *   c) at 100,000: a search with two filters and a sort, and each quick view;
 *   d) the list's own count and page SQL, timed in process with better-sqlite3, with plans;
 *   e) creates through the no-JavaScript form post of /tickets/new, every 303 checked in SQL, with
 *      and without the acknowledgement mail each one writes to the outbox;
 *   f) mail: outbox delivery to a local SMTP server, 1,000 messages imported from Dovecot;
 *   g) the PostgreSQL column (postgres.ts): the list, quick views and searches at 1,000,000
 *      tickets on SQLite, and at 100,000 and 1,000,000 on PostgreSQL (copies of the SQLite
 *      databases), in the same rounds as a) and c); creates on PostgreSQL with one process and
 *      with two on one database. BENCH_POSTGRES=0 leaves it out (and the 1,000,000 stays).
 * It also counts what one person's page views cost in Chromium (browser.ts), then writes the
 * report (report.ts), and runs the attachments' bench (files.ts: uploads, downloads, a ticket page
 * with 20 files), whose table follows. The server is stopped on exit, on error and on Ctrl-C; the whole run is
 * capped at 60 minutes.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEMO_ACCOUNTS, emailOf, PEOPLE_PASSWORD, REQUESTERS } from "../seed/accounts";
import { migrate } from "../seed/db";
import { browserCost, type BrowserCost } from "./browser";
import { ensureBuild } from "./build";
import { CONNECTIONS, HUGE, LARGE, log, nf, RESULTS, ROOT, SMALL, WORK } from "./config";
import { mailProbe, makeDatabase, probe, setAcknowledgements, type BenchDb } from "./databases";
import { creates, loadAll, type Creates, type Load, type Scenario, type Target } from "./load";
import { columnScenarios, postgresCopies, POSTGRES_WANTED, type Column, type PostgresRun } from "./postgres";
import { report } from "./report";
import { killAll, signIn, startServer, stopServersOnExit, type Server } from "./server";
import { startBaseline } from "./baseline";

/** The whole run is stopped after this long. */
const RUN_LIMIT_MS = 60 * 60_000;
/** The commit the list's render cost is compared with (issue 10's reference point; the README has the figures). */
const BASELINE = process.env.BENCH_BASELINE || "35c6a25";
/** The searches also measured on the baseline's server: [what, query]. */
const BASELINE_SEARCHES: [string, string][] = [
  ["search + 2 filters + sort", "q=printer&status=Open&status=In%20progress&priority=High&sort=updated"],
  ["search: a rarer word (q=printer)", "q=printer"],
  ["search: a word in most tickets (q=the)", "q=the"],
];
/** The requester whose searches are measured: one of the demo people, with a ninth of the seeded tickets. */
const REQUESTER = emailOf(REQUESTERS[0]);

/** Builds, seeds, serves, loads, measures and reports. */
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
  const huge = await makeDatabase(template, "1m", HUGE);
  // PostgreSQL's copies, made before anything writes to the SQLite files.
  const copied = POSTGRES_WANTED ? await postgresCopies(large, huge) : { skipped: "BENCH_POSTGRES=0" };
  const pgDbs = "skipped" in copied ? null : copied;
  let postgres: PostgresRun | { skipped: string } = "skipped" in copied ? copied : { skipped: "did not finish" };
  /** Servers beside the two main ones (1M on SQLite, and on PostgreSQL), with their sessions. */
  const more: Server[] = [];
  const targets = new Map<string, Target>();
  const secret = crypto.randomBytes(32).toString("base64url");
  // The baseline reads its own copy, made before any scenario writes.
  const baselineFile = path.join(WORK, "baseline", "triage.db");
  fs.mkdirSync(path.dirname(baselineFile), { recursive: true });
  fs.copyFileSync(large.file, baselineFile);
  const agent = DEMO_ACCOUNTS.find((a) => a.role === "agent")!;

  // Both servers at once, so that their scenarios can take turns.
  const smallServer = await startServer(small, "1k");
  let baseline: Server | null = null;
  let loads: Load[];
  let columnLoads: Load[];
  let create: Creates;
  let createQuiet: Creates;
  let createWithReaders: Creates;
  let createFloor: Creates;
  let createBaseline: Creates | undefined;
  let browser: BrowserCost;
  try {
    const largeServer = await startServer(large, "100k");
    try {
      const smallCookie = await signIn(smallServer.base, agent.email, agent.password);
      const cookie = await signIn(largeServer.base, agent.email, agent.password);
      baseline = await startBaseline(BASELINE, baselineFile, `baseline-${BASELINE}`);
      const baselineCookie = await signIn(baseline.base, agent.email, agent.password);
      const list = (n: number) => `of ${nf.format(n)} tickets`;
      const scenarios: Scenario[] = [
        { name: "/tickets", kind: "list", path: "/tickets", server: smallServer, cookie: smallCookie, tickets: SMALL, expect: list(SMALL) },
        { name: `/tickets as ${BASELINE} served it`, kind: "baseline", path: "/tickets", server: baseline, cookie: baselineCookie, tickets: LARGE, expect: list(LARGE) },
        // The searches as the baseline served them too: a change of structure must not cost them.
        ...BASELINE_SEARCHES.map(([what, query]) => ({
          name: `${what}, as ${BASELINE} served it`,
          kind: "baseline" as const,
          path: `/tickets?${query}`,
          server: baseline!,
          cookie: baselineCookie,
          tickets: LARGE,
          expect: "Showing ",
        })),
        { name: "floor: the same page from memory", kind: "floor", path: "/bench-floor", server: largeServer, tickets: null, expect: "Filter tickets" },
        { name: "part: its 50 rows alone, from memory", kind: "part", path: "/bench-floor?part=rows", server: largeServer, tickets: null, expect: "<table" },
        // Parts of the cost: a public page (front door and layout, no session), a signed-in page without the list.
        { name: "part: sign-in page, signed out", kind: "part", path: "/sign-in", server: largeServer, tickets: null, expect: "Sign in" },
        { name: "part: new-ticket page (session, no list)", kind: "part", path: "/tickets/new", server: largeServer, cookie, tickets: null, expect: "New ticket" },
        // The list, the quick views and the searches: what anyone can type must cost about what the list does.
        ...columnScenarios("SQLite", largeServer, cookie, LARGE, await signIn(largeServer.base, REQUESTER, PEOPLE_PASSWORD)),
      ];
      // The same pages at 1,000,000 tickets, and on PostgreSQL at both sizes (postgres.ts), in
      // rounds of their own after these (a page that takes seconds at 1,000,000 must not weigh on
      // the figures above), with SQLite's 100,000 again, beside them in the same rounds.
      const column: Scenario[] = columnScenarios("SQLite", largeServer, cookie, LARGE, await signIn(largeServer.base, REQUESTER, PEOPLE_PASSWORD));
      const columns: [Column, BenchDb, string][] = [["SQLite", huge, "1m"]];
      if (pgDbs) columns.push(["PostgreSQL", pgDbs.large, "pg-100k"], ["PostgreSQL", pgDbs.huge, "pg-1m"]);
      for (const [kind, db, label] of columns) {
        const server = await startServer(db, label, secret);
        more.push(server);
        const c = await signIn(server.base, agent.email, agent.password);
        targets.set(label, { server, cookie: c });
        column.push(...columnScenarios(kind, server, c, db.tickets, await signIn(server.base, REQUESTER, PEOPLE_PASSWORD)));
      }
      if (pgDbs) {
        // A second process on the same PostgreSQL database, for creates by two processes.
        const second = await startServer(pgDbs.large, "pg-100k-second", secret);
        more.push(second);
        targets.set("pg-100k-second", { server: second, cookie: await signIn(second.base, agent.email, agent.password) });
      }
      loads = await loadAll(scenarios);
      log("The PostgreSQL column: the same pages at 1,000,000 tickets, and on PostgreSQL…");
      columnLoads = await loadAll(column);
      log("Browser: what one person's list view and ticket view cost…");
      browser = await browserCost(largeServer.base, cookie);
      log("Creates: posting the new-ticket form, with no mail, then with the acknowledgement…");
      setAcknowledgements(large.file, false);
      createQuiet = await creates({ server: largeServer, cookie }, large);
      setAcknowledgements(large.file, true);
      create = await creates({ server: largeServer, cookie }, large);
      log("Creates again, with list readers beside them…");
      createWithReaders = await creates({ server: largeServer, cookie }, large, { readers: CONNECTIONS });
      log("Creates' floor: the same form posted to an action that saves nothing…");
      createFloor = await creates({ server: largeServer, cookie }, large, { floor: true });
      log(`Creates as ${BASELINE} served them (acknowledgement written)…`);
      setAcknowledgements(baselineFile, true);
      createBaseline = await creates({ server: baseline, cookie: await signIn(baseline.base, agent.email, agent.password) }, { ...large, file: baselineFile });
      if (pgDbs) {
        log("Creates on PostgreSQL (acknowledgement written): one process, then two on the same database…");
        const one = targets.get("pg-100k")!;
        postgres = {
          ...pgDbs,
          one: await creates(one, pgDbs.large),
          two: await creates([one, targets.get("pg-100k-second")!], pgDbs.large),
        };
      }
    } finally {
      await largeServer.stop();
      await baseline?.stop();
      for (const m of more) await m.stop();
      await pgDbs?.drop();
    }
  } finally {
    await smallServer.stop();
  }

  log("SQL: timing the list's count and page queries in process…");
  const sql = probe(large);
  log("Mail: outbox delivery to a local SMTP server, and 1,000 messages imported from Dovecot…");
  const mail = mailProbe(template);
  const md = report({ startedAt, loadBefore, loadAfter: os.loadavg(), seeds: [small, large, huge], loads, columnLoads: columnLoads!, postgres, create, createQuiet: createQuiet!, createWithReaders: createWithReaders!, createFloor: createFloor!, createBaseline, baselineRev: BASELINE, sql, browser: browser!, mail });
  // Attachments have a run of their own (scripts/bench/files.ts, `npm run bench:files`: its own
  // server and database); its table goes below this one.
  log("Attachments: uploads, downloads and a ticket page with 20 files (scripts/bench/files.ts)…");
  const files = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "scripts", "bench", "files.ts")], { stdio: "inherit", cwd: ROOT });
  const filesMd = path.join(ROOT, ".tmp", "bench-files.md");
  const withFiles = files.status === 0 && fs.existsSync(filesMd) ? `${md}\n\n${fs.readFileSync(filesMd, "utf8")}` : `${md}\n\nAttachments: scripts/bench/files.ts failed (exit ${files.status}).\n`;
  fs.writeFileSync(RESULTS, withFiles);
  console.log(`\n${withFiles}`);
  console.log(`Written to ${path.relative(ROOT, RESULTS)}.`);
}

/** The whole run, from the repository's root, every server stopped whatever happens; then exits. */
export function run(): void {
  process.chdir(ROOT);
  stopServersOnExit();
  setTimeout(() => {
    console.error(`\nThe benchmark ran over ${RUN_LIMIT_MS / 60_000} minutes: stopping.`);
    killAll();
    process.exit(1);
  }, RUN_LIMIT_MS).unref();
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
}

if (require.main === module) run();
