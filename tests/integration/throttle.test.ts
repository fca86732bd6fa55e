import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { reserveSignInAttempt, noteSignInSuccess, signInLockout } from "@/lib/auth/throttle";

const MIN = 60_000;
const t0 = new Date("2026-06-01T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const rows = async () =>
  Object.fromEntries((await db.signInThrottle.findMany()).map((r) => [r.key, r]));

beforeEach(async () => {
  await db.signInThrottle.deleteMany();
});

describe("sign-in throttle (database)", () => {
  it("a failure is stored under the email (lower-cased) and the address", async () => {
    await reserveSignInAttempt("Rita@Example.COM", "203.0.113.9", t0);
    const r = await rows();
    expect(Object.keys(r).sort()).toEqual(["addr:203.0.113.9", "email:rita@example.com"]);
    expect(r["email:rita@example.com"]).toMatchObject({ failures: 1, windowStart: t0, lockedUntil: null });
    expect(r["addr:203.0.113.9"]).toMatchObject({ failures: 1, windowStart: t0, lockedUntil: null });
  });

  it("without an address only the email counts", async () => {
    await reserveSignInAttempt("a@example.com", null, t0);
    expect(Object.keys(await rows())).toEqual(["email:a@example.com"]);
  });

  it("locks the email after 5 failures, for 15 minutes", async () => {
    for (let i = 0; i < 4; i++) {
      await reserveSignInAttempt("a@example.com", "198.51.100.1", at(i * 1000));
      expect(await signInLockout("a@example.com", "198.51.100.1", at(i * 1000))).toBe(0);
    }
    await reserveSignInAttempt("a@example.com", "198.51.100.1", at(4000));
    expect(await signInLockout("a@example.com", "198.51.100.1", at(4000))).toBe(15);
    // Another address does not help: the email is locked.
    expect(await signInLockout("a@example.com", "192.0.2.7", at(5000))).toBe(15);
    expect(await signInLockout("A@EXAMPLE.COM", null, at(5000))).toBe(15);
    // Another email from the same address is not locked (the address limit is higher).
    expect(await signInLockout("b@example.com", "198.51.100.1", at(5000))).toBe(0);
    // The lock runs out.
    expect(await signInLockout("a@example.com", null, at(4000 + 14 * MIN + 1))).toBe(1);
    expect(await signInLockout("a@example.com", null, at(4000 + 15 * MIN))).toBe(0);
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
      await reserveSignInAttempt(e, null, t0);
    }
    expect(await signInLockout("x@example.com", null, t0)).toBe(15);
  });

  it("the window running out resets the count", async () => {
    for (let i = 0; i < 4; i++) await reserveSignInAttempt("w@example.com", null, at(i));
    await reserveSignInAttempt("w@example.com", null, at(15 * MIN));
    expect((await rows())["email:w@example.com"]).toMatchObject({ failures: 1, lockedUntil: null });
    expect(await signInLockout("w@example.com", null, at(15 * MIN))).toBe(0);
  });

  it("a success clears the email's count and gives its own attempt back to the address", async () => {
    for (let i = 0; i < 4; i++) await reserveSignInAttempt("s@example.com", "192.0.2.1", at(i));
    // The fifth attempt is reserved, then succeeds.
    expect(await reserveSignInAttempt("s@example.com", "192.0.2.1", at(5))).toBe(0);
    await noteSignInSuccess("S@Example.com", "192.0.2.1");
    const r = await rows();
    expect(r["email:s@example.com"]).toBeUndefined();
    expect(r["addr:192.0.2.1"]).toMatchObject({ failures: 4 });
    // Counting starts again from zero for the email.
    await reserveSignInAttempt("s@example.com", "192.0.2.1", at(10));
    expect((await rows())["email:s@example.com"]).toMatchObject({ failures: 1 });
  });

  it("a success clears an active lock on the email", async () => {
    for (let i = 0; i < 5; i++) await reserveSignInAttempt("l@example.com", null, at(i));
    expect(await signInLockout("l@example.com", null, at(10))).toBe(15);
    await noteSignInSuccess("l@example.com", null);
    expect(await signInLockout("l@example.com", null, at(10))).toBe(0);
  });

  it("an address is locked after 30 failures, whatever the emails", async () => {
    for (let i = 0; i < 29; i++) await reserveSignInAttempt(`user${i}@example.com`, "203.0.113.50", at(i));
    expect(await signInLockout("fresh@example.com", "203.0.113.50", at(100))).toBe(0);
    await reserveSignInAttempt("user29@example.com", "203.0.113.50", at(200));
    expect(await signInLockout("fresh@example.com", "203.0.113.50", at(300))).toBe(15);
    expect(await signInLockout("fresh@example.com", "203.0.113.51", at(300))).toBe(0);
  });

  it("parallel attempts for one email get exactly the limit, and a locked attempt counts nothing", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => reserveSignInAttempt("race@example.com", `198.51.100.${i}`, t0)),
    );
    expect(answers.filter((m) => m === 0)).toHaveLength(5);
    expect(answers.filter((m) => m === 15)).toHaveLength(15);
    const r = await rows();
    expect(r["email:race@example.com"].failures).toBe(5);
    // Only the five addresses whose attempt went through were counted.
    expect(Object.keys(r).filter((k) => k.startsWith("addr:"))).toHaveLength(5);
  });

  it("a success gives the address its attempt back, so one office can sign in all day", async () => {
    for (let i = 0; i < 100; i++) {
      expect(await reserveSignInAttempt(`p${i}@example.com`, "203.0.113.77", at(i))).toBe(0);
      await noteSignInSuccess(`p${i}@example.com`, "203.0.113.77");
    }
    expect((await rows())["addr:203.0.113.77"]).toMatchObject({ failures: 0, lockedUntil: null });
  });

  it("concurrent failures are all counted", async () => {
    await Promise.all(Array.from({ length: 5 }, () => reserveSignInAttempt("c@example.com", "192.0.2.99", t0)));
    const r = await rows();
    expect(r["email:c@example.com"].failures).toBe(5);
    expect(r["addr:192.0.2.99"].failures).toBe(5);
    expect(await signInLockout("c@example.com", null, t0)).toBe(15);
  });
});
