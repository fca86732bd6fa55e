import type { FileBody, Source, StoredBytes } from "./spool";

/**
 * Where attachments' bytes live: one interface, two homes (lib/files/disk.ts: files named by
 * their hash; lib/files/postgres.ts: chunks in PostgreSQL). A file is named by the sha256 of its
 * bytes, so the same bytes are kept once however many attachments name them, and nothing a
 * client sends (a name, a path) ever becomes a path or a key.
 *
 * The rows that name files (attachments) are written by their own commands, after `put`, in
 * their own transaction. A file that no committed row names (the transaction rolled back, the
 * process died, the attachment was removed) is collected by `sweep` once it is older than the
 * grace period the caller gives: `put` of bytes already stored refreshes their time, so the row
 * that names them has that long to commit.
 */
export type FileStore = {
  /**
   * Stores the bytes as they arrive (one chunk in memory at a time) and resolves once they are
   * durable: their sha256 (lowercase hex, the file's name), their size, and their type sniffed
   * from the first bytes (lib/files/sniff.ts). Throws TooLarge as soon as more than `maxBytes`
   * arrive, leaving nothing behind. Bytes already stored are not stored again.
   */
  put(source: Source, maxBytes: number): Promise<StoredBytes>;
  /**
   * The file's bytes, or only those of an inclusive byte range (as HTTP's Range: resolve the
   * header against the attachment's size first: 0 ≤ start ≤ end < size, else RangeError), with
   * the whole file's size. Null for a hash that names no stored file. Nothing is read until the
   * body is; a body read to its end or cancelled holds nothing. A file removed meanwhile ends
   * the body in an error, never with bytes missing.
   */
  open(hash: string, range?: { start: number; end: number }): Promise<{ body: FileBody; size: number } | null>;
  /** Forgets the file now, whoever names it (prefer `sweep`, which asks). */
  remove(hash: string): Promise<void>;
  /**
   * Removes every stored file last put before `olderThan` that `isReferenced` (asked with up to
   * SWEEP_BATCH hashes at a time, answering those that some row still names) does not claim, and any
   * leftover of an unfinished put older than that; resolves to how many files it removed.
   */
  sweep(olderThan: Date, isReferenced: (hashes: string[]) => Promise<Set<string>>): Promise<number>;
};
