/**
 * `npm run bench` (scripts/bench.ts runs run): figures, not a test. Prints a markdown table and
 * writes it to .tmp/bench-results.md.
 *
 * Builds a production build into .next-bench when it is missing or older than the sources
 * (build.ts), seeds throwaway databases under .tmp/bench (1,000 and 100,000 tickets, with
 * scripts/seed/; databases.ts), serves each with its own scripts/server.mjs (what `npm start`
 * runs) on a free port from 3300–3320, signs in once on each as an agent through the real
 * no-JavaScript sign-in form (server.ts), and loads the pages with autocannon (4 connections,
 * BENCH_SECONDS per scenario, default 10, split into BENCH_ROUNDS interleaved rounds, default 2,
 * so that a machine busy with other work skews them alike; load.ts):
 *   a) /tickets at 1,000 and at 100,000 tickets;
 *   b) the floor, /bench-floor: the same page from the same components, its data made in memory
 *      (no database, no session, no proxy); and its 50 rows alone;
 *   b') /tickets as commit BASELINE served it, on a copy of the same 100,000 tickets (baseline.ts);
 *   c) at 100,000: a search with two filters and a sort, and each quick view;
 *   d) the list's own count and page SQL, timed in process with better-sqlite3, with plans;
 *   e) creates through the no-JavaScript form post of /tickets/new, every 303 checked in SQL, with
 *      and without the acknowledgement mail each one writes to the outbox;
 *   f) mail: outbox delivery to a local SMTP server, 1,000 messages imported from Dovecot.
 * It also counts what one person's page views cost in Chromium (browser.ts), then writes the
 * report (report.ts). The server is stopped on exit, on error and on Ctrl-C; the whole run is
 * capped at 30 minutes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LONG_QUERY } from "../lib/search-cases";
import { DEMO_ACCOUNTS } from "../seed/accounts";
import { migrate } from "../seed/db";
import { browserCost, type BrowserCost } from "./browser";
import { ensureBuild } from "./build";
import { CONNECTIONS, LARGE, log, nf, RESULTS, ROOT, SMALL, WORK } from "./config";
import { mailProbe, makeDatabase, probe, setAcknowledgements } from "./databases";
import { creates, loadAll, type Creates, type Load, type Scenario } from "./load";
import { report } from "./report";
import { killAll, signIn, startServer, stopServersOnExit, type Server } from "./server";
import { startBaseline } from "./baseline";

/** The whole run is stopped after this long. */
const RUN_LIMIT_MS = 30 * 60_000;
/** The commit the list's render cost is compared with (issue 10: the list at 1.8x its rate). */
const BASELINE = process.env.BENCH_BASELINE || "35c6a25";
/** The open statuses, as the quick views ask for them. */
const OPEN = "status=Open&status=In+progress&status=Waiting";

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
  // The baseline reads its own copy, made before any scenario writes.
  const baselineFile = path.join(WORK, "baseline", "triage.db");
  fs.mkdirSync(path.dirname(baselineFile), { recursive: true });
  fs.copyFileSync(large.file, baselineFile);
  const agent = DEMO_ACCOUNTS.find((a) => a.role === "agent")!;

  // Both servers at once, so that their scenarios can take turns.
  const smallServer = await startServer(small, "1k");
  let baseline: Server | null = null;
  let loads: Load[];
  let create: Creates;
  let createQuiet: Creates;
  let createWithReaders: Creates;
  let createFloor: Creates;
  let browser: BrowserCost;
  try {
    const largeServer = await startServer(large, "100k");
    try {
      const smallCookie = await signIn(smallServer.base, agent.email, agent.password);
      const cookie = await signIn(largeServer.base, agent.email, agent.password);
      baseline = await startBaseline(BASELINE, baselineFile, `baseline-${BASELINE}`);
      const baselineCookie = await signIn(baseline.base, agent.email, agent.password);
      const list = (n: number) => `of ${nf.format(n)} tickets`;
      const on = { server: largeServer, cookie, tickets: LARGE };
      const scenarios: Scenario[] = [
        { name: "/tickets", kind: "list", path: "/tickets", server: smallServer, cookie: smallCookie, tickets: SMALL, expect: list(SMALL) },
        { name: "/tickets", kind: "list", path: "/tickets", ...on, expect: list(LARGE) },
        { name: `/tickets as ${BASELINE} served it`, kind: "baseline", path: "/tickets", server: baseline, cookie: baselineCookie, tickets: LARGE, expect: list(LARGE) },
        { name: "floor: the same page from memory", kind: "floor", path: "/bench-floor", server: largeServer, tickets: null, expect: "Filter tickets" },
        { name: "part: its 50 rows alone, from memory", kind: "part", path: "/bench-floor?part=rows", server: largeServer, tickets: null, expect: "<table" },
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
      log("Creates: posting the new-ticket form, with no mail, then with the acknowledgement…");
      setAcknowledgements(large.file, false);
      createQuiet = await creates(largeServer, cookie, large);
      setAcknowledgements(large.file, true);
      create = await creates(largeServer, cookie, large);
      log("Creates again, with list readers beside them…");
      createWithReaders = await creates(largeServer, cookie, large, { readers: CONNECTIONS });
      log("Creates' floor: the same form posted to an action that saves nothing…");
      createFloor = await creates(largeServer, cookie, large, { floor: true });
    } finally {
      await largeServer.stop();
      await baseline?.stop();
    }
  } finally {
    await smallServer.stop();
  }

  log("SQL: timing the list's count and page queries in process…");
  const sql = probe(large);
  log("Mail: outbox delivery to a local SMTP server, and 1,000 messages imported from Dovecot…");
  const mail = mailProbe(template);
  const md = report({ startedAt, loadBefore, loadAfter: os.loadavg(), seeds: [small, large], loads, create, createQuiet: createQuiet!, createWithReaders: createWithReaders!, createFloor: createFloor!, sql, browser: browser!, mail });
  fs.writeFileSync(RESULTS, md);
  console.log(`\n${md}`);
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
