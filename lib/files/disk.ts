import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { bounds, isFileHash, rangeStream, spool, SWEEP_BATCH } from "./spool";
import type { FileStore } from "./file-store";

/**
 * Files on disk, named by their content (lib/files/store.ts says what a store promises):
 *
 *   <root>/sha256/ab/cd/abcd…   one file per stored hash, its bytes and nothing else
 *   <root>/tmp/<random>.part    a put under way (or one that a crash cut short)
 *
 * A put writes its temporary file, fsyncs it, renames it to its hash and fsyncs that folder: a
 * file under a hash is always whole, whatever stops the process when. Paths are made only from a
 * checked hash. No server imports: the crash test runs this in a child process of its own.
 */

/** How much `open` reads at a time. */
const READ_STEP = 512 * 1024;

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export function diskStore(rootDir: string): FileStore {
  const root = path.resolve(rootDir);
  const tmpDir = path.join(root, "tmp");
  const hashDir = path.join(root, "sha256");
  const pathOf = (hash: string) => path.join(hashDir, hash.slice(0, 2), hash.slice(2, 4), hash);

  return {
    async put(source, maxBytes) {
      await fs.mkdir(tmpDir, { recursive: true, mode: DIR_MODE });
      const tmp = path.join(tmpDir, `${crypto.randomBytes(16).toString("hex")}.part`);
      const file = await fs.open(tmp, "wx", FILE_MODE);
      let isOpen = true;
      try {
        const got = await spool(source, file, maxBytes);
        const target = pathOf(got.hash);
        if (await touch(target)) {
          // Stored already: the same bytes, now with a fresh time for the sweep.
          await file.close();
          isOpen = false;
          await fs.rm(tmp, { force: true });
          return got;
        }
        await file.sync();
        await file.close();
        isOpen = false;
        await makeDir(path.dirname(target));
        // Atomic: a concurrent put of the same bytes renames identical bytes over it.
        await fs.rename(tmp, target);
        await syncDir(path.dirname(target));
        return got;
      } catch (e) {
        if (isOpen) await file.close().catch(() => {});
        await fs.rm(tmp, { force: true });
        throw e;
      }
    },

    async open(hash, range) {
      if (!isFileHash(hash)) return null;
      const p = pathOf(hash);
      const size = await fs.stat(p).then(
        (st) => st.size,
        (e) => {
          if (code(e) === "ENOENT") return null;
          throw e;
        },
      );
      if (size === null) return null;
      const { start, stop } = bounds(range, size);
      // Opened at the first read, so that a body never read holds nothing open. A file removed
      // before that ends the stream in an error; once open, it reads to the end whatever happens.
      let file: fs.FileHandle | undefined;
      let ended = false;
      const body = rangeStream(
        start,
        stop,
        READ_STEP,
        async (position, length) => {
          if (!file) {
            const opened = await fs.open(p, "r");
            // Cancelled while it was opening: closed here, since the stream's end has passed.
            if (ended) await opened.close();
            else file = opened;
          }
          if (!file) return new Uint8Array(0);
          const buf = Buffer.allocUnsafe(length);
          const { bytesRead } = await file.read(buf, 0, length, position);
          return buf.subarray(0, bytesRead);
        },
        async () => {
          ended = true;
          await file?.close();
          file = undefined;
        },
      );
      return { body, size };
    },

    async remove(hash) {
      if (!isFileHash(hash)) throw new TypeError("not a file hash");
      await fs.rm(pathOf(hash), { force: true });
    },

    async sweep(olderThan, isReferenced) {
      const cut = olderThan.getTime();
      let removed = 0;
      await fs.mkdir(tmpDir, { recursive: true, mode: DIR_MODE });
      // Puts that never finished (a crash, a kill): a put under way keeps its file's time fresh.
      for (const name of await list(tmpDir)) {
        const p = path.join(tmpDir, name);
        if ((await mtime(p)) < cut) {
          await fs.rm(p, { force: true });
          removed++;
        }
      }
      let batch: string[] = [];
      const collect = async () => {
        const referenced = await isReferenced(batch);
        for (const hash of batch) {
          if (referenced.has(hash)) continue;
          // Moved aside first, then looked at again: a put of the same bytes that refreshed its
          // time before the move put it back; one after the move finds no file and writes its own
          // copy. (Checking and then deleting in place could delete bytes a put had just reused.)
          const p = pathOf(hash);
          const aside = path.join(tmpDir, `${crypto.randomBytes(16).toString("hex")}.sweep`);
          try {
            await fs.rename(p, aside);
          } catch (e) {
            if (code(e) === "ENOENT") continue;
            throw e;
          }
          if ((await mtime(aside)) < cut) {
            await fs.rm(aside, { force: true });
            removed++;
          } else {
            await fs.rename(aside, p);
          }
        }
        batch = [];
      };
      for (const ab of await list(hashDir)) {
        if (!/^[0-9a-f]{2}$/.test(ab)) continue;
        for (const cd of await list(path.join(hashDir, ab))) {
          if (!/^[0-9a-f]{2}$/.test(cd)) continue;
          for (const hash of await list(path.join(hashDir, ab, cd))) {
            if (!isFileHash(hash) || !hash.startsWith(ab + cd)) continue;
            if ((await mtime(pathOf(hash))) >= cut) continue;
            batch.push(hash);
            if (batch.length >= SWEEP_BATCH) await collect();
          }
        }
      }
      if (batch.length) await collect();
      return removed;
    },
  };
}

const code = (e: unknown) => (e as NodeJS.ErrnoException)?.code;

/** Sets the file's time to now; false if there is no such file. */
async function touch(p: string): Promise<boolean> {
  try {
    const now = new Date();
    await fs.utimes(p, now, now);
    return true;
  } catch (e) {
    if (code(e) === "ENOENT") return false;
    throw e;
  }
}

/** A file's modification time in ms; Infinity when it is gone (never older than anything). */
async function mtime(p: string): Promise<number> {
  try {
    return (await fs.lstat(p)).mtimeMs;
  } catch (e) {
    if (code(e) === "ENOENT") return Infinity;
    throw e;
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if (code(e) === "ENOENT") return [];
    throw e;
  }
}

/** Makes the folder and its missing parents, each one's entry on disk before the file renamed into it. */
async function makeDir(dir: string): Promise<void> {
  const first = await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  if (!first) return;
  for (let p = path.dirname(dir); ; p = path.dirname(p)) {
    await syncDir(p);
    if (p === path.dirname(first) || p === path.dirname(p)) break;
  }
}

/** Puts a folder's entries on disk (a rename into it survives a power cut once this returns). */
async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } catch (e) {
    // Some platforms (Windows) cannot fsync a folder; their renames are as durable as they get.
    if (!["EISDIR", "EPERM", "EINVAL", "EBADF"].includes(code(e) ?? "")) throw e;
  } finally {
    await handle.close();
  }
}
