import { describe, expect, it } from "vitest";
import { closedMessage, DEFAULT_POLICY, DOMAINS_MAX, mayOpenAccount, mayWriteIn, parseDomains, type SignUpPolicy } from "./sign-up-policy";

describe("parseDomains", () => {
  it("takes domains separated by commas, spaces or lines, lowercased, without @ and repeats", () => {
    expect(parseDomains(" Example.com, @corp.example.org\nexample.com ;sub.example.co.uk ")).toEqual({
      ok: true,
      domains: ["example.com", "corp.example.org", "sub.example.co.uk"],
    });
    expect(parseDomains("")).toEqual({ ok: true, domains: [] });
  });

  it("names the first thing that is not a domain", () => {
    for (const bad of ["example", "exa mple..com", "-x.com", "x.c", "a@b.com", "*.example.com", "ex_ample.com", "xn--.com"]) {
      const r = parseDomains(`good.com, ${bad}`);
      expect(r.ok, bad).toBe(false);
    }
    expect(parseDomains("good.com, not_a_domain")).toEqual({ ok: false, error: expect.stringContaining("\u201cnot_a_domain\u201d is not a domain") });
  });

  it(`refuses more than ${DOMAINS_MAX} domains`, () => {
    const many = Array.from({ length: DOMAINS_MAX + 1 }, (_, i) => `d${i}.example.com`).join(",");
    expect(parseDomains(many)).toEqual({ ok: false, error: `List at most ${DOMAINS_MAX} domains.` });
    expect(parseDomains(many.split(",").slice(0, DOMAINS_MAX).join(",")).ok).toBe(true);
  });
});

describe("who may open an account and whose mail opens tickets", () => {
  const domains: SignUpPolicy = { mode: "domains", domains: ["example.com"], unknownSenders: false };

  it("is everyone by default", () => {
    expect(mayOpenAccount(DEFAULT_POLICY, "x@anywhere.org")).toBe(true);
    expect(mayWriteIn(DEFAULT_POLICY, "x@anywhere.org")).toBe(true);
  });

  it("matches the domain exactly, not a subdomain or a look-alike", () => {
    expect(mayOpenAccount(domains, "ana@example.com")).toBe(true);
    expect(mayOpenAccount(domains, "ana@sub.example.com")).toBe(false);
    expect(mayOpenAccount(domains, "ana@badexample.com")).toBe(false);
    expect(mayOpenAccount(domains, "ana@example.com.evil.org")).toBe(false);
    expect(mayOpenAccount(domains, 'x"@example.com"@evil.org')).toBe(false);
  });

  it("lets unknown senders write in only where the admin allows it", () => {
    expect(mayWriteIn(domains, "ana@example.com")).toBe(true);
    expect(mayWriteIn(domains, "bob@else.org")).toBe(false);
    expect(mayWriteIn({ ...domains, unknownSenders: true }, "bob@else.org")).toBe(true);
    const nobody: SignUpPolicy = { mode: "nobody", domains: [], unknownSenders: false };
    expect(mayOpenAccount(nobody, "ana@example.com")).toBe(false);
    expect(mayWriteIn(nobody, "ana@example.com")).toBe(false);
    expect(mayWriteIn({ ...nobody, unknownSenders: true }, "ana@example.com")).toBe(true);
  });

  it("says why, naming at most five domains", () => {
    expect(closedMessage({ mode: "nobody", domains: [], unknownSenders: true })).toBe("New accounts are not open here. Ask an admin for an invitation.");
    expect(closedMessage(domains)).toContain("only for addresses at example.com.");
    const seven = { ...domains, domains: ["a.com", "b.com", "c.com", "d.com", "e.com", "f.com", "g.com"] };
    expect(closedMessage(seven)).toContain("a.com, b.com, c.com, d.com, e.com and a few more");
  });
});
