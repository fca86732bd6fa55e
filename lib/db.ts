import "server-only";
import { openDatabase } from "./sqlite";

/**
 * One Prisma client per process (kept on globalThis so that dev-mode reloads reuse it).
 */
const globalForDb = globalThis as unknown as { triageDb?: ReturnType<typeof openDatabase> };

export const db = (globalForDb.triageDb ??= openDatabase());

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
