import "server-only";
import path from "node:path";
import { env } from "../env";
import { diskStore } from "./disk";
import { filesDir } from "./home";
import { postgresStore } from "./postgres";
import type { FileStore } from "./file-store";

export type { FileStore } from "./file-store";
export { isFileHash, SWEEP_BATCH, TooLarge, type FileBody, type Source, type StoredBytes } from "./spool";

const globalForFiles = globalThis as unknown as { triageFileStore?: FileStore };

/**
 * This process's store, from the configuration: on SQLite, files beside the database
 * (`<data dir>/files`); on PostgreSQL, files in TRIAGE_FILES_DIR (a folder every process shares)
 * when it is set, else chunks in PostgreSQL.
 */
export function fileStore(): FileStore {
  return (globalForFiles.triageFileStore ??= choose());
}

function choose(): FileStore {
  const config = env();
  const dir = filesDir(config);
  if (dir) return diskStore(dir);
  return postgresStore(path.join(config.dataDir, "upload-tmp"));
}
