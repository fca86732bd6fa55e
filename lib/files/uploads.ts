import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";
import { displayName } from "./names";
import { fileStore, type Source, type StoredBytes } from "./store";
import type { Chosen } from "./upload-rules";

/**
 * Files a form sent, as a server action receives them: through the front door each is a signed
 * token naming the temporary file it was streamed to (server/uploads.mjs); under plain `next start`
 * or `next dev` (no front door) a File that Next.js read into memory, within its body limit.
 * Anything else in a file field (a token not signed in this process, text) is not our form.
 */

/** Marks a token (server/uploads.mjs writes the same). */
const TOKEN_PREFIX = "triage-file:";
const TEMP_NAME = /^w[0-9a-f]{32}$/;

/** One file of a post: its display name, its size, whether it was dropped past the limit, and its bytes. */
export type Upload = Chosen & { name: string; bytes: () => Source };

/** The token's fields, if this process signed it. */
function verify(token: string): { f: string | null; n: string; s: number; o: boolean } | null {
  const key = process.env.TRIAGE_UPLOAD_KEY;
  if (!key || !token.startsWith(TOKEN_PREFIX)) return null;
  const [payload, mac] = token.slice(TOKEN_PREFIX.length).split(".");
  if (!payload || !mac) return null;
  // Compared as text: a changed last character can decode to the same bytes (its low bits are padding).
  const expected = Buffer.from(crypto.createHmac("sha256", key).update(payload).digest("base64url"));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  try {
    const v = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof v.n !== "string" || !Number.isSafeInteger(v.s) || v.s < 0 || typeof v.o !== "boolean") return null;
    if (v.f !== null && !(typeof v.f === "string" && TEMP_NAME.test(v.f))) return null;
    return v;
  } catch {
    return null;
  }
}

/** Whether a form value is a file the front door received (a token it signed): never a text field's value. */
export const isUploadToken = (v: string) => verify(v) !== null;

/**
 * The files in a form field's values, or null when one is not a file this site received (the
 * action then answers as to a forged form). An empty file input (a nameless, empty File) is none.
 */
export function readUploads(values: readonly FormDataEntryValue[]): Upload[] | null {
  const uploads: Upload[] = [];
  for (const v of values) {
    if (typeof v !== "string") {
      if (v.name === "" && v.size === 0) continue;
      uploads.push({ name: displayName(v.name), size: v.size, bytes: () => v.stream() });
      continue;
    }
    const t = verify(v);
    if (!t) return null;
    const file = t.f === null ? null : path.join(env().uploadDir, t.f);
    uploads.push({
      name: displayName(t.n),
      size: t.s,
      over: t.o,
      bytes: () => {
        if (!file) throw new Error("readUploads: the bytes of a file over the limit were dropped");
        return fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
      },
    });
  }
  return uploads;
}

/** Puts each upload in the file store (checked by uploadProblem first), in order. */
export async function storeUploads(uploads: readonly Upload[]): Promise<(StoredBytes & { name: string })[]> {
  const stored: (StoredBytes & { name: string })[] = [];
  for (const u of uploads) stored.push({ ...(await fileStore().put(u.bytes(), env().attachmentMaxBytes)), name: u.name });
  return stored;
}
