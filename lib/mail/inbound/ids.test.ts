import { describe, expect, it } from "vitest";
import {
  baseAddress,
  capReferences,
  cleanSubject,
  normalizeAddress,
  normalizeMessageId,
  parseReferences,
  rawHash,
  subjectTicketNumber,
} from "./ids";

describe("normalizeMessageId", () => {
  it("strips brackets and whitespace, lowercases the domain only", () => {
    expect(normalizeMessageId("  <CAF=x8Q+ab@Mail.Gmail.COM> ")).toBe("CAF=x8Q+ab@mail.gmail.com");
    expect(normalizeMessageId("<abc@\r\n example.com>")).toBe("abc@example.com");
    expect(normalizeMessageId("abc@example.com")).toBe("abc@example.com");
    expect(normalizeMessageId("<a@b> (Anna's message of Monday)")).toBe("a@b");
  });
  it("nothing, or nothing usable, is null", () => {
    for (const raw of [null, undefined, "", "   ", "<>", `<${"x".repeat(999)}>`]) expect(normalizeMessageId(raw)).toBeNull();
  });
});

describe("parseReferences", () => {
  it("all ids, oldest first, In-Reply-To last, each once", () => {
    expect(parseReferences("<C@X>", "<A@x> <B@x>\r\n <C@x>")).toEqual(["A@x", "B@x", "C@x"]);
    expect(parseReferences("<B@x>", "<A@x> <B@x> <C@x>")).toEqual(["A@x", "C@x", "B@x"]);
  });
  it("copes with missing headers, ids without brackets and comments", () => {
    expect(parseReferences(null, undefined)).toEqual([]);
    expect(parseReferences("<p@x> (message from Anna)", null)).toEqual(["p@x"]);
    expect(parseReferences(undefined, "a@x, b@x")).toEqual(["a@x", "b@x"]);
  });
  it("caps at 50, keeping the thread's first and the newest", () => {
    const refs = Array.from({ length: 80 }, (_, i) => `<m${i}@x>`).join(" ");
    const ids = parseReferences("<parent@x>", refs);
    expect(ids).toHaveLength(50);
    expect(ids[0]).toBe("m0@x");
    expect(ids[1]).toBe("m32@x");
    expect(ids.at(-1)).toBe("parent@x");
  });
});

describe("capReferences", () => {
  const ids = Array.from({ length: 30 }, (_, i) => `m${i}@x`);
  it("keeps the first and the newest max - 1", () => {
    expect(capReferences(ids)).toEqual(["m0@x", ...ids.slice(11)]);
    expect(capReferences(ids, 3)).toEqual(["m0@x", "m28@x", "m29@x"]);
    expect(capReferences(ids, 1)).toEqual(["m0@x"]);
    expect(capReferences(ids, 0)).toEqual([]);
  });
  it("returns a copy of short lists unchanged", () => {
    const short = ["a@x", "b@x"];
    expect(capReferences(short)).toEqual(short);
    expect(capReferences(short)).not.toBe(short);
  });
});

describe("rawHash", () => {
  it("is the sha256 hex of the bytes", () => {
    expect(rawHash(new TextEncoder().encode("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(rawHash(new Uint8Array())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("addresses", () => {
  it("normalizeAddress trims, unbrackets and lowercases, keeping the tag", () => {
    expect(normalizeAddress(" Anna.Berg+Work@Example.ORG ")).toBe("anna.berg+work@example.org");
    expect(normalizeAddress("Anna Berg <Anna@Example.org>")).toBe("anna@example.org");
  });
  it("baseAddress also drops the plus-tag", () => {
    expect(baseAddress("Help+T123-abc@Example.com")).toBe("help@example.com");
    expect(baseAddress("help@example.com")).toBe("help@example.com");
    expect(baseAddress("+odd@example.com")).toBe("+odd@example.com");
    expect(baseAddress("not-an-address")).toBe("not-an-address");
  });
});

describe("subjectTicketNumber", () => {
  it("finds [#N] and [Name #N] anywhere, after any prefixes", () => {
    expect(subjectTicketNumber("[#123] Printer offline")).toBe(123);
    expect(subjectTicketNumber("Re: AW: Fwd: Printer offline [#123]")).toBe(123);
    expect(subjectTicketNumber("WG: [Triage #42] Drucker")).toBe(42);
    expect(subjectTicketNumber("SV: Antw: TR: [Help Desk #7] x")).toBe(7);
    expect(subjectTicketNumber("[#007]")).toBe(7);
    expect(subjectTicketNumber("[#1] and [#2]")).toBe(1);
  });
  it("only positive safe integers in the exact form", () => {
    for (const s of ["[#0]", "[#-3]", "[#12a]", "#12", "[# 12]", "[#99999999999999999]", "[#1.5]", "", null, undefined]) {
      expect(subjectTicketNumber(s), String(s)).toBeNull();
    }
  });
});

describe("cleanSubject", () => {
  it("removes reply/forward prefixes repeatedly and the ticket tag", () => {
    expect(cleanSubject("Re: RE: Fwd: [#12] Printer offline")).toBe("Printer offline");
    expect(cleanSubject("AW: WG: [Triage #12] Drucker im 2. OG")).toBe("Drucker im 2. OG");
    expect(cleanSubject("TR : RE: Écran noir")).toBe("Écran noir");
    expect(cleanSubject("[#12] Re: Re[2]: Fw: VPN")).toBe("VPN");
    expect(cleanSubject("  Server   down  [#5]  ")).toBe("Server down");
  });
  it("leaves words that only start like a prefix", () => {
    expect(cleanSubject("Request: new laptop")).toBe("Request: new laptop");
    expect(cleanSubject("R: drive is full")).toBe("R: drive is full");
  });
  it("empty becomes '(no subject)'", () => {
    for (const s of ["", "   ", "Re:", "Re: [#12]", null, undefined]) expect(cleanSubject(s)).toBe("(no subject)");
  });
});
