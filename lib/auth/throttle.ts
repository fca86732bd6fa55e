import "server-only";
import { db, serialTransaction } from "../db";
import {
  ADDRESS_POLICY,
  EMAIL_POLICY,
  minutesLocked,
  recordFailure,
  RESET_ADDRESS_POLICY,
  RESET_EMAIL_POLICY,
  type ThrottlePolicy,
} from "./throttle-policy";

const keys = (email: string, address: string | null) =>
  [
    { key: `email:${email.toLowerCase()}`, policy: EMAIL_POLICY },
    ...(address ? [{ key: `addr:${address}`, policy: ADDRESS_POLICY }] : []),
  ] as { key: string; policy: ThrottlePolicy }[];

/**
 * Checks and counts a sign-in attempt in one step, before any password is hashed: when the email
 * or the address is locked, answers the minutes left and counts nothing; otherwise counts this
 * attempt against both and answers 0. One transaction, so parallel attempts for one email are
 * let through exactly up to the limit. A successful sign-in gives its attempt back
 * (noteSignInSuccess).
 */
export async function reserveSignInAttempt(email: string, address: string | null, now = new Date()): Promise<number> {
  const ks = keys(email, address);
  return serialTransaction(async (tx) => {
    const rows = await tx.signInThrottle.findMany({ where: { key: { in: ks.map((k) => k.key) } } });
    const locked = Math.max(0, ...rows.map((r) => minutesLocked(r, now)));
    if (locked > 0) return locked;
    for (const { key, policy } of ks) {
      const next = recordFailure(rows.find((r) => r.key === key) ?? null, now, policy);
      await tx.signInThrottle.upsert({ where: { key }, create: { key, ...next }, update: next });
    }
    return 0;
  });
}

/** Minutes until this email or address may try again; 0 when it may now. Counts nothing. */
export async function signInLockout(email: string, address: string | null, now = new Date()) {
  const rows = await db.signInThrottle.findMany({
    where: { key: { in: keys(email, address).map((k) => k.key) } },
  });
  return Math.max(0, ...rows.map((r) => minutesLocked(r, now)));
}

/**
 * A successful sign-in: the email's count starts again, and the address gets this attempt back
 * (an office behind one address signs in many times a day without failing).
 */
export async function noteSignInSuccess(email: string, address: string | null) {
  await serialTransaction(async (tx) => {
    await tx.signInThrottle.deleteMany({ where: { key: `email:${email.toLowerCase()}` } });
    if (!address) return;
    const key = `addr:${address}`;
    const row = await tx.signInThrottle.findUnique({ where: { key } });
    if (!row || row.failures <= 0) return;
    const failures = row.failures - 1;
    await tx.signInThrottle.update({
      where: { key },
      data: { failures, lockedUntil: failures >= ADDRESS_POLICY.maxFailures ? row.lockedUntil : null },
    });
  });
}

/**
 * Counts a request for a reset link, before anything is looked up. The address's lockout is told
 * to the person (it is about their network, not an account); the email's is not, so the answer
 * never says whether an account exists: past three links an hour, no more mail is sent.
 */
export async function reserveResetRequest(email: string, address: string | null, now = new Date()) {
  const ks = [
    { key: `reset-email:${email.toLowerCase()}`, policy: RESET_EMAIL_POLICY },
    ...(address ? [{ key: `reset-addr:${address}`, policy: RESET_ADDRESS_POLICY }] : []),
  ];
  return serialTransaction(async (tx) => {
    const rows = await tx.signInThrottle.findMany({ where: { key: { in: ks.map((k) => k.key) } } });
    const lockedFor = (key: string) => minutesLocked(rows.find((r) => r.key === key) ?? null, now);
    const addressLocked = address ? lockedFor(`reset-addr:${address}`) : 0;
    if (addressLocked) return { addressLocked, send: false };
    const emailLocked = lockedFor(ks[0].key) > 0;
    for (const { key, policy } of ks) {
      if (key === ks[0].key && emailLocked) continue;
      const next = recordFailure(rows.find((r) => r.key === key) ?? null, now, policy);
      await tx.signInThrottle.upsert({ where: { key }, create: { key, ...next }, update: next });
    }
    return { addressLocked: 0, send: !emailLocked };
  });
}
