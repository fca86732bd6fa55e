/**
 * Applies prisma/postgres/migrations to a PostgreSQL database: each folder's migration.sql, in
 * name order, each in its own transaction together with the row that records it in
 * "_triage_migrations" (name and sha256), so a migration is applied entirely or not at all.
 * Several processes starting at once take turns on an advisory lock; a recorded migration whose
 * file has changed since is refused (migrations are append-only).
 *
 * Why a runner of our own: `prisma migrate deploy` fails through the pg driver adapter on Prisma
 * 6.19 (it cannot read the catalog's `name` type) and its native engine cannot be downloaded here;
 * the files are plain SQL that `prisma migrate diff` writes, and what applying them needs is the
 * four rules above, in some 60 lines, with no dependency beyond `pg`.
 *
 * `tsx server/migrate-postgres.ts` migrates DATABASE_URL; server/start.ts calls
 * migratePostgres when DATABASE_URL is a postgresql:// address.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export const POSTGRES_MIGRATIONS = path.resolve(import.meta.dirname, "../prisma/postgres/migrations");

/** An arbitrary constant: the advisory lock every Triage process takes to migrate. */
const LOCK = 7_351_902_117;

export type Migration = { name: string; sql: string; checksum: string };

/** The migrations in the repository, oldest first. */
export function postgresMigrations(dir = POSTGRES_MIGRATIONS): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

/** Applies what is missing; resolves to the names applied now. */
export async function migratePostgres(url: string, migrations = postgresMigrations()): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Notices (an extension already there) are not news.
    client.on("notice", () => undefined);
    await client.query("SELECT pg_advisory_lock($1)", [LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_triage_migrations" (
      "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT "name", "checksum" FROM "_triage_migrations"`);
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const known = new Set(migrations.map((m) => m.name));
    const unknown = [...applied.keys()].filter((n) => !known.has(n));
    if (unknown.length) throw new Error(`The database has migrations this version does not know: ${unknown.join(", ")}. Is it newer?`);
    const done: string[] = [];
    for (const m of migrations) {
      const was = applied.get(m.name);
      if (was !== undefined) {
        if (was !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied; migrations are append-only.`);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO "_triage_migrations" ("name", "checksum") VALUES ($1, $2)`, [m.name, m.checksum]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK]).catch(() => undefined);
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL ?? "";
  if (!/^postgres(ql)?:\/\//.test(url)) {
    console.error("DATABASE_URL is not a postgresql:// address");
    process.exit(2);
  }
  migratePostgres(url).then(
    (done) => console.log(done.length ? `Applied ${done.join(", ")}` : "The database is up to date"),
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
