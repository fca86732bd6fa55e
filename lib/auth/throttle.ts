import "server-only";
import { db } from "../db";
import {
  ADDRESS_POLICY,
  EMAIL_POLICY,
  minutesLocked,
  recordFailure,
  type ThrottlePolicy,
} from "./throttle-policy";

const keys = (email: string, address: string | null) =>
  [
    { key: `email:${email.toLowerCase()}`, policy: EMAIL_POLICY },
    ...(address ? [{ key: `addr:${address}`, policy: ADDRESS_POLICY }] : []),
  ] as { key: string; policy: ThrottlePolicy }[];

/** Minutes until this email or address may try again; 0 when it may now. */
export async function signInLockout(email: string, address: string | null, now = new Date()) {
  const rows = await db.signInThrottle.findMany({
    where: { key: { in: keys(email, address).map((k) => k.key) } },
  });
  return Math.max(0, ...rows.map((r) => minutesLocked(r, now)));
}

/** Counts a failed sign-in against the email and the address. */
export async function noteSignInFailure(email: string, address: string | null, now = new Date()) {
  await db.$transaction(async (tx) => {
    for (const { key, policy } of keys(email, address)) {
      const existing = await tx.signInThrottle.findUnique({ where: { key } });
      const next = recordFailure(existing, now, policy);
      await tx.signInThrottle.upsert({ where: { key }, create: { key, ...next }, update: next });
    }
  });
}

/** A successful sign-in clears the email's count (the address keeps its own). */
export async function noteSignInSuccess(email: string) {
  await db.signInThrottle.deleteMany({ where: { key: `email:${email.toLowerCase()}` } });
}
