import type { Dialect } from "../env";

/**
 * Hand-written SQL, written once for both databases where they agree: placeholders are `?`
 * (numbered for PostgreSQL by `numbered`), identifiers are quoted camelCase as Prisma's schema
 * names them, a Date is bound as the text below, a boolean as what the database stores. Where the
 * databases differ (full-text search, planner hints) the statement lives behind lib/db/search.ts.
 */

/**
 * A timestamp as Prisma's better-sqlite3 adapter stores a DateTime (ISO 8601 text, "+00:00"):
 * what hand-written SQL writes and compares with, so that rows written either way sort together.
 * PostgreSQL reads the same text into a `timestamp` (the offset is always zero).
 */
export const sqlDate = (d: Date | number) => new Date(d).toISOString().replace("Z", "+00:00");

/** Reads: what `read` gives, and what a transaction can do besides writing. */
export type Rows = {
  readonly dialect: Dialect;
  all<T>(sql: string, ...args: unknown[]): Promise<T[]>;
  get<T>(sql: string, ...args: unknown[]): Promise<T | undefined>;
};

/** A write transaction: `write(tx => …)` (lib/db/index.ts) hands one to its function. */
export type Tx = Rows & {
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
 * `?` placeholders as PostgreSQL's `$1, $2, …`, skipping quoted text and identifiers (a `?` in a
 * string stays a `?`).
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

/** "?, ?, ?" for a list of n values. */
export const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** A date column as either driver reads it (text on SQLite, a Date on PostgreSQL). */
export const asDate = (v: string | Date): Date => (v instanceof Date ? v : new Date(v));
export const asDateOrNull = (v: string | Date | null): Date | null => (v === null ? null : asDate(v));

/** A transaction's statements, usable only while its function runs (see `write`). */
export function scoped(tx: Tx): { tx: Tx; end: () => void } {
  let live = true;
  const check = () => {
    if (!live) throw new Error("write(): this transaction has ended; run statements only inside its function");
  };
  return {
    tx: {
      dialect: tx.dialect,
      all: async (sql, ...args) => (check(), tx.all(sql, ...args)),
      get: async (sql, ...args) => (check(), tx.get(sql, ...args)),
      run: async (sql, ...args) => (check(), tx.run(sql, ...args)),
    },
    end: () => {
      live = false;
    },
  };
}
