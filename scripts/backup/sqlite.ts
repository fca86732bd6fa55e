import fs from "node:fs";
import Database from "better-sqlite3";
import { APPLIED_MIGRATIONS } from "../../lib/db/migrations";
import { Refused } from "./manifest";

/**
 * The database half of a backup: a copy of a live SQLite desk as it was at one moment, made while
 * it serves, and the checks a copy must pass before it is called a backup or put back.
 */

/**
 * Pages copied per step of the online backup (4 KiB each: 1 MiB a step). Between steps the
 * event loop runs, so this process answers signals (Ctrl-C removes the unfinished backup).
 */
export const PAGES_PER_STEP = 256;

export type DatabaseCopy = { at: Date; pages: number; ms: number };

/**
 * Copies the database at `source` into the new file `dest` with SQLite's online backup API, in
 * steps of `pagesPerStep` pages, as it was when the copy began.
 *
 * Why the copy holds one read transaction from first step to last: the backup API reads each step
 * in a read transaction of its own when the connection has none, and starts over when another
 * connection has committed since the step before. Under a steady stream of writes a copy that
 * takes more than one step would start over at every step and never end. Holding the read
 * transaction pins one snapshot (the moment `at`), so the copy is consistent and finishes. The
 * desk's database is in WAL mode (lib/db/sqlite.ts), where a reader never blocks the writer: the
 * desk commits as usual meanwhile (its checkpoints stop short of the snapshot until the copy ends,
 * so its WAL grows by what is written during the backup).
 */
export async function copyDatabase(source: string, dest: string, pagesPerStep = PAGES_PER_STEP): Promise<DatabaseCopy> {
  const db = openLive(source);
  try {
    // Taken first: every write committed before `at` is in the snapshot the next read takes.
    const at = new Date();
    db.exec("BEGIN");
    // The first read starts the transaction: the snapshot is taken here.
    db.prepare(`SELECT count(*) FROM "sqlite_schema"`).get();
    const started = performance.now();
    // What SQLite has written of the copy is put on disk a step at a time. Left to the copy's
    // final commit, the whole file would be flushed at once, and on a journaling file system
    // (ext4) the desk's own commits wait for that flush. Beside a writer committing nonstop, its
    // slowest commit during a copy of 33 MB took 86 ms without these flushes and 35 ms with them;
    // of 159 MB, 334–469 ms without and 50–76 ms with (three runs each). So the flush at the end
    // is at most what SQLite keeps in its cache (16 MB), whatever the database's size.
    let fd: number | undefined;
    let synced = 0;
    try {
      const { totalPages } = await db.backup(dest, {
        progress: () => {
          fd ??= fs.openSync(dest, "r+");
          const size = fs.fstatSync(fd).size;
          if (size > synced) {
            fs.fdatasyncSync(fd);
            synced = size;
          }
          return pagesPerStep;
        },
      });
      const ms = performance.now() - started;
      db.exec("COMMIT");
      return { at, pages: totalPages, ms };
    } finally {
      // Only now: closing a descriptor of a file drops every POSIX lock this process holds on it,
      // and SQLite's connection to the copy is closed by the time backup() settles.
      if (fd !== undefined) fs.closeSync(fd);
    }
  } finally {
    db.close();
  }
}

/**
 * A connection to the desk's live database that only reads (the desk's reader's settings: a busy
 * timeout, query_only). Not SQLite's read-only mode, which cannot open a WAL database whose
 * shared-memory file is missing (a desk that is not running).
 */
function openLive(file: string): Database.Database {
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  db.pragma("query_only = ON");
  return db;
}

export type DatabaseFacts = { tickets: number; migrations: string[]; referencedFiles: string[] };

/**
 * Checks a copy of a desk's database (`PRAGMA integrity_check`), leaves it in journal mode
 * DELETE (one self-contained file: the desk puts it back in WAL mode when it opens it), and
 * reads what the manifest records: its tickets, its migrations, and the stored files its
 * attachments name (removed ones' bytes are deleted: none are needed). Refused, naming it
 * `name`, when it is not a sound Triage database.
 */
export function checkCopy(file: string, name = file): DatabaseFacts {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (e) {
    throw new Refused(`${name} cannot be opened as a SQLite database: ${(e as Error).message}`);
  }
  try {
    let problems: string[];
    try {
      db.pragma("journal_mode = DELETE");
      problems = (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (e) {
      throw new Refused(`${name} is not a sound SQLite database: ${(e as Error).message}`);
    }
    if (problems.join() !== "ok") throw new Refused(`${name} fails SQLite's integrity check: ${problems.slice(0, 5).join("; ")}`);
    try {
      const migrations = (db.prepare(APPLIED_MIGRATIONS.sqlite).pluck().all() as string[]).sort();
      const tickets = db.prepare(`SELECT count(*) FROM "ticket"`).pluck().get() as number;
      const referencedFiles = db.prepare(`SELECT DISTINCT "hash" FROM "attachment" WHERE "removedAt" IS NULL ORDER BY "hash"`).pluck().all() as string[];
      return { tickets, migrations, referencedFiles };
    } catch (e) {
      throw new Refused(`${name} is not a Triage database: ${(e as Error).message}`);
    }
  } finally {
    db.close();
  }
}

/** Which of `hashes` an attachment in the database at `file` names now (a second look, after the copy). */
export function stillReferenced(file: string, hashes: readonly string[]): Set<string> {
  if (hashes.length === 0) return new Set();
  const db = openLive(file);
  try {
    const one = db.prepare(`SELECT 1 FROM "attachment" WHERE "hash" = ? AND "removedAt" IS NULL LIMIT 1`).pluck();
    return new Set(hashes.filter((h) => one.get(h) !== undefined));
  } finally {
    db.close();
  }
}
