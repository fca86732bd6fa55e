import fs from "node:fs";
import path from "node:path";
import type { Dialect } from "../env";

/**
 * Which migrations a database has and which this version knows: asked by GET /readyz
 * (lib/db/readiness.ts) and by the backup, which records them and refuses to restore a newer
 * desk's (scripts/backup.ts, scripts/restore.ts). No server imports: the backup runs in a plain
 * Node process.
 */

/** The statement that lists the migrations applied, on each database. */
export const APPLIED_MIGRATIONS: Record<Dialect, string> = {
  sqlite: `SELECT "migration_name" AS "name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
  postgres: `SELECT "name" FROM "_triage_migrations"`,
};

/** The migrations in `dir` (each a folder with a migration.sql), by name. */
export function knownMigrations(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}
