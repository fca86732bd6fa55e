import "server-only";
import { openDatabase } from "./sqlite";

/**
 * One Prisma client per process (kept on globalThis so that dev-mode reloads reuse it).
 */
const globalForDb = globalThis as unknown as { triageDb?: ReturnType<typeof openDatabase> };

export const db = (globalForDb.triageDb ??= openDatabase());
