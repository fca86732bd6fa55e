import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresClient } from "../generated/prisma-pg/client";
import type { PrismaClient } from "../generated/prisma/client";
import { bindable, numbered, scoped, type Rows, type Tx } from "./sql";
import type { Writer } from "./sqlite";

/**
 * Triage on PostgreSQL (DATABASE_URL=postgresql://…): the same Prisma models through the pg
 * driver adapter (its client generated from prisma/postgres/schema.prisma), and the hand-written
 * SQL (reads and write transactions) on a pool of its own. PostgreSQL's MVCC gives what SQLite
 * needed a second connection for: reads never wait for writes. Every connection runs in UTC, so that the
 * `timestamp` columns (UTC by convention, as Prisma writes them) read and compare as written.
 */

/** What the pool's raw rows come back as: counts as numbers, timestamps as UTC dates. */
const TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    if (oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    if (oid === pg.types.builtins.TIMESTAMP) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Every connection's settings. UTC: see above. jit off: the list's queries are short, but a broad
 * search at 1,000,000 tickets is costed high enough for PostgreSQL to compile it to machine code,
 * which costs more than it saves, on every such page.
 */
export const SESSION_OPTIONS = "-c TimeZone=UTC -c jit=off";

function pool(url: string, max: number) {
  return new pg.Pool({ connectionString: url, max, types: TYPES, options: SESSION_OPTIONS });
}

function sqlOn(q: (text: string, args: unknown[]) => Promise<pg.QueryResult>): Tx {
  const bind = (args: unknown[]) => args.map((a) => bindable(a, "postgres"));
  return {
    dialect: "postgres",
    all: async <T>(sql: string, ...args: unknown[]) => (await q(numbered(sql), bind(args))).rows as T[],
    get: async <T>(sql: string, ...args: unknown[]) => (await q(numbered(sql), bind(args))).rows[0] as T | undefined,
    run: async (sql: string, ...args: unknown[]) => (await q(numbered(sql), bind(args))).rowCount ?? 0,
  };
}

export function openPostgres(url: string) {
  // Prisma's client (Better Auth's) and the hand-written SQL (every read and write of Triage's
  // own) share the server's connections: 10 each per process.
  // Prisma parses its own results: its pool keeps pg's defaults, in UTC too.
  const adapter = new PrismaPg({ connectionString: url, max: 10, options: SESSION_OPTIONS });
  const prisma = new PostgresClient({ adapter }) as unknown as PrismaClient;
  const raw = pool(url, 10);
  const rows: Rows = sqlOn((text, args) => raw.query(text, args));
  const writer: Writer = {
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const client = await raw.connect();
      const one = scoped(sqlOn((text, args) => client.query(text, args)));
      try {
        await client.query("BEGIN");
        try {
          const result = await fn(one.tx);
          await client.query("COMMIT");
          return result;
        } catch (e) {
          await client.query("ROLLBACK");
          throw e;
        }
      } finally {
        one.end();
        client.release();
      }
    },
  };
  return { models: prisma, read: rows, writer };
}
