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

/**
 * A timestamp as Prisma's better-sqlite3 adapter stores a DateTime (ISO 8601 text, "+00:00"):
 * what hand-written SQL writes and compares with, so that rows written either way sort together.
 */
export const sqlDate = (d: Date | number) => new Date(d).toISOString().replace("Z", "+00:00");

/**
 * SQLite set up for a web server: WAL (readers never wait for the writer), a busy timeout,
 * foreign keys on, fsync at every commit so that an acknowledged write survives a power cut, and
 * table statistics refreshed when the connection opens (PRAGMA optimize) for the query planner.
 */
export const PRAGMAS = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;
PRAGMA cache_size = -32000;
PRAGMA temp_store = MEMORY;
PRAGMA optimize = 0x10002;
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

function serialised(inner: SqlDriverAdapter): SqlDriverAdapter {
  const lock = new Lock();
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

function adapterFor(url: string): SqlDriverAdapterFactory {
  const factory = new PrismaBetterSQLite3({ url, timeout: 5000 });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const inner = await factory.connect();
      await inner.executeScript(PRAGMAS);
      return serialised(inner);
    },
  };
}

/** Opens the database at DATABASE_URL (or `url`) for writing, creating its folder. */
export function openDatabase(url: string = env().DATABASE_URL) {
  const file = databasePathFromUrl(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Password hashes live only in the Account table, which only Better Auth reads; every query
  // in lib/ selects the fields it returns, so no hash can reach a page.
  return new PrismaClient({ adapter: adapterFor(`file:${file}`) });
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

/** What openRows returns: hand-written read SQL, run synchronously on a read-only connection. */
export type Rows = {
  all<T>(sql: string, ...args: unknown[]): T[];
  get<T>(sql: string, ...args: unknown[]): T | undefined;
};

/**
 * A third connection, read-only, for the hand-written SQL of the hottest reads (the session
 * lookup on every page, the list's count, page and quick views). It runs statements straight on
 * better-sqlite3, each prepared once: through Prisma's `$queryRaw` the same statement costs
 * about 17 times as much (0.29 ms against 0.017 ms for the session lookup at 100,000 tickets),
 * and a page runs four of them. Like the reader it never waits for the writer (WAL).
 */
export function openRows(url: string = env().DATABASE_URL): Rows {
  const file = databasePathFromUrl(url);
  // Opened on first use, when the migrations have created the file.
  let conn: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let st = statements.get(sql);
    if (!st) {
      conn ??= openRowsConnection(file);
      st = conn.prepare(sql);
      // The list's SQL depends only on which filters are set: a few hundred shapes at most.
      if (statements.size >= 500) statements.delete(statements.keys().next().value!);
      statements.set(sql, st);
    }
    return st;
  };
  return {
    all: <T>(sql: string, ...args: unknown[]) => prepare(sql).all(...args) as T[],
    get: <T>(sql: string, ...args: unknown[]) => prepare(sql).get(...args) as T | undefined,
  };
}

function openRowsConnection(file: string) {
  const conn = new Database(file, { fileMustExist: true, timeout: 5000 });
  conn.exec(READER_PRAGMAS);
  return conn;
}
