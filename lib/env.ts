import path from "node:path";
import { z } from "zod";
import { parseTrustedProxies } from "./address";
import { LOG_FORMATS } from "./log.mjs";
import { ADDRESS_FAILURES_DEFAULT, ATTACHMENT_MAX_MB_DEFAULT, FILES_PER_HOUR_DEFAULT, SIGNED_OUT_MAX_BODY_KB, SIGNUPS_PER_HOUR_DEFAULT } from "./limits";

/**
 * Triage's configuration, read once and validated: a bad value stops the start with a message
 * that names the variable. Everything in lib/ reads its settings from here. Two readers of
 * process.env sit outside it because they run before any of this is loaded: next.config.mjs
 * (TRIAGE_ALLOWED_ORIGINS, NEXT_DIST_DIR, read by Next.js at build and start) and
 * server/server.mjs (PORT, and through lib/log.mjs TRIAGE_LOG_FORMAT); server/start.ts validates
 * all of them first. TRIAGE_PEER_HEADER is
 * not configuration: server/server.mjs draws it at random and the sign-in action reads it.
 */
const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .default("file:./data/triage.db")
    .refine((v) => (v.startsWith("file:") && v.length > "file:".length) || isPostgresUrl(v), {
      message: 'must be a SQLite file URL such as "file:./data/triage.db" or a PostgreSQL one such as "postgresql://triage@db.example/triage"',
    }),
  PORT: z.coerce
    .number({ message: "must be a port number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535")
    .default(3000),
  AUTH_SECRET: z
    .string()
    .min(32, "must be at least 32 characters (try: openssl rand -base64 32)")
    .optional(),
  /** Public origin of the site, e.g. https://help.example.com (used for auth callbacks). */
  TRIAGE_URL: z.url({ message: "must be an absolute URL such as https://help.example.com" }).optional(),
  /** Proxies whose X-Forwarded-For is believed: IP addresses or IPv4 ranges, comma-separated. */
  TRIAGE_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const list = parseTrustedProxies(v);
      if (Array.isArray(list)) return list;
      ctx.addIssue({ code: "custom", message: list.error });
      return z.NEVER;
    }),
  TRIAGE_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .refine((v) => !v || v.split(",").every((o) => /^[a-z0-9.-]+(:\d{1,5})?$/i.test(o.trim()) || o.trim() === ""), {
      message: "must be host names (with an optional port), comma-separated, e.g. help.example.com",
    }),
  /** Outgoing mail: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465. */
  TRIAGE_SMTP_URL: z
    .url({ message: "must be a URL such as smtp://user:pass@smtp.example.com:587" })
    .refine((v) => /^smtps?:$/.test(new URL(v).protocol), { message: "must start with smtp:// or smtps://" })
    .optional(),
  /** The support address mail comes from and replies go to, e.g. "Help <help@example.com>". */
  TRIAGE_MAIL_FROM: z
    .string()
    .trim()
    .refine((v) => parseMailbox(v) !== null, {
      message: 'must be an address such as help@example.com or "Help <help@example.com>"',
    })
    .optional(),
  /** The support mailbox: imaps://user:pass@host:993/INBOX or imap://… (the path names the folder). */
  TRIAGE_IMAP_URL: z
    .url({ message: "must be a URL such as imaps://user:pass@imap.example.com:993/INBOX" })
    .refine((v) => /^imaps?:$/.test(new URL(v).protocol), { message: "must start with imap:// or imaps://" })
    .refine((v) => new URL(v).username !== "", { message: "must name the mailbox user (imaps://user:pass@host/INBOX)" })
    .optional(),
  TRIAGE_IMAP_POLL_SECONDS: z.coerce
    .number({ message: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(1, "must be between 1 and 86400")
    .max(86400, "must be between 1 and 86400")
    .default(60),
  /** How long a process stopping (SIGTERM) waits for requests in flight and the mail workers (server/server.mjs reads it). */
  TRIAGE_SHUTDOWN_SECONDS: z.coerce
    .number({ message: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(1, "must be between 1 and 600")
    .max(600, "must be between 1 and 600")
    .default(20),
  /**
   * How the log is written (lib/log.mjs, which server/server.mjs and the app use): readable lines,
   * or one JSON object a line.
   */
  TRIAGE_LOG_FORMAT: z.enum(LOG_FORMATS, { message: 'must be "text" (readable lines) or "json" (one JSON object a line)' }).default("text"),
  /** Comments (and internal notes) one person may add in a minute, on the web and by mail alike. */
  TRIAGE_COMMENTS_PER_MINUTE: z.coerce
    .number({ message: "must be a number of comments" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 100000")
    .max(100_000, "must be between 1 and 100000")
    .default(10),
  /**
   * How long mail about new comments waits to gather more, per ticket and recipient: at most one
   * such mail in this many seconds (the first after a quiet spell goes at once). 0: one mail per
   * comment, at once.
   */
  TRIAGE_MAIL_COALESCE_SECONDS: z.coerce
    .number({ message: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(0, "must be between 0 and 86400")
    .max(86400, "must be between 0 and 86400")
    .default(120),
  /**
   * Wrong passwords one client address may send in 15 minutes, whatever the accounts, before it
   * must wait 15 minutes (lib/auth/throttle-policy.ts). Raise it for many people behind one address.
   */
  TRIAGE_SIGNIN_FAILURES_PER_ADDRESS: z.coerce
    .number({ message: "must be a number of attempts" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 1000000")
    .max(1_000_000, "must be between 1 and 1000000")
    .default(ADDRESS_FAILURES_DEFAULT),
  /** Accounts one client address may create in an hour (an office behind one address, a test suite: raise it). */
  TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS: z.coerce
    .number({ message: "must be a number of sign-ups" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 1000000")
    .max(1_000_000, "must be between 1 and 1000000")
    .default(SIGNUPS_PER_HOUR_DEFAULT),
  /**
   * The largest post a signed-out form (sign-in, sign-up, the password pages, any post without a
   * session cookie) takes, in KB: refused with a 413 before more is read (server/post-guard.mjs,
   * which reads it from the environment itself: it runs before lib/ is loaded).
   */
  TRIAGE_SIGNED_OUT_MAX_BODY_KB: z.coerce
    .number({ message: "must be a number of kilobytes" })
    .int("must be a whole number of kilobytes")
    .min(8, "must be between 8 and 4096")
    .max(4096, "must be between 8 and 4096")
    .default(SIGNED_OUT_MAX_BODY_KB),
  /**
   * Where attachments' bytes live on PostgreSQL: a folder every process shares (lib/files). Unset:
   * in PostgreSQL itself. On SQLite they are always in `files` beside the database.
   */
  TRIAGE_FILES_DIR: z
    .string()
    .trim()
    .refine((v) => path.isAbsolute(v), { message: "must be an absolute path, such as /srv/triage/files" })
    .optional(),
  /** The largest attachment, in MB (megabytes of 1,048,576 bytes). */
  TRIAGE_ATTACHMENT_MAX_MB: z.coerce
    .number({ message: "must be a number of megabytes" })
    .int("must be a whole number of megabytes")
    .min(1, "must be between 1 and 1024")
    .max(1024, "must be between 1 and 1024")
    .default(ATTACHMENT_MAX_MB_DEFAULT),
  /** Files one person may attach in an hour, on the web (mail brings what a message brings, within ATTACHMENTS_PER_MESSAGE). */
  TRIAGE_FILES_PER_HOUR: z.coerce
    .number({ message: "must be a number of files" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 100000")
    .max(100_000, "must be between 1 and 100000")
    .default(FILES_PER_HOUR_DEFAULT),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

/** "Help <help@example.com>" or "help@example.com" → its parts; null when it is not one address. */
export function parseMailbox(v: string): { name: string | null; address: string } | null {
  const m = /^\s*(?:"?([^"<>]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(v);
  if (!m) return null;
  const address = (m[2] ?? m[3]).trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return null;
  const name = m[1]?.trim() || null;
  return { name, address: address.toLowerCase() };
}

export type Env = z.infer<typeof schema> & {
  /** Which database DATABASE_URL names. */
  dialect: Dialect;
  /** The SQLite file ("" on PostgreSQL). */
  databasePath: string;
  /** Beside the SQLite file; ./data on PostgreSQL (the generated auth secret lives there). */
  dataDir: string;
  /** Where links in mail point: TRIAGE_URL, or this machine's port. */
  publicUrl: string;
  /** The support address: TRIAGE_MAIL_FROM, or triage@ the public host. */
  mailFrom: { name: string | null; address: string };
  /** TRIAGE_ATTACHMENT_MAX_MB in bytes. */
  attachmentMaxBytes: number;
  /** Where the front door writes files in posts until the action stores them (server/uploads.mjs): `<data dir>/incoming`. */
  uploadDir: string;
};

export class ConfigError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const empty = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);
  const result = schema.safeParse({
    DATABASE_URL: empty(source.DATABASE_URL),
    PORT: empty(source.PORT),
    AUTH_SECRET: empty(source.AUTH_SECRET),
    TRIAGE_URL: empty(source.TRIAGE_URL),
    TRIAGE_TRUSTED_PROXIES: empty(source.TRIAGE_TRUSTED_PROXIES),
    TRIAGE_ALLOWED_ORIGINS: empty(source.TRIAGE_ALLOWED_ORIGINS),
    TRIAGE_SMTP_URL: empty(source.TRIAGE_SMTP_URL),
    TRIAGE_MAIL_FROM: empty(source.TRIAGE_MAIL_FROM),
    TRIAGE_IMAP_URL: empty(source.TRIAGE_IMAP_URL),
    TRIAGE_IMAP_POLL_SECONDS: empty(source.TRIAGE_IMAP_POLL_SECONDS),
    TRIAGE_SHUTDOWN_SECONDS: empty(source.TRIAGE_SHUTDOWN_SECONDS),
    TRIAGE_LOG_FORMAT: empty(source.TRIAGE_LOG_FORMAT),
    TRIAGE_COMMENTS_PER_MINUTE: empty(source.TRIAGE_COMMENTS_PER_MINUTE),
    TRIAGE_MAIL_COALESCE_SECONDS: empty(source.TRIAGE_MAIL_COALESCE_SECONDS),
    TRIAGE_SIGNIN_FAILURES_PER_ADDRESS: empty(source.TRIAGE_SIGNIN_FAILURES_PER_ADDRESS),
    TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS: empty(source.TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS),
    TRIAGE_SIGNED_OUT_MAX_BODY_KB: empty(source.TRIAGE_SIGNED_OUT_MAX_BODY_KB),
    TRIAGE_FILES_DIR: empty(source.TRIAGE_FILES_DIR),
    TRIAGE_ATTACHMENT_MAX_MB: empty(source.TRIAGE_ATTACHMENT_MAX_MB),
    TRIAGE_FILES_PER_HOUR: empty(source.TRIAGE_FILES_PER_HOUR),
    NODE_ENV: empty(source.NODE_ENV),
  });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const dialect: Dialect = isPostgresUrl(result.data.DATABASE_URL) ? "postgres" : "sqlite";
  const databasePath = dialect === "sqlite" ? databasePathFromUrl(result.data.DATABASE_URL) : "";
  const publicUrl = (result.data.TRIAGE_URL ?? `http://localhost:${result.data.PORT}`).replace(/\/+$/, "");
  const host = new URL(publicUrl).hostname;
  const mailFrom = result.data.TRIAGE_MAIL_FROM
    ? parseMailbox(result.data.TRIAGE_MAIL_FROM)!
    : { name: "Triage", address: `triage@${host.includes(".") ? host : `${host}.localdomain`}` };
  const dataDir = dialect === "sqlite" ? path.dirname(databasePath) : path.resolve("data");
  const attachmentMaxBytes = result.data.TRIAGE_ATTACHMENT_MAX_MB * 1024 * 1024;
  const uploadDir = path.join(dataDir, "incoming");
  return { ...result.data, dialect, databasePath, dataDir, publicUrl, mailFrom, attachmentMaxBytes, uploadDir };
}

export type Dialect = "sqlite" | "postgres";

/** A PostgreSQL address (postgres:// or postgresql://). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\/./.test(url);
}

/** "file:./data/triage.db" -> an absolute path, resolved against the working directory. */
export function databasePathFromUrl(url: string): string {
  const raw = url.slice("file:".length).split("?")[0];
  return path.resolve(raw);
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
