import { describe, expect, it } from "vitest";
import { safeNextPath, sessionTooOld } from "./paths";

describe("safeNextPath", () => {
  it.each([
    ["/tickets?x=1", "/tickets?x=1"],
    ["/tickets", "/tickets"],
    ["/tickets/42", "/tickets/42"],
    ["/tickets?status=Open&status=Waiting#top", "/tickets?status=Open&status=Waiting#top"],
    ["/", "/"],
    ["/admin/users", "/admin/users"],
    ["/a/../tickets", "/tickets"],
  ])("accepts %j → %j", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    ["https://evil.example"],
    ["http://evil.example/tickets"],
    ["//evil.example"],
    ["//evil.example/tickets"],
    ["/\\evil.example"],
    ["/\\/evil.example"],
    ["\\\\evil.example"],
    ["/tickets\\..\\..\\evil"],
    ["javascript:alert(1)"],
    ["JavaScript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["tickets"],
    ["evil.example"],
    [" /tickets"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["/tickets\u0000"],
    [""],
    ["/sign-in"],
    ["/sign-in?next=/sign-in"],
    ["/sign-up"],
    // Dot segments that URL resolution collapses into a protocol-relative "//host".
    ["/.//evil.example"],
    ["/tickets/..//evil.example"],
    ["/%2e//evil.example"],
    ["/%2E%2E//evil.example"],
  ])("rejects %j", (input) => {
    expect(safeNextPath(input)).toBeNull();
  });

  it("rejects null, undefined and very long paths", () => {
    expect(safeNextPath(null)).toBeNull();
    expect(safeNextPath(undefined)).toBeNull();
    expect(safeNextPath(`/${"a".repeat(5000)}`)).toBeNull();
    expect(safeNextPath(`/${"a".repeat(2000)}`)).toBeNull();
    expect(safeNextPath(`/${"a".repeat(1999)}`)).toBe(`/${"a".repeat(1999)}`);
  });

  it("whatever it returns stays on this site", () => {
    const inputs = ["/%2F%2Fevil.example", "/%5Cevil.example", "/.//evil.example", "/tickets/..//evil.example", "/@evil.example"];
    for (const input of inputs) {
      const out = safeNextPath(input);
      if (out === null) continue;
      expect(out.startsWith("/"), input).toBe(true);
      expect(out.startsWith("//"), `${input} → ${out}`).toBe(false);
      expect(out.startsWith("/\\"), `${input} → ${out}`).toBe(false);
      expect(new URL(out, "https://triage.example").origin, input).toBe("https://triage.example");
    }
  });
});

describe("sessionTooOld", () => {
  const created = new Date("2026-01-01T00:00:00Z");
  const day = 24 * 60 * 60;
  it("is false up to and at the limit, true past it", () => {
    expect(sessionTooOld(created, created, 30 * day)).toBe(false);
    expect(sessionTooOld(created, new Date(created.getTime() + 29 * day * 1000), 30 * day)).toBe(false);
    expect(sessionTooOld(created, new Date(created.getTime() + 30 * day * 1000), 30 * day)).toBe(false);
    expect(sessionTooOld(created, new Date(created.getTime() + 30 * day * 1000 + 1), 30 * day)).toBe(true);
    expect(sessionTooOld(created, new Date(created.getTime() + 365 * day * 1000), 30 * day)).toBe(true);
  });
  it("accepts a createdAt given as a string (as a JSON session would carry it)", () => {
    const iso = created.toISOString() as unknown as Date;
    expect(sessionTooOld(iso, new Date(created.getTime() + 31 * day * 1000), 30 * day)).toBe(true);
    expect(sessionTooOld(iso, new Date(created.getTime() + day * 1000), 30 * day)).toBe(false);
  });
});
