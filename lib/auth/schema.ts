import { z } from "zod";

/** Sign-in and sign-up forms. No server imports. */
const text = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());

export const email = text.pipe(
  z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Enter your email address.")
    .max(254, "That email address is too long.")
    .pipe(z.email({ message: "Enter an email address like name@example.com." })),
);

export const signInSchema = z.object({
  email,
  password: text.pipe(z.string().min(1, "Enter your password.").max(1000, "Invalid email or password")),
});

export const signUpSchema = z.object({
  name: text.pipe(
    z.string().trim().min(1, "Enter your name.").max(100, "Keep your name to 100 characters or fewer."),
  ),
  email,
  password: text.pipe(
    z
      .string()
      .min(10, "Use at least 10 characters.")
      .max(128, "Use at most 128 characters."),
  ),
});

export const forgotPasswordSchema = z.object({ email });

export const newPassword = text.pipe(
  z.string().min(10, "Use at least 10 characters.").max(128, "Use at most 128 characters."),
);

export const resetPasswordSchema = z.object({
  token: text.pipe(z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "This link is not valid.")),
  newPassword,
});

/** Said whether or not an account uses the address: the page must not tell who has one. */
export const RESET_SENT =
  "If an account uses that address, a link to set a new password is on its way. It works once, for one hour.";

export const EXPIRED_LINK = "This link has expired or has already been used. Ask for a new one.";
