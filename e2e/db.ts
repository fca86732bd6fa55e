import Database from "better-sqlite3";
import pg from "pg";
import type { Dialect } from "../lib/env";
import { bindable, numbered, sqlDate } from "../lib/db/sql";
import { DATABASE_URL, DB_FILE, ON_POSTGRES } from "./env";

export { sqlDate };

/**
 * The e2e server's database, read and written beside it by the tests: the SQLite file (WAL lets
 * us read while the server writes) or its PostgreSQL database. SQL is written once for both, with
 * lib/sql.ts's rules and helpers: `?` placeholders (numbered `$1, $2, …` for PostgreSQL), quoted
 * camelCase identifiers, a Date bound as the text Prisma stores, a boolean as 0/1 on SQLite.
 *
 * Rows come back as each driver reads them: a date is text on SQLite and a Date on PostgreSQL, a
 * boolean 0/1 or true/false (`CAST(x AS INTEGER)` reads 0/1 on both). Integers are numbers on both
 * (PostgreSQL's bigint, as count(*) returns, too).
 */
export type Db = {
  readonly dialect: Dialect;
  get<T>(sql: string, ...args: unknown[]): Promise<T | undefined>;
  all<T>(sql: string, ...args: unknown[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, ...args: unknown[]): Promise<number>;
  close(): Promise<void>;
};

/** A bigint as a number, as better-sqlite3 reads an integer (loudly if it would lose digits). */
function int8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`e2e/db.ts: ${text} is beyond a safe integer`);
  return n;
}

/** A handle on the e2e server's database; it connects on the first query. */
export function openDb(): Db {
  return ON_POSTGRES ? postgres() : sqlite();
}

function sqlite(): Db {
  let db: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    db ??= new Database(DB_FILE, { fileMustExist: true });
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const bind = (args: unknown[]) => args.map((a) => bindable(a, "sqlite"));
  return {
    dialect: "sqlite",
    get: async <T>(sql: string, ...args: unknown[]) => statement(sql).get(...bind(args)) as T | undefined,
    all: async <T>(sql: string, ...args: unknown[]) => statement(sql).all(...bind(args)) as T[],
    run: async (sql: string, ...args: unknown[]) => statement(sql).run(...bind(args)).changes,
    close: async () => {
      db?.close();
      db = undefined;
      statements.clear();
    },
  };
}

function postgres(): Db {
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    max: 2,
    types: { getTypeParser: (oid, format) => (oid === pg.types.builtins.INT8 ? int8 : pg.types.getTypeParser(oid, format)) },
  });
  // An idle connection the server drops is replaced on the next query, which reports any error.
  pool.on("error", () => {});
  const query = (sql: string, args: unknown[]) => pool.query(numbered(sql), args.map((a) => bindable(a, "postgres")));
  return {
    dialect: "postgres",
    get: async <T>(sql: string, ...args: unknown[]) => (await query(sql, args)).rows[0] as T | undefined,
    all: async <T>(sql: string, ...args: unknown[]) => (await query(sql, args)).rows as T[],
    run: async (sql: string, ...args: unknown[]) => (await query(sql, args)).rowCount ?? 0,
    close: () => pool.end(),
  };
}
