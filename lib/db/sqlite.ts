import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { PrismaClient } from "./generated/prisma/client";
import { databasePathFromUrl, env } from "./env";
import { bindable, type Rows, type Sql } from "./sql";

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

/** The reader's settings: the same caches and timeout, and no writes (not even ANALYZE). */
const READER_PRAGMAS = `
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;
PRAGMA cache_size = -32000;
PRAGMA temp_store = MEMORY;
PRAGMA query_only = ON;
`;

/**
 * The better-sqlite3 adapter runs everything on one connection, and only transactions take its
 * lock: a plain query issued by another request while a transaction is open would run inside
 * that transaction (and be rolled back with it). This wrapper puts every top-level query on the
 * writing connection behind the same lock as transactions, so each transaction is isolated from
 * concurrent requests: a statement on this connection waits while another request's interactive
 * transaction is open, even between its statements. That is why pages read through a second,
 * read-only connection (openReader): in WAL mode it reads the last committed state without
 * waiting for the writer at all.
 */
class Lock {
  #tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

/**
 * One lock per database file in this process, shared by the Prisma client that writes and by the
 * writer's own connection (openWriter), so that neither starts a transaction while the other has
 * one open. On globalThis: Next.js may load this module more than once.
 */
function lockFor(file: string): Lock {
  const g = globalThis as unknown as { triageWriteLocks?: Map<string, Lock> };
  const locks = (g.triageWriteLocks ??= new Map());
  let lock = locks.get(file);
  if (!lock) locks.set(file, (lock = new Lock()));
  return lock;
}

function serialised(inner: SqlDriverAdapter, lock: Lock): SqlDriverAdapter {
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q: SqlQuery) => exclusive(() => inner.queryRaw(q)),
    executeRaw: (q: SqlQuery) => exclusive(() => inner.executeRaw(q)),
    executeScript: (s: string) => exclusive(() => inner.executeScript(s)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
    async startTransaction(level): Promise<Transaction> {
      const release = await lock.acquire();
      try {
        const tx = await inner.startTransaction(level);
        let released = false;
        const done = () => {
          if (!released) {
            released = true;
            release();
          }
        };
        return {
          provider: tx.provider,
          adapterName: tx.adapterName,
          options: tx.options,
          queryRaw: (q) => tx.queryRaw(q),
          executeRaw: (q) => tx.executeRaw(q),
          commit: () => tx.commit().finally(done),
          rollback: () => tx.rollback().finally(done),
        };
      } catch (e) {
        release();
        throw e;
      }
    },
  };
}

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

/** Opens the database at DATABASE_URL (or `url`) for writing, creating its folder. */
export function openDatabase(url: string = env().DATABASE_URL) {
  const file = databasePathFromUrl(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Password hashes live only in the Account table, which only Better Auth reads; every query
  // in lib/ selects the fields it returns, so no hash can reach a page.
  return new PrismaClient({ adapter: adapterFor(file) });
}

/**
 * A second connection to the same file for reads that are not part of a write: the pages' lists,
 * counts and tickets. It never writes (query_only), takes no lock of ours, and in WAL mode sees
 * every transaction committed before each statement starts, so a page read right after a write
 * (the redirect after a save) sees that write.
 */
export function openReader(url: string = env().DATABASE_URL) {
  const file = databasePathFromUrl(url);
  const factory = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 });
  const adapter: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const inner = await factory.connect();
      await inner.executeScript(READER_PRAGMAS);
      return inner;
    },
  };
  return new PrismaClient({ adapter });
}

export type Db = ReturnType<typeof openDatabase>;

/**
 * A third connection, read-only, for the hand-written SQL of the hottest reads (the session
 * lookup on every page, the list's count, page and quick views). It runs statements straight on
 * better-sqlite3, each prepared once: through Prisma's `$queryRaw` the same statement costs
 * about 17 times as much (0.29 ms against 0.017 ms for the session lookup at 100,000 tickets),
 * and a page runs four of them. Like the reader it never waits for the writer (WAL).
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
function preparedSql(open: () => Database.Database, keep: number): Sql & { connection: () => Database.Database } {
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
   * Runs `fn` in a transaction, undone if it throws, and resolves once it is on disk. `fn` must
   * only run SQL on `tx` (no other awaits): it runs inside a transaction others may share.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
};

/** At most this many transactions share one commit. */
const GROUP_MAX = 32;

type Job = { fn: (tx: Sql) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

/**
 * A fourth connection, the writer's own, for the hottest writes (a new ticket with its history
 * and mail): the same statements through a Prisma interactive transaction cost about a third of a
 * create's CPU in Prisma's client alone. It takes the same lock as `db`, so transactions on the
 * two connections never overlap and neither ever waits on SQLite's busy handler (which would
 * block the event loop); each statement is prepared once.
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
          try {
            const result = await job.fn(tx);
            c.exec("RELEASE one");
            done.push([job, result]);
          } catch (e) {
            c.exec("ROLLBACK TO one; RELEASE one");
            job.reject(e);
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
    transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
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
