import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { secretFile } from "../../lib/auth/secret-file";
import { filesDir } from "../../lib/files/home";
import { isFileHash } from "../../lib/files/spool";

/**
 * What a backup of a SQLite desk is (scripts/backup.ts writes one, scripts/restore.ts reads it):
 * a folder laid out as a data folder, plus a manifest that says what is in it.
 *
 *   manifest.json   this format's version, when the database was copied, its migrations,
 *                   tickets and sha256, the files and the secret (written last: a folder
 *                   without one is not a backup)
 *   triage.db       the database as it was at one moment (SQLite's online backup; journal mode DELETE)
 *   files/          the attachments that database names (lib/files/disk.ts's layout), when it names any
 *   auth-secret     the desk's generated secret, when it has one (not when AUTH_SECRET is set)
 */

/** Bumped when a backup's layout or manifest changes in a way an older restore cannot read. */
export const BACKUP_FORMAT = 1;

const MANIFEST = "manifest.json";
const DATABASE = "triage.db";

/** Where each part of the backup at `dir` is. */
export function backupLayout(dir: string) {
  return {
    manifest: path.join(dir, MANIFEST),
    database: path.join(dir, DATABASE),
    files: filesDir({ dialect: "sqlite", dataDir: dir, TRIAGE_FILES_DIR: undefined })!,
    secret: secretFile(dir),
  };
}

const hash = z.string().refine(isFileHash, "must be a sha256 in lowercase hex");

const manifestSchema = z.object({
  kind: z.literal("triage-backup"),
  format: z.literal(BACKUP_FORMAT),
  /** When the database was copied: every write committed before then is in it. */
  createdAt: z.iso.datetime(),
  database: z.object({ dialect: z.literal("sqlite"), bytes: z.number().int().positive(), sha256: hash }),
  /** The migrations applied to it, by name (prisma/migrations). */
  migrations: z.array(z.string()),
  tickets: z.number().int().nonnegative(),
  files: z.object({
    count: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    /** Named by an attachment in the copy, but gone from the desk's folder before they could be copied (removed meanwhile). */
    missing: z.array(hash),
  }),
  /** Where the desk's secret was: its generated file (carried in the backup), AUTH_SECRET (not carried), or nowhere yet. */
  secret: z.enum(["file", "AUTH_SECRET", "none"]),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** Bad input that the command answers with a message (and a non-zero exit), not a stack trace. */
export class Refused extends Error {}

/**
 * The manifest of the backup at `dir`, checked; Refused, saying what is wrong, when `dir` is
 * missing, not a backup, damaged, or made by a newer Triage.
 */
export async function readManifest(dir: string): Promise<Manifest> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) throw new Refused(`There is no backup at ${dir}: no such file or folder.`);
  if (!stat.isDirectory()) throw new Refused(`${dir} is not a Triage backup: a backup is a folder (npm run backup -- <folder> makes one).`);
  const text = await fs.readFile(backupLayout(dir).manifest, "utf8").catch(() => null);
  if (text === null) throw new Refused(`${dir} is not a Triage backup: it has no ${MANIFEST}. (A backup that was cut short has none either.)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Refused(`${dir} is not a Triage backup: its ${MANIFEST} is not JSON.`);
  }
  const head = z.object({ kind: z.literal("triage-backup"), format: z.number().int() }).safeParse(raw);
  if (!head.success) throw new Refused(`${dir} is not a Triage backup: its ${MANIFEST} is not a Triage backup's.`);
  if (head.data.format > BACKUP_FORMAT) {
    throw new Refused(`${dir} was made by a newer Triage (backup format ${head.data.format}; this one reads ${BACKUP_FORMAT}): restore it with that version.`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ");
    throw new Refused(`${dir} is a damaged Triage backup: its ${MANIFEST} is wrong (${what}).`);
  }
  return parsed.data;
}

export function manifestText(m: Manifest): string {
  return `${JSON.stringify(manifestSchema.parse(m), null, 2)}\n`;
}
