import "server-only";
import type { Attachment } from "postal-mime";
import { env } from "../env";
import { fileStore, TooLarge } from "../files/store";
import { displayName, formatBytes } from "../files/names";
import { ATTACHMENTS_PER_MESSAGE, formatLimit } from "../limits";
import type { StoredFile } from "../tickets/attachments";

/**
 * A message's files (attachments and inline `cid:` images alike) into the file store, before the
 * import's transaction writes the ticket or comment that names them (lib/tickets/attachments.ts).
 * One file that is too large never holds up the message: it is left out, and the message says which
 * and why (so do files past ATTACHMENTS_PER_MESSAGE). A store that fails (the disk, the database)
 * fails the import's try, which is tried again later, as any failed import is. The raw message
 * stays in inbound_mail as it came.
 */

export type MessageFiles = { files: StoredFile[]; leftOut: string[] };

function bytesOf(a: Attachment): Uint8Array {
  if (typeof a.content === "string") return Buffer.from(a.content, a.encoding === "base64" ? "base64" : "utf8");
  return a.content instanceof Uint8Array ? a.content : new Uint8Array(a.content);
}

/**
 * `hour`: how many more files the sender may attach this hour, and the limit
 * (TRIAGE_FILES_PER_HOUR, lib/tickets/attachments.ts filesLeftThisHour); files past it are left out.
 */
export async function storeMessageFiles(attachments: readonly Attachment[], hour: { left: number; limit: number }): Promise<MessageFiles> {
  const max = env().attachmentMaxBytes;
  const store = fileStore();
  const files: StoredFile[] = [];
  const leftOut: string[] = [];
  const taken = Math.min(ATTACHMENTS_PER_MESSAGE, hour.left);
  for (const [i, a] of attachments.slice(0, taken).entries()) {
    const name = displayName(a.filename ?? `attachment-${i + 1}`);
    const bytes = bytesOf(a);
    try {
      const stored = await store.put(bytes, max);
      files.push({ name, size: stored.size, type: stored.type, hash: stored.hash });
    } catch (e) {
      // Anything else (the database or the disk failing) fails this try of the import, which is
      // tried again (lib/mail/import.ts): a passing fault must not lose the file for good.
      if (!(e instanceof TooLarge)) throw e;
      // Just over the limit reads the same rounded: then in bytes.
      const size = formatBytes(bytes.byteLength) === formatBytes(max) ? `${formatLimit(bytes.byteLength)} bytes` : formatBytes(bytes.byteLength);
      leftOut.push(`“${name}” (${size}) is larger than the ${formatBytes(max)} limit for a file.`);
    }
  }
  const more = attachments.length - taken;
  if (more > 0) {
    const why = taken < ATTACHMENTS_PER_MESSAGE
      ? `one person may attach ${formatLimit(hour.limit)} files an hour`
      : `a message brings at most ${ATTACHMENTS_PER_MESSAGE}`;
    leftOut.push(`${formatLimit(more)} more ${more === 1 ? "file" : "files"}: ${why}.`);
  }
  return { files, leftOut };
}

/** The lines a ticket or comment ends with when files were left out of it. */
export function leftOutNote(leftOut: readonly string[]): string {
  return leftOut.length ? `\n\n${leftOut.map((l) => `[Not attached: ${l} The whole message is kept.]`).join("\n")}` : "";
}
