import "server-only";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { placeholders, read, sqlDate, write } from "../db";
import { bounds, CHUNK_BYTES, isFileHash, rangeStream, readFully, spool, SWEEP_BATCH } from "./spool";

export { CHUNK_BYTES };
import type { FileStore } from "./file-store";

/**
 * Files in PostgreSQL, for a deployment without a shared folder (lib/files/store.ts says what a
 * store promises): one "file_blob" row per stored hash (its size and when it was last put) and
 * its bytes in "file_chunk" rows of CHUNK_BYTES, in order, all written in one transaction. The
 * chunks go with their blob (ON DELETE CASCADE).
 *
 * A put first spools the upload to a temporary file (hashing it on the way), then copies it
 * chunk by chunk inside one short `write`: a slow client never holds a pooled connection or an
 * open transaction, and the hash, which is the chunks' key, is known before the first insert.
 * The temporary file is unlinked as soon as it is opened (where the platform allows it), so that
 * even a killed process leaves nothing behind.
 */


export function postgresStore(tmpDir: string): FileStore {
  return {
    async put(source, maxBytes) {
      await fs.mkdir(tmpDir, { recursive: true, mode: 0o700 });
      const tmp = path.join(tmpDir, `${crypto.randomBytes(16).toString("hex")}.part`);
      const file = await fs.open(tmp, "wx+", 0o600);
      const unlinked = await fs.unlink(tmp).then(
        () => true,
        () => false,
      );
      try {
        const got = await spool(source, file, maxBytes);
        await write(async (tx) => {
          const now = sqlDate(new Date());
          // Stored already: a fresh time for the sweep (and this row's lock holds off a sweep
          // deleting it until the commit; a sweep's DELETE then finds it too young).
          if ((await tx.run(`UPDATE "file_blob" SET "touchedAt" = ? WHERE "hash" = ?`, now, got.hash)) === 1) return;
          // A concurrent put of the same bytes: this waits for it, and stores nothing if it commits.
          const inserted = await tx.run(
            `INSERT INTO "file_blob" ("hash", "size", "touchedAt") VALUES (?, ?, ?) ON CONFLICT ("hash") DO NOTHING`,
            got.hash, got.size, now,
          );
          if (inserted === 0) return;
          for (let seq = 0; seq * CHUNK_BYTES < got.size; seq++) {
            const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, got.size - seq * CHUNK_BYTES));
            if ((await readFully(file, chunk, seq * CHUNK_BYTES)) !== chunk.byteLength) throw new Error("the upload's temporary file is shorter than what was written");
            await tx.run(`INSERT INTO "file_chunk" ("hash", "seq", "data") VALUES (?, ?, ?)`, got.hash, seq, chunk);
          }
        });
        return got;
      } finally {
        await file.close();
        if (!unlinked) await fs.rm(tmp, { force: true });
      }
    },

    async open(hash, range) {
      if (!isFileHash(hash)) return null;
      const blob = await read.get<{ size: number }>(`SELECT "size" FROM "file_blob" WHERE "hash" = ?`, hash);
      if (!blob) return null;
      const size = Number(blob.size);
      const { start, stop } = bounds(range, size);
      // One chunk (or the part of it the range needs) per read: reads stop at chunk boundaries.
      const body = rangeStream(start, stop, CHUNK_BYTES, async (position, length) => {
        const seq = Math.floor(position / CHUNK_BYTES);
        const from = position - seq * CHUNK_BYTES;
        const n = Math.min(length, CHUNK_BYTES - from);
        const row = await read.get<{ data: Uint8Array }>(
          `SELECT substr("data", ?, ?) AS "data" FROM "file_chunk" WHERE "hash" = ? AND "seq" = ?`,
          from + 1, n, hash, seq,
        );
        // Removed meanwhile: the stream ends in an error rather than with missing bytes.
        return row ? row.data : new Uint8Array(0);
      });
      return { body, size };
    },

    async remove(hash) {
      if (!isFileHash(hash)) throw new TypeError("not a file hash");
      await write((tx) => tx.run(`DELETE FROM "file_blob" WHERE "hash" = ?`, hash));
    },

    async sweep(olderThan, isReferenced) {
      const cut = sqlDate(olderThan);
      let removed = 0;
      let after = "";
      for (;;) {
        const rows = await read.all<{ hash: string }>(
          `SELECT "hash" FROM "file_blob" WHERE "touchedAt" < ? AND "hash" > ? ORDER BY "hash" LIMIT ${SWEEP_BATCH}`,
          cut, after,
        );
        if (rows.length === 0) break;
        const hashes = rows.map((r) => r.hash);
        after = hashes[hashes.length - 1];
        const referenced = await isReferenced(hashes);
        const unclaimed = hashes.filter((h) => !referenced.has(h));
        if (unclaimed.length === 0) continue;
        // Still old: a put of the same bytes since (or under way) refreshed the row, and keeps it.
        removed += await write((tx) =>
          tx.run(`DELETE FROM "file_blob" WHERE "touchedAt" < ? AND "hash" IN (${placeholders(unclaimed.length)})`, cut, ...unclaimed),
        );
      }
      // Temporary files left where they could not be unlinked while open.
      for (const name of await fs.readdir(tmpDir).catch(() => [] as string[])) {
        const p = path.join(tmpDir, name);
        const stat = await fs.lstat(p).catch(() => null);
        if (stat && stat.mtimeMs < olderThan.getTime()) {
          await fs.rm(p, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
