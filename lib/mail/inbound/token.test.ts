import { describe, expect, it } from "vitest";
import { replyMarker, replyToken, tokenFromAddresses, tokenFromText, verifyReplyToken } from "./token";

const secret = "test-secret-for-reply-tokens";

describe("reply tokens", () => {
  it("round trip: t{ticket}-{20 base32 characters}", () => {
    const token = replyToken(secret, 123);
    expect(token).toMatch(/^t123-[a-z2-7]{20}$/);
    expect(verifyReplyToken(secret, token)).toBe(123);
    expect(replyToken(secret, 123)).toBe(token);
    expect(replyToken(secret, 124)).not.toBe(token);
  });
  it("is case-insensitive and ignores surrounding whitespace", () => {
    const token = replyToken(secret, 9);
    expect(verifyReplyToken(secret, token.toUpperCase())).toBe(9);
    expect(verifyReplyToken(secret, ` ${token} `)).toBe(9);
  });
  it("refuses a tampered signature, another ticket's number, another secret", () => {
    const token = replyToken(secret, 123);
    const sig = token.split("-")[1];
    const flipped = `t123-${sig[0] === "a" ? "b" : "a"}${sig.slice(1)}`;
    expect(verifyReplyToken(secret, flipped)).toBeNull();
    expect(verifyReplyToken(secret, `t124-${sig}`)).toBeNull();
    expect(verifyReplyToken("another-secret", token)).toBeNull();
  });
  it("refuses malformed tokens", () => {
    const sig = replyToken(secret, 1).split("-")[1];
    for (const t of ["", "t1", `t0-${sig}`, `t-1-${sig}`, `t1-${sig.slice(1)}`, `t1-${sig}x`, `x1-${sig}`, `t99999999999999999-${sig}`]) {
      expect(verifyReplyToken(secret, t), t).toBeNull();
    }
  });
  it("refuses to sign what is not a ticket number, or with no secret", () => {
    for (const n of [0, -1, 1.5, Number.NaN, 2 ** 53]) expect(() => replyToken(secret, n)).toThrow();
    expect(() => replyToken("", 1)).toThrow();
  });
});

describe("where tokens travel", () => {
  const token = replyToken(secret, 123);
  it("tokenFromAddresses finds the token among recipients, also lowercased or bracketed", () => {
    expect(tokenFromAddresses(["anna@example.org", `Help Desk <help+${token}@example.com>`])).toBe(token);
    expect(tokenFromAddresses([`HELP+${token.toUpperCase()}@EXAMPLE.COM`])).toBe(token);
    expect(verifyReplyToken(secret, tokenFromAddresses([`help+${token}@example.com`]) ?? "")).toBe(123);
  });
  it("tokenFromAddresses ignores other plus-tags and plain addresses", () => {
    expect(tokenFromAddresses(["help+billing@example.com", "anna+news@example.org", "help@example.com"])).toBeNull();
    expect(tokenFromAddresses([])).toBeNull();
  });
  it("tokenFromText finds the footer marker, also inside quoted history", () => {
    expect(tokenFromText(`Thanks!\n\n> Hello\n> ${replyMarker(token)}\n`)).toBe(token);
    expect(tokenFromText(`[REF:${token.toUpperCase()}]`)).toBe(token);
    expect(tokenFromText(`ref:${token}`)).toBeNull();
    expect(tokenFromText("no token here [ref:t1-short]")).toBeNull();
  });
});
