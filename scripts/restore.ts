/**
 * `npm run restore -- <backup> [--to <folder>]`: puts a backup made by `npm run backup` back into
 * the data folder of DATABASE_URL (or into `--to <folder>`, as `triage.db` there), which must not
 * hold a desk: no database file, no stored file, no secret. Nothing there is ever written over.
 *
 * Everything is checked before anything is put in place: the manifest (scripts/backup/manifest.ts),
 * the database's size and sha256 against it, SQLite's integrity check, its migrations (one this
 * version does not know means the backup is from a newer Triage: refused), and every stored file
 * against its hash as it is copied. The copy is made in a hidden folder inside the target, then
 * moved into place with the database last: until the database is there, there is no desk. A
 * failure on the way removes what it had moved. A desk restored from an older backup is brought up
 * to date by `npm start` (it applies the migrations missing).
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { secretFile } from "../lib/auth/secret-file";
import { knownMigrations } from "../lib/db/migrations";
import { env } from "../lib/env";
import { filesDir } from "../lib/files/home";
import { onInterrupt, runCommand, size } from "./backup/cli";
import { copyStoredFiles, exists, holdsAnyFile, removeEmptyFolders, sha256Of, syncPath } from "./backup/files";
import { backupLayout, readManifest, Refused } from "./backup/manifest";
import { checkCopy } from "./backup/sqlite";

const USAGE = "Usage: npm run restore -- <backup folder> [--to <data folder>]";
const MIGRATIONS = path.resolve(import.meta.dirname, "../prisma/migrations");

runCommand("restore", async () => {
  const { backup, to } = parseArgs(process.argv.slice(2));
  const config = env();
  if (!to && config.dialect === "postgres") {
    throw new Refused("DATABASE_URL is a PostgreSQL database: restore a pg_dump with pg_restore (see Backups in README.md), or name a folder with --to for a SQLite backup.");
  }
  const dataDir = to ?? config.dataDir;
  const database = to === null && config.dialect === "sqlite" ? config.databasePath : path.join(dataDir, "triage.db");
  await restore(path.resolve(backup), dataDir, database, Boolean(config.AUTH_SECRET));
  console.log(to === null ? "Restored. Start Triage as usual (npm start applies any newer migrations)." : `Restored. Start it with DATABASE_URL=file:${database} npm start (which applies any newer migrations).`);
});

function parseArgs(args: string[]): { backup: string; to: string | null } {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  let to: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--to") {
      if (!args[i + 1]) throw new Refused(`--to needs a folder.\n${USAGE}`);
      to = args[++i];
    } else if (a.startsWith("--to=")) to = a.slice("--to=".length);
    else if (a.startsWith("-")) throw new Refused(`Unknown option ${a}.\n${USAGE}`);
    else rest.push(a);
  }
  if (rest.length !== 1) throw new Refused(`Name one backup folder.\n${USAGE}`);
  return { backup: rest[0], to: to === null ? null : path.resolve(to) };
}

async function restore(backup: string, dataDir: string, database: string, authSecretSet: boolean) {
  const manifest = await readManifest(backup);
  const from = backupLayout(backup);
  const files = filesDir({ dialect: "sqlite", dataDir, TRIAGE_FILES_DIR: undefined })!;
  const secret = secretFile(dataDir);

  const known = new Set(knownMigrations(MIGRATIONS));
  const unknown = manifest.migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new Refused(`${backup} is from a newer Triage (migrations ${unknown.join(", ")}): restore it with that version.`);

  // Nothing of a desk may be at the target: a restore never writes over one.
  const occupied: string[] = [];
  for (const p of [database, `${database}-wal`, `${database}-shm`, `${database}-journal`, secret]) if (await exists(p)) occupied.push(p);
  if (await holdsAnyFile(files)) occupied.push(`${files}/`);
  if (occupied.length) throw new Refused(`${dataDir} is not empty: it holds ${occupied.join(", ")}. Restore into an empty data folder (or --to a new one); nothing was changed.`);

  const placed: string[] = [];
  let done = false;
  console.log(`Restoring the backup of ${manifest.createdAt} (${manifest.tickets.toLocaleString("en")} tickets) into ${dataDir}…`);
  const made = await fsp.mkdir(dataDir, { recursive: true });
  const stage = await fsp.mkdtemp(path.join(dataDir, ".restore-"));
  // Unless it all went in, the target is left as it was: what was moved into place goes, then the
  // staging folder, and the folders this made.
  const cleanUp = () => {
    if (!done) for (const p of [...placed].reverse()) fs.rmSync(p, { recursive: true, force: true });
    fs.rmSync(stage, { recursive: true, force: true });
    if (!done && made) fs.rmSync(made, { recursive: true, force: true });
  };
  const stopListening = onInterrupt(cleanUp);
  try {
    const staged = backupLayout(stage);
    if (!(await exists(from.database))) throw new Refused(`${backup} is a damaged backup: it has no database file.`);
    await fsp.copyFile(from.database, staged.database);
    await fsp.chmod(staged.database, 0o600);
    const bytes = (await fsp.stat(staged.database)).size;
    if (bytes !== manifest.database.bytes || (await sha256Of(staged.database)) !== manifest.database.sha256) {
      throw new Refused(`${backup} is a damaged backup: its database is not the one its manifest describes (size or sha256 differ).`);
    }
    const facts = checkCopy(staged.database, `The database in ${backup}`);
    if (facts.tickets !== manifest.tickets || facts.migrations.join() !== [...manifest.migrations].sort().join()) {
      throw new Refused(`${backup} is a damaged backup: its database's tickets or migrations are not those its manifest lists.`);
    }
    await syncPath(staged.database);

    const wanted = facts.referencedFiles.filter((h) => !manifest.files.missing.includes(h));
    const copied = await copyStoredFiles(from.files, staged.files, wanted);
    if (copied.missing.length) throw new Refused(`${backup} is a damaged backup: ${copied.missing.length} stored file(s) are missing from it, e.g. ${copied.missing[0]}.`);

    if (manifest.secret === "file") {
      const text = await fsp.readFile(from.secret, "utf8").catch(() => "");
      if (text.trim().length < 32) throw new Refused(`${backup} is a damaged backup: its manifest says it carries the secret, and ${from.secret} is missing or too short.`);
      await fsp.copyFile(from.secret, staged.secret, fs.constants.COPYFILE_EXCL);
      await fsp.chmod(staged.secret, 0o600);
      await syncPath(staged.secret);
    }

    // Into place, the database last. A link never replaces an existing name (EEXIST), so a desk
    // that appeared meanwhile is not written over.
    if (copied.count) {
      await removeEmptyFolders(files);
      await fsp.rename(staged.files, files);
      placed.push(files);
    }
    if (manifest.secret === "file") {
      await fsp.link(staged.secret, secret);
      placed.push(secret);
    }
    await fsp.link(staged.database, database);
    placed.push(database);
    await syncPath(dataDir);
    done = true;

    console.log(`Database: ${path.relative(process.cwd(), database) || database} (${size(bytes)}), integrity check ok; files: ${copied.count.toLocaleString("en")} (${size(copied.bytes)}).`);
  } finally {
    cleanUp();
    stopListening();
  }

  if (manifest.files.missing.length) {
    console.warn(`Note: ${manifest.files.missing.length} attachment file(s) were removed while the backup ran; their downloads answer 404.`);
  }
  if (manifest.secret === "AUTH_SECRET" && !authSecretSet) {
    console.warn("Warning: the desk used AUTH_SECRET, which a backup does not carry: set the same AUTH_SECRET before you start it, or everyone is signed out and links in mail stop working.");
  } else if (manifest.secret === "none" && !authSecretSet) {
    console.warn("Note: the backup carries no secret: the desk makes a new one when it starts (everyone signs in again).");
  }
}
