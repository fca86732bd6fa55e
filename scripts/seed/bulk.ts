/**
 * Tickets in bulk: seedTickets adds any number of realistic tickets (spread over a year, over
 * the demo people, with statuses and priorities as a real desk has them) through better-sqlite3
 * directly, in large IMMEDIATE transactions. It fills ticket_tally and search_index itself, with
 * one statement per transaction, in place of the two triggers that would do it row by row
 * (BULK_TRIGGERS restates them), and checks afterwards that both agree with the ticket table
 * (checkConsistency).
 */
import crypto from "node:crypto";
import type { People } from "./accounts";
import { sqlDate } from "../../lib/db/sql";
import type { DB } from "./db";
import { pick, rng, ticketText, weighted } from "./text";

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
  phases: { rows: number; activity: number; tally: number; search: number; indexes: number; other: number; postgres?: number };
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
 * it all back. Any other trigger is left in place and fires as usual. At the end, after the
 * timings, checkConsistency makes sure that the tally and the index agree with the tickets.
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
  // One segment per word, as a desk's index settles into after its merges: a bulk append leaves a
  // dozen, and a search testing tickets one by one looks a word up in each (0.4 ms a ticket at
  // 1,000,000 tickets with 13 segments, 0.03 ms with one).
  mark = performance.now();
  db.exec(`INSERT INTO "search_index" ("search_index") VALUES ('optimize')`);
  lap("search");
  const ms = performance.now() - started;
  phases.other = ms - phases.rows - phases.activity - phases.tally - phases.search - phases.indexes;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const last = maxNumber.get() as number;
  checkConsistency(db); // after the timings: the check is not part of the rate
  return { added: count, ms, perSecond: count / (ms / 1000), cpuMs, first, last, transactions, rebuiltIndexes: rebuild, phases };
}

/**
 * Checks that the two tables seedTickets fills in by hand agree with the ticket table, and throws
 * an Error naming what disagrees:
 *   - ticket_tally: for every (status, priority, requesterId, assigneeId) group, with '' for
 *     unassigned as the triggers write it, the sum of "n" equals the number of tickets in it (a
 *     group left at 0 by the update and delete triggers is the same as no row);
 *   - search_index: a row under rowid = number for every ticket, and no other row with a positive
 *     rowid (public comments are indexed under negative rowids and are not looked at).
 * Two aggregate queries, each reading its tables in one snapshot, so that it is right even while
 * the app writes; about 0.2 s at 100,000 tickets, nearly all of it grouping the tickets.
 */
export function checkConsistency(db: DB): { tickets: number; tally: number; indexed: number } {
  const groups = db
    .prepare(
      `SELECT "status", "priority", "requesterId", "assigneeId", sum("tickets") AS "tickets", sum("tallied") AS "tallied"
       FROM (
         SELECT "status", "priority", "requesterId", COALESCE("assigneeId", '') AS "assigneeId", 1 AS "tickets", 0 AS "tallied"
         FROM "ticket"
         UNION ALL
         SELECT "status", "priority", "requesterId", "assigneeId", 0, "n" FROM "ticket_tally"
       )
       GROUP BY 1, 2, 3, 4
       HAVING sum("tickets") <> sum("tallied")`,
    )
    .all() as { status: number; priority: number; requesterId: string; assigneeId: string; tickets: number; tallied: number }[];
  const totals = db
    .prepare(
      `SELECT "tickets", "tally", "indexed", "missing", "firstMissing"
       FROM (SELECT count(*) AS "tickets" FROM "ticket"),
            (SELECT coalesce(sum("n"), 0) AS "tally" FROM "ticket_tally"),
            (SELECT count(*) AS "indexed" FROM "search_index" WHERE "rowid" > 0),
            (SELECT count(*) AS "missing", min("number") AS "firstMissing" FROM "ticket"
             WHERE "number" NOT IN (SELECT "rowid" FROM "search_index" WHERE "rowid" > 0))`,
    )
    .get() as { tickets: number; tally: number; indexed: number; missing: number; firstMissing: number | null };

  const nf = new Intl.NumberFormat("en-US");
  const problems: string[] = [];
  if (groups.length) {
    const shown = groups
      .slice(0, 3)
      .map(
        (g) =>
          `status ${g.status}, priority ${g.priority}, requester ${g.requesterId}, assignee ${g.assigneeId || "none"}: ` +
          `${nf.format(g.tickets)} ticket(s), tallied ${nf.format(g.tallied)}`,
      );
    problems.push(
      `ticket_tally disagrees with the tickets in ${nf.format(groups.length)} (status, priority, requesterId, assigneeId) group(s) ` +
        `(${nf.format(totals.tally)} tallied in all, ${nf.format(totals.tickets)} tickets): ${shown.join("; ")}${groups.length > 3 ? "; …" : ""}`,
    );
  }
  if (totals.missing > 0) {
    problems.push(`${nf.format(totals.missing)} ticket(s) have no search_index row (the first: #${totals.firstMissing})`);
  }
  const stray = totals.indexed - (totals.tickets - totals.missing);
  if (stray > 0) problems.push(`search_index has ${nf.format(stray)} row(s) under a positive rowid that is no ticket's number`);
  if (problems.length) {
    throw new Error(
      `After the bulk load, ${problems.join(", and ")}. seedTickets fills both tables by hand in place of the triggers ` +
        `${Object.keys(BULK_TRIGGERS).join(" and ")} (BULK_TRIGGERS in scripts/seed/bulk.ts): compare it with what the ` +
        `triggers in prisma/migrations do. The tickets are committed; this database's counts or search are wrong until repaired.`,
    );
  }
  return { tickets: totals.tickets, tally: totals.tally, indexed: totals.indexed };
}
