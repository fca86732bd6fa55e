import "server-only";
import { sweepFiles } from "./attachments";

/**
 * The hourly sweep of stored files no attachment names (started from instrumentation.ts), a
 * minute after start and then every hour. Several processes may sweep at once: each removes only
 * what no row names and is older than the grace period, so they agree. Errors are logged; the
 * next hour tries again.
 */
const EVERY_MS = 3600 * 1000;
const FIRST_MS = 60 * 1000;

const globalForSweeper = globalThis as unknown as { triageFileSweeper?: NodeJS.Timeout };

export function startFileSweeper() {
  if (globalForSweeper.triageFileSweeper) return;
  const run = () =>
    sweepFiles()
      .then((n) => n > 0 && console.log(`files: swept ${n} no attachment names`))
      .catch((e) => console.error("files: the sweep failed:", e));
  const first = setTimeout(() => {
    void run();
    globalForSweeper.triageFileSweeper = setInterval(run, EVERY_MS).unref();
  }, FIRST_MS).unref();
  globalForSweeper.triageFileSweeper = first;
}
