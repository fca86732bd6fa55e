import type { Prisma } from "./generated/prisma/client";

/**
 * A timestamp as Prisma's better-sqlite3 adapter stores a DateTime (ISO 8601 text, "+00:00"):
 * what hand-written SQL writes and compares with, so that rows written either way sort together.
 */
export const sqlDate = (d: Date | number) => new Date(d).toISOString().replace("Z", "+00:00");

/**
 * Hand-written SQL inside a write transaction, whatever runs it: the writer's own connection
 * (lib/sqlite.ts `openWriter`, what the hottest writes use) or a Prisma transaction (`sqlOf`).
 * Placeholders are `?`; a Date is bound as the text Prisma stores, a boolean as 0 or 1.
 */
export type Sql = {
  all<T>(sql: string, ...args: unknown[]): Promise<T[]>;
  get<T>(sql: string, ...args: unknown[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, ...args: unknown[]): Promise<number>;
};

/** A value as SQLite binds it. */
export function bindable(v: unknown): unknown {
  if (v instanceof Date) return sqlDate(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === undefined) return null;
  return v;
}

/** The Sql of a Prisma transaction, or the Sql itself. */
export function sqlOf(tx: Prisma.TransactionClient | Sql): Sql {
  if (!("$queryRawUnsafe" in tx)) return tx;
  return {
    all: <T>(sql: string, ...args: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...args.map(bindable)),
    get: async <T>(sql: string, ...args: unknown[]) => (await tx.$queryRawUnsafe<T[]>(sql, ...args.map(bindable)))[0],
    run: (sql: string, ...args: unknown[]) => tx.$executeRawUnsafe(sql, ...args.map(bindable)),
  };
}
