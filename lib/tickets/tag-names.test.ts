import { describe, expect, it } from "vitest";
import { formatTags, normaliseTag, parseTagList, TAG_MAX, TAGS_PER_TICKET } from "./tag-names";

describe("normaliseTag", () => {
  it("folds case and spaces into one spelling", () => {
    expect(normaliseTag(" Billing ")).toBe("billing");
    expect(normaliseTag("VIP customer")).toBe("vip-customer");
    expect(normaliseTag("Straße")).toBe("straße");
    expect(normaliseTag("v2.1_beta")).toBe("v2.1_beta");
  });
  it("keeps letters of any script and composes accents", () => {
    expect(normaliseTag("Cafe\u0301")).toBe("caf\u00e9");
    expect(normaliseTag("ПЛАТЁЖ")).toBe("платёж");
  });
  it("refuses what is not a tag instead of dropping characters", () => {
    for (const bad of ["", "   ", "a,b", "<b>", "-lead", ".hidden", "tag!", "a/b", "x".repeat(TAG_MAX + 1), "a\u0000b"]) {
      expect(normaliseTag(bad), bad).toBeNull();
    }
    expect(normaliseTag("x".repeat(TAG_MAX))).toBe("x".repeat(TAG_MAX));
  });
});

describe("parseTagList", () => {
  it("splits on commas and line breaks, once each, in the order typed", () => {
    expect(parseTagList("billing, VIP,billing\nrefund, ,")).toEqual({ ok: true, tags: ["billing", "vip", "refund"] });
    expect(parseTagList("")).toEqual({ ok: true, tags: [] });
  });
  it("names the first part that is not a tag", () => {
    const r = parseTagList("ok, not ok!, fine");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^"not ok!" is not a tag\./);
  });
  it("caps how many", () => {
    const many = Array.from({ length: TAGS_PER_TICKET + 1 }, (_, i) => `t${i}`).join(",");
    expect(parseTagList(many)).toEqual({ ok: false, message: `At most ${TAGS_PER_TICKET} tags.` });
    expect(parseTagList("a,b,c", 2)).toEqual({ ok: false, message: "At most 2 tags." });
  });
});

describe("formatTags", () => {
  it("is sorted and comma-separated", () => {
    expect(formatTags(["vip", "billing"])).toBe("billing, vip");
    expect(formatTags([])).toBe("");
  });
});
