import "server-only";
import { env } from "../env";
import { deliverDue, onOutboxWake, smtpTransport } from "./outbox";

/**
 * The background jobs `npm start` runs beside the pages (started from instrumentation.ts): the
 * outbox delivery loop, and the mailbox poller when a mailbox is configured. Each tick's errors
 * are logged and the loop goes on; nothing here can take the web server down.
 */

const OUTBOX_TICK_MS = 1000;

/**
 * The running workers; `stop` ends both loops and resolves when the item each is on is done
 * (server/server.mjs awaits it on SIGTERM, so that no message is cut off half sent or half read).
 */
const globalForWorkers = globalThis as unknown as { triageWorkers?: { stop: () => Promise<void> } };

export function startMailWorkers() {
  if (globalForWorkers.triageWorkers) return globalForWorkers.triageWorkers;
  const stops: Array<() => Promise<void>> = [];
  const transport = smtpTransport();
  if (transport) stops.push(loop("outbox", OUTBOX_TICK_MS, async () => void (await deliverDue(transport)), onOutboxWake));
  if (env().TRIAGE_IMAP_URL) {
    stops.push(
      loop("mailbox", env().TRIAGE_IMAP_POLL_SECONDS * 1000, async () => {
        const { pollMailbox } = await import("./poll");
        await pollMailbox();
      }),
    );
  }
  const handle = { stop: async () => void (await Promise.all(stops.map((s) => s()))) };
  globalForWorkers.triageWorkers = handle;
  return handle;
}

/** Runs `tick` now and then every `ms` (never two at once); `wake` may ask for a tick sooner. */
function loop(name: string, ms: number, tick: () => Promise<void>, wake?: (fn: (() => void) | undefined) => void) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = tick().catch((e) => console.error(`[triage] ${name}: ${(e as Error).message}`));
    try {
      await running;
    } finally {
      running = null;
      if (!stopped) {
        timer = setTimeout(run, again ? 0 : ms);
        timer.unref();
        again = false;
      }
    }
  };
  wake?.(() => void run());
  timer = setTimeout(run, 0);
  timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    wake?.(undefined);
    await running;
  };
}
