import { describe, expect, it } from "vitest";
import { cleanKey, nameSpellings, personKey, prefixRange } from "./keys";
import { EMAIL_MAX } from "../limits";

describe("cleanKey", () => {
  it("one trimmed line, control characters and lone surrogates out", () => {
    expect(cleanKey("  rita@example.test ")).toBe("rita@example.test");
    expect(cleanKey("ri\u0000ta\u0007@x\u007f")).toBe("ri ta @x");
    expect(cleanKey("\ud800abc\udc00")).toBe("abc");
    expect(cleanKey("😀 Ann")).toBe("😀 Ann");
    expect(cleanKey("\n\t ")).toBe("");
  });

  it("anything but a string is nothing", () => {
    for (const v of [undefined, null, 3, ["a"], { a: 1 }]) expect(cleanKey(v)).toBe("");
  });

  it("cut to EMAIL_MAX code points, never half a pair", () => {
    expect(Array.from(cleanKey("é".repeat(1000)))).toHaveLength(EMAIL_MAX);
    const emoji = cleanKey("😀".repeat(300));
    expect(Array.from(emoji)).toHaveLength(EMAIL_MAX);
    expect(emoji).not.toMatch(/[\ud800-\udbff]$/);
  });
});

describe("personKey", () => {
  it("with an @: an email, lower-cased (as every address is stored)", () => {
    expect(personKey("Rita@Example.TEST")).toEqual({ kind: "email", email: "rita@example.test" });
    expect(personKey("@")).toEqual({ kind: "email", email: "@" });
  });

  it("otherwise a name, which may be a link's id too", () => {
    expect(personKey("3f9c1f4e-2a0b-4e7f-9d1c-0a1b2c3d4e5f")).toMatchObject({ kind: "name", id: "3f9c1f4e-2a0b-4e7f-9d1c-0a1b2c3d4e5f" });
    expect(personKey("Rita Requester")).toEqual({ kind: "name", id: null, spellings: ["Rita Requester", "rita requester", "Rita requester"] });
    expect(personKey("' OR 1=1 --")).toMatchObject({ kind: "name", id: null });
  });

  it("nothing typed: no key", () => {
    expect(personKey("")).toBeNull();
  });
});

describe("nameSpellings", () => {
  it("as typed, lower-case and capitalised, each once", () => {
    expect(nameSpellings("ali")).toEqual(["ali", "Ali"]);
    expect(nameSpellings("ALI")).toEqual(["ALI", "ali", "Ali"]);
    expect(nameSpellings("mary ann")).toEqual(["mary ann", "Mary ann", "Mary Ann"]);
    expect(nameSpellings("jean-luc")).toEqual(["jean-luc", "Jean-luc", "Jean-Luc"]);
    expect(nameSpellings("Ünal")).toEqual(["Ünal", "ünal"]);
  });
});

describe("prefixRange", () => {
  it("the prefix and its last character's successor", () => {
    expect(prefixRange("ali")).toEqual(["ali", "alj"]);
    expect(prefixRange("a@")).toEqual(["a@", "aA"]);
    expect(prefixRange("z")).toEqual(["z", "{"]);
  });

  it("by code point: an astral last character is stepped as one", () => {
    expect(prefixRange("a😀")).toEqual(["a😀", "a😁"]);
    expect(prefixRange("a\ud7ff")).toEqual(["a\ud7ff", "a\ue000"]);
  });

  it("every string with the prefix is inside, and others are not (code-point order, as the indexes compare)", () => {
    const [low, high] = prefixRange("ann")!;
    const inside = (s: string) => Buffer.compare(Buffer.from(s), Buffer.from(low)) >= 0 && Buffer.compare(Buffer.from(s), Buffer.from(high)) < 0;
    for (const s of ["ann", "anna", "ann@example.com", "ann😀", "ann\u{10ffff}"]) expect(inside(s), s).toBe(true);
    for (const s of ["an", "ano", "Ann", "bann", "anm~"]) expect(inside(s), s).toBe(false);
  });

  it("none for nothing, or past the last code point", () => {
    expect(prefixRange("")).toBeNull();
    expect(prefixRange("a\u{10ffff}")).toBeNull();
  });
});
