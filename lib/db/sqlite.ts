import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../generated/prisma/client";
import { databasePathFromUrl, env } from "../env";
import { bindable, scoped, type Rows, type Tx } from "./sql";
import { insideWrite, lockFor, serialised } from "./sqlite-lock";

/**
 * SQLite set up for a web server, on every connection that writes: WAL (readers never wait for
 * the writer), a busy timeout, foreign keys on, and fsync at every commit so that an acknowledged
 * write survives a power cut.
 */
const WRITER_PRAGMAS = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;
PRAGMA cache_size = -32000;
PRAGMA temp_store = MEMORY;
`;

/** The same, and table statistics refreshed for the query planner: once, on the first writer opened (Prisma's). */
export const PRAGMAS = `${WRITER_PRAGMAS}PRAGMA optimize = 0x10002;
`;

/**
 * The reader's settings: the same caches and timeout, and no writes (not even ANALYZE). Before
 * that, the search index's vocabulary as a table of this connection's own (lib/tickets/search-match.ts
 * looks prefixes up in it): nothing is stored, and the file's schema is left alone.
 */
const READER_PRAGMAS = `
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;
PRAGMA cache_size = -32000;
PRAGMA temp_store = MEMORY;
CREATE VIRTUAL TABLE IF NOT EXISTS temp."search_terms" USING fts5vocab(main, "search_index", row);
PRAGMA query_only = ON;
`;

function adapterFor(file: string): SqlDriverAdapterFactory {
  const factory = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const inner = await factory.connect();
      await inner.executeScript(PRAGMAS);
      return serialised(inner, lockFor(file));
    },
  };
}

/**
 * Prisma's client on the database at DATABASE_URL (or `url`), creating its folder: what Better
 * Auth's adapter reads and writes through (and tests and tools). Triage's own reads and writes
 * are hand-written SQL on the two connections below.
 */
export function openDatabase(url: string = env().DATABASE_URL) {
  const file = databasePathFromUrl(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Password hashes live only in the Account table, which only Better Auth reads; every query
  // in lib/ selects the fields it returns, so no hash can reach a page.
  return new PrismaClient({ adapter: adapterFor(file) });
}

export type Db = ReturnType<typeof openDatabase>;

/**
 * The read connection: every read that is not part of a write (pages, lists, counts, the session
 * lookup). Read-only (query_only), it takes no lock of ours and in WAL mode sees every
 * transaction committed before each statement starts, so a page read right after a write (the
 * redirect after a save) sees that write, and never waits for the writer. Statements run straight
 * on better-sqlite3, each prepared once (Prisma's $queryRaw costs many times more per statement).
 */
export function openRows(url: string = env().DATABASE_URL): Rows {
  const file = databasePathFromUrl(url);
  // The list's SQL depends only on which filters are set: a few hundred shapes at most.
  const { all, get } = preparedSql(() => openRowsConnection(file), 500);
  return { dialect: "sqlite", all, get };
}

/**
 * Hand-written SQL on a better-sqlite3 connection opened on first use (when the migrations have
 * made the file), each statement prepared once and kept, up to `keep` of them.
 */
function preparedSql(open: () => Database.Database, keep: number): Tx & { connection: () => Database.Database } {
  let conn: Database.Database | undefined;
  const connection = () => (conn ??= open());
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let st = statements.get(sql);
    if (!st) {
      st = connection().prepare(sql);
      if (statements.size >= keep) statements.delete(statements.keys().next().value!);
      statements.set(sql, st);
    }
    return st;
  };
  const bind = (args: unknown[]) => args.map((a) => bindable(a));
  return {
    dialect: "sqlite",
    connection,
    all: async <T>(sql: string, ...args: unknown[]) => prepare(sql).all(...bind(args)) as T[],
    get: async <T>(sql: string, ...args: unknown[]) => prepare(sql).get(...bind(args)) as T | undefined,
    run: async (sql: string, ...args: unknown[]) => prepare(sql).run(...bind(args)).changes,
  };
}

function openRowsConnection(file: string) {
  const conn = new Database(file, { fileMustExist: true, timeout: 5000 });
  conn.exec(READER_PRAGMAS);
  return conn;
}

/** What openWriter returns: write transactions of hand-written SQL. */
export type Writer = {
  /**
   * Runs `fn` in a transaction, undone if it throws, and resolves once it is on disk. `fn` runs
   * its statements on `tx`, which refuses any after `fn` has finished, and may not use Prisma's
   * client meanwhile (it refuses too: see refuseInsideWrite). Work that is not SQL (hashing,
   * network) belongs before or after: others' transactions wait while `fn` runs.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
};

/** At most this many transactions share one commit. */
const GROUP_MAX = 32;

type Job = { fn: (tx: Tx) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

/**
 * The writer's connection, for every write of Triage's own (Better Auth writes through Prisma's).
 * It takes the same lock as Prisma's client, so transactions on the two connections never
 * overlap and neither ever waits on SQLite's busy handler (which would block the event loop);
 * each statement is prepared once.
 *
 * Group commit: the fsync of a commit blocks the event loop (better-sqlite3 is synchronous), about
 * 1 ms under load. Transactions asked for while one commit is being written, or in the same turn
 * of the event loop, run one after another inside one SQLite transaction, each in its own
 * savepoint (one that throws is rolled back alone), and share one COMMIT. None is answered before
 * that COMMIT returns, so an acknowledged write is on disk, as before. Measured with the bench's
 * four posters: about two creates a commit.
 */
export function openWriter(url: string = env().DATABASE_URL): Writer {
  const file = databasePathFromUrl(url);
  const lock = lockFor(file);
  const { connection, ...tx } = preparedSql(() => openWriterConnection(file), 200);
  const waiting: Job[] = [];
  let draining = false;

  async function commitGroup(group: Job[]) {
    const release = await lock.acquire();
    const done: [Job, unknown][] = [];
    try {
      const c = connection();
      c.exec("BEGIN IMMEDIATE");
      try {
        for (const job of group) {
          c.exec("SAVEPOINT one");
          const one = scoped(tx);
          try {
            const result = await insideWrite.run(true, () => job.fn(one.tx));
            c.exec("RELEASE one");
            done.push([job, result]);
          } catch (e) {
            c.exec("ROLLBACK TO one; RELEASE one");
            job.reject(e);
          } finally {
            one.end();
          }
        }
        c.exec("COMMIT");
      } catch (e) {
        if (c.inTransaction) c.exec("ROLLBACK");
        throw e;
      }
      for (const [job, result] of done) job.resolve(result);
    } catch (e) {
      // Nothing of the group was committed (a job already answered stays answered).
      for (const job of group) job.reject(e);
    } finally {
      release();
    }
  }

  async function drain() {
    draining = true;
    try {
      while (waiting.length) {
        // One turn of the event loop for the requests already read to ask too.
        await new Promise((r) => setImmediate(r));
        await commitGroup(waiting.splice(0, GROUP_MAX));
      }
    } finally {
      draining = false;
    }
  }

  return {
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        if (!draining) void drain();
      });
    },
  };
}

function openWriterConnection(file: string) {
  const conn = new Database(file, { fileMustExist: true, timeout: 5000 });
  conn.exec(WRITER_PRAGMAS);
  return conn;
}
