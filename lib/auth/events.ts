import { registry } from "../reactions";

/**
 * What the accounts part emits for others to act on (mail sends the links and the notices:
 * lib/mail/reactions.ts). Nothing a person typed travels in these: the reactions read the account.
 *
 *   reset_link       someone asked for a password reset link (Better Auth made it)
 *   address_proof    an account was made on the web while mail is on: a link that proves the
 *                    address (Better Auth's email verification; /confirm-address)
 *   sign_up_attempt  someone tried to make an account with the address of this one
 *   invitation       an admin invited a person: a link to set their password (lib/people/commands.ts)
 */
export type AccountEvent =
  | { kind: "reset_link"; userId: string; link: string }
  | { kind: "address_proof"; userId: string; link: string }
  | { kind: "sign_up_attempt"; userId: string; at: Date }
  | { kind: "invitation"; userId: string; link: string; by: string; role: string; days: number };

export const accountEvents = registry<AccountEvent>("accounts");
