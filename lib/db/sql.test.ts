import { describe, expect, it } from "vitest";
import { bindable, numbered, sqlDate } from "./sql";

describe("numbered: ? placeholders for PostgreSQL", () => {
  it("numbers each placeholder in order", () => {
    expect(numbered(`SELECT * FROM "t" WHERE "a" = ? AND "b" IN (?, ?) LIMIT ?`)).toBe(`SELECT * FROM "t" WHERE "a" = $1 AND "b" IN ($2, $3) LIMIT $4`);
  });

  it("leaves a ? inside quoted text or a quoted name alone", () => {
    expect(numbered(`SELECT '?' AS "why?", ? FROM "t" WHERE "x" = 'it''s ?'`)).toBe(`SELECT '?' AS "why?", $1 FROM "t" WHERE "x" = 'it''s ?'`);
  });
});

describe("bindable", () => {
  it("binds a Date as Prisma's stored text, on both databases", () => {
    const d = new Date("2026-01-02T03:04:05.678Z");
    expect(bindable(d)).toBe("2026-01-02T03:04:05.678+00:00");
    expect(bindable(d, "postgres")).toBe(sqlDate(d));
  });

  it("binds a boolean as SQLite's 0 or 1, and as itself on PostgreSQL; undefined as null", () => {
    expect([bindable(true), bindable(false), bindable(true, "postgres"), bindable(undefined)]).toEqual([1, 0, true, null]);
  });
});
