import "server-only";
import { asDate, asDateOrNull, placeholders, read, sqlDate, write, type Rows, type Tx } from "../db";
import { env } from "../env";
import {
  addressPolicy,
  EMAIL_COUNT_POLICY,
  giveBack,
  minutesLocked,
  PAIR_POLICY,
  recordFailure,
  RESET_ADDRESS_POLICY,
  RESET_EMAIL_POLICY,
  signUpPolicy,
  slowdownMs,
  throttleKeys as K,
  type ThrottlePolicy,
  type ThrottleRecord,
} from "./throttle-policy";

/** Which keys are counted, and how, is decided in throttle-policy.ts. */
type Row = ThrottleRecord & { key: string };

/** The throttle rows of these keys. */
async function rowsOf(q: Rows, keys: string[]): Promise<Row[]> {
  if (keys.length === 0) return [];
  const rows = await q.all<{ key: string; failures: number; windowStart: string | Date; lockedUntil: string | Date | null }>(
    `SELECT "key", "failures", "windowStart", "lockedUntil" FROM "sign_in_throttle" WHERE "key" IN (${placeholders(keys.length)})`,
    ...keys,
  );
  return rows.map((r) => ({ key: r.key, failures: Number(r.failures), windowStart: asDate(r.windowStart), lockedUntil: asDateOrNull(r.lockedUntil) }));
}

async function save(tx: Tx, key: string, r: ThrottleRecord) {
  await tx.run(
    `INSERT INTO "sign_in_throttle" ("key", "failures", "windowStart", "lockedUntil") VALUES (?, ?, ?, ?)
     ON CONFLICT ("key") DO UPDATE SET "failures" = excluded."failures", "windowStart" = excluded."windowStart", "lockedUntil" = excluded."lockedUntil"`,
    key, r.failures, sqlDate(r.windowStart), r.lockedUntil && sqlDate(r.lockedUntil),
  );
}

const byKey = (rows: Row[], key: string) => rows.find((r) => r.key === key) ?? null;

/** Longer than any window or lockout in throttle-policy.ts (an hour at most). */
const STALE_MS = 2 * 60 * 60_000;

/**
 * Rows no rule reads any more (window long over, no lock running): every client address and email
 * that ever failed leaves one, so they go, now and then (every PRUNE_EVERY-th counted attempt).
 */
export async function pruneThrottle(tx: Tx, now = new Date()) {
  await tx.run(
    `DELETE FROM "sign_in_throttle" WHERE "windowStart" < ? AND ("lockedUntil" IS NULL OR "lockedUntil" < ?)`,
    sqlDate(now.getTime() - STALE_MS), sqlDate(now),
  );
}
const PRUNE_EVERY = 200;
let counted = 0;
const pruneDue = () => ++counted % PRUNE_EVERY === 0;

/** The keys that lock a client out for this email: the pair and the address (none without an address). */
function lockingKeys(email: string, address: string | null): { key: string; policy: ThrottlePolicy }[] {
  if (!address) return [];
  return [
    { key: K.pair(email, address), policy: PAIR_POLICY },
    { key: K.address(address), policy: addressPolicy(env().TRIAGE_SIGNIN_FAILURES_PER_ADDRESS) },
  ];
}

export type SignInReservation = { locked: number; delayMs: number };

/**
 * Checks and counts a sign-in attempt in one step, before any password is hashed. When this client
 * is locked out for this email (the pair) or altogether (the address), answers the minutes left
 * and counts nothing. Otherwise counts the attempt against the pair, the address and the email,
 * and answers how long to wait before checking the password: the email's slowdown, which applies
 * to every client alike and never refuses. One transaction, so parallel attempts from one client
 * are let through exactly up to the limit. A successful sign-in gives its attempt back
 * (noteSignInSuccess).
 */
export async function reserveSignInAttempt(email: string, address: string | null, now = new Date()): Promise<SignInReservation> {
  const locking = lockingKeys(email, address);
  const emailKey = K.email(email);
  return write(async (tx) => {
    const rows = await rowsOf(tx, [...locking.map((k) => k.key), emailKey]);
    const locked = Math.max(0, ...locking.map((k) => minutesLocked(byKey(rows, k.key), now)));
    if (locked > 0) return { locked, delayMs: 0 };
    const delayMs = slowdownMs(byKey(rows, emailKey), now);
    for (const { key, policy } of [...locking, { key: emailKey, policy: EMAIL_COUNT_POLICY }]) {
      await save(tx, key, recordFailure(byKey(rows, key), now, policy));
    }
    if (pruneDue()) await pruneThrottle(tx, now);
    return { locked: 0, delayMs };
  }, { exclusive: true });
}

/** Minutes until this client may try this email again; 0 when it may now. Counts nothing. */
export async function signInLockout(email: string, address: string | null, now = new Date()) {
  const rows = await rowsOf(read, lockingKeys(email, address).map((k) => k.key));
  return Math.max(0, ...rows.map((r) => minutesLocked(r, now)));
}

/**
 * A successful sign-in: this client's count for the email starts again, and the address and the
 * email get this attempt back (an office behind one address signs in many times a day without
 * failing; the owner's own sign-ins never bring the email's slowdown closer).
 */
export async function noteSignInSuccess(email: string, address: string | null) {
  await write(async (tx) => {
    if (address) await tx.run(`DELETE FROM "sign_in_throttle" WHERE "key" = ?`, K.pair(email, address));
    const back = [
      { key: K.email(email), policy: EMAIL_COUNT_POLICY },
      ...(address ? [{ key: K.address(address), policy: addressPolicy(env().TRIAGE_SIGNIN_FAILURES_PER_ADDRESS) }] : []),
    ];
    const rows = await rowsOf(tx, back.map((b) => b.key));
    for (const { key, policy } of back) {
      const row = byKey(rows, key);
      if (row && row.failures > 0) await save(tx, key, giveBack(row, policy));
    }
  }, { exclusive: true });
}

/**
 * Every throttle row of this email: its slowdown and every client's lock on it. Called in the
 * transaction that sets a password through a mailed link: whoever holds the mailbox signs in at
 * once, from anywhere (lib/auth/auth.ts, onPasswordReset).
 */
export async function clearEmailThrottle(tx: Tx, email: string) {
  const pairs = K.pairsOf(email);
  await tx.run(
    `DELETE FROM "sign_in_throttle" WHERE "key" = ? OR substr("key", 1, ?) = ?`,
    K.email(email), pairs.length, pairs,
  );
}

/**
 * Checks and counts a sign-up from this client before anything is looked up: refused while the
 * address is locked for wrong passwords (a sign-up with a known address is one, see
 * noteExistingSignUp) or has made its accounts for the hour. Answers which, with the minutes
 * left; counts the sign-up otherwise. Without an address nothing is counted.
 */
export async function reserveSignUp(address: string | null, now = new Date()): Promise<{ locked: number; why: "address" | "signups" | null }> {
  if (!address) return { locked: 0, why: null };
  const perHour = env().TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS;
  const signUpKey = K.signUp(address);
  const addressKey = K.address(address);
  return write(async (tx) => {
    const rows = await rowsOf(tx, [signUpKey, addressKey]);
    const guessing = minutesLocked(byKey(rows, addressKey), now);
    if (guessing) return { locked: guessing, why: "address" as const };
    const made = minutesLocked(byKey(rows, signUpKey), now);
    if (made) return { locked: made, why: "signups" as const };
    await save(tx, signUpKey, recordFailure(byKey(rows, signUpKey), now, signUpPolicy(perHour)));
    return { locked: 0, why: null };
  }, { exclusive: true });
}

/**
 * A sign-up with an address that has an account: counted like a wrong password from this client
 * for that address (the pair and the address) instead of as an account made (reserveSignUp's count
 * is given back), in the caller's transaction.
 */
export async function noteExistingSignUp(tx: Tx, email: string, address: string | null, now = new Date()) {
  if (!address) return;
  const locking = lockingKeys(email, address);
  const signUpKey = K.signUp(address);
  const rows = await rowsOf(tx, [...locking.map((k) => k.key), signUpKey]);
  for (const { key, policy } of locking) await save(tx, key, recordFailure(byKey(rows, key), now, policy));
  const made = byKey(rows, signUpKey);
  if (made && made.failures > 0) await save(tx, signUpKey, giveBack(made, signUpPolicy(env().TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS)));
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
  return write(async (tx) => {
    const rows = await rowsOf(tx, ks.map((k) => k.key));
    const lockedFor = (key: string) => minutesLocked(byKey(rows, key), now);
    const addressLocked = address ? lockedFor(`reset-addr:${address}`) : 0;
    if (addressLocked) return { addressLocked, send: false };
    const emailLocked = lockedFor(ks[0].key) > 0;
    for (const { key, policy } of ks) {
      if (key === ks[0].key && emailLocked) continue;
      await save(tx, key, recordFailure(byKey(rows, key), now, policy));
    }
    return { addressLocked: 0, send: !emailLocked };
  }, { exclusive: true });
}
