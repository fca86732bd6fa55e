import { describe, expect, it } from "vitest";
import { conversationHref, parseConversationParams } from "./conversation-params";

describe("parseConversationParams", () => {
  it("reads a page before or after a comment", () => {
    expect(parseConversationParams({ before: "345" })).toEqual({ kind: "before", id: 345 });
    expect(parseConversationParams({ after: "9", created: "1" })).toEqual({ kind: "after", id: 9 });
    expect(parseConversationParams({ before: "2147483647" })).toEqual({ kind: "before", id: 2_147_483_647 });
  });

  it("anything malformed is the latest page, never an error", () => {
    const malformed: Record<string, string | string[] | undefined>[] = [
      {},
      { before: "" },
      { before: "abc" },
      { before: "-3" },
      { before: "0" },
      { before: "012" },
      { before: "1.5" },
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
    expect(conversationHref(12, { kind: "before", id: 345 })).toBe("/tickets/12?before=345#conversation");
    expect(conversationHref(12, { kind: "after", id: 9 })).toBe("/tickets/12?after=9#conversation");
    expect(conversationHref(12, { kind: "latest" })).toBe("/tickets/12#conversation");
  });
});
