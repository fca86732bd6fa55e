import { beforeEach, describe, expect, it } from "vitest";
import { models as db, write } from "@/lib/db";
import { EMAIL_SLOWDOWN } from "@/lib/auth/throttle-policy";
import {
  clearEmailThrottle,
  noteExistingSignUp,
  noteSignInSuccess,
  pruneThrottle,
  reserveSignInAttempt,
  reserveSignUp,
  signInLockout,
} from "@/lib/auth/throttle";

/**
 * The throttle's rows (lib/auth/throttle.ts, rules in throttle-policy.ts): a client that guesses
 * is locked out of that account (pair) or of all (address); an account many clients guess at is
 * slowed down for everyone, never locked.
 */
const MIN = 60_000;
const t0 = new Date("2026-06-01T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const rows = async () =>
  Object.fromEntries((await db.signInThrottle.findMany()).map((r) => [r.key, r]));
const free = { locked: 0, delayMs: 0 };

beforeEach(async () => {
  await db.signInThrottle.deleteMany();
});

describe("sign-in throttle (database)", () => {
  it("a failure is stored under the pair, the address and the email (lower-cased)", async () => {
    await reserveSignInAttempt("Rita@Example.COM", "203.0.113.9", t0);
    const r = await rows();
    expect(Object.keys(r).sort()).toEqual(["addr:203.0.113.9", "email:rita@example.com", "pair:rita@example.com 203.0.113.9"]);
    for (const k of Object.keys(r)) expect(r[k]).toMatchObject({ failures: 1, windowStart: t0, lockedUntil: null });
  });

  it("without an address only the email counts, and it never locks", async () => {
    for (let i = 0; i < 8; i++) expect(await reserveSignInAttempt("a@example.com", null, at(i))).toEqual(free);
    expect(Object.keys(await rows())).toEqual(["email:a@example.com"]);
    expect(await signInLockout("a@example.com", null, at(10))).toBe(0);
  });

  it("5 failures lock that client out of that account, and nobody else", async () => {
    for (let i = 0; i < 5; i++) expect(await reserveSignInAttempt("a@example.com", "198.51.100.1", at(i * 1000))).toEqual(free);
    expect(await signInLockout("a@example.com", "198.51.100.1", at(5000))).toBe(15);
    expect(await reserveSignInAttempt("a@example.com", "198.51.100.1", at(5000))).toEqual({ locked: 15, delayMs: 0 });
    expect(await reserveSignInAttempt("A@EXAMPLE.COM", "198.51.100.1", at(5000))).toEqual({ locked: 15, delayMs: 0 });
    // The owner, from a client that has not failed, is not locked out (the issue: anyone could
    // lock anyone out by failing five times for their address).
    expect(await signInLockout("a@example.com", "192.0.2.7", at(5000))).toBe(0);
    expect(await reserveSignInAttempt("a@example.com", "192.0.2.7", at(5000))).toEqual(free);
    // The guessing client may still sign in to another account (the address limit is higher).
    expect(await signInLockout("b@example.com", "198.51.100.1", at(5000))).toBe(0);
    // The lock runs out.
    expect(await signInLockout("a@example.com", "198.51.100.1", at(4000 + 14 * MIN + 1))).toBe(1);
    expect(await signInLockout("a@example.com", "198.51.100.1", at(4000 + 15 * MIN))).toBe(0);
  });

  it("many clients failing at one account slow every attempt at it; none is refused", async () => {
    for (let i = 0; i < EMAIL_SLOWDOWN.after; i++) {
      expect(await reserveSignInAttempt("target@example.com", `203.0.113.${i}`, at(i))).toEqual(free);
    }
    // The owner, from a client that never failed: answered, after the slowdown.
    expect(await reserveSignInAttempt("target@example.com", "192.0.2.200", at(100))).toEqual({ locked: 0, delayMs: EMAIL_SLOWDOWN.delayMs });
    expect(await signInLockout("target@example.com", "192.0.2.200", at(100))).toBe(0);
    // Other accounts are not slowed.
    expect(await reserveSignInAttempt("other@example.com", "192.0.2.200", at(100))).toEqual(free);
    // The window over, no slowdown.
    expect(await reserveSignInAttempt("target@example.com", "192.0.2.200", at(EMAIL_SLOWDOWN.windowMs + 1000))).toEqual(free);
  });

  it("failures persist: a new read sees the same count", async () => {
    for (let i = 0; i < 3; i++) await reserveSignInAttempt("p@example.com", null, at(i));
    const row = await db.$queryRawUnsafe<{ failures: bigint }[]>(
      `SELECT "failures" FROM "sign_in_throttle" WHERE "key" = 'email:p@example.com'`,
    );
    expect(Number(row[0].failures)).toBe(3);
  });

  it("email case does not split the count", async () => {
    for (const e of ["x@example.com", "X@example.com", "x@EXAMPLE.com", "X@EXAMPLE.COM", "x@Example.Com"]) {
      await reserveSignInAttempt(e, "192.0.2.3", t0);
    }
    expect(await signInLockout("x@example.com", "192.0.2.3", t0)).toBe(15);
    expect((await rows())["email:x@example.com"]).toMatchObject({ failures: 5 });
  });

  it("the window running out resets the count", async () => {
    for (let i = 0; i < 4; i++) await reserveSignInAttempt("w@example.com", "192.0.2.4", at(i));
    await reserveSignInAttempt("w@example.com", "192.0.2.4", at(15 * MIN));
    expect((await rows())["pair:w@example.com 192.0.2.4"]).toMatchObject({ failures: 1, lockedUntil: null });
    expect(await signInLockout("w@example.com", "192.0.2.4", at(15 * MIN))).toBe(0);
  });

  it("a success clears the pair and gives its own attempt back to the address and the email", async () => {
    for (let i = 0; i < 4; i++) await reserveSignInAttempt("s@example.com", "192.0.2.1", at(i));
    // The fifth attempt is reserved, then succeeds.
    expect(await reserveSignInAttempt("s@example.com", "192.0.2.1", at(5))).toEqual(free);
    await noteSignInSuccess("S@Example.com", "192.0.2.1");
    const r = await rows();
    expect(r["pair:s@example.com 192.0.2.1"]).toBeUndefined();
    expect(r["addr:192.0.2.1"]).toMatchObject({ failures: 4 });
    expect(r["email:s@example.com"]).toMatchObject({ failures: 4 });
    // Counting starts again from zero for the pair.
    await reserveSignInAttempt("s@example.com", "192.0.2.1", at(10));
    expect((await rows())["pair:s@example.com 192.0.2.1"]).toMatchObject({ failures: 1 });
  });

  it("a success clears an active lock of that client", async () => {
    for (let i = 0; i < 5; i++) await reserveSignInAttempt("l@example.com", "192.0.2.5", at(i));
    expect(await signInLockout("l@example.com", "192.0.2.5", at(10))).toBe(15);
    await noteSignInSuccess("l@example.com", "192.0.2.5");
    expect(await signInLockout("l@example.com", "192.0.2.5", at(10))).toBe(0);
  });

  it("an address is locked after 30 failures, whatever the emails", async () => {
    for (let i = 0; i < 29; i++) await reserveSignInAttempt(`user${i}@example.com`, "203.0.113.50", at(i));
    expect(await signInLockout("fresh@example.com", "203.0.113.50", at(100))).toBe(0);
    await reserveSignInAttempt("user29@example.com", "203.0.113.50", at(200));
    expect(await signInLockout("fresh@example.com", "203.0.113.50", at(300))).toBe(15);
    expect(await signInLockout("fresh@example.com", "203.0.113.51", at(300))).toBe(0);
  });

  it("parallel attempts from one client at one account get exactly the limit, and a locked attempt counts nothing", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => reserveSignInAttempt("race@example.com", "198.51.100.77", t0)),
    );
    expect(answers.filter((a) => a.locked === 0)).toHaveLength(5);
    expect(answers.filter((a) => a.locked === 15)).toHaveLength(15);
    const r = await rows();
    expect(r["pair:race@example.com 198.51.100.77"].failures).toBe(5);
    expect(r["addr:198.51.100.77"].failures).toBe(5);
    expect(r["email:race@example.com"].failures).toBe(5);
  });

  it("parallel attempts from many clients at one account are all answered (none locked)", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => reserveSignInAttempt("spread@example.com", `198.51.100.${i}`, t0)),
    );
    expect(answers.every((a) => a.locked === 0)).toBe(true);
    expect(answers.filter((a) => a.delayMs > 0)).toHaveLength(20 - EMAIL_SLOWDOWN.after);
  });

  it("a success gives the address its attempt back, so one office can sign in all day", async () => {
    for (let i = 0; i < 100; i++) {
      expect(await reserveSignInAttempt(`p${i}@example.com`, "203.0.113.77", at(i))).toEqual(free);
      await noteSignInSuccess(`p${i}@example.com`, "203.0.113.77");
    }
    expect((await rows())["addr:203.0.113.77"]).toMatchObject({ failures: 0, lockedUntil: null });
  });

  it("concurrent failures are all counted", async () => {
    await Promise.all(Array.from({ length: 5 }, () => reserveSignInAttempt("c@example.com", "192.0.2.99", t0)));
    const r = await rows();
    expect(r["pair:c@example.com 192.0.2.99"].failures).toBe(5);
    expect(r["addr:192.0.2.99"].failures).toBe(5);
    expect(await signInLockout("c@example.com", "192.0.2.99", t0)).toBe(15);
  });

  it("rows no rule reads any more are pruned; live ones and running locks stay", async () => {
    await reserveSignInAttempt("old@example.com", "192.0.2.30", t0);
    for (let i = 0; i < 5; i++) await reserveSignUp("192.0.2.31", at(i));
    for (let i = 0; i < 5; i++) await reserveSignInAttempt("locked@example.com", "192.0.2.32", at(100 * MIN + i));
    await reserveSignInAttempt("new@example.com", "192.0.2.33", at(130 * MIN));
    await write((tx) => pruneThrottle(tx, at(130 * MIN)));
    expect(Object.keys(await rows()).sort()).toEqual(
      ["addr:192.0.2.32", "addr:192.0.2.33", "email:locked@example.com", "email:new@example.com", "pair:locked@example.com 192.0.2.32", "pair:new@example.com 192.0.2.33"].sort(),
    );
  });

  it("a reset clears every row of that email, and only of that email", async () => {
    for (let i = 0; i < 5; i++) await reserveSignInAttempt("r@example.com", "192.0.2.10", at(i));
    for (let i = 0; i < 5; i++) await reserveSignInAttempt("r@example.com", `192.0.2.${20 + i}`, at(i));
    for (let i = 0; i < 5; i++) await reserveSignInAttempt("r@example.com.other", "192.0.2.10", at(i));
    await reserveSignInAttempt("rr@example.com", "192.0.2.10", at(9));
    expect(await signInLockout("r@example.com", "192.0.2.10", at(10))).toBe(15);
    await write((tx) => clearEmailThrottle(tx, "R@Example.com"));
    const left = Object.keys(await rows()).sort();
    expect(left).toEqual(["addr:192.0.2.10", ...[20, 21, 22, 23, 24].map((n) => `addr:192.0.2.${n}`), "email:r@example.com.other", "email:rr@example.com", "pair:r@example.com.other 192.0.2.10", "pair:rr@example.com 192.0.2.10"].sort());
    expect(await signInLockout("r@example.com", "192.0.2.10", at(10))).toBe(0);
    expect(await reserveSignInAttempt("r@example.com", "192.0.2.10", at(11))).toEqual(free);
  });
});

describe("sign-up throttle (database)", () => {
  it("counts sign-ups per address and refuses past the hour's limit (TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS, 10 by default)", async () => {
    for (let i = 0; i < 10; i++) expect(await reserveSignUp("203.0.113.5", at(i))).toEqual({ locked: 0, why: null });
    expect(await reserveSignUp("203.0.113.5", at(20))).toEqual({ locked: 60, why: "signups" });
    expect(await reserveSignUp("203.0.113.6", at(20))).toEqual({ locked: 0, why: null });
    expect(await reserveSignUp(null, at(20))).toEqual({ locked: 0, why: null });
    expect(await reserveSignUp("203.0.113.5", at(9 + 60 * MIN))).toEqual({ locked: 0, why: null });
  });

  it("a sign-up with a known address counts as a wrong password from that client, not as an account made", async () => {
    for (let i = 0; i < 5; i++) {
      await reserveSignUp("203.0.113.7", at(i));
      await write((tx) => noteExistingSignUp(tx, "Known@example.com", "203.0.113.7", at(i)));
    }
    const r = await rows();
    expect(r["signup-addr:203.0.113.7"]).toMatchObject({ failures: 0 });
    expect(r["pair:known@example.com 203.0.113.7"]).toMatchObject({ failures: 5 });
    expect(r["addr:203.0.113.7"]).toMatchObject({ failures: 5 });
    expect(r["email:known@example.com"]).toBeUndefined();
    expect(await signInLockout("known@example.com", "203.0.113.7", at(10))).toBe(15);
    // An address locked for guessing may not sign up either.
    for (let i = 0; i < 25; i++) await reserveSignInAttempt(`guess${i}@example.com`, "203.0.113.7", at(20 + i));
    expect(await reserveSignUp("203.0.113.7", at(100))).toEqual({ locked: 15, why: "address" });
  });
});
