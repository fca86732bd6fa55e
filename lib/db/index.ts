import "server-only";
import { env } from "./env";
import { openPostgres } from "./postgres";
import { openDatabase, openReader, openRows, openWriter } from "./sqlite";
import type { Rows } from "./sql";
import type { Writer } from "./sqlite";

/**
 * The database, opened once per process (kept on globalThis so that dev-mode reloads reuse it):
 * `db` writes (every transaction, every command, Better Auth), `reader` serves the pages' reads,
 * `rows` runs the hand-written SQL of the hottest reads (the session, the list) without Prisma,
 * and `writer` that of the hottest writes (a new ticket). On SQLite (lib/sqlite.ts) these are
 * four connections to one file, `reader` and `rows` read-only so that they never wait for a
 * write, `writer` sharing `db`'s lock; on PostgreSQL (lib/postgres.ts) two pools.
 */
type Database = { db: ReturnType<typeof openDatabase>; reader: ReturnType<typeof openReader>; rows: Rows; writer: Writer };

const globalForDb = globalThis as unknown as { triageDatabase?: Database };

function open(): Database {
  const { dialect, DATABASE_URL } = env();
  if (dialect === "postgres") return openPostgres(DATABASE_URL);
  return { db: openDatabase(), reader: openReader(), rows: openRows(), writer: openWriter() };
}

const database = (globalForDb.triageDatabase ??= open());
export const { db, reader, rows, writer } = database;

/** A write that matched other than exactly one row: thrown inside a transaction to roll it back. */
export class WriteMismatch extends Error {
  constructor(readonly count: number) {
    super(`expected to write exactly one row, wrote ${count}`);
  }
}

/** Every single-row write checks its count with this: anything but one rolls back. */
export function expectOne(result: { count: number }): void {
  if (result.count !== 1) throw new WriteMismatch(result.count);
}

/**
 * A transaction that reads and then writes what it read (a throttle count, a lease, the first
 * admin), run as if it were the only one: SQLite runs one writing transaction at a time anyway;
 * on PostgreSQL it first takes a transaction-scoped advisory lock that every such transaction
 * shares, so that two of them never both see the old value.
 */
export function serialTransaction<T>(fn: (tx: Parameters<Parameters<typeof db.$transaction>[0]>[0]) => Promise<T>): Promise<T> {
  if (env().dialect === "sqlite") return db.$transaction(fn);
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(7351902118)");
    return fn(tx);
  });
}
