"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { APIError } from "better-auth/api";
import { requestAuth } from "@/lib/auth/session";
import { safeNextPath } from "@/lib/auth/paths";
import { signInSchema, signUpSchema } from "@/lib/auth/schema";
import { noteSignInFailure, noteSignInSuccess, signInLockout } from "@/lib/auth/throttle";
import { tooManyAttemptsMessage } from "@/lib/auth/throttle-policy";
import { parseForm, type FormState } from "@/lib/forms";

export type SignInField = "email" | "password";
export type SignUpField = "name" | "email" | "password";

/** The client's address as the nearest proxy (or Next.js itself) recorded it. */
async function clientAddress(): Promise<string | null> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return (last || h.get("x-real-ip") || "").slice(0, 64) || null;
}

const INVALID = "Invalid email or password";

export async function signInAction(_prev: FormState<SignInField>, form: FormData): Promise<FormState<SignInField>> {
  const parsed = parseForm(signInSchema, form, ["email", "password"] as const);
  const emailTyped = typeof form.get("email") === "string" ? String(form.get("email")) : "";
  if (!parsed.ok) return { ...parsed.state, values: { email: emailTyped } };
  const { email, password } = parsed.data;
  const address = await clientAddress();

  const locked = await signInLockout(email, address);
  if (locked) return { fieldErrors: {}, values: { email: emailTyped }, message: tooManyAttemptsMessage(locked) };

  const auth = await requestAuth();
  try {
    await auth.api.signInEmail({ body: { email, password }, headers: await headers() });
  } catch (e) {
    if (e instanceof APIError && (e.statusCode === 401 || e.statusCode === 400 || e.statusCode === 403)) {
      await noteSignInFailure(email, address);
      const nowLocked = await signInLockout(email, address);
      return {
        fieldErrors: {},
        values: { email: emailTyped },
        message: nowLocked ? tooManyAttemptsMessage(nowLocked) : INVALID,
      };
    }
    throw e;
  }
  await noteSignInSuccess(email);
  redirect(safeNextPath(form.get("next")?.toString()) ?? "/tickets");
}

export async function signUpAction(_prev: FormState<SignUpField>, form: FormData): Promise<FormState<SignUpField>> {
  const parsed = parseForm(signUpSchema, form, ["name", "email", "password"] as const);
  const values = {
    name: typeof form.get("name") === "string" ? String(form.get("name")) : "",
    email: typeof form.get("email") === "string" ? String(form.get("email")) : "",
  };
  if (!parsed.ok) return { ...parsed.state, values };
  const auth = await requestAuth();
  try {
    await auth.api.signUpEmail({ body: parsed.data, headers: await headers() });
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
  redirect(safeNextPath(form.get("next")?.toString()) ?? "/tickets");
}

export async function signOutAction(): Promise<void> {
  const auth = await requestAuth();
  try {
    await auth.api.signOut({ headers: await headers() });
  } catch (e) {
    // Signing out without a valid session is already the desired state.
    if (!(e instanceof APIError)) throw e;
  }
  redirect("/sign-in");
}
