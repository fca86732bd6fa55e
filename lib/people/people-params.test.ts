import { describe, expect, it } from "vitest";
import { parsePeopleQuery, peopleHref, PEOPLE_QUERY_MAX } from "./people-params";

describe("the users page's URL", () => {
  it("reads a search, a choice of people and a page", () => {
    expect(parsePeopleQuery({ q: "  ana ", show: "deactivated", page: "3" })).toEqual({ q: "ana", show: "deactivated", page: 3 });
    expect(parsePeopleQuery({})).toEqual({ q: "", show: "all", page: 1 });
  });

  it("takes anything unreadable as the default, never an error", () => {
    for (const page of ["0", "-2", "1e400", "abc", "2.5", ["x", "2"]]) expect(parsePeopleQuery({ page }).page).toBe(1);
    expect(parsePeopleQuery({ show: "everyone" }).show).toBe("all");
    expect(parsePeopleQuery({ show: ["active", "all"] }).show).toBe("active");
    expect(parsePeopleQuery({ q: ["a", "b"] }).q).toBe("a");
    expect(parsePeopleQuery({ q: "x".repeat(5000) }).q).toBe("");
    expect(parsePeopleQuery({ q: "y".repeat(PEOPLE_QUERY_MAX + 10) }).q).toHaveLength(PEOPLE_QUERY_MAX);
  });

  it("writes short links", () => {
    expect(peopleHref({ q: "ana b", show: "all", page: 1 })).toBe("/admin/users?q=ana+b");
    expect(peopleHref({ show: "active", page: 2 })).toBe("/admin/users?show=active&page=2");
    expect(peopleHref({})).toBe("/admin/users");
  });
});
