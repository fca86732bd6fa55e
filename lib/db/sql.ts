import type { Prisma } from "./generated/prisma/client";
import { env, type Dialect } from "./env";

/**
 * A timestamp as Prisma's better-sqlite3 adapter stores a DateTime (ISO 8601 text, "+00:00"):
 * what hand-written SQL writes and compares with, so that rows written either way sort together.
 * PostgreSQL reads the same text into a `timestamp` (the offset is always zero).
 */
export const sqlDate = (d: Date | number) => new Date(d).toISOString().replace("Z", "+00:00");

/**
 * Hand-written SQL, whatever runs it: the writer's own connection (lib/sqlite.ts and
 * lib/postgres.ts `openWriter`), a Prisma transaction (`sqlOf`), or the read connection (`Rows`).
 * Written once for both databases where they agree: placeholders are `?` (numbered for
 * PostgreSQL by `numbered`), a Date is bound as the text above, a boolean as what the database
 * stores. Where they differ (full-text search) the caller asks `dialect`.
 */
export type Rows = {
  readonly dialect: Dialect;
  all<T>(sql: string, ...args: unknown[]): Promise<T[]>;
  get<T>(sql: string, ...args: unknown[]): Promise<T | undefined>;
};

export type Sql = Rows & {
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, ...args: unknown[]): Promise<number>;
};

/** A value as the database binds it. */
export function bindable(v: unknown, dialect: Dialect = "sqlite"): unknown {
  if (v instanceof Date) return sqlDate(v);
  if (typeof v === "boolean") return dialect === "sqlite" ? (v ? 1 : 0) : v;
  if (v === undefined) return null;
  return v;
}

const numberedCache = new Map<string, string>();

/**
 * `?` placeholders as PostgreSQL's `$1, $2, …`, skipping quoted text and identifiers and `?|`-style
 * operators (there are none in Triage's SQL, but a `?` in a string stays a `?`).
 */
export function numbered(sql: string): string {
  const hit = numberedCache.get(sql);
  if (hit !== undefined) return hit;
  let out = "";
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === "?") {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  if (numberedCache.size > 1000) numberedCache.clear();
  numberedCache.set(sql, out);
  return out;
}

/** The Sql of a Prisma transaction (on either database), or the Sql itself. */
export function sqlOf(tx: Prisma.TransactionClient | Sql, dialect?: Dialect): Sql {
  if (!("$queryRawUnsafe" in tx)) return tx;
  const d: Dialect = dialect ?? env().dialect;
  const text = (sql: string) => (d === "postgres" ? numbered(sql) : sql);
  const bind = (args: unknown[]) => args.map((a) => bindable(a, d));
  return {
    dialect: d,
    all: <T>(sql: string, ...args: unknown[]) => tx.$queryRawUnsafe<T[]>(text(sql), ...bind(args)),
    get: async <T>(sql: string, ...args: unknown[]) => (await tx.$queryRawUnsafe<T[]>(text(sql), ...bind(args)))[0],
    run: (sql: string, ...args: unknown[]) => tx.$executeRawUnsafe(text(sql), ...bind(args)),
  };
}
