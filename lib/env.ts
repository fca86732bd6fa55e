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
    .refine((v) => v.startsWith("file:") && v.length > "file:".length, {
      message: 'must be a SQLite file URL such as "file:./data/triage.db"',
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
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type Env = z.infer<typeof schema> & { databasePath: string; dataDir: string };

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
    NODE_ENV: empty(source.NODE_ENV),
  });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const databasePath = databasePathFromUrl(result.data.DATABASE_URL);
  return { ...result.data, databasePath, dataDir: path.dirname(databasePath) };
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
