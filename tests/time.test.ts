import { describe, expect, it } from "vitest";
import { formatExact, relative } from "@/app/_components/Time";

describe("times in a person's zone", () => {
  const d = new Date("2026-11-30T23:30:00Z");
  it("the exact time names the zone", () => {
    expect(formatExact(d)).toBe("30 Nov 2026, 23:30 UTC");
    expect(formatExact(d, "Asia/Tokyo")).toBe("1 Dec 2026, 08:30 (Asia/Tokyo)");
    expect(formatExact(d, "America/Los_Angeles")).toBe("30 Nov 2026, 15:30 (America/Los Angeles)");
  });
  it("an older date falls on the day it was where the person is", () => {
    const now = new Date("2027-02-15T12:00:00Z");
    expect(relative(d, now)).toBe("30 Nov 2026");
    expect(relative(d, now, "Asia/Tokyo")).toBe("1 Dec 2026");
    expect(relative(new Date("2027-01-01T02:00:00Z"), now, "America/New_York")).toBe("31 Dec 2026");
    expect(relative(new Date("2027-01-01T02:00:00Z"), now, "UTC")).toBe("1 Jan");
  });
});
