import { describe, expect, it } from "vitest";
import {
  ADDRESS_POLICY,
  EMAIL_POLICY,
  minutesLocked,
  recordFailure,
  tooManyAttemptsMessage,
  type ThrottleRecord,
} from "./throttle-policy";

const MIN = 60_000;
const t0 = new Date("2026-03-01T12:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function fail(times: number, start = t0, stepMs = 1000, policy = EMAIL_POLICY) {
  let r: ThrottleRecord | null = null;
  for (let i = 0; i < times; i++) r = recordFailure(r, new Date(start.getTime() + i * stepMs), policy);
  return r!;
}

describe("recordFailure", () => {
  it("the email policy is 5 failures in 15 minutes, locked for 15", () => {
    expect(EMAIL_POLICY).toEqual({ maxFailures: 5, windowMs: 15 * MIN, lockoutMs: 15 * MIN });
    expect(ADDRESS_POLICY.maxFailures).toBeGreaterThan(EMAIL_POLICY.maxFailures);
  });

  it("counts failures and starts the window at the first one", () => {
    const r = recordFailure(null, t0, EMAIL_POLICY);
    expect(r).toEqual({ failures: 1, windowStart: t0, lockedUntil: null });
    const r2 = recordFailure(r, at(MIN), EMAIL_POLICY);
    expect(r2).toEqual({ failures: 2, windowStart: t0, lockedUntil: null });
  });

  it("four failures do not lock; the fifth locks for 15 minutes from it", () => {
    const four = fail(4);
    expect(four.failures).toBe(4);
    expect(four.lockedUntil).toBeNull();
    expect(minutesLocked(four, at(4000))).toBe(0);

    const fifthAt = at(4000);
    const five = recordFailure(four, fifthAt, EMAIL_POLICY);
    expect(five.failures).toBe(5);
    expect(five.lockedUntil).toEqual(new Date(fifthAt.getTime() + 15 * MIN));
    expect(minutesLocked(five, fifthAt)).toBe(15);
  });

  it("the window expiring resets the count", () => {
    const four = fail(4);
    const later = new Date(t0.getTime() + 15 * MIN);
    const r = recordFailure(four, later, EMAIL_POLICY);
    expect(r).toEqual({ failures: 1, windowStart: later, lockedUntil: null });
  });

  it("just inside the window the count goes on", () => {
    const four = fail(4);
    const r = recordFailure(four, new Date(t0.getTime() + 15 * MIN - 1), EMAIL_POLICY);
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
    expect(recordFailure(locked, after, EMAIL_POLICY)).toEqual({ failures: 1, windowStart: after, lockedUntil: null });
  });

  it("the address policy locks only after its own (larger) limit", () => {
    const below = fail(ADDRESS_POLICY.maxFailures - 1, t0, 1000, ADDRESS_POLICY);
    expect(below.lockedUntil).toBeNull();
    const at30 = recordFailure(below, at(ADDRESS_POLICY.maxFailures * 1000), ADDRESS_POLICY);
    expect(at30.lockedUntil).not.toBeNull();
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

describe("tooManyAttemptsMessage", () => {
  it("says minute or minutes", () => {
    expect(tooManyAttemptsMessage(1)).toBe("Too many attempts, try again in 1 minute.");
    expect(tooManyAttemptsMessage(15)).toBe("Too many attempts, try again in 15 minutes.");
  });
});
