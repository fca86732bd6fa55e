/**
 * Sign-in throttling, as pure rules (the database part is in throttle.ts). Failures are counted
 * per email and per client address within a window; past the limit, that key is locked out.
 */
export type ThrottleRecord = { failures: number; windowStart: Date; lockedUntil: Date | null };
export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockoutMs: number };

export const EMAIL_POLICY: ThrottlePolicy = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockoutMs: 15 * 60_000,
};
export const ADDRESS_POLICY: ThrottlePolicy = {
  maxFailures: 30,
  windowMs: 15 * 60_000,
  lockoutMs: 15 * 60_000,
};

/** Reset links: a few per account an hour (silently), more per client address (then refused). */
export const RESET_EMAIL_POLICY: ThrottlePolicy = { maxFailures: 3, windowMs: 60 * 60_000, lockoutMs: 60 * 60_000 };
export const RESET_ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 60 * 60_000, lockoutMs: 60 * 60_000 };

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

export const tooManyAttemptsMessage = (minutes: number) =>
  `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
