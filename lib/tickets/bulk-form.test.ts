import { describe, expect, it } from "vitest";
import { z } from "zod";
import { bulkSchema, numbersList, saveViewSchema, selected } from "./bulk-form";

const parse = (form: Record<string, unknown>) => bulkSchema.safeParse({ ticket: [], shown: [], ...form });

describe("the bulk form", () => {
  it("reads each row as its number and the version the list was drawn at", () => {
    const r = parse({ ticket: ["12:3", "40:1"], status: "Waiting", assignee: "Me", tag: " Billing " });
    expect(r.success && r.data).toMatchObject({ ticket: [{ number: 12, version: 3 }, { number: 40, version: 1 }], status: "Waiting", assignee: "me", tag: "billing", intent: "apply" });
    expect(r.success && r.data.priority).toBeUndefined();
  });

  it("refuses anything but number:version, a number out of range, and more than 100 rows", () => {
    for (const bad of ["12", "a:1", "0:1", "12:-1", "12:1.5", '{"gt":0}', "99999999999:1", "12:1 "]) expect(parse({ ticket: [bad] }).success, bad).toBe(false);
    const many = Array.from({ length: 101 }, (_, i) => `${i + 1}:1`);
    const r = parse({ ticket: many });
    expect(r.success).toBe(false);
    expect(!r.success && z.flattenError(r.error).fieldErrors.ticket?.[0]).toBe("Select at most 100 tickets at a time.");
    expect(parse({ shown: many }).success).toBe(false);
  });

  it("refuses a status, priority, tag or button it does not offer", () => {
    expect(parse({ status: "Archived" }).success).toBe(false);
    expect(parse({ priority: "high" }).success).toBe(false);
    expect(parse({ tag: "no spaces allowed!" }).success).toBe(false);
    expect(parse({ intent: "delete" }).success).toBe(false);
    expect(parse({ all: "yes" }).success).toBe(false);
  });

  it("means every row shown when Select all on this page is ticked", () => {
    const r = parse({ ticket: ["1:1"], shown: ["1:1", "2:4"], all: "on" });
    expect(r.success && selected(r.data)).toEqual([{ number: 1, version: 1 }, { number: 2, version: 4 }]);
  });

  it("names at most 20 numbers in a report", () => {
    expect(numbersList([1, 2, 3])).toBe("#1, #2, #3");
    expect(numbersList(Array.from({ length: 25 }, (_, i) => i + 1))).toMatch(/#20 and 5 more$/);
  });
});

describe("the Save view form", () => {
  it("needs a name of one line, at most 60 characters, and a query of bounded length", () => {
    expect(saveViewSchema.safeParse({ name: "  Waiting\non me ", query: "?status=Waiting" }).data).toEqual({ name: "Waiting on me", query: "?status=Waiting" });
    expect(saveViewSchema.safeParse({ name: " ", query: "" }).success).toBe(false);
    expect(saveViewSchema.safeParse({ name: "x".repeat(61), query: "" }).success).toBe(false);
    expect(saveViewSchema.safeParse({ name: "x", query: "q=".padEnd(2001, "x") }).success).toBe(false);
    expect(saveViewSchema.safeParse({ name: "x", query: "", share: "yes" }).success).toBe(false);
  });
});
