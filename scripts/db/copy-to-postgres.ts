/**
 * Moves an installation from SQLite to PostgreSQL:
 *
 *   npm run db:copy-to-postgres -- file:./data/triage.db postgresql://triage@db.example/triage
 *
 * Stop Triage first. The PostgreSQL database must be empty or freshly migrated (no rows): it is
 * migrated first (server/migrate-postgres.ts), then every row of every table is copied
 * (people, sessions, accounts, tickets, history, comments, mail, settings, leases), in batches,
 * in one transaction: all of it or nothing. The ticket and comment triggers are off while the rows
 * go in (the copied names arrive as SQLite kept them); the tally and the search index are then
 * built from the rows in two statements each (rebuildDerived), with the same expressions as those
 * triggers, and the triggers are on again before the commit. Row by row, the triggers made the
 * copy 1,850 tickets a second; set-wise, several times that. The sequences continue after the
 * highest number SQLite ever gave (ticket numbers are never reused). Then the counts are compared
 * table by table, the tally group by group, and the search index document by document count; any
 * difference fails the copy (and rolls it back). Attachments' bytes go from the files beside the
 * SQLite database (`files/`) into PostgreSQL's file_blob and file_chunk, as lib/files/postgres.ts
 * keeps them (set TRIAGE_FILES_DIR afterwards only if you would rather keep them in a shared folder:
 * then copy `files/` there instead).
 */
import Database from "better-sqlite3";
import pg from "pg";
import path from "node:path";
import { diskStore } from "../../lib/files/disk";
import { CHUNK_BYTES } from "../../lib/files/spool";
import { migratePostgres } from "../../server/migrate-postgres";

/** Tables in the order their foreign keys need; the tally and the search index are derived. */
export const TABLES = [
  "user",
  "session",
  "account",
  "verification",
  "sign_in_throttle",
  "ticket",
  "activity",
  "comment",
  "attachment",
  "notification_default",
  "notification_choice",
  "outbound_mail",
  "inbound_mail",
  "lease",
  "desk_setting",
  "audit_log",
] as const;

/** The columns PostgreSQL numbers itself (SERIAL), by table. */
const SERIAL: Record<string, string> = { ticket: "number", activity: "id", comment: "id", attachment: "id", outbound_mail: "id", inbound_mail: "id", audit_log: "id" };

/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters a statement. */
const MAX_PARAMS = 30_000;

type Column = { name: string; type: string };

export type CopyReport = { table: string; rows: number }[];

function value(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (type === "DATETIME") return typeof v === "number" ? new Date(v).toISOString() : new Date(String(v)).toISOString();
  if (type === "BOOLEAN") return v === 1 || v === true || v === "1" || v === "true";
  return v;
}

/** Rows into a table, as few multi-row INSERTs as PostgreSQL's parameter limit allows. */
async function insertMany(to: pg.Client, table: string, columns: string[], rows: unknown[][]) {
  const per = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const names = columns.map((c) => `"${c}"`).join(", ");
  for (let k = 0; k < rows.length; k += per) {
    const chunk = rows.slice(k, k + per);
    const values = chunk.map((_, r) => `(${columns.map((__, j) => `$${r * columns.length + j + 1}`).join(", ")})`);
    await to.query(`INSERT INTO "${table}" (${names}) VALUES ${values.join(", ")}`, chunk.flat());
  }
}

/**
 * Opens the SQLite file (read-only) and PostgreSQL (migrated, in UTC) and runs `fn` in one
 * PostgreSQL transaction: committed when it returns, rolled back when it throws.
 */
async function betweenBoth<T>(sqliteFile: string, postgresUrl: string, fn: (from: Database.Database, to: pg.Client) => Promise<T>): Promise<T> {
  await migratePostgres(postgresUrl);
  const from = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  const to = new pg.Client({ connectionString: postgresUrl, options: "-c TimeZone=UTC" });
  await to.connect();
  try {
    await to.query("BEGIN");
    const result = await fn(from, to);
    await to.query("COMMIT");
    return result;
  } catch (e) {
    await to.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    from.close();
    await to.end();
  }
}

export async function copyToPostgres(sqliteFile: string, postgresUrl: string, log: (s: string) => void = () => {}): Promise<CopyReport> {
  return betweenBoth(sqliteFile, postgresUrl, async (from, to) => {
    for (const t of [...TABLES, "file_blob"]) {
      const r = await to.query(`SELECT 1 FROM "${t}" LIMIT 1`);
      if (r.rowCount) throw new Error(`PostgreSQL's "${t}" already has rows: copy into an empty database`);
    }
    const report: CopyReport = [];
    // (DDL is transactional in PostgreSQL: a failed copy leaves the triggers as they were.)
    for (const t of DERIVED_FROM) await to.query(`ALTER TABLE "${t}" DISABLE TRIGGER USER`);
    for (const table of TABLES) {
      const columns = from.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(table) as Column[];
      const names = columns.map((c) => `"${c.name}"`).join(", ");
      // Streamed in batches: a mailbox's raw messages need not all be in memory at once.
      const per = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
      let batch: unknown[][] = [];
      let copied = 0;
      for (const row of from.prepare(`SELECT ${names} FROM "${table}" ORDER BY rowid`).raw().iterate() as Iterable<unknown[]>) {
        batch.push(row.map((v, i) => value(v, columns[i].type)));
        if (batch.length < per) continue;
        await insertMany(to, table, columns.map((c) => c.name), batch);
        copied += batch.length;
        batch = [];
      }
      await insertMany(to, table, columns.map((c) => c.name), batch);
      copied += batch.length;
      const serial = SERIAL[table];
      if (serial) {
        // Past the highest number SQLite ever gave, deleted ones included.
        const seq = from.prepare(`SELECT seq FROM sqlite_sequence WHERE name = ?`).pluck().get(table) as number | undefined;
        const max = from.prepare(`SELECT max("${serial}") FROM "${table}"`).pluck().get() as number | null;
        const next = Math.max(seq ?? 0, max ?? 0);
        if (next > 0) await to.query(`SELECT setval(pg_get_serial_sequence('"${table}"', '${serial}'), $1)`, [next]);
      }
      report.push({ table, rows: copied });
      log(`${table}: ${copied.toLocaleString("en")} rows`);
    }
    await copyFiles(from, to, path.join(path.dirname(sqliteFile.replace(/^file:/, "")), "files"), log);
    await rebuildDerived(to, log);
    for (const t of DERIVED_FROM) await to.query(`ALTER TABLE "${t}" ENABLE TRIGGER USER`);
    await verify(from, to);
    // Statistics for the planner now, not when autovacuum gets to it: the first pages after a
    // move would otherwise be planned against empty tables.
    await to.query("ANALYZE");
    return report;
  });
}

/** A ticket's search document, as the ticket_search trigger makes it. */
const TICKET_DOCUMENT = `setweight(to_tsvector('simple', "search_words"("title")), 'A') || setweight(to_tsvector('simple', "search_words"("description")), 'D')`;

/** The tables whose triggers keep the tally and the search index. */
const DERIVED_FROM = ["ticket", "comment"] as const;

/**
 * The tally and the search index from the rows, as the init migration's triggers would have made
 * them one row at a time (the same expressions: a ticket's title A and description D, a public
 * comment's body D under -id; unassigned counted under ''), with the GIN index built once at the
 * end rather than updated per document.
 */
async function rebuildDerived(to: pg.Client, log: (s: string) => void) {
  const started = performance.now();
  await to.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  await to.query(`DELETE FROM "ticket_tally"`);
  await to.query(
    `INSERT INTO "ticket_tally" ("status", "priority", "requesterId", "assigneeId", "n")
     SELECT "status", "priority", "requesterId", COALESCE("assigneeId", ''), count(*) FROM "ticket" GROUP BY 1, 2, 3, 4`,
  );
  await to.query(`DROP INDEX "search_index_document_idx"`);
  await to.query(`DELETE FROM "search_index"`);
  // Its words follow from the inserts below (a trigger on search_index adds each statement's).
  await to.query(`DELETE FROM "search_index_terms"`);
  await to.query(
    `INSERT INTO "search_index" ("id", "ticketNumber", "document")
     SELECT "number", "number", ${TICKET_DOCUMENT} FROM "ticket"`,
  );
  await to.query(
    `INSERT INTO "search_index" ("id", "ticketNumber", "document")
     SELECT -"id", "ticketNumber", setweight(to_tsvector('simple', "search_words"("body")), 'D') FROM "comment" WHERE NOT "internal"`,
  );
  await to.query(`CREATE INDEX "search_index_document_idx" ON "search_index" USING GIN ("document")`);
  log(`tally and search index: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Counts, tally and search documents equal on both sides, or an error naming the first difference. */
async function verify(from: Database.Database, to: pg.Client) {
  for (const table of TABLES) {
    const a = from.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
    const b = Number((await to.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    if (a !== b) throw new Error(`"${table}": ${a} rows in SQLite, ${b} in PostgreSQL`);
  }
  const key = (r: { status: number; priority: number; requesterId: string; assigneeId: string; n: number }) =>
    `${r.status}|${r.priority}|${r.requesterId}|${r.assigneeId}=${r.n}`;
  const tally = `SELECT "status", "priority", "requesterId", "assigneeId", "n" FROM "ticket_tally" WHERE "n" <> 0`;
  const a = (from.prepare(tally).all() as Parameters<typeof key>[0][]).map(key).sort();
  const b = (await to.query(tally)).rows.map((r) => key({ ...r, n: Number(r.n) })).sort();
  if (a.join("\n") !== b.join("\n")) throw new Error("ticket_tally differs between SQLite and PostgreSQL");
  const docs = from.prepare(`SELECT (SELECT count(*) FROM "ticket") + (SELECT count(*) FROM "comment" WHERE NOT "internal")`).pluck().get() as number;
  const indexed = Number((await to.query(`SELECT count(*) AS n FROM "search_index"`)).rows[0].n);
  if (docs !== indexed) throw new Error(`search index: ${docs} documents expected, ${indexed} indexed`);
}

/**
 * `npm run seed` on PostgreSQL: what a seed wrote to a fresh SQLite file (people with their
 * credentials, tickets with their first history entry) added to a PostgreSQL database that may
 * already have rows. People are matched by email (someone already there is kept as is); tickets
 * get the next numbers there, in their order; the triggers keep the tally, names and search.
 * One transaction. Resolves to the first and last new ticket numbers (0, 0 when none).
 */
export async function appendSeedToPostgres(sqliteFile: string, postgresUrl: string): Promise<{ first: number; last: number }> {
  return betweenBoth(sqliteFile, postgresUrl, async (from, to) => {
    // People, and the map from the seed's ids to the ones PostgreSQL has for those emails.
    const users = from.prepare(`SELECT "id", "name", "email", "role", "createdAt", "updatedAt" FROM "user"`).all() as { id: string; name: string; email: string; role: string; createdAt: string; updatedAt: string }[];
    const idOf = new Map<string, string>();
    for (const u of users) {
      const inserted = await to.query(
        `INSERT INTO "user" ("id", "name", "email", "emailVerified", "role", "createdAt", "updatedAt") VALUES ($1, $2, $3, false, $4, $5, $6)
         ON CONFLICT ("email") DO NOTHING RETURNING "id"`,
        [u.id, u.name, u.email, u.role, value(u.createdAt, "DATETIME"), value(u.updatedAt, "DATETIME")],
      );
      if (inserted.rowCount) {
        const accounts = from.prepare(`SELECT "id", "accountId", "providerId", "password", "createdAt", "updatedAt" FROM "account" WHERE "userId" = ?`).all(u.id) as { id: string; accountId: string; providerId: string; password: string; createdAt: string; updatedAt: string }[];
        for (const a of accounts) {
          await to.query(`INSERT INTO "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, $7)`, [a.id, a.accountId, a.providerId, u.id, a.password, value(a.createdAt, "DATETIME"), value(a.updatedAt, "DATETIME")]);
        }
        idOf.set(u.id, u.id);
      } else {
        idOf.set(u.id, (await to.query(`SELECT "id" FROM "user" WHERE "email" = $1`, [u.email])).rows[0].id);
      }
    }
    const count = from.prepare(`SELECT count(*) FROM "ticket"`).pluck().get() as number;
    if (count === 0) return { first: 0, last: 0 };
    const numbers = (await to.query(`SELECT nextval(pg_get_serial_sequence('"ticket"', 'number'))::int AS n FROM generate_series(1, $1)`, [count])).rows.map((r) => r.n as number);
    const cols = ["number", "title", "description", "priority", "status", "requesterId", "assigneeId", "requesterName", "assigneeName", "createdAt", "updatedAt", "resolvedAt", "version"];
    const tickets: unknown[][] = [];
    const activity: unknown[][] = [];
    type ActivityRow = { ticketNumber: number; actorId: string; field: string; fromValue: string | null; toValue: string | null; createdAt: string };
    const history = new Map<number, ActivityRow[]>();
    for (const a of from.prepare(`SELECT "ticketNumber", "actorId", "field", "fromValue", "toValue", "createdAt" FROM "activity" ORDER BY "id"`).all() as ActivityRow[]) {
      history.set(a.ticketNumber, [...(history.get(a.ticketNumber) ?? []), a]);
    }
    let i = 0;
    for (const t of from.prepare(`SELECT * FROM "ticket" ORDER BY "number"`).all() as Record<string, unknown>[]) {
      const number = numbers[i++];
      const requesterId = idOf.get(t.requesterId as string) ?? (t.requesterId as string);
      const assigneeId = t.assigneeId === null ? null : (idOf.get(t.assigneeId as string) ?? t.assigneeId);
      tickets.push([number, t.title, t.description, t.priority, t.status, requesterId, assigneeId, t.requesterName, t.assigneeName,
        value(t.createdAt, "DATETIME"), value(t.updatedAt, "DATETIME"), value(t.resolvedAt, "DATETIME"), t.version]);
      for (const a of history.get(t.number as number) ?? []) {
        activity.push([number, idOf.get(a.actorId) ?? a.actorId, a.field, a.fromValue, a.toValue, value(a.createdAt, "DATETIME")]);
      }
    }
    const [first, last] = [numbers[0], numbers[numbers.length - 1]];
    // The tally and search triggers off while the tickets go in, then both derived for the new
    // numbers in one statement each (the names trigger stays: people were matched by email).
    await to.query(`ALTER TABLE "ticket" DISABLE TRIGGER "ticket_tally_insert", DISABLE TRIGGER "ticket_search_insert"`);
    await insertMany(to, "ticket", cols, tickets);
    await to.query(
      `INSERT INTO "ticket_tally" ("status", "priority", "requesterId", "assigneeId", "n")
       SELECT "status", "priority", "requesterId", COALESCE("assigneeId", ''), count(*) FROM "ticket" WHERE "number" BETWEEN $1 AND $2 GROUP BY 1, 2, 3, 4
       ON CONFLICT ("status", "priority", "requesterId", "assigneeId") DO UPDATE SET "n" = "ticket_tally"."n" + EXCLUDED."n"`,
      [first, last],
    );
    await to.query(
      `INSERT INTO "search_index" ("id", "ticketNumber", "document")
       SELECT "number", "number", ${TICKET_DOCUMENT} FROM "ticket" WHERE "number" BETWEEN $1 AND $2`,
      [first, last],
    );
    await to.query(`ALTER TABLE "ticket" ENABLE TRIGGER "ticket_tally_insert", ENABLE TRIGGER "ticket_search_insert"`);
    await insertMany(to, "activity", ["ticketNumber", "actorId", "field", "fromValue", "toValue", "createdAt"], activity);
    return { first, last };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [source, target] = process.argv.slice(2);
  if (!source?.startsWith("file:") || !/^postgres(ql)?:\/\//.test(target ?? "")) {
    console.error("Usage: npm run db:copy-to-postgres -- file:./data/triage.db postgresql://user:pass@host/db");
    process.exit(2);
  }
  const started = Date.now();
  copyToPostgres(source.slice("file:".length).split("?")[0], target, console.log).then(
    (report) => {
      const total = report.reduce((s, r) => s + r.rows, 0);
      console.log(`Copied ${total.toLocaleString("en")} rows in ${((Date.now() - started) / 1000).toFixed(1)} s; every count checked.`);
    },
    (e) => {
      console.error(`Nothing was copied: ${e.message}`);
      process.exit(1);
    },
  );
}

/**
 * The bytes of every attachment, from the SQLite installation's file store into PostgreSQL's
 * (lib/files/postgres.ts's format: a file_blob row, and file_chunk rows of CHUNK_BYTES in order).
 * A row whose file is missing fails the copy: it would be a download that cannot be served.
 */
async function copyFiles(from: Database.Database, to: pg.Client, filesDir: string, log: (s: string) => void) {
  // A removed attachment is never served: its bytes may be gone already (swept), and none are needed.
  const hashes = from.prepare(`SELECT DISTINCT "hash" FROM "attachment" WHERE "removedAt" IS NULL`).pluck().all() as string[];
  const store = diskStore(filesDir);
  for (const hash of hashes) {
    const opened = await store.open(hash);
    if (!opened) throw new Error(`The file of an attachment (${hash}) is not in ${filesDir}: copy the installation's files/ folder with its database`);
    await to.query(`INSERT INTO "file_blob" ("hash", "size", "touchedAt") VALUES ($1, $2, now())`, [hash, opened.size]);
    let seq = 0;
    let pending = Buffer.alloc(0);
    const flush = async (all: boolean) => {
      while (pending.length >= CHUNK_BYTES || (all && pending.length > 0)) {
        const chunk = pending.subarray(0, CHUNK_BYTES);
        await to.query(`INSERT INTO "file_chunk" ("hash", "seq", "data") VALUES ($1, $2, $3)`, [hash, seq++, Buffer.from(chunk)]);
        pending = pending.subarray(chunk.length);
      }
    };
    const reader = opened.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending = Buffer.concat([pending, value]);
      await flush(false);
    }
    await flush(true);
  }
  log(`files: ${hashes.length.toLocaleString("en")}`);
}
