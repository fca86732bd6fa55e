/**
 * `npm run seed` (scripts/seed.ts runs runCli): demo data, fast.
 *
 *   npm run seed -- --tickets 10000   adds 10,000 realistic tickets (run it twice: 20,000)
 *   npm run seed -- --demo            one account per role, with known passwords (printed)
 *
 * Writes to the database at DATABASE_URL (default file:./data/triage.db), applying migrations
 * first when it is new or behind (scripts/seed/db.ts). Tickets go in through better-sqlite3
 * directly, with prepared statements in large transactions (see seedTickets in
 * scripts/seed/bulk.ts for how the triggers and indexes are handled); the rate is printed. Demo
 * people (password "triage-demo-people", scripts/seed/accounts.ts) are created as needed so
 * that tickets have requesters and agents who can sign in. The benchmark (scripts/bench/)
 * imports the exported functions of those modules.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { appendSeedToPostgres } from "../db/copy-to-postgres";
import { ensureDemoAccounts, ensureDemoPeople, PEOPLE_PASSWORD, type AccountResult } from "./accounts";
import { seedTickets, type SeedTicketsResult } from "./bulk";
import { databasePath, DEFAULT_DATABASE_URL, openSeedDatabase } from "./db";

export type SeedOptions = {
  databaseUrl?: string;
  tickets?: number;
  demo?: boolean;
  seed?: number;
  log?: (s: string) => void;
};

export type SeedResult = {
  file: string;
  demo: AccountResult[];
  people: AccountResult[];
  tickets: SeedTicketsResult | null;
};

/**
 * The whole seed, as `npm run seed` runs it: demo accounts and/or tickets, then a WAL checkpoint.
 * On PostgreSQL (DATABASE_URL=postgresql://…) the same seed is made in a throwaway SQLite file
 * and then added to PostgreSQL (appendSeedToPostgres: people matched by email, tickets numbered
 * after the ones there).
 */
export async function seed(options: SeedOptions): Promise<SeedResult> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL?.trim();
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triage-seed-"));
    try {
      const result = await seed({ ...options, databaseUrl: `file:${path.join(dir, "seed.db")}` });
      const started = performance.now();
      const { first, last } = await appendSeedToPostgres(result.file, url);
      const postgres = performance.now() - started;
      // The figures count the whole seed: the SQLite file's and the move into PostgreSQL.
      const tickets = result.tickets && {
        ...result.tickets,
        first,
        last,
        ms: result.tickets.ms + postgres,
        perSecond: result.tickets.added / ((result.tickets.ms + postgres) / 1000),
        phases: { ...result.tickets.phases, postgres },
      };
      return { ...result, file: url.replace(/\/\/[^@/]*@/, "//"), tickets };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const log = options.log ?? (() => {});
  const file = databasePath(options.databaseUrl);
  const db = openSeedDatabase(`file:${file}`, log);
  try {
    const demo = options.demo ? await ensureDemoAccounts(db) : [];
    let tickets: SeedTicketsResult | null = null;
    let people: AccountResult[] = [];
    if (options.tickets && options.tickets > 0) {
      const p = await ensureDemoPeople(db);
      people = p.created;
      tickets = seedTickets(db, options.tickets, { people: p, seed: options.seed });
    }
    db.pragma("wal_checkpoint(TRUNCATE)");
    return { file, demo, people, tickets };
  } finally {
    db.close();
  }
}

function parseArgs(argv: string[]): { tickets: number; demo: boolean; help: boolean } {
  let tickets = 0;
  let demo = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--demo") demo = true;
    else if (a === "--help" || a === "-h") help = true;
    else if (a === "--tickets" || a.startsWith("--tickets=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!v || !/^\d{1,8}$/.test(v) || Number(v) < 1) throw new Error(`--tickets needs a whole number from 1 to 99,999,999 (got "${v ?? ""}")`);
      tickets = Number(v);
    } else throw new Error(`Unknown option "${a}"`);
  }
  return { tickets, demo, help };
}

const USAGE = `Usage: npm run seed -- [--tickets N] [--demo]
  --tickets N   add N demo tickets (spread over demo requesters and agents, created if missing)
  --demo        create one account per role (admin, agent, requester) and print how to sign in
Database: DATABASE_URL (default ${DEFAULT_DATABASE_URL}); migrations are applied if needed.`;

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help || (!args.demo && !args.tickets)) {
    console.log(USAGE);
    process.exit(args.help ? 0 : 2);
  }
  const nf = new Intl.NumberFormat("en-US");
  const result = await seed({ tickets: args.tickets, demo: args.demo, log: console.log });
  console.log(`Database: ${result.file}`);
  if (args.demo) {
    console.log("\nDemo accounts (sign in at /sign-in):");
    const width = Math.max(...result.demo.map((a) => a.password.length));
    for (const a of result.demo) {
      const note = a.created ? "" : `  (already existed${a.actualRole !== a.role ? ` as ${a.actualRole}` : ""}; password unchanged)`;
      console.log(`  ${a.role.padEnd(9)}  ${a.email.padEnd(24)}  ${(a.created ? a.password : "—").padEnd(width)}${note}`.trimEnd());
    }
  }
  if (result.people.length) {
    console.log(`\nCreated ${result.people.length} demo people (password for each: ${PEOPLE_PASSWORD}):`);
    for (const p of result.people) console.log(`  ${p.role.padEnd(9)}  ${p.email}`);
  }
  if (result.tickets) {
    const t = result.tickets;
    console.log(
      `\nAdded ${nf.format(t.added)} tickets (#${t.first}–#${t.last}) in ${(t.ms / 1000).toFixed(2)} s: ${nf.format(Math.round(t.perSecond))} tickets/s`,
    );
    const sec = (v: number) => `${(v / 1000).toFixed(2)} s`;
    console.log(
      `  ${t.transactions} transaction(s)${t.rebuiltIndexes ? ", ticket indexes rebuilt" : ""}. ` +
        Object.entries(t.phases)
          .map(([k, v]) => `${k} ${sec(v)}`)
          .join(", "),
    );
    // (On PostgreSQL most of the work is the server's: this process's CPU says little.)
    if (!result.file.startsWith("postgres")) console.log(
      `  CPU ${sec(t.cpuMs)}: ${nf.format(Math.round(t.added / (t.cpuMs / 1000)))} tickets per CPU-second (steadier than the wall-clock rate on a busy machine)`,
    );
    if (!result.file.startsWith("postgres")) {
      const db = new Database(result.file, { readonly: true });
      try {
        const admins = db.prepare(`SELECT count(*) FROM "user" WHERE role = 'admin'`).pluck().get() as number;
        if (admins === 0) {
          console.log("\nNote: this database has no admin yet. Run `npm run seed -- --demo` for one (admin@example.com).");
        }
      } finally {
        db.close();
      }
    }
  }
}

/** Runs main and ends the process with 1 and the message when it fails. */
export function runCli(): void {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

if (require.main === module) runCli();
