import "server-only";
import fs from "node:fs";
import path from "node:path";
import { env, type Dialect } from "../env";
import { read } from ".";

/**
 * Whether this process can serve (GET /readyz, for a load balancer): the database answers, and
 * every migration this version knows has been applied to it (`npm start` applies them before it
 * serves; another machine of the same desk may still be on an older version, and one started on a
 * database nobody migrated must not take requests). Migrations the database has and this version
 * does not know (a newer version's, applied during a rolling upgrade) do not make it unready.
 */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** The statement that lists the migrations applied, on each database. */
const APPLIED: Record<Dialect, string> = {
  sqlite: `SELECT "migration_name" AS "name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
  postgres: `SELECT "name" FROM "_triage_migrations"`,
};

/** Where this version's migrations for the database in use are (the server runs from the project folder). */
function migrationsDir(dialect: Dialect): string {
  return dialect === "postgres"
    ? path.join(process.cwd(), "prisma", "postgres", "migrations")
    : path.join(process.cwd(), "prisma", "migrations");
}

/** The migrations in `dir` (each a folder with a migration.sql), by name. */
export function knownMigrations(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

export async function readiness(dir = migrationsDir(env().dialect)): Promise<Readiness> {
  let applied: Set<string>;
  try {
    applied = new Set((await read.all<{ name: string }>(APPLIED[env().dialect])).map((r) => r.name));
  } catch (e) {
    // The error itself (a host, a user name) is for the log, not for whoever asks /readyz.
    console.error(`[triage] readiness: ${(e as Error).message.split("\n")[0]}`);
    return { ready: false, reason: "the database does not answer" };
  }
  const pending = knownMigrations(dir).filter((m) => !applied.has(m));
  if (pending.length > 0) return { ready: false, reason: `migrations not applied: ${pending.join(", ")}` };
  return { ready: true };
}
