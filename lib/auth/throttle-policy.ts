/**
 * Sign-in and sign-up throttling, as pure rules (the database part is in throttle.ts). Wrong
 * passwords slow the guesser, never the owner from a client that has not failed:
 *
 *   pair:<email> <address>  one client guessing one account: locked after PAIR_POLICY's failures.
 *   addr:<address>          one client guessing many accounts: locked after the address limit
 *                           (TRIAGE_SIGNIN_FAILURES_PER_ADDRESS), whatever the emails.
 *   email:<email>           everybody guessing one account: never locked; past EMAIL_SLOWDOWN's
 *                           failures every attempt for it waits a few seconds before it is
 *                           checked, the owner's too (slower, never shut out).
 *   signup-addr:<address>   accounts made from one client (TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS).
 *
 * A sign-up with an address that already has an account counts as a wrong password from that
 * client for that address (pair and addr): it tells whether the account exists.
 */
export type ThrottleRecord = { failures: number; windowStart: Date; lockedUntil: Date | null };
export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockoutMs: number };

const MIN = 60_000;

/** One client, one account: five wrong passwords in 15 minutes lock that pair for 15 minutes. */
export const PAIR_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * MIN, lockoutMs: 15 * MIN };

export { ADDRESS_FAILURES_DEFAULT, SIGNUPS_PER_HOUR_DEFAULT } from "../limits";
export const addressPolicy = (maxFailures: number): ThrottlePolicy => ({ maxFailures, windowMs: 15 * MIN, lockoutMs: 15 * MIN });

/**
 * Everybody, one account: failures are counted in a 15-minute window and never lock; from the
 * tenth on, each attempt for the account is answered only after `delayMs`.
 */
export const EMAIL_SLOWDOWN = { after: 10, windowMs: 15 * MIN, delayMs: 3000 };
export const EMAIL_COUNT_POLICY: ThrottlePolicy = { maxFailures: Number.POSITIVE_INFINITY, windowMs: EMAIL_SLOWDOWN.windowMs, lockoutMs: 0 };

export const signUpPolicy = (perHour: number): ThrottlePolicy => ({ maxFailures: perHour, windowMs: 60 * MIN, lockoutMs: 60 * MIN });

/** Reset links: a few per account an hour (silently), more per client address (then refused). */
export const RESET_EMAIL_POLICY: ThrottlePolicy = { maxFailures: 3, windowMs: 60 * MIN, lockoutMs: 60 * MIN };
export const RESET_ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 60 * MIN, lockoutMs: 60 * MIN };

/** The keys, one spelling each (emails lower-cased; an email has no space, so the pair splits). */
export const throttleKeys = {
  pair: (email: string, address: string) => `pair:${email.toLowerCase()} ${address}`,
  /** What every pair key of this email starts with. */
  pairsOf: (email: string) => `pair:${email.toLowerCase()} `,
  address: (address: string) => `addr:${address}`,
  email: (email: string) => `email:${email.toLowerCase()}`,
  signUp: (address: string) => `signup-addr:${address}`,
};

/** Whole minutes left on a lockout (at least 1), or 0 when the key may try. */
export function minutesLocked(record: ThrottleRecord | null, now: Date): number {
  if (!record?.lockedUntil) return 0;
  const ms = record.lockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 60_000) : 0;
}

/** The record after one more failure. */
export function recordFailure(
  record: ThrottleRecord | null,
  now: Date,
  policy: ThrottlePolicy,
): ThrottleRecord {
  const windowOver = record !== null && now.getTime() - record.windowStart.getTime() >= policy.windowMs;
  const lockoutOver = record?.lockedUntil != null && minutesLocked(record, now) === 0;
  const fresh = record === null || windowOver || lockoutOver;
  const failures = fresh || !record ? 1 : record.failures + 1;
  const windowStart = fresh || !record ? now : record.windowStart;
  const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockoutMs) : null;
  return { failures, windowStart, lockedUntil };
}

/**
 * The record with one failure given back (an attempt that was counted before it was checked, and
 * succeeded). A lock that the remaining failures still reach stays.
 */
export function giveBack(record: ThrottleRecord, policy: ThrottlePolicy): ThrottleRecord {
  const failures = Math.max(0, record.failures - 1);
  return { ...record, failures, lockedUntil: failures >= policy.maxFailures ? record.lockedUntil : null };
}

/** How long an attempt for this email waits before it is checked: 0, or EMAIL_SLOWDOWN.delayMs. */
export function slowdownMs(record: ThrottleRecord | null, now: Date): number {
  if (!record || now.getTime() - record.windowStart.getTime() >= EMAIL_SLOWDOWN.windowMs) return 0;
  return record.failures >= EMAIL_SLOWDOWN.after ? EMAIL_SLOWDOWN.delayMs : 0;
}

export const tooManyAttemptsMessage = (minutes: number) =>
  `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;

export const tooManySignUpsMessage = (minutes: number) =>
  `Too many accounts were made from your network in the last hour. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
