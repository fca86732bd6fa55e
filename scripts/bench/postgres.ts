/**
 * The PostgreSQL column (issue 12): the list, the quick views and the searches on PostgreSQL at
 * 100,000 and at 1,000,000 tickets, beside SQLite at both sizes, every one loaded in the same
 * interleaved rounds as the rest of the run; and creates with one and with two Triage processes on
 * one PostgreSQL database.
 *
 * The PostgreSQL databases are copies of the SQLite ones (the same tickets, by
 * scripts/db/copy-to-postgres.ts, which also ANALYZEs), made before any scenario writes, on this
 * machine's cluster (tests/postgres/server.ts starts it when it is down) with its settings as
 * Debian installs them; they are dropped at the end. BENCH_POSTGRES=0 leaves the column out.
 */
import pg from "pg";
import { freshDatabase, postgresAdminUrl } from "../../tests/postgres/server";
import { copyToPostgres } from "../db/copy-to-postgres";
import { LONG_QUERY } from "../lib/search-cases";
import { log, nf, type Column } from "./config";
import type { BenchDb } from "./databases";
import type { Creates, Scenario } from "./load";
import type { Server } from "./server";

export const POSTGRES_WANTED = process.env.BENCH_POSTGRES !== "0";

/** The open statuses, as the quick views ask for them. */
export const OPEN = "status=Open&status=In+progress&status=Waiting";

/** Which database a scenario's server runs on. */
export type { Column } from "./config";

export type Copy = { tickets: number; seconds: number };
export type PostgresDbs = {
  large: BenchDb;
  huge: BenchDb;
  copies: Copy[];
  /** PostgreSQL's version and the settings that matter here, as the server reports them. */
  settings: string;
  drop: () => Promise<void>;
};

/** Copies both SQLite databases into fresh PostgreSQL ones; `skipped`, with the reason, when this machine has no PostgreSQL. */
export async function postgresCopies(large: BenchDb, huge: BenchDb): Promise<PostgresDbs | { skipped: string }> {
  try {
    postgresAdminUrl();
  } catch (e) {
    const skipped = `no PostgreSQL here (${(e as Error).message})`;
    log(`PostgreSQL: ${skipped}`);
    return { skipped };
  }
  const made: Awaited<ReturnType<typeof freshDatabase>>[] = [];
  const drop = async () => {
    for (const m of made) await m.drop().catch(() => undefined);
  };
  try {
    const copies: Copy[] = [];
    const copy = async (db: BenchDb, label: string): Promise<BenchDb> => {
      const target = await freshDatabase(`bench_${label}`);
      made.push(target);
      const started = performance.now();
      await copyToPostgres(db.file, target.url);
      const seconds = (performance.now() - started) / 1000;
      copies.push({ tickets: db.tickets, seconds });
      log(`Copied ${label} into PostgreSQL: ${nf.format(db.tickets)} tickets in ${seconds.toFixed(1)} s`);
      return { ...db, postgresUrl: target.url };
    };
    const pgLarge = await copy(large, "100k");
    const pgHuge = await copy(huge, "1m");
    return { large: pgLarge, huge: pgHuge, copies, settings: await settingsOf(pgLarge.postgresUrl!), drop };
  } catch (e) {
    await drop();
    throw e;
  }
}

async function settingsOf(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const version = (await c.query(`SHOW server_version`)).rows[0].server_version as string;
    const names = ["shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "synchronous_commit", "max_connections"];
    const rows = (await c.query(`SELECT n AS name, current_setting(n) AS value FROM unnest($1::text[]) n`, [names])).rows as { name: string; value: string }[];
    return `PostgreSQL ${version}; ${rows.map((r) => `${r.name} ${r.value}`).join(", ")}`;
  } finally {
    await c.end();
  }
}

/** The pages the column compares, on one server: the list, the quick views and the searches. */
export function columnScenarios(column: Column, server: Server, cookie: string, tickets: number, requesterCookie?: string): Scenario[] {
  const at = { server, cookie, tickets, column };
  return [
    { name: "/tickets", kind: "list", path: "/tickets", ...at, expect: `of ${nf.format(tickets)} tickets` },
    { name: "quick view: my open", kind: "view", path: `/tickets?${OPEN}&assignee=me`, ...at, expect: "Showing " },
    { name: "quick view: unassigned", kind: "view", path: `/tickets?${OPEN}&assignee=none`, ...at, expect: "Showing " },
    { name: "quick view: all open", kind: "view", path: `/tickets?${OPEN}`, ...at, expect: "Showing " },
    {
      name: "search + 2 filters + sort",
      kind: "view",
      path: "/tickets?q=printer&status=Open&status=In%20progress&priority=High&sort=updated",
      ...at,
      expect: "Showing ",
    },
    { name: "search: twelve one-letter words", kind: "search", path: "/tickets?q=t+a+s+i+p+m+o+c+w+e+b+d", ...at, expect: "Showing " },
    { name: "search: a word in most tickets (q=the), best match first", kind: "search", path: "/tickets?q=the", ...at, expect: "of about " },
    { name: "search: 200 characters", kind: "search", path: `/tickets?q=${encodeURIComponent(LONG_QUERY)}`, ...at, expect: "Showing " },
    { name: "search: a rarer word (q=printer), best match first", kind: "search", path: "/tickets?q=printer", ...at, expect: "Showing " },
    // A requester with a ninth of every ticket (the seed's demo people share them): their own, scope first.
    ...(requesterCookie
      ? [{ name: "search: a requester's (q=printer)", kind: "search" as const, path: "/tickets?q=printer", ...at, cookie: requesterCookie, expect: "Showing " }]
      : []),
  ];
}

/** What the PostgreSQL column of a run measured: its databases, and creates with one and two processes. */
export type PostgresRun = Omit<PostgresDbs, "drop"> & { one: Creates; two: Creates };
