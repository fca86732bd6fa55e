"use server";

import { headers } from "next/headers";
import { after } from "next/server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { APIError } from "better-auth/api";
import { defineAction } from "@/lib/action";
import type { FormState } from "@/lib/forms";
import { requestAuth } from "@/lib/auth/session";
import { clientAddress, throttleKey } from "@/lib/auth/address";
import { safeNextPath } from "@/lib/auth/paths";
import {
  EXPIRED_LINK,
  forgotPasswordSchema,
  RESET_SENT,
  resetPasswordSchema,
  signInSchema,
  signUpSchema,
} from "@/lib/auth/schema";
import { noteSignInSuccess, reserveResetRequest, reserveSignInAttempt } from "@/lib/auth/throttle";
import { tooManyAttemptsMessage } from "@/lib/auth/throttle-policy";
import { env } from "@/lib/env";

export type SignInField = "email" | "password";
export type SignUpField = "name" | "email" | "password";
export type ForgotField = "email";
export type ResetField = "newPassword";

/** Where to go afterwards: a path on this site, or nowhere (`safeNextPath` decides). */
const next = z.preprocess((v) => (typeof v === "string" ? v : undefined), z.string().optional());

let warnedUntrusted = false;

/**
 * The client's address as throttling counts it: the TCP peer, or what trusted proxies say it was
 * (lib/auth/address.ts), IPv6 by its /64. Null when Triage was not started by scripts/server.mjs.
 */
async function requestAddress(): Promise<string | null> {
  const h = await headers();
  const name = process.env.TRIAGE_PEER_HEADER;
  const peer = name ? h.get(name) : null;
  const { TRIAGE_TRUSTED_PROXIES: trusted } = env();
  const address = clientAddress(peer, h.get("x-forwarded-for"), trusted);
  if (!warnedUntrusted && peer && trusted.length === 0 && h.has("x-forwarded-for")) {
    // Behind a proxy that is not trusted, everyone shares the proxy's address and its limit.
    warnedUntrusted = true;
    console.warn(`X-Forwarded-For from ${peer} is ignored: if a reverse proxy is in front, list it in TRIAGE_TRUSTED_PROXIES.`);
  }
  return address === null ? null : throttleKey(address);
}

const INVALID = "Invalid email or password";
const unreadable = <F extends string>(): FormState<F> => ({
  fieldErrors: {},
  values: {},
  message: "That form could not be read. Reload the page and try again.",
});

export const signInAction = defineAction({
  who: "anyone",
  bound: [],
  withState: true,
  form: signInSchema.extend({ next }),
  echo: ["email"] as SignInField[],
  rejected: unreadable<SignInField>(),
  async run({ data: { email, password, next }, values }) {
    const address = await requestAddress();
    // Checked and counted in one step before the password is hashed (lib/auth/throttle.ts).
    const locked = await reserveSignInAttempt(email, address);
    if (locked) return { fieldErrors: {}, values, message: tooManyAttemptsMessage(locked) };
    const auth = await requestAuth();
    try {
      await auth.api.signInEmail({ body: { email, password }, headers: await headers() });
    } catch (e) {
      if (e instanceof APIError && (e.statusCode === 401 || e.statusCode === 400 || e.statusCode === 403)) {
        return { fieldErrors: {}, values, message: INVALID };
      }
      throw e;
    }
    await noteSignInSuccess(email, address);
    redirect(safeNextPath(next) ?? "/tickets");
  },
});

export const signUpAction = defineAction({
  who: "anyone",
  bound: [],
  withState: true,
  form: signUpSchema.extend({ next }),
  echo: ["name", "email"] as SignUpField[],
  rejected: unreadable<SignUpField>(),
  async run({ data: { next, ...body }, values }) {
    const auth = await requestAuth();
    try {
      await auth.api.signUpEmail({ body, headers: await headers() });
    } catch (e) {
      if (e instanceof APIError) {
        const code = (e.body as { code?: string } | undefined)?.code ?? "";
        if (code.includes("ALREADY_EXISTS") || e.statusCode === 422) {
          const message = "An account with this email already exists. Sign in instead.";
          return { fieldErrors: { email: [message] }, values, message };
        }
        if (code.includes("PASSWORD")) {
          return { fieldErrors: { password: ["Use 10 to 128 characters."] }, values, message: "Please correct the highlighted fields." };
        }
      }
      throw e;
    }
    redirect(safeNextPath(next) ?? "/tickets");
  },
});

export const signOutAction = defineAction({
  who: "anyone",
  bound: [],
  withState: false,
  form: z.object({}),
  echo: [],
  rejected: undefined as void,
  async run(): Promise<void> {
    const auth = await requestAuth();
    try {
      await auth.api.signOut({ headers: await headers() });
    } catch (e) {
      // Signing out without a valid session is already the desired state.
      if (!(e instanceof APIError)) throw e;
    }
    redirect("/sign-in");
  },
});

export const forgotPasswordAction = defineAction({
  who: "anyone",
  bound: [],
  withState: true,
  form: forgotPasswordSchema,
  echo: ["email"] as ForgotField[],
  rejected: unreadable<ForgotField>(),
  async run({ data: { email }, values }) {
    const { addressLocked, send } = await reserveResetRequest(email, await requestAddress());
    if (addressLocked) return { fieldErrors: {}, values, message: tooManyAttemptsMessage(addressLocked) };
    if (send) {
      const auth = await requestAuth();
      const h = await headers();
      // After the answer is sent: a known address costs a write and a mail, an unknown one a
      // read, and the time of the answer must not tell which.
      after(async () => {
        try {
          await auth.api.requestPasswordReset({ body: { email }, headers: h });
        } catch (e) {
          console.error(`[triage] reset link for a request could not be queued: ${(e as Error).message}`);
        }
      });
    }
    return { ok: true, fieldErrors: {}, values, message: RESET_SENT };
  },
});

export const resetPasswordAction = defineAction({
  who: "anyone",
  bound: [],
  withState: true,
  form: resetPasswordSchema,
  echo: [] as ResetField[],
  rejected: unreadable<ResetField>(),
  invalid: (errors, values) =>
    errors.token
      ? { fieldErrors: {}, values, message: EXPIRED_LINK }
      : { fieldErrors: { newPassword: errors.newPassword }, values, message: "Please correct the highlighted fields." },
  async run({ data: { token, newPassword }, values }) {
    const auth = await requestAuth();
    try {
      await auth.api.resetPassword({ body: { token, newPassword }, headers: await headers() });
    } catch (e) {
      if (e instanceof APIError && e.statusCode === 400) {
        const code = (e.body as { code?: string } | undefined)?.code ?? "";
        if (code.includes("PASSWORD")) {
          return { fieldErrors: { newPassword: ["Use 10 to 128 characters."] }, values, message: "Please correct the highlighted fields." };
        }
        return { fieldErrors: {}, values, message: EXPIRED_LINK };
      }
      throw e;
    }
    redirect("/sign-in?reset=1");
  },
});
