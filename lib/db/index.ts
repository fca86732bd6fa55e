import "server-only";
import { env } from "../env";
import { openPostgres } from "./postgres";
import { openDatabase, openRows, openWriter, type Writer } from "./sqlite";
import type { Rows, Tx } from "./sql";

export type { Rows, Tx } from "./sql";
export { asDate, asDateOrNull, placeholders, sqlDate } from "./sql";

/**
 * The database seam: every read and write of Triage's own goes through one of two doors, named by
 * what they guarantee, on SQLite (lib/db/sqlite.ts) and PostgreSQL (lib/db/postgres.ts) alike:
 *
 *   read   – hand-written SQL on what is committed; never waits for a write, never writes.
 *   write  – write(tx => …): one transaction, all or nothing, on disk when it resolves.
 *
 * `models` is Prisma's client: Better Auth's adapter writes through it (and tests and tools read
 * through it); lib/ and app/ may not import it (eslint.config.mjs), so that there is one way to
 * read and one way to write. Where the two databases' SQL differs (search, planner hints) the
 * statements live behind lib/db/search.ts. Opened once per process, kept on globalThis so that
 * dev-mode reloads and Next.js's several bundles share it.
 */
type Database = { models: ReturnType<typeof openDatabase>; read: Rows; writer: Writer };

const globalForDb = globalThis as unknown as { triageDatabase?: Database };

function open(): Database {
  const { dialect, DATABASE_URL } = env();
  if (dialect === "postgres") return openPostgres(DATABASE_URL);
  return { models: openDatabase(), read: openRows(), writer: openWriter() };
}

const database = (globalForDb.triageDatabase ??= open());
export const { models, read } = database;

/** A write that matched other than exactly one row: thrown inside a transaction to roll it back. */
export class WriteMismatch extends Error {
  constructor(readonly count: number) {
    super(`expected to write exactly one row, wrote ${count}`);
  }
}

/** Every single-row write checks its count with this: anything but one rolls back. */
export function expectOne(count: number): void {
  if (count !== 1) throw new WriteMismatch(count);
}

/**
 * One transaction: `fn` runs its statements on `tx`, and the whole is undone if it throws. The
 * promise resolves once the transaction is on disk. `tx` refuses statements after `fn` returns,
 * and Prisma's client refuses to run while `fn` does (on SQLite it would wait for the lock `fn`
 * holds). On SQLite transactions run one at a time (several asked for together share a commit,
 * each in a savepoint); `exclusive` makes that so on PostgreSQL too, for a transaction that reads
 * and then writes what it read (a throttle count, a lease, the first admin): it first takes a
 * transaction-scoped advisory lock that every exclusive transaction shares.
 */
export function write<T>(fn: (tx: Tx) => Promise<T>, opts: { exclusive?: boolean } = {}): Promise<T> {
  if (!opts.exclusive || env().dialect === "sqlite") return database.writer.transaction(fn);
  return database.writer.transaction(async (tx) => {
    await tx.get("SELECT pg_advisory_xact_lock(7351902118)");
    return fn(tx);
  });
}
