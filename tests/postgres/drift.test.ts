import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databasePathFromUrl } from "@/lib/env";
import { migratePostgres, postgresMigrations } from "../../server/migrate-postgres";
import { freshDatabase } from "./server";

/**
 * The two migration histories must leave the same schema: SQLite's (prisma/migrations, applied by
 * `prisma migrate deploy`; this file's DATABASE_URL is a fresh copy, tests/setup.ts) and
 * PostgreSQL's (prisma/postgres/migrations, applied by server/migrate-postgres.ts to an empty
 * database here). Compared: every table, column (type, nullability, default or not), primary key,
 * index, foreign key and trigger. Only each dialect's own bookkeeping and search tables differ.
 */
type Shape = {
  columns: string[];
  indexes: string[];
  foreignKeys: string[];
  triggers: string[];
};

/** Dialect-specific: the migration records and the search index (FTS5 here, tsvector there). */
const OWN = /^(_prisma_migrations|_triage_migrations|sqlite_.*|search_index.*)$/;

const TYPE: Record<string, string> = {
  TEXT: "text",
  INTEGER: "integer",
  BOOLEAN: "boolean",
  DATETIME: "datetime",
  BLOB: "bytes",
  text: "text",
  integer: "integer",
  boolean: "boolean",
  "timestamp without time zone": "datetime",
  bytea: "bytes",
};
const type = (t: string) => TYPE[t] ?? `unknown ${t}`;

function sqliteShape(file: string): Shape {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[])
      .map((t) => t.name)
      .filter((t) => !OWN.test(t));
    const shape: Shape = { columns: [], indexes: [], foreignKeys: [], triggers: [] };
    for (const t of tables) {
      const cols = db.prepare(`SELECT * FROM pragma_table_info(?)`).all(t) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
      for (const c of cols) {
        // SQLite's INTEGER PRIMARY KEY is its rowid: an autoincrement, as SERIAL is.
        const auto = c.pk === 1 && c.type === "INTEGER" && cols.filter((x) => x.pk > 0).length === 1;
        shape.columns.push(`${t}.${c.name} ${type(c.type)} ${c.notnull || c.pk ? "not null" : "null"}${c.dflt_value !== null || auto ? " default" : ""}`);
      }
      const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      if (pk.length) shape.indexes.push(`${t} primary key (${pk.join(", ")})`);
      const indexes = db.prepare(`SELECT name, "unique", origin FROM pragma_index_list(?)`).all(t) as { name: string; unique: number; origin: string }[];
      for (const i of indexes.filter((x) => x.origin === "c")) {
        const on = (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(i.name) as { name: string }[]).map((c) => c.name);
        shape.indexes.push(`${t} ${i.unique ? "unique " : ""}index ${i.name} (${on.join(", ")})`);
      }
      const fks = db.prepare(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`).all(t) as { table: string; from: string; to: string; on_delete: string }[];
      for (const f of fks) shape.foreignKeys.push(`${t}.${f.from} -> ${f.table}.${f.to} on delete ${f.on_delete.toLowerCase()}`);
    }
    shape.triggers = (db.prepare(`SELECT name, tbl_name AS "table" FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string; table: string }[])
      .filter((t) => !OWN.test(t.table))
      .map((t) => t.name);
    for (const k of Object.keys(shape) as (keyof Shape)[]) shape[k].sort();
    return shape;
  } finally {
    db.close();
  }
}

async function postgresShape(url: string): Promise<Shape> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const shape: Shape = { columns: [], indexes: [], foreignKeys: [], triggers: [] };
    const cols = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    for (const c of cols.rows.filter((r) => !OWN.test(r.table_name))) {
      shape.columns.push(`${c.table_name}.${c.column_name} ${type(c.data_type)} ${c.is_nullable === "NO" ? "not null" : "null"}${c.column_default !== null ? " default" : ""}`);
    }
    const idx = await client.query<{ table: string; name: string; unique: boolean; primary: boolean; columns: string[] }>(
      `SELECT t.relname AS "table", i.relname AS "name", x.indisunique AS "unique", x.indisprimary AS "primary",
              array_agg(a.attname ORDER BY k.ord)::text[] AS "columns"
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       GROUP BY t.relname, i.relname, x.indisunique, x.indisprimary`,
    );
    for (const i of idx.rows.filter((r) => !OWN.test(r.table))) {
      shape.indexes.push(i.primary ? `${i.table} primary key (${i.columns.join(", ")})` : `${i.table} ${i.unique ? "unique " : ""}index ${i.name} (${i.columns.join(", ")})`);
    }
    const fks = await client.query<{ table: string; from: string; to_table: string; to: string; on_delete: string }>(
      `SELECT c.conrelid::regclass::text AS "table", a.attname AS "from", c.confrelid::regclass::text AS "to_table", b.attname AS "to",
              CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END AS "on_delete"
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
       JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = ANY (c.confkey)
       WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
    );
    for (const f of fks.rows) {
      const strip = (s: string) => s.replace(/^"|"$/g, "");
      shape.foreignKeys.push(`${strip(f.table)}.${f.from} -> ${strip(f.to_table)}.${f.to} on delete ${f.on_delete}`);
    }
    // Triggers on a dialect's own tables are its own (search_index_terms is kept from search_index).
    const triggers = await client.query<{ name: string; table: string }>(
      `SELECT DISTINCT trigger_name AS "name", event_object_table AS "table" FROM information_schema.triggers WHERE trigger_schema = 'public'`,
    );
    shape.triggers = triggers.rows.filter((t) => !OWN.test(t.table)).map((t) => t.name);
    for (const k of Object.keys(shape) as (keyof Shape)[]) shape[k].sort();
    return shape;
  } finally {
    await client.end();
  }
}

let pgDb: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  pgDb = await freshDatabase("drift");
  await migratePostgres(pgDb.url);
});
afterAll(() => pgDb?.drop());

describe("SQLite's and PostgreSQL's migrations", () => {
  it("leave the same tables, columns, keys, indexes, foreign keys and triggers", async () => {
    const sqlite = sqliteShape(databasePathFromUrl(process.env.TRIAGE_TEST_SQLITE_URL ?? process.env.DATABASE_URL!));
    const postgres = await postgresShape(pgDb.url);
    expect(sqlite.columns.length).toBeGreaterThan(80);
    expect(postgres).toEqual(sqlite);
  });

  it("come from schemas in step: prisma/postgres/schema.prisma is what the SQLite schema makes", () => {
    execFileSync(process.execPath, ["scripts/db/postgres-schema.mjs", "--check"], { stdio: "pipe" });
  });

  it("a migration applied twice is applied once, and an edited one is refused", async () => {
    expect(await migratePostgres(pgDb.url)).toEqual([]);
    const edited = postgresMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migratePostgres(pgDb.url, edited)).rejects.toThrow(/changed after it was applied/);
  });

  it("a migration that fails leaves nothing behind", async () => {
    const broken = [...postgresMigrations(), { name: "99999999999999_broken", sql: `CREATE TABLE "half" ("x" INTEGER); SELECT no_such_function();`, checksum: "x" }];
    await expect(migratePostgres(pgDb.url, broken)).rejects.toThrow(/99999999999999_broken failed/);
    const client = new pg.Client({ connectionString: pgDb.url });
    await client.connect();
    try {
      const half = await client.query(`SELECT to_regclass('"half"') AS t`);
      expect(half.rows[0].t).toBeNull();
      const recorded = await client.query(`SELECT count(*)::int AS n FROM "_triage_migrations" WHERE "name" = '99999999999999_broken'`);
      expect(recorded.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });
});
