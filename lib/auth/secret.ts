import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";

/**
 * The secret that signs session cookies: AUTH_SECRET when set; otherwise one generated on first
 * start and kept beside the database (mode 0600), so that the default start needs nothing and
 * sessions survive restarts.
 */
let known: string | undefined;

export function authSecret(): string {
  known ??= readOrCreateSecret();
  return known;
}

function readOrCreateSecret(): string {
  const { AUTH_SECRET, dataDir } = env();
  if (AUTH_SECRET) return AUTH_SECRET;
  const file = path.join(dataDir, "auth-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  try {
    // "wx": if another process wrote it first, keep theirs.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw e;
  }
}
