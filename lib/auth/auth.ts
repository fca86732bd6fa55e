import "server-only";
import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { models, read, sqlDate, write } from "../db";
import { env } from "../env";
import { authSecret } from "./secret";
import { PASSWORD_MAX, PASSWORD_MIN } from "../limits";
import { accountEvents } from "./events";
import { resetPasswordUrl } from "./reset-url";
import { confirmAddressUrl } from "./confirm-url";
import { clearEmailThrottle } from "./throttle";
import { endSetPasswordLinks } from "./link-rows";
import { signUpClosed } from "../desk/settings";
import { hasPasswordSql, isActiveSql } from "../people/identity";

/** Whether "Forgot password?" may mail this person a link (see sendResetPassword below). */
async function maySetPassword(userId: string, email: string): Promise<boolean> {
  const row = await read.get<{ active: number | boolean; password: number | boolean }>(
    `SELECT CASE WHEN ${isActiveSql("u")} THEN 1 ELSE 0 END AS "active", CASE WHEN ${hasPasswordSql("u")} THEN 1 ELSE 0 END AS "password" FROM "user" u WHERE u."id" = ?`,
    userId,
  );
  if (!row || Number(row.active) !== 1) return false;
  return Number(row.password) === 1 || (await signUpClosed(email)) === null;
}

/** How long a reset link works. */
export const RESET_LINK_SECONDS = 60 * 60;
/** How long the link that proves an address works (mailed on sign-up while mail is on). */
export const PROOF_LINK_SECONDS = 3 * 24 * 60 * 60;

/** The code of the sign-in refusal for a deactivated account (app/(auth)/actions.ts says so). */
export const ACCOUNT_DEACTIVATED = "ACCOUNT_DEACTIVATED";

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
    database: prismaAdapter(models, { provider: env().dialect === "postgres" ? "postgresql" : "sqlite" }),
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
      // The link goes out like every other message: whoever reacts to the event (the outbox).
      // A deactivated person gets no link (their account mail goes nowhere), and one who has no
      // password yet gets one only if they may open an account now (signUpClosed): with sign-up
      // closed to them, an admin invites them instead. The link Better Auth stored is ended.
      sendResetPassword: async ({ user, token }) => {
        if (!(await maySetPassword(user.id, user.email))) {
          await write((tx) => tx.run(`DELETE FROM "verification" WHERE "identifier" = ?`, `reset-password:${token}`));
          return;
        }
        await write((tx) => accountEvents.emit(tx, { kind: "reset_link", userId: user.id, link: resetPasswordUrl(token) }));
      },
      // Better Auth uses up only the link that was followed: every other reset link (or mailed
      // invitation) for the account dies with it, so an older mail cannot set the password again.
      // Following a link mailed to the address also proves the address: mail from it that waited
      // (lib/mail/import.ts) is imported on the next poll. And whoever holds the mailbox signs in
      // at once with the new password, from anywhere: the email's throttle rows go.
      onPasswordReset: async ({ user }) => {
        await write(async (tx) => {
          await endSetPasswordLinks(tx, user.id);
          await tx.run(`UPDATE "user" SET "emailVerified" = ?, "updatedAt" = ? WHERE "id" = ?`, true, sqlDate(new Date()), user.id);
          await clearEmailThrottle(tx, user.email);
        });
      },
    },
    // While mail is on, an account made on the web gets one link that proves its address (a
    // Better Auth email-verification token, followed on /confirm-address); until it is followed
    // the desk mails nothing else there (lib/mail/notify.ts). The account is made and signed in
    // at once all the same. With mail off there is nothing to prove.
    emailVerification: {
      sendOnSignUp: Boolean(env().TRIAGE_SMTP_URL),
      expiresIn: PROOF_LINK_SECONDS,
      autoSignInAfterVerification: false,
      sendVerificationEmail: async ({ user, token }) => {
        await write((tx) => accountEvents.emit(tx, { kind: "address_proof", userId: user.id, link: confirmAddressUrl(token) }));
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
        keyboardShortcuts: { type: "boolean", required: false, input: false },
        deactivatedAt: { type: "date", required: false, input: false },
      },
    },
    databaseHooks: {
      session: {
        create: {
          // A deactivated person signs in nowhere (lib/people/commands.ts setActive). Checked only
          // once the password was right, so the refusal tells nobody else anything.
          before: async (session) => {
            const user = await read.get<{ deactivatedAt: unknown }>(`SELECT "deactivatedAt" FROM "user" WHERE "id" = ?`, session.userId);
            if (user && user.deactivatedAt !== null) throw new APIError("FORBIDDEN", { message: "This account is deactivated.", code: ACCOUNT_DEACTIVATED });
          },
        },
      },
      user: {
        create: {
          // The first account on an empty database runs the place. Decided after the insert, in
          // one statement, so that two simultaneous first sign-ups make exactly one admin: the
          // UPDATE runs only while nobody is admin, one such transaction at a time.
          after: async (user) => {
            await write(
              (tx) => tx.run(`UPDATE "user" SET "role" = 'admin' WHERE "id" = ? AND NOT EXISTS (SELECT 1 FROM "user" WHERE "role" = 'admin')`, user.id),
              { exclusive: true },
            );
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
type Instances = { plain?: Auth; secure?: Auth };

/**
 * The instances, per copy of Better Auth in this process. A production build loads its own copy
 * of a bundled package per runtime: pages and server actions run in one, route handlers
 * (/tickets/export) in another, each with its own APIError class. An instance made by one copy
 * throws that copy's errors, which `instanceof APIError` in the other copy does not recognise (a
 * wrong password answered 500 when the first request after a start was the export). So each copy
 * gets instances of its own, made by that copy's betterAuth; keyed on globalThis by that function,
 * so that a development reload of this file finds the ones it made before. With better-auth in
 * next.config.mjs's serverExternalPackages there is one copy, and so one entry.
 */
const globalForAuth = globalThis as unknown as { triageAuthByCopy?: WeakMap<typeof betterAuth, Instances> };
const copies = (globalForAuth.triageAuthByCopy ??= new WeakMap());
const instances: Instances = copies.get(betterAuth) ?? {};
copies.set(betterAuth, instances);

/**
 * Better Auth fixes a cookie's Secure flag when it starts; Triage may be reached over plain HTTP
 * (localhost, a LAN) and over HTTPS (behind a proxy) at once, so it keeps one instance for each,
 * and cookies are Secure whenever the request came over HTTPS.
 */
export function getAuth(secure: boolean): Auth {
  const key = secure ? "secure" : "plain";
  return (instances[key] ??= createAuth(secure));
}
