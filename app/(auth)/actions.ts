"use server";

import { headers } from "next/headers";
import { after } from "next/server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { APIError } from "better-auth/api";
import { defineAction } from "@/lib/action";
import { type FormState, FORM_INVALID, FORM_UNREADABLE } from "@/lib/forms";
import { requestAuth } from "@/lib/auth/session";
import { ACCOUNT_DEACTIVATED } from "@/lib/auth/auth";
import { confirmAddress } from "@/lib/auth/address-proof";
import { signUp } from "@/lib/auth/sign-up";
import { requestAddress } from "@/lib/auth/request-address";
import { safeNextPath } from "@/lib/auth/paths";
import {
  confirmAddressSchema,
  EXPIRED_LINK,
  forgotPasswordSchema,
  PROOF_LINK_INVALID,
  PROOF_LINK_OTHER_ACCOUNT,
  RESET_SENT,
  resetPasswordSchema,
  signInSchema,
  signUpSchema,
} from "@/lib/auth/schema";
import { noteSignInSuccess, reserveResetRequest, reserveSignInAttempt } from "@/lib/auth/throttle";
import { tooManyAttemptsMessage, tooManySignUpsMessage } from "@/lib/auth/throttle-policy";
import { PASSWORD_RULE } from "@/lib/limits";

export type SignInField = "email" | "password";
export type SignUpField = "name" | "email" | "password";
export type ForgotField = "email";
export type ResetField = "newPassword";
export type ConfirmField = "token";

/** Where to go afterwards: a path on this site, or nowhere (`safeNextPath` decides). */
const next = z.preprocess((v) => (typeof v === "string" ? v : undefined), z.string().optional());

const INVALID = "Invalid email or password";
const unreadable = <F extends string>(): FormState<F> => ({
  fieldErrors: {},
  values: {},
  message: FORM_UNREADABLE,
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
    // Checked and counted in one step before the password is hashed (lib/auth/throttle.ts): a
    // client that guessed too often is refused; an account many clients guess at is slowed down.
    const { locked, delayMs } = await reserveSignInAttempt(email, address);
    if (locked) return { fieldErrors: {}, values, message: tooManyAttemptsMessage(locked) };
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const auth = await requestAuth();
    try {
      await auth.api.signInEmail({ body: { email, password }, headers: await headers() });
    } catch (e) {
      if (e instanceof APIError && (e.body as { code?: string } | undefined)?.code === ACCOUNT_DEACTIVATED) {
        return { fieldErrors: {}, values, message: "This account is deactivated. Ask an admin of this help desk to reactivate it." };
      }
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
    const result = await signUp(await requestAuth(), body, await requestAddress(), await headers());
    switch (result.kind) {
      case "closed":
        return { fieldErrors: { email: [result.message] }, values, message: result.message };
      case "locked": {
        const message = result.why === "signups" ? tooManySignUpsMessage(result.minutes) : tooManyAttemptsMessage(result.minutes);
        return { fieldErrors: {}, values, message };
      }
      case "exists": {
        // Said plainly: a new address would have been signed in, so the answer tells either way
        // (README, "What sign-up reveals"); it is counted and slowed like a wrong password.
        const message = "An account with this email already exists. Sign in instead.";
        return { fieldErrors: { email: [message] }, values, message };
      }
      case "password":
        return { fieldErrors: { password: [PASSWORD_RULE] }, values, message: FORM_INVALID };
      case "created":
        redirect(safeNextPath(next) ?? "/tickets");
    }
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
      : { fieldErrors: { newPassword: errors.newPassword }, values, message: FORM_INVALID },
  async run({ data: { token, newPassword }, values }) {
    const auth = await requestAuth();
    try {
      await auth.api.resetPassword({ body: { token, newPassword }, headers: await headers() });
    } catch (e) {
      if (e instanceof APIError && e.statusCode === 400) {
        const code = (e.body as { code?: string } | undefined)?.code ?? "";
        if (code.includes("PASSWORD")) {
          return { fieldErrors: { newPassword: [PASSWORD_RULE] }, values, message: FORM_INVALID };
        }
        return { fieldErrors: {}, values, message: EXPIRED_LINK };
      }
      throw e;
    }
    redirect("/sign-in?reset=1");
  },
});

/**
 * Following the link mailed on sign-up (/confirm-address): the signed-in person confirms that the
 * address is theirs (lib/auth/address-proof.ts).
 */
export const confirmAddressAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form: confirmAddressSchema,
  echo: [] as ConfirmField[],
  rejected: unreadable<ConfirmField>(),
  invalid: (_errors, values) => ({ fieldErrors: {}, values, message: PROOF_LINK_INVALID }),
  async run({ actor, data: { token }, values }): Promise<FormState<ConfirmField>> {
    const result = await confirmAddress(actor, token);
    if (result === "other_account") {
      return { fieldErrors: {}, values, message: PROOF_LINK_OTHER_ACCOUNT };
    }
    if (result === "invalid") return { fieldErrors: {}, values, message: PROOF_LINK_INVALID };
    redirect("/confirm-address");
  },
});
