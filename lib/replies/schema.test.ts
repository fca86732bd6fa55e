import { describe, expect, it } from "vitest";
import { z } from "zod";
import { COMMENT_MAX, SAVED_REPLY_NAME_MAX } from "../limits";
import { insertReplySchema, nameKey, parseRepliesQuery, repliesHref, savedReplySchema } from "./schema";

const errors = (r: { success: boolean; error?: z.ZodError }): Partial<Record<string, string[]>> => (r.success ? {} : z.flattenError(r.error!).fieldErrors);

describe("savedReplySchema", () => {
  it("takes a name on one line and a body as typed", () => {
    const r = savedReplySchema.safeParse({ name: "  Password\r\nreset ", body: "Hi {{requester.name}},\r\n\r\nTry again." });
    expect(r.success && r.data).toEqual({ name: "Password reset", body: "Hi {{requester.name}},\n\nTry again." });
  });

  it("refuses a missing, blank or too long name and body, each next to its field", () => {
    expect(errors(savedReplySchema.safeParse({}))).toEqual({ name: ["Enter a name."], body: ["Write the reply."] });
    expect(errors(savedReplySchema.safeParse({ name: " \t ", body: " \n " }))).toEqual({ name: ["Enter a name."], body: ["Write the reply."] });
    const long = errors(savedReplySchema.safeParse({ name: "x".repeat(SAVED_REPLY_NAME_MAX + 1), body: "x".repeat(COMMENT_MAX + 1) }));
    expect(long.name?.[0]).toMatch(/100 characters or fewer/);
    expect(long.body?.[0]).toMatch(/20,000 characters or fewer/);
    expect(savedReplySchema.safeParse({ name: "x".repeat(SAVED_REPLY_NAME_MAX), body: "x".repeat(COMMENT_MAX) }).success).toBe(true);
  });

  it("refuses an unknown placeholder in the body", () => {
    expect(errors(savedReplySchema.safeParse({ name: "Hi", body: "Hello {{customer}}" })).body?.[0]).toMatch(/^Unknown placeholder: \{\{customer\}\}/);
  });

  it("refuses what is not text", () => {
    expect(savedReplySchema.safeParse({ name: { gt: "" }, body: ["x"] }).success).toBe(false);
  });
});

describe("nameKey", () => {
  it("is one key for names that differ in case and spacing only", () => {
    expect(nameKey("  Password   Reset ")).toBe(nameKey("password reset"));
    expect(nameKey("Ärger")).toBe(nameKey("ÄRGER"));
    expect(nameKey("Reset")).not.toBe(nameKey("Resets"));
  });
});

describe("insertReplySchema", () => {
  it("takes a reply id, what was typed and the Internal note box", () => {
    const r = insertReplySchema.safeParse({ reply: "7", body: "Typed\r\n", internal: "on" });
    expect(r.success && r.data).toEqual({ reply: 7, body: "Typed\n", internal: true });
    expect(insertReplySchema.safeParse({ reply: "7" }).data).toEqual({ reply: 7, body: "", internal: false });
  });

  it("refuses a reply that is not an id, and a comment over the limit", () => {
    for (const reply of [undefined, "", "0", "-1", "1.5", "1e3", "abc", '{"gt":0}', "99999999999"]) {
      expect(errors(insertReplySchema.safeParse({ reply, body: "" })).reply, String(reply)).toEqual(["Choose a saved reply."]);
    }
    expect(errors(insertReplySchema.safeParse({ reply: "1", body: "x".repeat(COMMENT_MAX + 1) })).body).toBeDefined();
  });
});

describe("the page's search parameters", () => {
  it("clamps anything odd to no search, page 1", () => {
    expect(parseRepliesQuery({})).toEqual({ q: "", page: 1 });
    expect(parseRepliesQuery({ q: ["a", "b"], page: "-3" })).toEqual({ q: "a", page: 1 });
    expect(parseRepliesQuery({ q: " x\ny ", page: "abc" })).toEqual({ q: "x y", page: 1 });
    expect(parseRepliesQuery({ page: "99999" })).toEqual({ q: "", page: 1 });
    expect(parseRepliesQuery({ q: "z".repeat(500), page: "2" }).q).toHaveLength(200);
  });

  it("writes its own address back without defaults", () => {
    expect(repliesHref({ q: "", page: 1 })).toBe("/saved-replies");
    expect(repliesHref({ q: "a&b", page: 2 })).toBe("/saved-replies?q=a%26b&page=2");
  });
});
