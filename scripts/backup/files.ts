import crypto from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { diskStore } from "../../lib/files/disk";

/**
 * The file work of a backup and a restore: stored attachments copied from one folder to another
 * through the file store itself (lib/files/disk.ts: each copy hashed on the way, fsynced, renamed
 * into place, so a damaged file is caught and a copy cut short is never under a hash), and the
 * small durable-write helpers both commands use.
 */

export type CopiedFiles = { count: number; bytes: number; missing: string[] };

/**
 * Copies the stored files named `hashes` from the store at `from` to the one at `to`. A hash the
 * source does not have is reported in `missing`; bytes that do not hash to their name throw.
 */
export async function copyStoredFiles(from: string, to: string, hashes: readonly string[]): Promise<CopiedFiles> {
  const source = diskStore(from);
  const target = diskStore(to);
  const done: CopiedFiles = { count: 0, bytes: 0, missing: [] };
  for (const hash of hashes) {
    const opened = await source.open(hash);
    if (!opened) {
      done.missing.push(hash);
      continue;
    }
    const got = await target.put(opened.body, Number.MAX_SAFE_INTEGER);
    if (got.hash !== hash) throw new Error(`The stored file ${hash} in ${from} is damaged: its bytes hash to ${got.hash}.`);
    done.count++;
    done.bytes += got.size;
  }
  return done;
}

/** The sha256 of a file's bytes, lowercase hex. */
export async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Writes a new file (never over one) and puts it on disk. */
export async function writeDurably(file: string, data: string, mode = 0o600): Promise<void> {
  const handle = await fs.open(file, "wx", mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Puts a file's bytes, or a folder's entries, on disk. */
export async function syncPath(p: string): Promise<void> {
  const handle = await fs.open(p, "r");
  try {
    await handle.sync();
  } catch (e) {
    // Some platforms cannot fsync a folder; their renames are as durable as they get.
    if (!["EISDIR", "EPERM", "EINVAL", "EBADF"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
  } finally {
    await handle.close();
  }
}

/** Whether `dir` holds anything but empty folders (false when it does not exist). */
export async function holdsAnyFile(dir: string): Promise<boolean> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return [];
    throw e;
  });
  for (const e of entries) {
    if (!e.isDirectory() || (await holdsAnyFile(path.join(dir, e.name)))) return true;
  }
  return false;
}

/** Removes a tree of empty folders (rmdir only: a file that appeared meanwhile makes it throw, never deleted). */
export async function removeEmptyFolders(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
  if (!entries) return;
  for (const e of entries) if (e.isDirectory()) await removeEmptyFolders(path.join(dir, e.name));
  await fs.rmdir(dir);
}

/** Whether something (a file, a folder, a link) is at `p`. */
export const exists = (p: string) => fs.lstat(p).then(() => true, () => false);
