import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM run by server/server.mjs, without type declarations
import { checkFormPost, checkReply, plainValue } from "../../server/action-guard.mjs";

const form = (entries: [string, string][]) => {
  const fd = new FormData();
  for (const [k, v] of entries) fd.append(k, v);
  return fd;
};
const bound = (args: string) =>
  form([["$ACTION_REF_1", ""], ["$ACTION_1:0", JSON.stringify({ id: "7f00", bound: "$@1" })], ["$ACTION_1:1", args], ["body", "hi"]]);

describe("checkFormPost (no JavaScript)", () => {
  it("passes what React renders: a number and the previous state, or no arguments", () => {
    expect(checkFormPost(bound('[12,{"fieldErrors":{},"values":{"body":"$$5 refund"}}]')).ok).toBe(true);
    expect(checkFormPost(form([["$ACTION_ID_7f00", ""], ["title", "x"]])).ok).toBe(true);
    expect(checkFormPost(form([["title", "not an action at all"]])).ok).toBe(true);
  });
  it("refuses what would make React's decoder throw", () => {
    for (const args of ["not json", "{", '"$Q5"', '["$Q5"]', '[1,"$@2"]', '["$1"]', '["$nx"]', '{"a":1}', "[" .repeat(100) + "]".repeat(100)]) {
      expect(checkFormPost(bound(args)).ok, args).toBe(false);
    }
    expect(checkFormPost(form([["$ACTION_REF_1", ""], ["$ACTION_1:0", "{oops"]])).ok).toBe(false);
    expect(checkFormPost(form([["$ACTION_REF_1", ""], ["$ACTION_1:0", '{"id":1}']])).ok).toBe(false);
    expect(checkFormPost(form([["$ACTION_REF_1", ""], ["$ACTION_1:0", '{"id":"x","bound":"$@7"}']])).ok).toBe(false);
  });
  it("refuses a field React would read differently: repeated, or metadata with more than id and bound", () => {
    const twice = bound('[5,"$undefined"]');
    twice.append("$ACTION_1:1", '["$Q5","$undefined"]');
    expect(checkFormPost(twice).ok).toBe(false);
    expect(checkFormPost(form([["$ACTION_REF_1", ""], ["$ACTION_1:0", '{"id":"7f00","bound":null,"x":"$T"}']])).ok).toBe(false);
    expect(checkFormPost(form([["$ACTION_ID_7f00", ""], ["$ACTION_ID_7f00", ""]])).ok).toBe(false);
  });
  it("refuses what React or Next.js would refuse with a throw: long BigInts, over 1,000 items, a megabyte of text", () => {
    expect(checkFormPost(bound(JSON.stringify(["$n" + "9".repeat(297), null]))).ok).toBe(true);
    expect(checkFormPost(bound(JSON.stringify(["$n" + "9".repeat(350), null]))).ok).toBe(false);
    expect(checkFormPost(bound(JSON.stringify(Array.from({ length: 1001 }, () => 1)))).ok).toBe(false);
    expect(checkFormPost(bound(JSON.stringify(["x".repeat(1_000_001), 1]))).ok).toBe(false);
    expect(checkReply(JSON.stringify([{ values: { description: "x".repeat(20_000) } }, "$K1"])).ok).toBe(true);
  });
  it("leaves forged plain values to the action's own parsing", () => {
    // {"gt":0} is plain JSON: the guard lets it through, and the action's zod schema refuses it.
    expect(checkFormPost(bound('[{"gt":0},null]')).ok).toBe(true);
  });
});

describe("checkReply (JavaScript)", () => {
  it("passes plain arguments and a reference to the form", () => {
    expect(checkReply('[12,"$undefined","$K1"]').ok).toBe(true);
    expect(checkReply('["$n123","$D2026-01-01","$NaN","$-0","$Infinity"]').ok).toBe(true);
  });
  it("refuses anything else", () => {
    for (const body of ["{{{", "", null, "null", "12", '{"a":1}', "\uFEFF[1]", '"$Q1"', '["$@1"]', '["$W1"]', '["$h1"]', '["$T"]', '[{"$$typeof":1}]']) {
      expect(checkReply(body).ok, String(body)).toBe(false);
    }
  });
  it("bounds the depth it will walk", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(plainValue(deep, false).ok).toBe(false);
  });
});
