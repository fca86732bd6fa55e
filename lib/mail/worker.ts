import "server-only";
import { env } from "../env";
import { logLine, outsideRequest } from "../log.mjs";
import { deliverDue, onOutboxWake, smtpTransport, type Delivery } from "./outbox";
import type { PollResult } from "./poll";

/**
 * The background jobs `npm start` runs beside the pages (started from instrumentation.ts): the
 * outbox delivery loop, and the mailbox poller when a mailbox is configured. Each tick's errors
 * are logged and the loop goes on; nothing here can take the web server down. Each message the
 * outbox tries and each poll of the mailbox is one line of the log (lib/log.mjs).
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
  if (transport) stops.push(loop("outbox", OUTBOX_TICK_MS, async () => void (await deliverDue(transport, { report: (d) => logLine(...deliveryLine(d)) })), onOutboxWake));
  if (env().TRIAGE_IMAP_URL) {
    stops.push(
      loop("mailbox", env().TRIAGE_IMAP_POLL_SECONDS * 1000, async () => {
        const { pollMailbox } = await import("./poll");
        const started = performance.now();
        const result = await pollMailbox();
        if (!result.skipped) logLine(...pollLine(result, Math.round(performance.now() - started)));
      }),
    );
  }
  const handle = { stop: async () => void (await Promise.all(stops.map((s) => s()))) };
  globalForWorkers.triageWorkers = handle;
  return handle;
}

/**
 * Runs `tick` now and then every `ms` (never two at once); `wake` may ask for a tick sooner. A
 * request that wakes it does not make the ticks its own: they log as no request's.
 */
function loop(name: string, ms: number, tick: () => Promise<void>, wake?: (fn: (() => void) | undefined) => void) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = (): Promise<void> => outsideRequest(ticking);
  const ticking = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = tick().catch((e) => logLine("error", `${name}: ${(e as Error).message}`, { job: name }));
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

/** A log line: level, the text for a person, the fields for a machine (lib/log.mjs). */
type Line = [level: "info" | "warn", msg: string, fields: Record<string, unknown>];

/**
 * A message the outbox tried: its id, kind, what became of it, which attempt, how long the SMTP
 * exchange took. Never its address (personal data), subject or body: those are at **Mail**.
 */
export function deliveryLine(d: Delivery): Line {
  const what = d.status === "sent" ? "sent" : d.status === "queued" ? "not sent, tried again later" : "failed";
  return [d.status === "sent" ? "info" : "warn", `outbox: message ${d.id} (${d.kind}) ${what}, attempt ${d.attempts}, ${d.ms} ms`, { job: "outbox", ...d }];
}

/** A poll of the mailbox that ran (another process may hold the lease): what it read and what became of it. */
export function pollLine({ seen, outcomes: o }: PollResult, ms: number): Line {
  const others: Array<[number, string]> = [
    [o.quarantined, "set aside"],
    [o.held, "waiting for their sender to confirm the address"],
    [o.failing, "failed (tried again next time)"],
    [o.ignored, "kept without a ticket (automatic replies, bounces)"],
    [o.duplicate, "imported before"],
    [o.refused, "refused as too large"],
  ];
  const more = others.filter(([n]) => n > 0).map(([n, what]) => `, ${n} ${what}`).join("");
  return [
    "info",
    `mailbox: read ${seen}: ${o.ticket} new tickets, ${o.comment} comments${more}; ${ms} ms`,
    {
      job: "mailbox",
      read: seen,
      imported: o.ticket + o.comment,
      tickets: o.ticket,
      comments: o.comment,
      setAside: o.quarantined,
      waiting: o.held,
      failed: o.failing,
      ignored: o.ignored,
      duplicates: o.duplicate,
      refused: o.refused,
      ms,
    },
  ];
}
