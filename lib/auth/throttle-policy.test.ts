import { describe, expect, it } from "vitest";
import {
  ADDRESS_FAILURES_DEFAULT,
  addressPolicy,
  EMAIL_COUNT_POLICY,
  EMAIL_SLOWDOWN,
  giveBack,
  minutesLocked,
  PAIR_POLICY,
  recordFailure,
  signUpPolicy,
  slowdownMs,
  throttleKeys,
  tooManyAttemptsMessage,
  tooManySignUpsMessage,
  type ThrottleRecord,
} from "./throttle-policy";
import { parseEnv } from "../env";

const MIN = 60_000;
const t0 = new Date("2026-03-01T12:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function fail(times: number, start = t0, stepMs = 1000, policy = PAIR_POLICY) {
  let r: ThrottleRecord | null = null;
  for (let i = 0; i < times; i++) r = recordFailure(r, new Date(start.getTime() + i * stepMs), policy);
  return r!;
}

describe("recordFailure", () => {
  it("the pair policy is 5 failures in 15 minutes, locked for 15; the address allows more", () => {
    expect(PAIR_POLICY).toEqual({ maxFailures: 5, windowMs: 15 * MIN, lockoutMs: 15 * MIN });
    expect(addressPolicy(ADDRESS_FAILURES_DEFAULT).maxFailures).toBeGreaterThan(PAIR_POLICY.maxFailures);
  });

  it("counts failures and starts the window at the first one", () => {
    const r = recordFailure(null, t0, PAIR_POLICY);
    expect(r).toEqual({ failures: 1, windowStart: t0, lockedUntil: null });
    const r2 = recordFailure(r, at(MIN), PAIR_POLICY);
    expect(r2).toEqual({ failures: 2, windowStart: t0, lockedUntil: null });
  });

  it("four failures do not lock; the fifth locks for 15 minutes from it", () => {
    const four = fail(4);
    expect(four.failures).toBe(4);
    expect(four.lockedUntil).toBeNull();
    expect(minutesLocked(four, at(4000))).toBe(0);

    const fifthAt = at(4000);
    const five = recordFailure(four, fifthAt, PAIR_POLICY);
    expect(five.failures).toBe(5);
    expect(five.lockedUntil).toEqual(new Date(fifthAt.getTime() + 15 * MIN));
    expect(minutesLocked(five, fifthAt)).toBe(15);
  });

  it("the window expiring resets the count", () => {
    const four = fail(4);
    const later = new Date(t0.getTime() + 15 * MIN);
    const r = recordFailure(four, later, PAIR_POLICY);
    expect(r).toEqual({ failures: 1, windowStart: later, lockedUntil: null });
  });

  it("just inside the window the count goes on", () => {
    const four = fail(4);
    const r = recordFailure(four, new Date(t0.getTime() + 15 * MIN - 1), PAIR_POLICY);
    expect(r.failures).toBe(5);
    expect(r.lockedUntil).not.toBeNull();
  });

  it("a lock expires: then the key may try, and the next failure starts afresh", () => {
    const locked = fail(5, t0, 1000);
    const until = locked.lockedUntil!;
    expect(minutesLocked(locked, new Date(until.getTime() - 1))).toBe(1);
    expect(minutesLocked(locked, until)).toBe(0);
    expect(minutesLocked(locked, new Date(until.getTime() + MIN))).toBe(0);
    const after = new Date(until.getTime() + 1);
    expect(recordFailure(locked, after, PAIR_POLICY)).toEqual({ failures: 1, windowStart: after, lockedUntil: null });
  });

  it("the address policy locks only after its own (larger) limit, which is a setting", () => {
    const policy = addressPolicy(ADDRESS_FAILURES_DEFAULT);
    const below = fail(policy.maxFailures - 1, t0, 1000, policy);
    expect(below.lockedUntil).toBeNull();
    const atLimit = recordFailure(below, at(policy.maxFailures * 1000), policy);
    expect(atLimit.lockedUntil).not.toBeNull();
    const raised = addressPolicy(500);
    expect(fail(499, t0, 10, raised).lockedUntil).toBeNull();
  });

  it("the email is counted but never locked, however many fail", () => {
    const many = fail(1000, t0, 10, EMAIL_COUNT_POLICY);
    expect(many.failures).toBe(1000);
    expect(many.lockedUntil).toBeNull();
    expect(minutesLocked(many, at(10_000))).toBe(0);
  });

  it("sign-ups: N an hour per address, then an hour's wait", () => {
    const policy = signUpPolicy(3);
    expect(fail(2, t0, 1000, policy).lockedUntil).toBeNull();
    const third = fail(3, t0, 1000, policy);
    expect(minutesLocked(third, at(2000))).toBe(60);
    // An hour later the window is over: counting starts again.
    expect(recordFailure(third, at(2000 + 60 * MIN), policy)).toMatchObject({ failures: 1, lockedUntil: null });
  });
});

describe("slowdownMs: every attempt for an account many have failed at waits, nobody is refused", () => {
  it("no wait below the threshold, a few seconds from it on, none once the window is over", () => {
    expect(slowdownMs(null, t0)).toBe(0);
    const below = fail(EMAIL_SLOWDOWN.after - 1, t0, 1000, EMAIL_COUNT_POLICY);
    expect(slowdownMs(below, at(MIN))).toBe(0);
    const over = recordFailure(below, at(MIN), EMAIL_COUNT_POLICY);
    expect(slowdownMs(over, at(MIN))).toBe(EMAIL_SLOWDOWN.delayMs);
    expect(EMAIL_SLOWDOWN.delayMs).toBeGreaterThanOrEqual(1000);
    expect(EMAIL_SLOWDOWN.delayMs).toBeLessThanOrEqual(10_000);
    expect(slowdownMs(over, at(EMAIL_SLOWDOWN.windowMs - 1))).toBe(EMAIL_SLOWDOWN.delayMs);
    expect(slowdownMs(over, at(EMAIL_SLOWDOWN.windowMs))).toBe(0);
  });
});

describe("giveBack", () => {
  it("gives one failure back, and lifts the lock the rest no longer reach", () => {
    const five = fail(5);
    expect(giveBack(five, PAIR_POLICY)).toMatchObject({ failures: 4, lockedUntil: null });
    const six = recordFailure(five, at(6000), { ...PAIR_POLICY, maxFailures: 5 });
    expect(giveBack({ ...six, failures: 6 }, PAIR_POLICY).lockedUntil).not.toBeNull();
    expect(giveBack({ failures: 0, windowStart: t0, lockedUntil: null }, PAIR_POLICY).failures).toBe(0);
  });
});

describe("keys", () => {
  it("one spelling each, emails lower-cased; a pair key starts with its email's prefix", () => {
    expect(throttleKeys.pair("Rita@Example.COM", "203.0.113.9")).toBe("pair:rita@example.com 203.0.113.9");
    expect(throttleKeys.pair("rita@example.com", "2001:db8:1:2::/64").startsWith(throttleKeys.pairsOf("RITA@example.com"))).toBe(true);
    expect(throttleKeys.pair("rita@example.com.evil", "1.2.3.4").startsWith(throttleKeys.pairsOf("rita@example.com"))).toBe(false);
    expect(throttleKeys.email("A@B.C")).toBe("email:a@b.c");
    expect(throttleKeys.address("203.0.113.9")).toBe("addr:203.0.113.9");
    expect(throttleKeys.signUp("203.0.113.9")).toBe("signup-addr:203.0.113.9");
  });
});

describe("minutesLocked", () => {
  const lockedFor = (ms: number): ThrottleRecord => ({ failures: 5, windowStart: t0, lockedUntil: at(ms) });
  it.each([
    [null, 0],
    [0, 0],
    [-1, 0],
    [-15 * MIN, 0],
    [1, 1],
    [MIN - 1, 1],
    [MIN, 1],
    [MIN + 1, 2],
    [61_000, 2],
    [14 * MIN + 1, 15],
    [15 * MIN, 15],
  ])("locked until now + %s ms → %s minutes", (ms, minutes) => {
    const record = ms === null ? { failures: 1, windowStart: t0, lockedUntil: null } : lockedFor(ms);
    expect(minutesLocked(record, t0)).toBe(minutes);
  });
  it("no record, no lock", () => {
    expect(minutesLocked(null, t0)).toBe(0);
  });
});

describe("messages", () => {
  it("say minute or minutes", () => {
    expect(tooManyAttemptsMessage(1)).toBe("Too many attempts, try again in 1 minute.");
    expect(tooManyAttemptsMessage(15)).toBe("Too many attempts, try again in 15 minutes.");
    expect(tooManySignUpsMessage(1)).toMatch(/in 1 minute\.$/);
    expect(tooManySignUpsMessage(60)).toMatch(/in 60 minutes\.$/);
  });
});

describe("settings", () => {
  it("TRIAGE_SIGNIN_FAILURES_PER_ADDRESS and TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS: defaults, raised, refused", () => {
    const d = parseEnv({});
    expect(d.TRIAGE_SIGNIN_FAILURES_PER_ADDRESS).toBe(30);
    expect(d.TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS).toBe(10);
    const raised = parseEnv({ TRIAGE_SIGNIN_FAILURES_PER_ADDRESS: "500", TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS: "1000" });
    expect(raised.TRIAGE_SIGNIN_FAILURES_PER_ADDRESS).toBe(500);
    expect(raised.TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS).toBe(1000);
    for (const bad of ["0", "-1", "1.5", "lots"]) {
      expect(() => parseEnv({ TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS: bad })).toThrow(/TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS/);
      expect(() => parseEnv({ TRIAGE_SIGNIN_FAILURES_PER_ADDRESS: bad })).toThrow(/TRIAGE_SIGNIN_FAILURES_PER_ADDRESS/);
    }
  });
});
