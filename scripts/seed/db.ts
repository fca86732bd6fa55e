/**
 * Opening the database to seed: the file DATABASE_URL names (default file:./data/triage.db),
 * migrated with Prisma's own CLI first when it is new or behind, then opened with better-sqlite3
 * and set up for bulk work. Also the one timestamp format every seeded row uses.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { databasePathFromUrl } from "../../lib/env";

export type DB = Database.Database;

const ROOT = path.resolve(__dirname, "..", "..");
export const DEFAULT_DATABASE_URL = "file:./data/triage.db";

/** The absolute path of the database file a DATABASE_URL names (relative to the working directory). */
export function databasePath(url: string = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL): string {
  if (!url.startsWith("file:") || url.length === "file:".length) {
    throw new Error(`DATABASE_URL must be a SQLite file URL such as "${DEFAULT_DATABASE_URL}" (got "${url}")`);
  }
  return databasePathFromUrl(url);
}

/** The migrations in prisma/migrations that the database has not finished applying. */
function pendingMigrations(file: string): string[] {
  const dir = path.join(ROOT, "prisma", "migrations");
  const all = fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, "migration.sql")))
    .sort();
  if (!fs.existsSync(file)) return all;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`)
      .get();
    if (!table) return all;
    const done = new Set(
      db
        .prepare(`SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
        .all()
        .map((r) => (r as { name: string }).name),
    );
    return all.filter((m) => !done.has(m));
  } finally {
    db.close();
  }
}

/** Applies migrations with Prisma's own CLI when the database is new or behind. */
export function migrate(file: string, log: (s: string) => void = console.log): void {
  const pending = pendingMigrations(file);
  if (pending.length === 0) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  log(`Applying ${pending.length} migration(s) to ${file}…`);
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}`, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    throw new Error(`prisma migrate deploy failed:\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error ?? ""}`);
  }
}

/** Opens the database for seeding: migrated, WAL, and synchronous=NORMAL for the bulk work. */
export function openSeedDatabase(url?: string, log?: (s: string) => void): DB {
  const file = databasePath(url);
  migrate(file, log);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  db.pragma("cache_size = -524288"); // up to 512 MiB: a big seed stays in memory until it commits
  db.pragma("temp_store = MEMORY");
  return db;
}

