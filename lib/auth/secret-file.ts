import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The generated secret's file in the data folder (a backup carries it: scripts/backup.ts). */
export const secretFile = (dataDir: string) => path.join(dataDir, "auth-secret");

/**
 * The desk's secret: AUTH_SECRET when set; otherwise one generated on first start and kept beside
 * the database (mode 0600), so that the default start needs nothing and sessions survive restarts.
 * Read by the server (lib/auth/secret.ts) and by `npm start` before it builds (server/start.ts:
 * the server actions' key is derived from it), so it imports nothing server-only.
 */
export function readOrCreateSecret({ AUTH_SECRET, dataDir }: { AUTH_SECRET?: string; dataDir: string }): string {
  if (AUTH_SECRET) return AUTH_SECRET;
  const file = secretFile(dataDir);
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
