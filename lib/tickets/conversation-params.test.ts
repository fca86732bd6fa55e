import { describe, expect, it } from "vitest";
import { conversationHref, historyHidden, parseConversationParams } from "./conversation-params";

describe("parseConversationParams", () => {
  it("reads a page before or after a comment", () => {
    expect(parseConversationParams({ before: "345" })).toEqual({ kind: "before", comment: 345, event: null });
    expect(parseConversationParams({ after: "9", created: "1" })).toEqual({ kind: "after", comment: 9, event: null });
    expect(parseConversationParams({ before: "2147483647" })).toEqual({ kind: "before", comment: 2_147_483_647, event: null });
  });

  it("reads a place in both of the timeline's streams, either one open", () => {
    expect(parseConversationParams({ before: "345.12" })).toEqual({ kind: "before", comment: 345, event: 12 });
    expect(parseConversationParams({ after: ".7" })).toEqual({ kind: "after", comment: null, event: 7 });
    expect(parseConversationParams({ before: "5." })).toEqual({ kind: "before", comment: 5, event: null });
  });

  it("anything malformed is the latest page, never an error", () => {
    const malformed: Record<string, string | string[] | undefined>[] = [
      {},
      { before: "" },
      { before: "abc" },
      { before: "-3" },
      { before: "0" },
      { before: "012" },
      { before: "1.5.6" },
      { before: "." },
      { before: ".0" },
      { before: "1.-2" },
      { after: "3.2147483648" },
      { before: "1e5" },
      { before: " 12" },
      { before: "2147483648" },
      { before: "99999999999999999999" },
      { before: ["1", "2"] },
      { after: ["3"] },
      { before: "12", after: "14" },
      { before: "{\"gt\":0}" },
      { after: "0x10" },
    ];
    for (const sp of malformed) expect(parseConversationParams(sp), JSON.stringify(sp)).toEqual({ kind: "latest" });
  });

  it("links to a page, scrolled to the conversation", () => {
    expect(conversationHref(12, { kind: "before", comment: 345, event: null })).toBe("/tickets/12?before=345#conversation");
    expect(conversationHref(12, { kind: "before", comment: 345, event: 6 })).toBe("/tickets/12?before=345.6#conversation");
    expect(conversationHref(12, { kind: "after", comment: null, event: 9 })).toBe("/tickets/12?after=.9#conversation");
    expect(conversationHref(12, { kind: "latest" })).toBe("/tickets/12#conversation");
    expect(conversationHref(12, { kind: "after", comment: 3, event: 4 }, { historyHidden: true })).toBe("/tickets/12?after=3.4&history=hide#conversation");
  });

  it("history is folded only by ?history=hide", () => {
    expect(historyHidden({ history: "hide" })).toBe(true);
    for (const v of [undefined, "", "show", "HIDE", ["hide"]]) expect(historyHidden({ history: v })).toBe(false);
  });
});
