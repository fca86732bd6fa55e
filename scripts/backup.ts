/**
 * `npm run backup -- <folder>`: a consistent copy of the SQLite desk at DATABASE_URL, made while it
 * serves, into a new folder (scripts/backup/manifest.ts says what is in one; `npm run restore`
 * puts it back).
 *
 *   1. the database, with SQLite's online backup API, as it was at one moment (the desk keeps
 *      writing meanwhile: scripts/backup/sqlite.ts), then checked (PRAGMA integrity_check);
 *   2. then the attachments that copy names, from the desk's files folder (lib/files/home.ts).
 *      After the database, not before: a file is stored before the row that names it commits,
 *      and is deleted only once no row names it, so every file the copy names is still there,
 *      unless an agent removed that attachment (Remove attachment deletes its bytes at once)
 *      between the copy and this step. Such a file cannot be had any more; the manifest lists it
 *      and the restore says so (its download answers 404, as a removed file's does);
 *   3. the desk's generated secret (lib/auth/secret-file.ts), unless AUTH_SECRET is set: a desk
 *      restored with another secret would sign everyone out and break every link in mail;
 *   4. the manifest, last.
 *
 * It is all written to a hidden folder beside the target and renamed to it at the end: a folder
 * with the backup's name is a whole backup. On PostgreSQL this explains how to use pg_dump (the
 * README's Backups section) and exits 1: nothing was backed up.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { secretFile } from "../lib/auth/secret-file";
import { env, type Env } from "../lib/env";
import { filesDir } from "../lib/files/home";
import { onInterrupt, runCommand, size } from "./backup/cli";
import { copyStoredFiles, exists, sha256Of, syncPath, writeDurably } from "./backup/files";
import { backupLayout, BACKUP_FORMAT, manifestText, Refused, type Manifest } from "./backup/manifest";
import { checkCopy, copyDatabase, stillReferenced } from "./backup/sqlite";

const USAGE = "Usage: npm run backup -- <folder>   (a new folder, e.g. /srv/backups/triage-$(date +%F))";

runCommand("backup", async () => {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return;
  }
  if (args.length !== 1 || args[0].startsWith("-")) throw new Refused(`Name one folder to write the backup to.\n${USAGE}`);
  const config = env();
  if (config.dialect === "postgres") throw new Refused(postgresAdvice(config));
  await backupSqlite(config, path.resolve(args[0]));
});

async function backupSqlite(config: Env, target: string) {
  const started = performance.now();
  if (!(await exists(config.databasePath))) throw new Refused(`There is no database at ${config.databasePath} (DATABASE_URL): nothing to back up.`);
  const there = await fsp.stat(target).catch(() => null);
  if (there && (!there.isDirectory() || (await fsp.readdir(target)).length > 0)) throw new Refused(`${target} exists already: name a new folder (a backup never writes over anything).`);

  await fsp.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.partial-${crypto.randomBytes(6).toString("hex")}`);
  await fsp.mkdir(tmp, { mode: 0o700 });
  const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  const stopListening = onInterrupt(removeTmp);
  try {
    const at = backupLayout(tmp);
    console.log(`Backing up ${config.databasePath} to ${target}…`);

    const copy = await copyDatabase(config.databasePath, at.database);
    await fsp.chmod(at.database, 0o600);
    const facts = checkCopy(at.database, `The copy of ${config.databasePath}`);
    const bytes = (await fsp.stat(at.database)).size;
    console.log(
      `Database: ${facts.tickets.toLocaleString("en")} tickets, ${size(bytes)} (${copy.pages.toLocaleString("en")} pages) copied in ${Math.round(copy.ms)} ms, as it was at ${copy.at.toISOString()}; integrity check ok.`,
    );

    const from = filesDir(config)!;
    const files = await copyStoredFiles(from, at.files, facts.referencedFiles);
    console.log(`Files: ${files.count.toLocaleString("en")} (${size(files.bytes)}) from ${from}.`);
    if (files.missing.length) {
      const named = stillReferenced(config.databasePath, files.missing);
      for (const hash of files.missing) {
        console.warn(
          named.has(hash)
            ? `Warning: the stored file ${hash} is named by an attachment but is not in ${from}: its download answers 404, in the desk and after a restore.`
            : `Note: the stored file ${hash} was removed from its ticket while the backup ran; the restored desk shows it attached, and its download answers 404.`,
        );
      }
    }

    let secret: Manifest["secret"] = "none";
    if (config.AUTH_SECRET) {
      secret = "AUTH_SECRET";
      console.log("Secret: AUTH_SECRET is set, so the backup does not carry it: keep it with your configuration.");
    } else if (await exists(secretFile(config.dataDir))) {
      await fsp.copyFile(secretFile(config.dataDir), at.secret, fs.constants.COPYFILE_EXCL);
      await fsp.chmod(at.secret, 0o600);
      await syncPath(at.secret);
      secret = "file";
      console.log(`Secret: ${secretFile(config.dataDir)} (keep the backup as private as the desk: this file signs its sessions).`);
    } else {
      console.warn(`Warning: there is no ${secretFile(config.dataDir)} and AUTH_SECRET is not set: a restored desk will make a new secret.`);
    }

    const manifest: Manifest = {
      kind: "triage-backup",
      format: BACKUP_FORMAT,
      createdAt: copy.at.toISOString(),
      database: { dialect: "sqlite", bytes, sha256: await sha256Of(at.database) },
      migrations: facts.migrations,
      tickets: facts.tickets,
      files,
      secret,
    };
    await syncPath(at.database);
    if (files.count) await syncPath(at.files);
    await writeDurably(at.manifest, manifestText(manifest));
    await syncPath(tmp);
    await fsp.rename(tmp, target);
    await syncPath(path.dirname(target));
  } catch (e) {
    removeTmp();
    throw e;
  } finally {
    stopListening();
  }
  console.log(`Backed up to ${target} in ${((performance.now() - started) / 1000).toFixed(1)} s. Restore with: npm run restore -- ${target}`);
}

/** What to do instead on PostgreSQL (the README's Backups section says it at length). */
function postgresAdvice(config: Env): string {
  const files = filesDir(config);
  return [
    "DATABASE_URL is a PostgreSQL database: back it up with pg_dump, which reads one consistent snapshot while Triage serves:",
    "",
    `  pg_dump --format=custom --no-owner --file=triage-$(date +%F).pgdump "$DATABASE_URL"`,
    "",
    files
      ? `Copy TRIAGE_FILES_DIR (${files}) after it, e.g. rsync -a ${files}/ <backup>/files/ (attachments' bytes live there).`
      : "Attachments' bytes are in the database (TRIAGE_FILES_DIR is not set): the dump holds them.",
    config.AUTH_SECRET ? "Keep AUTH_SECRET with your configuration: a restored desk needs the same one." : `Keep ${secretFile(config.dataDir)} (or set AUTH_SECRET): a restored desk needs the same secret.`,
    "Restore into a new, empty database with pg_restore: see Backups in README.md. Nothing was backed up.",
  ].join("\n");
}
