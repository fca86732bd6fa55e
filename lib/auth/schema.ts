import { z } from "zod";
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, PASSWORD_RULE } from "../limits";
import { oneLine } from "../text";

/** Sign-in and sign-up forms. No server imports. */
const text = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());

/** An email address, trimmed and lowercased (the one rule for every form that takes one). */
const emailField = (empty: string) =>
  text.pipe(
    z
      .string()
      .trim()
      .toLowerCase()
      .min(1, empty)
      .max(EMAIL_MAX, "That email address is too long.")
      .pipe(z.email({ message: "Enter an email address like name@example.com." })),
  );

export const email = emailField("Enter your email address.");

/** Someone else's address (an admin inviting a person). */
export const theirEmail = emailField("Enter the address to invite.");

export const signInSchema = z.object({
  email,
  password: text.pipe(z.string().min(1, "Enter your password.").max(1000, "Invalid email or password")),
});

export const signUpSchema = z.object({
  // A name is one line: it reaches mail headers and the lines of plain-text mail.
  name: text.transform(oneLine).pipe(
    z.string().trim().min(1, "Enter your name.").max(NAME_MAX, `Keep your name to ${NAME_MAX} characters or fewer.`),
  ),
  email,
  password: text.pipe(
    z
      .string()
      .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
      .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`),
  ),
});

export const forgotPasswordSchema = z.object({ email });

export const newPassword = text.pipe(
  z.string().min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`).max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`),
);

export const resetPasswordSchema = z.object({
  token: text.pipe(z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "This link is not valid.")),
  newPassword,
});

/** Said whether or not an account uses the address: the page must not tell who has one. */
export const RESET_SENT =
  "If an account uses that address, a link to set a new password is on its way. It works once, for one hour.";

/** What a refused password says (Better Auth checked the length again). */
export const PASSWORD_REFUSED = PASSWORD_RULE;

export const EXPIRED_LINK = "This link has expired or has already been used. Ask for a new one.";

/**
 * The token of an address-proof link (lib/auth/address-proof.ts): a Better Auth
 * email-verification token, a JWT of three base64url parts.
 */
export const PROOF_TOKEN_MAX = 2000;
export const isProofToken = (t: unknown): t is string =>
  typeof t === "string" && t.length <= PROOF_TOKEN_MAX && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(t);

export const confirmAddressSchema = z.object({ token: z.custom<string>(isProofToken) });

export const PROOF_LINK_INVALID =
  "This link has expired or is not valid. A link from \u201cForgot password?\u201d on the sign-in page confirms your address too.";
export const PROOF_LINK_OTHER_ACCOUNT = "This link is for another account. Sign out, then sign in with the account it was sent for.";
