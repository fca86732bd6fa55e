import "server-only";
import { APIError } from "better-auth/api";
import { z } from "zod";
import { read } from "../db";
import type { Actor } from "../people/identity";
import { getAuth } from "./auth";
import { isProofToken } from "./schema";

/**
 * Proving an address: the link mailed on sign-up (emailVerification in ./auth.ts) carries a
 * Better Auth email-verification token, a signed JWT naming the account; /confirm-address takes
 * it, and Better Auth's verifyEmail checks it and sets the account's emailVerified. From then on
 * the desk mails that address as any other (lib/mail/notify.ts), and mail from it that waited is
 * imported (lib/mail/import.ts). tests/integration/better-auth-contract.test.ts checks that the
 * installed Better Auth makes and takes these tokens as this file expects.
 *
 * The link works only for the account it was made for, signed in: whoever confirms must hold the
 * mailbox and know the password. So an address owner who never made the account cannot be led to
 * confirm somebody else's sign-up with their address, and a mail scanner that opens every link
 * confirms nothing.
 */

const payload = z.object({ userId: z.string() });

/** The account a token names, read without checking it (verifyEmail checks it): null if none. */
export function proofTokenAccount(token: string): string | null {
  if (!isProofToken(token)) return null;
  try {
    const json: unknown = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
    const parsed = payload.safeParse(json);
    return parsed.success ? parsed.data.userId : null;
  } catch {
    return null;
  }
}

export type AddressStatus = { email: string; proven: boolean };

/** The person's address and whether it is proven. */
export async function addressStatus(userId: string): Promise<AddressStatus | null> {
  const row = await read.get<{ email: string; emailVerified: number | boolean }>(`SELECT "email", "emailVerified" FROM "user" WHERE "id" = ?`, userId);
  return row ? { email: row.email, proven: Boolean(Number(row.emailVerified)) } : null;
}

export type ConfirmResult = "confirmed" | "other_account" | "invalid";

/**
 * Confirms the address of `actor`'s account with a proof token: "other_account" when the token
 * names another account, "invalid" when Better Auth refuses it (expired, forged, its account
 * gone or its address changed). Confirming twice is no error.
 */
export async function confirmAddress(actor: Actor, token: string): Promise<ConfirmResult> {
  const account = proofTokenAccount(token);
  if (account === null) return "invalid";
  if (account !== actor.id) return "other_account";
  try {
    await getAuth(false).api.verifyEmail({ query: { token } });
  } catch (e) {
    if (e instanceof APIError) return "invalid";
    throw e;
  }
  return "confirmed";
}
