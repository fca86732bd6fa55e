/**
 * Triage's log. One line per request (server/server.mjs, when its response is done), one per
 * background job (lib/mail/worker.ts: each outbox message, each mailbox poll), and whatever the app
 * prints through `console`. Readable text by default; with TRIAGE_LOG_FORMAT=json, every line is
 * one JSON object, `{"time","level","msg",…fields}`, so that a machine can read the whole stream.
 * Informational lines go to stdout, warnings and errors to stderr, as `console` sends them.
 *
 * What no line carries, whoever writes it: a query string (reset and address links carry their
 * token there, searches carry what people typed), the token of a `/files/` link, a cookie, any
 * header, a request or a mail body, a mail address. A request line is made of the method, the path
 * as logPath gives it, numbers and the client's address; a job line of ids, kinds and counts.
 *
 * Plain JavaScript (types: log.d.mts) because server/server.mjs, which Node.js runs as it is, and
 * the app both write lines. Next.js bundles a copy of its own; the request being answered is kept
 * on globalThis, one per process, so both copies see it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import util from "node:util";

/** The values TRIAGE_LOG_FORMAT may take (lib/env.ts refuses anything else). */
export const LOG_FORMATS = /** @type {const} */ (["text", "json"]);

/** TRIAGE_LOG_FORMAT as it is set: "json", or "text" otherwise. */
export function logFormat(value = process.env.TRIAGE_LOG_FORMAT) {
  return value === "json" ? "json" : "text";
}

const FORMAT = logFormat();

/** @type {{ triageRequestContext?: AsyncLocalStorage<{ requestId: string }> }} */
const g = /** @type {any} */ (globalThis);
/** The request the code running now answers (server/server.mjs runs each request in it). */
export const requestContext = (g.triageRequestContext ??= new AsyncLocalStorage());

/** The id of the request being answered, if any. */
export function currentRequestId() {
  return requestContext.getStore()?.requestId;
}

/**
 * Runs `fn`, and whatever it starts (timers, promises), as no request's: for background work
 * that a request only wakes up (the outbox worker), whose lines are not that request's.
 * @template T
 * @param {() => T} fn
 * @returns {T}
 */
export function outsideRequest(fn) {
  return requestContext.exit(fn);
}

/** An id a proxy may hand on: short, and only characters that need no escaping anywhere. */
const PASSED_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The id of a request: the X-Request-Id a trusted proxy sent (nginx's `$request_id`, so that its
 * log and ours name the request alike) when it is short and plain; otherwise a fresh random one.
 * A client's own header is never taken: it could make lines look like someone else's.
 * @param {string | string[] | undefined} incoming
 * @param {boolean} fromTrustedProxy
 */
export function requestIdFor(incoming, fromTrustedProxy) {
  if (fromTrustedProxy && typeof incoming === "string" && PASSED_ID.test(incoming)) return incoming;
  if (entropyUsed + 12 > entropy.length) {
    crypto.randomFillSync(entropy);
    entropyUsed = 0;
  }
  entropyUsed += 12;
  return entropy.toString("base64url", entropyUsed - 12, entropyUsed);
}

/** Random bytes for ids, drawn 4 KB at a time: a call of crypto.randomBytes costs some 5 µs. */
const entropy = Buffer.alloc(4092);
let entropyUsed = entropy.length;

/**
 * Paths whose segments are secrets: a link in mail to an attachment is `/files/<signed token>`,
 * and opens the file for whoever has it.
 * @type {Array<[RegExp, string]>}
 */
const SECRET_SEGMENTS = [[/^\/files\/[^/]+/, "/files/:token"]];
const MAX_PATH = 1024;

/**
 * A request's target as a log line may show it: the path only (a query string is never logged:
 * /reset-password?token=…, /confirm-address?token=…, a search's words), the secret segments
 * replaced, characters outside printable ASCII escaped, at most 1,024 characters. The one rule
 * for what of a URL reaches the log (lib/log.test.ts).
 * @param {string | undefined} url
 */
export function logPath(url) {
  let p = String(url || "/");
  const end = p.search(/[?#]/);
  if (end >= 0) p = p.slice(0, end);
  // A request line may name the absolute URL (http://host/path): keep its path.
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(p);
  if (origin) p = p.slice(origin[0].length) || "/";
  for (const [pattern, replacement] of SECRET_SEGMENTS) p = p.replace(pattern, replacement);
  p = p.replace(/[^\x21-\x7e]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  return p.length > MAX_PATH ? `${p.slice(0, MAX_PATH)}…` : p;
}

/**
 * One line, as `format` writes it. Text: the time, the level unless "info", the message, and the
 * request's id in brackets. JSON: the same and every field, without those that are undefined.
 * @param {{ time: string, level: string, msg: string, requestId?: string, [field: string]: unknown }} record
 * @param {"text" | "json"} format
 */
export function formatLine(record, format) {
  const { time, level, msg, requestId, ...fields } = record;
  if (format === "json") {
    return `${JSON.stringify({ time, level, msg, ...(requestId ? { requestId } : {}), ...fields })}\n`;
  }
  return `${time} ${level === "info" ? "" : `${level.toUpperCase()} `}${msg}${requestId ? ` [${requestId}]` : ""}\n`;
}

/**
 * Writes one line: `msg` for a person, `fields` for a machine (JSON only). The request being
 * answered, if any, names it.
 * @param {"debug" | "info" | "warn" | "error"} level
 * @param {string} msg
 * @param {Record<string, unknown>} [fields]
 */
export function logLine(level, msg, fields = {}) {
  const line = formatLine({ time: new Date().toISOString(), level, msg, requestId: currentRequestId(), ...fields }, FORMAT);
  (level === "warn" || level === "error" ? process.stderr : process.stdout).write(line);
}

/** @param {unknown} chunk @param {unknown} encoding */
function byteLength(chunk, encoding) {
  if (typeof chunk === "string") return Buffer.byteLength(chunk, typeof encoding === "string" ? /** @type {BufferEncoding} */ (encoding) : "utf8");
  return /** @type {{ byteLength?: number } | null} */ (chunk)?.byteLength ?? 0;
}

/**
 * The request's line, written when its response is done (or cut off: "aborted"): time, id,
 * method, path (logPath), status (0 when no answer was begun), duration in ms, bytes of body
 * sent, and the client's address as throttling counts it (`client`, called then).
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {{ requestId: string, client: () => string | null }} about
 */
export function logResponse(req, res, { requestId, client }) {
  const started = performance.now();
  let bytes = 0;
  const { write, end } = res;
  /** @type {any} */ (res).write = function (/** @type {unknown[]} */ ...args) {
    bytes += byteLength(args[0], args[1]);
    return write.apply(this, /** @type {any} */ (args));
  };
  /** @type {any} */ (res).end = function (/** @type {unknown[]} */ ...args) {
    if (typeof args[0] !== "function") bytes += byteLength(args[0], args[1]);
    return end.apply(this, /** @type {any} */ (args));
  };
  res.once("close", () => {
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const status = res.headersSent ? res.statusCode : 0;
    const aborted = !res.writableFinished;
    const method = req.method ?? "";
    const path = logPath(req.url);
    const address = client();
    const text = `${address ?? "-"} ${method} ${path} ${status} ${bytes} B ${ms} ms${aborted ? " (aborted)" : ""}`;
    logLine("info", text, { requestId, method, path, status, ms, bytes, client: address, ...(aborted ? { aborted } : {}) });
  });
}

/**
 * With TRIAGE_LOG_FORMAT=json, what the app and its libraries print through `console` becomes a
 * line like any other (`{time, level, msg, requestId?}`), and so do Node.js's own warnings, which
 * it prints around `console`. As text, `console` prints as before, with the request's id in
 * front while a request is being answered. server/server.mjs calls this once, first thing.
 */
export function patchConsole() {
  /** @type {Array<["debug" | "log" | "info" | "warn" | "error", "debug" | "info" | "warn" | "error"]>} */
  const methods = [["debug", "debug"], ["log", "info"], ["info", "info"], ["warn", "warn"], ["error", "error"]];
  for (const [name, level] of methods) {
    const original = console[name];
    console[name] = (...args) => {
      // Without the colours Next.js gives its own lines.
      if (FORMAT === "json") return logLine(level, util.stripVTControlCharacters(util.format(...args)));
      const id = currentRequestId();
      if (id) return original.call(console, `[${id}] ${util.format(...args)}`);
      return original.apply(console, args);
    };
  }
  if (FORMAT === "json") {
    process.removeAllListeners("warning");
    process.on("warning", (w) => logLine("warn", `${w.name}: ${w.message}`));
  }
}
