import "server-only";
import { openDatabase, openReader, openRows, openWriter, type Rows, type Writer } from "./sqlite";

/**
 * Two Prisma clients per process (kept on globalThis so that dev-mode reloads reuse them):
 * `db` writes (every transaction, every command, Better Auth), `reader` serves the pages' reads
 * on its own connection, so that they never wait for another request's write transaction; and
 * `rows` runs the hand-written SQL of the hottest reads (the session, the list) without Prisma,
 * and `writer` that of the hottest writes (a new ticket), sharing `db`'s lock.
 */
const globalForDb = globalThis as unknown as {
  triageDb?: ReturnType<typeof openDatabase>;
  triageReader?: ReturnType<typeof openReader>;
  triageRows?: Rows;
  triageWriter?: Writer;
};

export const db = (globalForDb.triageDb ??= openDatabase());
export const reader = (globalForDb.triageReader ??= openReader());
export const rows = (globalForDb.triageRows ??= openRows());
export const writer = (globalForDb.triageWriter ??= openWriter());

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
