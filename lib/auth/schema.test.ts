import { describe, expect, it } from "vitest";
import { isProofToken, signUpSchema } from "./schema";

describe("signUpSchema: a name is one line", () => {
  it.each([
    ["Eve\r\nBcc: victim@example.com", "Eve Bcc: victim@example.com"],
    ["Eve\n\nFAKE BODY commented", "Eve FAKE BODY commented"],
    ["Eve\rX", "Eve X"],
    ["Tab\there", "Tab here"],
    ["Bell\u0007and\u0000nul", "Bell and nul"],
    ["Line\u2028sep\u2029para\u0085nel", "Line sep para nel"],
    ["  \r\n Eve \r\n ", "Eve"],
  ])("%j is stored as %j", (typed, stored) => {
    const r = signUpSchema.safeParse({ name: typed, email: "eve@example.com", password: "a-long-password" });
    expect(r.success).toBe(true);
    expect(r.data!.name).toBe(stored);
    expect(r.data!.name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  it("a name of nothing but line breaks is no name", () => {
    const r = signUpSchema.safeParse({ name: "\r\n\t\r\n", email: "eve@example.com", password: "a-long-password" });
    expect(r.success).toBe(false);
  });
});

describe("isProofToken", () => {
  it("takes three base64url parts, and nothing else", () => {
    expect(isProofToken("eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFAYi5jIn0.abc-_DEF")).toBe(true);
    for (const bad of ["", "a.b", "a.b.c.d", "a.b.c ", "a.b.c\n", "a.b+c.d", '{"gt":""}', `a.b.${"c".repeat(2000)}`, 12, null, ["a.b.c"]]) {
      expect(isProofToken(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
