import crypto from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { SNIFF_BYTES, sniffType } from "./sniff";

/**
 * What every file store does with incoming bytes: writes them, chunk by chunk as they arrive, to
 * a file of its own while it hashes them, counts them and looks at the first few (the type), and
 * stops at the limit. Holds one chunk at a time. No server imports: lib/files/disk.ts runs in a
 * plain Node process too (the crash test's child).
 */

/** More bytes than the limit arrived: nothing of them is kept. */
export class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
    this.name = "TooLarge";
  }
}

/** Bytes to store: a stream of chunks (a request body, a Node stream, a generator) or all at once. */
export type Source = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | Uint8Array;

/** A stored file's name: its sha256, lowercase hex. Nothing else ever becomes a path or a key. */
export const isFileHash = (hash: unknown): hash is string => typeof hash === "string" && /^[0-9a-f]{64}$/.test(hash);

/**
 * The size of every chunk but a file's last when files are kept in PostgreSQL (lib/files/postgres.ts,
 * and the copy from SQLite, scripts/db/copy-to-postgres.ts). Part of the stored format: reads find
 * a byte by it.
 */
export const CHUNK_BYTES = 256 * 1024;

/** How many hashes a sweep asks its `isReferenced` about at once. */
export const SWEEP_BATCH = 500;

/**
 * A stored file's bytes as `open` gives them: a web stream (for a Response), which Node's streams
 * also let a `for await` read (TypeScript's DOM types do not say so).
 */
export type FileBody = ReadableStream<Uint8Array> & AsyncIterable<Uint8Array>;

/** What a put learnt of the bytes. */
export type StoredBytes = { hash: string; size: number; type: string };

function isWebStream(s: Source): s is ReadableStream<Uint8Array> {
  return typeof (s as ReadableStream).getReader === "function";
}

/** The source's chunks, in order; a web stream is cancelled if the reader stops early. */
async function* chunksOf(source: Source): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (!isWebStream(source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Writes `source` to `file` (from its start), and resolves to the bytes' sha256, size and sniffed
 * type. Throws TooLarge as soon as more than `maxBytes` have arrived (what was written stays in
 * `file`: the caller drops it), and stops reading the source.
 */
export async function spool(source: Source, file: FileHandle, maxBytes: number): Promise<StoredBytes> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a whole number of bytes, not ${maxBytes}`);
  const sha = crypto.createHash("sha256");
  const head = new Uint8Array(SNIFF_BYTES);
  let size = 0;
  for await (const chunk of chunksOf(source)) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError("a file's source must yield bytes (Uint8Array), not text");
    if (size < SNIFF_BYTES) head.set(chunk.subarray(0, SNIFF_BYTES - size), size);
    size += chunk.byteLength;
    if (size > maxBytes) throw new TooLarge(maxBytes);
    sha.update(chunk);
    await writeAll(file, chunk, size - chunk.byteLength);
  }
  return { hash: sha.digest("hex"), size, type: sniffType(head.subarray(0, Math.min(size, SNIFF_BYTES))) };
}

/** A write may be short: the rest is written until none is left. */
async function writeAll(file: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, done, chunk.byteLength - done, position + done);
    done += bytesWritten;
  }
}

/** Fills `buf` from `file` at `position`, unless the file ends first; resolves to the bytes read. */
export async function readFully(file: FileHandle, buf: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < buf.byteLength) {
    const { bytesRead } = await file.read(buf, done, buf.byteLength - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * The inclusive byte range `range` asks for, checked against the file's size, as [start, stop)
 * (the whole file without a range). A range must lie within the file: 0 ≤ start ≤ end < size.
 */
export function bounds(range: { start: number; end: number } | undefined, size: number): { start: number; stop: number } {
  if (!range) return { start: 0, stop: size };
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end >= size) {
    throw new RangeError(`bytes ${start}-${end} are not within a file of ${size} bytes`);
  }
  return { start, stop: end + 1 };
}

/**
 * A pull-driven stream of the bytes from `start` to `stop`, read by `readAt` (at most `step` at a
 * time, and no read before the reader asks): it answers at least one of the bytes asked for, or
 * none when the file ended too soon (the stream then errors).
 */
export function rangeStream(
  start: number,
  stop: number,
  step: number,
  readAt: (position: number, length: number) => Promise<Uint8Array>,
  close: () => Promise<void> = async () => {},
): FileBody {
  let position = start;
  let closed = false;
  const finish = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (position >= stop) {
            await finish();
            controller.close();
            return;
          }
          const bytes = await readAt(position, Math.min(step, stop - position));
          if (bytes.byteLength === 0) throw new Error(`the stored file ended at byte ${position}, before ${stop}`);
          position += bytes.byteLength;
          controller.enqueue(bytes);
        } catch (e) {
          await finish().catch(() => {});
          controller.error(e);
        }
      },
      cancel: finish,
    },
    // Nothing read ahead: the first read happens when the reader asks for it.
    { highWaterMark: 0 },
  );
  return stream as FileBody;
}
