import "server-only";
import type { Tx } from "../db";
import { isActiveSql } from "../people/identity";
import { addressCheckMail, addressProofMail, invitationMail, passwordResetMail, signUpAttemptMail, type Composed, type Recipient } from "./compose";
import { ADDRESS_PROVEN, context, queue, recipient, sentRecently, type Person } from "./queue";

/** Mail about an account rather than a ticket: links, and notices nobody can turn off. */

/** Mail about an account rather than a ticket, which nobody can turn off. */
async function queueForAccount(tx: Tx, userId: string, kind: string, compose: (to: Recipient) => Composed) {
  const p = await accountHolder(tx, userId);
  // The name of an account whose address nobody proved is whatever its maker typed: left out.
  if (p) await queue(tx, kind, p, compose({ ...recipient(p), name: p.proven ? p.name : "" }), null);
}

/**
 * The person an account mail goes to, and whether their address is proven (ADDRESS_PROVEN); none
 * when they are deactivated (they get no mail of any kind, links included).
 */
async function accountHolder(tx: Tx, userId: string): Promise<(Person & { proven: boolean }) | undefined> {
  const p = await tx.get<Person & { proven: number | boolean }>(
    `SELECT u."id", u."email", u."name", u."timeZone", CASE WHEN ${ADDRESS_PROVEN} THEN 1 ELSE 0 END AS "proven" FROM "user" u WHERE u."id" = ? AND ${isActiveSql("u")}`,
    true,
    userId,
  );
  return p && { ...p, proven: Number(p.proven) === 1 };
}

/** Better Auth's reset link, by mail. */
export async function queuePasswordReset(tx: Tx, userId: string, link: string) {
  await queueForAccount(tx, userId, "password_reset", (to) => passwordResetMail(to, link, context(null)));
}

/** An admin's invitation: a link to set a password, which also proves the address. */
export async function queueInvitation(tx: Tx, userId: string, link: string, invite: { by: string; role: string; days: number }) {
  await queueForAccount(tx, userId, "invitation", (to) => invitationMail(to, link, invite, context(null)));
}

/** A link for the owner of an address to confirm it (mail from it is waiting). */
export async function queueAddressCheck(tx: Tx, userId: string, link: string) {
  await queueForAccount(tx, userId, "address_check", (to) => addressCheckMail(to, link, context(null)));
}

/** The link that proves a web account's address (lib/auth/auth.ts), and nothing anybody typed. */
export async function queueAddressProof(tx: Tx, userId: string, link: string) {
  await queueForAccount(tx, userId, "address_proof", (to) => addressProofMail(to, link, context(null)));
}

/** How many "someone tried to create an account with your address" notices one address gets in an hour. */
export const SIGN_UP_NOTICES_PER_HOUR = 3;

/**
 * Someone tried to sign up with the address of this account: its owner is told, at most
 * SIGN_UP_NOTICES_PER_HOUR times an hour, and only where the address may get mail (ADDRESS_PROVEN:
 * an unproven web account gets nothing but its proof link).
 */
export async function queueSignUpAttemptNotice(tx: Tx, userId: string, at: Date) {
  const p = await accountHolder(tx, userId);
  if (!p?.proven) return;
  if ((await sentRecently(tx, p.email, "sign_up_attempt", at)) >= SIGN_UP_NOTICES_PER_HOUR) return;
  await queue(tx, "sign_up_attempt", p, signUpAttemptMail(recipient(p), at, context(null)), null);
}
