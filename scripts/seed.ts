/**
 * Demo data, fast.
 *
 *   npm run seed -- --tickets 10000   adds 10,000 realistic tickets (run it twice: 20,000)
 *   npm run seed -- --demo            one account per role, with known passwords (printed)
 *
 * Writes to the database at DATABASE_URL (default file:./data/triage.db), applying migrations
 * first when it is new or behind. Tickets go in through better-sqlite3 directly, with prepared
 * statements in large transactions (see seedTickets for how the triggers and indexes are
 * handled); the rate is printed. Demo people (password "triage-demo-people") are created as
 * needed so that tickets have requesters and agents who can sign in. scripts/bench.ts imports
 * the exported functions.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { hashPassword } from "better-auth/crypto";
import { databasePathFromUrl } from "../lib/env";

type DB = Database.Database;
export type Role = "requester" | "agent" | "admin";

const ROOT = path.resolve(__dirname, "..");
export const DEFAULT_DATABASE_URL = "file:./data/triage.db";

// ---------------------------------------------------------------------------------------------
// Opening (and migrating) the database

/** The absolute path of the database file a DATABASE_URL names (relative to the working directory). */
export function databasePath(url: string = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL): string {
  if (!url.startsWith("file:") || url.length === "file:".length) {
    throw new Error(`DATABASE_URL must be a SQLite file URL such as "${DEFAULT_DATABASE_URL}" (got "${url}")`);
  }
  return databasePathFromUrl(url);
}

/** The migrations in prisma/migrations that the database has not finished applying. */
function pendingMigrations(file: string): string[] {
  const dir = path.join(ROOT, "prisma", "migrations");
  const all = fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, "migration.sql")))
    .sort();
  if (!fs.existsSync(file)) return all;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`)
      .get();
    if (!table) return all;
    const done = new Set(
      db
        .prepare(`SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
        .all()
        .map((r) => (r as { name: string }).name),
    );
    return all.filter((m) => !done.has(m));
  } finally {
    db.close();
  }
}

/** Applies migrations with Prisma's own CLI when the database is new or behind. */
export function migrate(file: string, log: (s: string) => void = console.log): void {
  const pending = pendingMigrations(file);
  if (pending.length === 0) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  log(`Applying ${pending.length} migration(s) to ${file}…`);
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}`, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    throw new Error(`prisma migrate deploy failed:\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error ?? ""}`);
  }
}

/** Opens the database for seeding: migrated, WAL, and synchronous=NORMAL for the bulk work. */
export function openSeedDatabase(url?: string, log?: (s: string) => void): DB {
  const file = databasePath(url);
  migrate(file, log);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  db.pragma("cache_size = -524288"); // up to 512 MiB: a big seed stays in memory until it commits
  db.pragma("temp_store = MEMORY");
  return db;
}

/** Timestamps exactly as Prisma's better-sqlite3 adapter writes them (ISO 8601, "+00:00"). */
export const sqlDate = (d: Date | number) => new Date(d).toISOString().replace("Z", "+00:00");

// ---------------------------------------------------------------------------------------------
// Accounts

export type AccountSpec = { name: string; email: string; role: Role; password: string };
export type AccountResult = AccountSpec & { id: string; created: boolean; actualRole: Role };

/**
 * A user who can sign in with email and password: the "user" row and Better Auth's credential
 * "account" row, the password hashed by Better Auth's own hasher. An existing email is left as
 * it is (its password and role are not touched).
 */
export async function ensureAccount(db: DB, spec: AccountSpec): Promise<AccountResult> {
  const email = spec.email.trim().toLowerCase();
  const existing = db.prepare(`SELECT id, role FROM "user" WHERE lower(email) = ?`).get(email) as
    | { id: string; role: Role }
    | undefined;
  if (existing) return { ...spec, email, id: existing.id, created: false, actualRole: existing.role };
  const hash = await hashPassword(spec.password);
  const id = crypto.randomUUID();
  const now = sqlDate(Date.now());
  db.transaction(() => {
    db.prepare(
      `INSERT INTO "user" (id, name, email, emailVerified, image, role, createdAt, updatedAt)
       VALUES (?, ?, ?, 0, NULL, ?, ?, ?)`,
    ).run(id, spec.name, email, spec.role, now, now);
    db.prepare(
      `INSERT INTO "account" (id, accountId, providerId, userId, password, createdAt, updatedAt)
       VALUES (?, ?, 'credential', ?, ?, ?, ?)`,
    ).run(crypto.randomUUID(), id, id, hash, now, now);
  }).immediate();
  return { ...spec, email, id, created: true, actualRole: spec.role };
}

/** `--demo`: one account per role. */
export const DEMO_ACCOUNTS: AccountSpec[] = [
  { name: "Ada Admin", email: "admin@example.com", role: "admin", password: "triage-admin-demo" },
  { name: "Alex Agent", email: "agent@example.com", role: "agent", password: "triage-agent-demo" },
  { name: "Riley Requester", email: "requester@example.com", role: "requester", password: "triage-requester-demo" },
];

export async function ensureDemoAccounts(db: DB): Promise<AccountResult[]> {
  const out: AccountResult[] = [];
  for (const spec of DEMO_ACCOUNTS) out.push(await ensureAccount(db, spec));
  return out;
}

/** The people demo tickets are spread over (created when missing; they can sign in too). */
export const PEOPLE_PASSWORD = "triage-demo-people";
const REQUESTERS = [
  "Priya Patel",
  "Tom Becker",
  "Amara Okafor",
  "Lucas Moreau",
  "Mei Lin",
  "Jakob Nowak",
  "Sofia García",
  "Noah Williams",
];
const AGENTS = ["Sam Carter", "Dana Whitfield", "Jonas Berg"];
const emailOf = (name: string) =>
  `${name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z]+/g, ".")}@example.com`;

export type People = { requesters: string[]; agents: string[]; created: AccountResult[] };

export async function ensureDemoPeople(db: DB): Promise<People> {
  const created: AccountResult[] = [];
  const ensure = async (name: string, role: Role) => {
    const r = await ensureAccount(db, { name, email: emailOf(name), role, password: PEOPLE_PASSWORD });
    if (r.created) created.push(r);
    return r;
  };
  const requesters: string[] = [];
  const agents: string[] = [];
  for (const n of REQUESTERS) requesters.push((await ensure(n, "requester")).id);
  for (const n of AGENTS) agents.push((await ensure(n, "agent")).id);
  // The --demo accounts, when present, get tickets too, so that signing in as them shows some.
  for (const spec of DEMO_ACCOUNTS) {
    const row = db.prepare(`SELECT id, role FROM "user" WHERE email = ?`).get(spec.email) as
      | { id: string; role: Role }
      | undefined;
    if (row?.role === "requester") requesters.push(row.id);
    if (row?.role === "agent") agents.push(row.id);
  }
  return { requesters, agents, created };
}

// ---------------------------------------------------------------------------------------------
// Ticket text

/** mulberry32: small, fast, good enough for demo data. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
/** Picks by weight: [[value, weight], …]. */
const weighted = <T>(r: Rand, xs: readonly (readonly [T, number])[]): T => {
  let total = 0;
  for (const [, w] of xs) total += w;
  let x = r() * total;
  for (const [v, w] of xs) if ((x -= w) < 0) return v;
  return xs[xs.length - 1][0];
};

type Kind = "network" | "document" | "printer" | "hardware" | "app" | "account";
const AREAS: readonly (readonly [string, Kind])[] = [
  ["VPN", "network"],
  ["Wi-Fi in meeting room B", "network"],
  ["Guest Wi-Fi", "network"],
  ["Remote desktop", "network"],
  ["Invoice PDF", "document"],
  ["Quarterly sales report", "document"],
  ["Payslip PDF", "document"],
  ["Expense report export", "document"],
  ["Credit note", "document"],
  ["Printer on floor 3", "printer"],
  ["Label printer in the warehouse", "printer"],
  ["Scanner-printer at reception", "printer"],
  ["Laptop docking station", "hardware"],
  ["External monitor", "hardware"],
  ["Headset", "hardware"],
  ["Badge reader at the side entrance", "hardware"],
  ["Conference room display", "hardware"],
  ["Outlook", "app"],
  ["Teams calls", "app"],
  ["CRM dashboard", "app"],
  ["Expense app", "app"],
  ["Payroll portal", "app"],
  ["Shared drive", "app"],
  ["Mobile app", "app"],
  ["Website checkout", "app"],
  ["Time tracking", "app"],
  ["SSO login", "account"],
  ["Password reset", "account"],
  ["MFA prompt", "account"],
];
const PROBLEMS: Record<Kind, readonly string[]> = {
  network: [
    "drops every {n} minutes",
    "drops every {n} minutes on Wi-Fi",
    "won't connect from home",
    "is very slow in the afternoons",
    "disconnects when the laptop wakes from sleep",
    "asks for a certificate on every connect",
  ],
  document: [
    "shows wrong VAT",
    "has the old company address",
    "is missing the last page",
    "rounds amounts wrongly",
    "shows garbled characters in customer names",
    "still shows last month's totals",
    "is blank when opened on a phone",
  ],
  printer: [
    "jams on double-sided prints",
    "prints blank pages",
    "is offline for everyone",
    "prints everything in greyscale",
    "is stuck with {n} jobs in the queue",
    "reports a paper jam but there is none",
  ],
  hardware: [
    "stopped working after the update",
    "is not detected",
    "flickers every few seconds",
    "needs replacing",
    "makes a clicking noise",
    "does not charge the laptop",
  ],
  app: [
    "keeps asking for my password",
    "returns error 500 when saving",
    "is very slow since Monday",
    "crashes on start",
    "shows another customer's data",
    "logs me out every {n} minutes",
    "cannot find records older than a year",
    "search returns nothing",
    "does not send notification emails",
  ],
  account: [
    "fails with \"invalid state\"",
    "link has expired before it arrives",
    "loops back to the sign-in page",
    "is not accepted on the new phone",
    "locks me out after one wrong attempt",
  ],
};
const SUFFIXES: readonly (readonly [string, number])[] = [
  ["", 70],
  [" since the last update", 4],
  [" for the whole team", 4],
  [" after my password change", 3],
  [" in the Berlin office", 3],
  [" on my new laptop", 3],
  [" (blocking month-end close)", 2],
  [" again", 4],
  [" for some customers only", 3],
  [" on macOS", 2],
  [" in Firefox", 2],
];
const WHEN = ["this morning", "yesterday afternoon", "Monday", "the update last week", "we moved desks", "the office move", "the start of the month"];
const FREQ = ["every time", "about once an hour", "a few times a day", "only in the mornings", "randomly", "whenever more than five of us are online"];
const TRIED = [
  "I have already restarted the laptop and signed out and in again, with no change.",
  "Clearing the browser cache did not help.",
  "A colleague at the next desk has the same problem, so it is probably not just me.",
  "It worked fine on the old laptop.",
  "I tried a different network (phone hotspot) and it behaves the same.",
  "Reinstalling did not help either.",
];
const IMPACT = [
  "This is blocking me from finishing the monthly report.",
  "A customer is waiting on this, so it would be great to get it sorted soon.",
  "Not urgent, but it is annoying and costs me some time every day.",
  "Three people in my team are affected.",
  "We have a client demo on Thursday, so this matters.",
  "I can work around it for now by using my phone.",
];
const DEVICES = ["ThinkPad T14 (Windows 11)", "MacBook Air M2", "Dell Latitude 7440", "iPhone 15", "Surface Pro 9", "HP EliteBook 840"];
const OFFICES = ["Berlin, 2nd floor", "London, Shoreditch", "Remote (home office)", "Lisbon", "Warsaw, building B", "Head office, floor 3"];
const ERRORS = ["Error 0x80070005", "HTTP 500 Internal Server Error", "\"Something went wrong, please try again\"", "Connection timed out (code 809)", "ERR_CERT_DATE_INVALID"];

function ticketText(r: Rand, requester: string) {
  const [area, kind] = pick(r, AREAS);
  const n = pick(r, [5, 10, 15, 20, 30]);
  const problem = pick(r, PROBLEMS[kind]).replace("{n}", String(n));
  const title = `${area} ${problem}${weighted(r, SUFFIXES)}`;
  const paras: string[] = [];
  paras.push(`Hi,\n\nSince ${pick(r, WHEN)}, the ${area.charAt(0).toLowerCase() + area.slice(1)} ${problem}. It happens ${pick(r, FREQ)}.`);
  if (r() < 0.6) paras.push(`${pick(r, TRIED)} ${r() < 0.5 ? pick(r, TRIED) : ""}`.trim());
  if (r() < 0.45) {
    paras.push(
      `Steps to reproduce:\n1. Open ${area}.\n2. ${pick(r, ["Sign in with my usual account", "Pick any customer from the list", "Wait a few minutes", "Press Save"])}.\n3. See the problem (${pick(r, ERRORS)}).`,
    );
  }
  paras.push(pick(r, IMPACT));
  paras.push(`Device: ${pick(r, DEVICES)}\nLocation: ${pick(r, OFFICES)}`);
  paras.push(`Thanks,\n${requester.split(" ")[0]}`);
  return { title, description: paras.join("\n\n") };
}

// ---------------------------------------------------------------------------------------------
// Tickets

const DAY = 86_400_000;
const PRIORITY_WEIGHTS = [
  [1, 20],
  [2, 50],
  [3, 22],
  [4, 8],
] as const;
/** Status by age: new tickets are mostly open, old ones mostly resolved or closed. */
const STATUS_BY_AGE: { maxDays: number; weights: readonly (readonly [number, number])[] }[] = [
  { maxDays: 2, weights: [[1, 55], [2, 25], [3, 10], [4, 8], [5, 2]] },
  { maxDays: 14, weights: [[1, 20], [2, 25], [3, 15], [4, 30], [5, 10]] },
  { maxDays: 60, weights: [[1, 6], [2, 8], [3, 6], [4, 30], [5, 50]] },
  { maxDays: Infinity, weights: [[1, 2], [2, 2], [3, 2], [4, 20], [5, 74]] },
];

/** The AFTER INSERT triggers on "ticket" that seedTickets replaces with one statement per transaction. */
const BULK_TRIGGERS: Record<string, string> = {
  ticket_tally_insert: `
    INSERT INTO "ticket_tally" ("status", "priority", "requesterId", "assigneeId", "n")
    SELECT "status", "priority", "requesterId", COALESCE("assigneeId", ''), count(*)
    FROM "ticket" WHERE "number" > :before
    GROUP BY "status", "priority", "requesterId", COALESCE("assigneeId", '')
    ON CONFLICT ("status", "priority", "requesterId", "assigneeId") DO UPDATE SET "n" = "n" + excluded."n"`,
  ticket_search_insert: `
    INSERT INTO "search_index" ("rowid", "title", "body")
    SELECT "number", "title", "description" FROM "ticket" WHERE "number" > :before`,
};

export type SeedTicketsOptions = {
  people: People;
  /** Rows per transaction when the indexes are kept up row by row. */
  batch?: number;
  /**
   * Drop the ticket table's indexes and build them again after the insert, all in one
   * transaction. Default: when the seed at least doubles the table (building an index from
   * sorted data beats growing it row by row; on a big table, rebuilding would cost more).
   */
  rebuildIndexes?: boolean;
  /** For repeatable data; random by default. */
  seed?: number;
  now?: number;
};

export type SeedTicketsResult = {
  added: number;
  ms: number;
  perSecond: number;
  /** CPU time this process spent (user + system): steadier than wall time on a busy machine. */
  cpuMs: number;
  first: number;
  last: number;
  transactions: number;
  rebuiltIndexes: boolean;
  /** Where the time went, in ms (other: setup, dropping and re-creating triggers, commits). */
  phases: { rows: number; activity: number; tally: number; search: number; indexes: number; other: number };
};

/**
 * Adds `count` tickets, each with its 'created' activity row.
 *
 * The AFTER INSERT triggers that keep ticket_tally and search_index (see the init migration) cost
 * statements per row. Each transaction drops those two triggers (their SQL saved from
 * sqlite_master), inserts the rows, brings the activity, the tally and the index up to date with
 * one set-based statement each for the rows just added, and re-creates the triggers from the
 * saved SQL. When the seed at least doubles the table, it also drops the ticket table's indexes
 * and builds them again at the end. Each transaction is IMMEDIATE and self-contained: no other
 * connection ever sees a trigger or index missing or the tally out of step, and a failure rolls
 * it all back. Any other trigger is left in place and fires as usual.
 */
export function seedTickets(db: DB, count: number, opts: SeedTicketsOptions): SeedTicketsResult {
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const { requesters, agents } = opts.people;
  if (requesters.length === 0) throw new Error("seedTickets: no requesters");
  const r = rng(opts.seed ?? crypto.randomInt(2 ** 31));
  const now = opts.now ?? Date.now();
  const names = new Map(
    (db.prepare(`SELECT id, name FROM "user"`).all() as { id: string; name: string }[]).map((u) => [u.id, u.name]),
  );

  // The people's names are copied onto the ticket (for sorting) where the schema has them;
  // giving them here spares the trigger that would otherwise fill them in row by row.
  const columns = new Set(db.prepare(`SELECT name FROM pragma_table_info('ticket')`).pluck().all() as string[]);
  const withNames = columns.has("requesterName") && columns.has("assigneeName");
  const insertTicket = db.prepare(
    `INSERT INTO "ticket" ("title", "description", "priority", "status", "requesterId", "assigneeId",
       "createdAt", "updatedAt", "resolvedAt", "version"${withNames ? `, "requesterName", "assigneeName"` : ""})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1${withNames ? ", ?, ?" : ""})`,
  );
  const insertActivity = db.prepare(
    `INSERT INTO "activity" ("ticketNumber", "actorId", "field", "fromValue", "toValue", "createdAt")
     SELECT "number", "requesterId", 'created', NULL, NULL, "createdAt" FROM "ticket"
     WHERE "number" > ? ORDER BY "number"`,
  );
  const maxNumber = db.prepare(`SELECT coalesce(max("number"), 0) AS n FROM "ticket"`).pluck();
  const triggerSql = db.prepare(
    `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ticket' AND name IN (${Object.keys(BULK_TRIGGERS)
      .map(() => "?")
      .join(", ")})`,
  );
  // Indexes that CREATE INDEX made (autoindexes of constraints have no sql and stay).
  const indexSql = db.prepare(
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ticket' AND sql IS NOT NULL`,
  );
  const bulk = Object.fromEntries(Object.entries(BULK_TRIGGERS).map(([k, sql]) => [k, db.prepare(sql)]));

  const existing = db.prepare(`SELECT count(*) FROM "ticket"`).pluck().get() as number;
  const rebuild = opts.rebuildIndexes ?? count >= existing;
  const batch = rebuild ? count : Math.max(1, opts.batch ?? 10_000);

  // Creation times over the past year, mostly on weekdays in working hours, oldest first so
  // that ticket numbers increase with time as they would have.
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let t: number;
    do {
      const day = Math.floor(now / DAY) - Math.floor(r() * 365);
      const hour = r() < 0.85 ? 7 + r() * 11 : r() * 24;
      t = day * DAY + hour * 3_600_000;
      const dow = new Date(t).getUTCDay();
      if ((dow === 0 || dow === 6) && r() < 0.8) continue;
    } while (t > now - 60_000);
    times[i] = t;
  }
  times.sort();

  const phases = { rows: 0, activity: 0, tally: 0, search: 0, indexes: 0, other: 0 };
  let mark = 0;
  const lap = (phase: Exclude<keyof typeof phases, "other">) => {
    const t = performance.now();
    phases[phase] += t - mark;
    mark = t;
  };
  const insertBatch = db.transaction((from: number, to: number) => {
    const before = maxNumber.get() as number;
    const triggers = triggerSql.all(...Object.keys(BULK_TRIGGERS)) as { name: string; sql: string }[];
    const indexes = rebuild ? (indexSql.all() as { name: string; sql: string }[]) : [];
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
    mark = performance.now();
    for (let i = from; i < to; i++) {
      const created = times[i];
      const ageDays = (now - created) / DAY;
      const status = weighted(r, STATUS_BY_AGE.find((s) => ageDays <= s.maxDays)!.weights);
      const priority = weighted(r, PRIORITY_WEIGHTS);
      const requesterId = pick(r, requesters);
      const unassigned = agents.length === 0 || r() < (status === 1 ? 0.45 : status <= 3 ? 0.08 : 0.03);
      const assigneeId = unassigned ? null : pick(r, agents);
      const room = now - created;
      let updated: number;
      let resolved: number | null = null;
      if (status >= 4) {
        // Resolved after a few hours to a few days; closed some days after that.
        resolved = created + Math.min(room, -Math.log(1 - r()) * 2 * DAY + 600_000);
        updated = status === 5 ? resolved + r() * Math.min(5 * DAY, now - resolved) : resolved;
      } else {
        updated = created + room * (status === 1 ? r() * r() : r());
      }
      const requesterName = names.get(requesterId) ?? "Someone";
      const { title, description } = ticketText(r, requesterName);
      const values: (string | number | null)[] = [
        title,
        description,
        priority,
        status,
        requesterId,
        assigneeId,
        sqlDate(created),
        sqlDate(Math.max(created, updated)),
        resolved === null ? null : sqlDate(resolved),
      ];
      if (withNames) values.push(requesterName, assigneeId === null ? null : (names.get(assigneeId) ?? null));
      insertTicket.run(values);
    }
    lap("rows");
    insertActivity.run(before);
    lap("activity");
    for (const t of triggers) {
      bulk[t.name].run({ before });
      lap(t.name === "ticket_tally_insert" ? "tally" : "search");
    }
    for (const i of indexes) db.exec(i.sql);
    lap("indexes");
    for (const t of triggers) db.exec(t.sql);
  });

  const first = (maxNumber.get() as number) + 1;
  let transactions = 0;
  for (let from = 0; from < count; from += batch) {
    insertBatch.immediate(from, Math.min(count, from + batch));
    transactions++;
  }
  const ms = performance.now() - started;
  phases.other = ms - phases.rows - phases.activity - phases.tally - phases.search - phases.indexes;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const last = maxNumber.get() as number;
  return { added: count, ms, perSecond: count / (ms / 1000), cpuMs, first, last, transactions, rebuiltIndexes: rebuild, phases };
}

/** Checks that the tally and the search index agree with the ticket table (cheap at 100k rows). */
export function checkConsistency(db: DB): { tickets: number; tally: number; indexed: number } {
  const tickets = db.prepare(`SELECT count(*) FROM "ticket"`).pluck().get() as number;
  const tally = db.prepare(`SELECT coalesce(sum(n), 0) FROM "ticket_tally"`).pluck().get() as number;
  const indexed = db.prepare(`SELECT count(*) FROM "search_index" WHERE rowid > 0`).pluck().get() as number;
  return { tickets, tally, indexed };
}

// ---------------------------------------------------------------------------------------------
// The whole seed, as `npm run seed` runs it

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

export async function seed(options: SeedOptions): Promise<SeedResult> {
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
    console.log(
      `  CPU ${sec(t.cpuMs)}: ${nf.format(Math.round(t.added / (t.cpuMs / 1000)))} tickets per CPU-second (steadier than the wall-clock rate on a busy machine)`,
    );
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

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
