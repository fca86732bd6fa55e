import path from "node:path";
import type { Env } from "../env";

/**
 * Where attachments' bytes live as files (lib/files/disk.ts's layout), or null when they live in
 * PostgreSQL: on SQLite always `files` beside the database; on PostgreSQL TRIAGE_FILES_DIR when it
 * is set. The file store (lib/files/store.ts) and the backup (scripts/backup.ts) both ask here. No
 * server imports: the backup runs in a plain Node process.
 */
export function filesDir({ dialect, dataDir, TRIAGE_FILES_DIR }: Pick<Env, "dialect" | "dataDir" | "TRIAGE_FILES_DIR">): string | null {
  if (dialect === "sqlite") return path.join(dataDir, "files");
  return TRIAGE_FILES_DIR ?? null;
}
