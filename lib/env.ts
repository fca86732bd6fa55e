import path from "node:path";
import { z } from "zod";
import { parseTrustedProxies } from "./auth/address";

/**
 * Triage's configuration, read once and validated: a bad value stops the start with a message
 * that names the variable. Everything in lib/ reads its settings from here. Two readers of
 * process.env sit outside it because they run before any of this is loaded: next.config.mjs
 * (TRIAGE_ALLOWED_ORIGINS, NEXT_DIST_DIR, read by Next.js at build and start) and
 * scripts/server.mjs (PORT); scripts/start.ts validates all of them first. TRIAGE_PEER_HEADER is
 * not configuration: scripts/server.mjs draws it at random and the sign-in action reads it.
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
  return { ...result.data, dialect, databasePath, dataDir, publicUrl, mailFrom };
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
