import "server-only";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { db, serialTransaction } from "../db";
import { env } from "../env";
import { authSecret } from "./secret";
import { queuePasswordReset } from "../mail/notify";
import { wakeOutbox } from "../mail/outbox";

/** How long a reset link works. */
export const RESET_LINK_SECONDS = 60 * 60;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
/** Sliding expiry: a session lives a week past its last use (refreshed at most daily)… */
export const SESSION_IDLE_SECONDS = 60 * 60 * 24 * 7;
export const SESSION_REFRESH_SECONDS = 60 * 60 * 24;
/** …and never longer than this after sign-in, however active. */
export const SESSION_ABSOLUTE_SECONDS = 60 * 60 * 24 * 30;

function createAuth(secure: boolean) {
  const { TRIAGE_URL, PORT } = env();
  return betterAuth({
    appName: "Triage",
    baseURL: TRIAGE_URL ?? `http://localhost:${PORT}`,
    secret: authSecret(),
    database: prismaAdapter(db, { provider: env().dialect === "postgres" ? "postgresql" : "sqlite" }),
    telemetry: { enabled: false },
    // Triage throttles sign-in itself, in the database (lib/auth/throttle.ts).
    rateLimit: { enabled: false },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN,
      maxPasswordLength: PASSWORD_MAX,
      autoSignIn: true,
      resetPasswordTokenExpiresIn: RESET_LINK_SECONDS,
      // A new password ends every session: whoever knew the old one is out.
      revokeSessionsOnPasswordReset: true,
      // The link goes through the outbox like every other message (lib/mail/notify.ts).
      sendResetPassword: async ({ user, token }) => {
        await db.$transaction((tx) => queuePasswordReset(tx, user.id, resetLink(token)));
        wakeOutbox();
      },
      // Better Auth uses up only the link that was followed: every other reset link (or mailed
      // invitation) for the account dies with it, so an older mail cannot set the password again.
      // Following a link mailed to the address also proves the address: mail from it that waited
      // (lib/mail/import.ts) is imported on the next poll.
      onPasswordReset: async ({ user }) => {
        await db.$transaction([
          db.verification.deleteMany({ where: { value: user.id, identifier: { startsWith: "reset-password:" } } }),
          db.user.update({ where: { id: user.id }, data: { emailVerified: true } }),
        ]);
      },
    },
    session: {
      expiresIn: SESSION_IDLE_SECONDS,
      updateAge: SESSION_REFRESH_SECONDS,
      // No cookie cache: every request checks the session row, so sign-out revokes at once.
      cookieCache: { enabled: false },
    },
    user: {
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "requester", input: false },
        timeZone: { type: "string", required: false, input: false },
      },
    },
    databaseHooks: {
      user: {
        create: {
          // The first account on an empty database runs the place. Decided after the insert, in
          // one statement, so that two simultaneous first sign-ups make exactly one admin: the
          // UPDATE runs only while nobody is admin, one such transaction at a time.
          after: async (user) => {
            await serialTransaction((tx) => tx.$executeRaw`UPDATE "user" SET "role" = 'admin'
              WHERE "id" = ${user.id} AND NOT EXISTS (SELECT 1 FROM "user" WHERE "role" = 'admin')`);
          },
        },
      },
    },
    advanced: {
      cookiePrefix: "triage",
      useSecureCookies: secure,
      database: { generateId: () => crypto.randomUUID() },
    },
    plugins: [nextCookies()],
  });
}

type Auth = ReturnType<typeof createAuth>;
const globalForAuth = globalThis as unknown as { triageAuth?: { plain?: Auth; secure?: Auth } };
const instances = (globalForAuth.triageAuth ??= {});

/**
 * Better Auth fixes a cookie's Secure flag when it starts; Triage may be reached over plain HTTP
 * (localhost, a LAN) and over HTTPS (behind a proxy) at once, so it keeps one instance for each,
 * and cookies are Secure whenever the request came over HTTPS.
 */
export function getAuth(secure: boolean): Auth {
  const key = secure ? "secure" : "plain";
  return (instances[key] ??= createAuth(secure));
}

/** The page where a reset link lands; the token is Better Auth's, single-use and expiring. */
export function resetLink(token: string) {
  return `${env().publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
}
