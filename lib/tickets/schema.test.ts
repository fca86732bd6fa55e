import { describe, expect, it } from "vitest";
import { PRIORITIES, STATUSES, description, isDone, newTicketSchema, priority, priorityFromRank, priorityRank, status, statusFromRank, statusRank, title, updateTicketSchema } from "./schema";
import { DESCRIPTION_MAX, TITLE_MAX, parseTicketNumber } from "../limits";

const valid = { title: "Printer on fire", description: "It is on fire.", priority: "High" };

describe("title", () => {
  it("is trimmed", () => {
    expect(title.parse("  Printer on fire \t\n")).toBe("Printer on fire");
  });
  it("rejects empty, missing and whitespace-only titles", () => {
    for (const v of ["", "   ", "\t\n \r\n", undefined, null, 42, ["x"]]) {
      expect(title.safeParse(v).success, JSON.stringify(v)).toBe(false);
    }
  });
  it("accepts exactly 200 characters (after trimming) and rejects 201", () => {
    expect(TITLE_MAX).toBe(200);
    expect(title.parse("x".repeat(200))).toHaveLength(200);
    expect(title.parse(`   ${"x".repeat(200)}   `)).toHaveLength(200);
    const r = title.safeParse("x".repeat(201));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/200 characters/);
  });
  it("accepts a single character", () => {
    expect(title.parse("a")).toBe("a");
  });
});

describe("description", () => {
  it("normalises CRLF and lone CR to LF", () => {
    expect(description.parse("one\r\ntwo\rthree\nfour")).toBe("one\ntwo\nthree\nfour");
  });
  it("keeps the text as typed otherwise (no trimming of the content, markup kept verbatim)", () => {
    const text = "  <b>bold</b>\n\n  indented & <script>x</script>  ";
    expect(description.parse(text)).toBe(text);
  });
  it("rejects empty, missing and whitespace-only descriptions", () => {
    for (const v of ["", "  ", "\r\n\r\n", "\t", undefined, null]) {
      expect(description.safeParse(v).success, JSON.stringify(v)).toBe(false);
    }
  });
  it("accepts 20,000 characters and rejects 20,001", () => {
    expect(DESCRIPTION_MAX).toBe(20_000);
    expect(description.parse("d".repeat(20_000))).toHaveLength(20_000);
    const r = description.safeParse("d".repeat(20_001));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/20,000 characters/);
  });
  it("counts a CRLF line break as one character", () => {
    // 10,000 × "a\r\n" is 30,000 characters as sent, 20,000 as stored.
    const sent = "a\r\n".repeat(10_000);
    expect(description.parse(sent)).toHaveLength(20_000);
    expect(description.safeParse(`${sent}b`).success).toBe(false);
  });
});

describe("priority and status", () => {
  it("accept exactly the known names", () => {
    for (const p of PRIORITIES) expect(priority.parse(p)).toBe(p);
    for (const s of STATUSES) expect(status.parse(s)).toBe(s);
  });
  it("reject forged values", () => {
    const forged = ["", "Critical", "urgent", "URGENT", " Urgent", "Urgent ", "1", "4", "0", "Low;DROP TABLE", undefined, 3];
    for (const v of forged) expect(priority.safeParse(v).success, `priority ${JSON.stringify(v)}`).toBe(false);
    const forgedStatus = ["", "Deleted", "open", "In Progress", "in progress", "InProgress", "5", "Closed\u0000", undefined, 1];
    for (const v of forgedStatus) expect(status.safeParse(v).success, `status ${JSON.stringify(v)}`).toBe(false);
  });
  it("newTicketSchema parses a valid form and rejects a forged priority", () => {
    expect(newTicketSchema.parse(valid)).toEqual(valid);
    const r = newTicketSchema.safeParse({ ...valid, priority: "Critical" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path[0])).toEqual(["priority"]);
  });
  it("newTicketSchema reports every bad field at once", () => {
    const r = newTicketSchema.safeParse({ title: " ", description: "", priority: "x" });
    expect(r.success).toBe(false);
    expect(new Set(r.error?.issues.map((i) => i.path[0]))).toEqual(new Set(["title", "description", "priority"]));
  });
  it("updateTicketSchema rejects forged status/priority and a malformed version", () => {
    const ok = { status: "Resolved", priority: "Low", assigneeId: "", version: "3" };
    expect(updateTicketSchema.parse(ok)).toEqual({ ...ok, version: 3 });
    expect(updateTicketSchema.safeParse({ ...ok, status: "Archived" }).success).toBe(false);
    expect(updateTicketSchema.safeParse({ ...ok, priority: "Highest" }).success).toBe(false);
    for (const version of ["", "-1", "1.5", "abc", "1e3", "9999999999"]) {
      expect(updateTicketSchema.safeParse({ ...ok, version }).success, version).toBe(false);
    }
  });
  it("ranks round-trip, ordered by urgency and workflow", () => {
    PRIORITIES.forEach((p, i) => {
      expect(priorityRank(p)).toBe(i + 1);
      expect(priorityFromRank(i + 1)).toBe(p);
    });
    STATUSES.forEach((s, i) => {
      expect(statusRank(s)).toBe(i + 1);
      expect(statusFromRank(i + 1)).toBe(s);
    });
    expect(priorityRank("Urgent")).toBeGreaterThan(priorityRank("High"));
    expect(priorityRank("High")).toBeGreaterThan(priorityRank("Medium"));
    expect(priorityRank("Medium")).toBeGreaterThan(priorityRank("Low"));
  });
  it("isDone is true for Resolved and Closed only", () => {
    expect(STATUSES.filter(isDone)).toEqual(["Resolved", "Closed"]);
  });
});

describe("parseTicketNumber", () => {
  it("accepts plain positive integers", () => {
    expect(parseTicketNumber("42")).toBe(42);
    expect(parseTicketNumber("1")).toBe(1);
    expect(parseTicketNumber("2147483647")).toBe(2_147_483_647);
    expect(parseTicketNumber("2147483648")).toBeNull();
    expect(parseTicketNumber("999999999999999")).toBeNull();
  });
  it("rejects everything else", () => {
    const bad = [
      "abc",
      "-1",
      "1.5",
      "0",
      "007",
      "00",
      "1e3",
      "+42",
      " 42",
      "42 ",
      "0x10",
      "4 2",
      "",
      "42abc",
      "９",
      "99999999999999999999999999",
      "9007199254740993",
      "1".repeat(1000),
      "Infinity",
      "NaN",
    ];
    for (const raw of bad) expect(parseTicketNumber(raw), JSON.stringify(raw)).toBeNull();
  });
});
