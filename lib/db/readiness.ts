import "server-only";
import path from "node:path";
import { env, type Dialect } from "../env";
import { read } from ".";
import { APPLIED_MIGRATIONS, knownMigrations } from "./migrations";

export { knownMigrations } from "./migrations";

/**
 * Whether this process can serve (GET /readyz, for a load balancer): the database answers, and
 * every migration this version knows has been applied to it (`npm start` applies them before it
 * serves; another machine of the same desk may still be on an older version, and one started on a
 * database nobody migrated must not take requests). Migrations the database has and this version
 * does not know (a newer version's, applied during a rolling upgrade) do not make it unready.
 */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** Where this version's migrations for the database in use are (the server runs from the project folder). */
function migrationsDir(dialect: Dialect): string {
  return dialect === "postgres"
    ? path.join(process.cwd(), "prisma", "postgres", "migrations")
    : path.join(process.cwd(), "prisma", "migrations");
}

export async function readiness(dir = migrationsDir(env().dialect)): Promise<Readiness> {
  let applied: Set<string>;
  try {
    applied = new Set((await read.all<{ name: string }>(APPLIED_MIGRATIONS[env().dialect])).map((r) => r.name));
  } catch (e) {
    // The error itself (a host, a user name) is for the log, not for whoever asks /readyz.
    console.error(`[triage] readiness: ${(e as Error).message.split("\n")[0]}`);
    return { ready: false, reason: "the database does not answer" };
  }
  const pending = knownMigrations(dir).filter((m) => !applied.has(m));
  if (pending.length > 0) return { ready: false, reason: `migrations not applied: ${pending.join(", ")}` };
  return { ready: true };
}
