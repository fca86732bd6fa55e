import { describe, expect, it } from "vitest";
import {
  DEFAULT_DIRECTION,
  SORTS,
  listQuery,
  parseListParams,
  searchWords,
  type ListParams,
} from "./list-params";
import { QUERY_MAX } from "../limits";
import { TAGS_PER_FILTER } from "./tag-names";
import { postgresSearch, sqliteSearch } from "../db/search";

/** What each database is asked for what was typed (lib/db/search.ts), null when nothing searchable. */
const ftsQuery = (q: string) => {
  const words = searchWords(q);
  return words && sqliteSearch.query(words);
};
const tsQuery = (q: string) => {
  const words = searchWords(q);
  return words && postgresSearch.query(words);
};

const DEFAULTS: ListParams = {
  q: "",
  status: [],
  priority: [],
  assignee: "",
  requester: "",
  tags: [],
  sort: "updated",
  dir: "desc",
  page: 1,
  per: 50,
};

/** A URL query string as Next.js hands it to a page: repeated keys become arrays. */
function rawFrom(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

describe("parseListParams", () => {
  it("defaults", () => {
    expect(parseListParams({})).toEqual(DEFAULTS);
    expect(parseListParams({ q: "", status: [], sort: "", dir: "", page: "", per: "" })).toEqual(DEFAULTS);
  });

  it("a valid full query", () => {
    expect(
      parseListParams({
        q: " printer ",
        status: ["Open", "Waiting"],
        priority: "Urgent",
        assignee: "me",
        requester: "user_1-a",
        sort: "priority",
        dir: "asc",
        page: "3",
        per: "25",
      }),
    ).toEqual({
      q: "printer",
      status: ["Open", "Waiting"],
      priority: ["Urgent"],
      assignee: "me",
      requester: "user_1-a",
      tags: [],
      sort: "priority",
      dir: "asc",
      page: 3,
      per: 25,
    });
  });

  it.each([
    ["-1"],
    ["0"],
    ["NaN"],
    ["abc"],
    ["1.5"],
    ["1e3"],
    ["99999999999999999999999"],
    ["1000000001"],
    [" 2"],
    ["Infinity"],
    ["0x10"],
  ])("page %j falls back to 1", (page) => {
    expect(parseListParams({ page }).page).toBe(1);
  });

  it("page within range is kept, including large ones", () => {
    expect(parseListParams({ page: "2" }).page).toBe(2);
    expect(parseListParams({ page: "007" }).page).toBe(7);
    expect(parseListParams({ page: "999999999" }).page).toBe(999_999_999);
  });

  it("per must be 25, 50 or 100; anything else is 50", () => {
    expect(parseListParams({ per: "25" }).per).toBe(25);
    expect(parseListParams({ per: "50" }).per).toBe(50);
    expect(parseListParams({ per: "100" }).per).toBe(100);
    for (const per of ["0", "1", "10", "26", "99", "101", "1000", "-25", "abc", "25.5", "NaN", "Infinity", "0x10"]) {
      expect(parseListParams({ per }).per, per).toBe(50);
    }
  });

  it("unknown sort, dir, status and priority are dropped", () => {
    const p = parseListParams({
      sort: "password",
      dir: "sideways",
      status: ["Open", "Deleted", "open", "Open", "Closed"],
      priority: ["Critical", "High", "High", "1"],
    });
    expect(p.sort).toBe("updated");
    expect(p.dir).toBe("desc");
    expect(p.status).toEqual(["Open", "Closed"]);
    expect(p.priority).toEqual(["High"]);
  });

  it("SQL-looking sort values never pass through", () => {
    for (const sort of ['number; DROP TABLE "ticket"', "title DESC", "1", "__proto__", "constructor"]) {
      expect(parseListParams({ sort }).sort, sort).toBe("updated");
    }
    expect(parseListParams({ dir: "desc; --" }).dir).toBe("desc");
  });

  it("each sort gets its default direction, and an explicit one is kept", () => {
    for (const sort of SORTS) {
      expect(parseListParams({ sort }).dir, sort).toBe(DEFAULT_DIRECTION[sort]);
      expect(parseListParams({ sort, dir: "asc" }).dir).toBe("asc");
      expect(parseListParams({ sort, dir: "desc" }).dir).toBe("desc");
    }
    expect(DEFAULT_DIRECTION.priority).toBe("desc");
    expect(DEFAULT_DIRECTION.updated).toBe("desc");
    expect(DEFAULT_DIRECTION.number).toBe("desc");
  });

  it("relevance: the default with a search, never without one, always descending", () => {
    expect(parseListParams({ q: "x" })).toMatchObject({ sort: "relevance", dir: "desc" });
    expect(parseListParams({ q: "x", dir: "asc" })).toMatchObject({ sort: "relevance", dir: "desc" });
    expect(parseListParams({ sort: "relevance" })).toMatchObject({ sort: "updated", dir: "desc" });
    expect(parseListParams({ q: "x", sort: "title" })).toMatchObject({ sort: "title", dir: "asc" });
    expect(parseListParams({ q: "   " })).toMatchObject({ q: "", sort: "updated" });
  });

  it("tags: typed with commas or repeated, normalised, each once, bad ones dropped, at most TAGS_PER_FILTER", () => {
    expect(parseListParams({ tags: " Billing, VIP customer" }).tags).toEqual(["billing", "vip-customer"]);
    expect(parseListParams(rawFrom("tags=billing&tags=vip&tags=BILLING")).tags).toEqual(["billing", "vip"]);
    expect(parseListParams({ tags: "ok, not ok!, <b>, ,fine" }).tags).toEqual(["ok", "fine"]);
    expect(parseListParams({ tags: "a\u0000b" }).tags).toEqual([]);
    const many = Array.from({ length: TAGS_PER_FILTER + 3 }, (_, i) => `t${i}`);
    expect(parseListParams({ tags: many.join(",") }).tags).toEqual(many.slice(0, TAGS_PER_FILTER));
    expect(parseListParams({ tags: Array.from({ length: 10_000 }, () => "x".repeat(2_000)) }).tags).toEqual([]);
    expect(listQuery({ ...DEFAULTS, tags: ["billing", "vip"] })).toBe("?tags=billing&tags=vip");
  });

  it("arrays where one value is expected take the first; strings where arrays are expected are wrapped", () => {
    const p = parseListParams({
      q: ["first", "second"],
      sort: ["title", "number"],
      dir: ["asc", "desc"],
      page: ["2", "3"],
      per: ["100", "25"],
      assignee: ["none", "me"],
      requester: ["a", "b"],
      status: "Waiting",
    });
    expect(p).toMatchObject({
      q: "first",
      sort: "title",
      dir: "asc",
      page: 2,
      per: 100,
      assignee: "none",
      requester: "a",
      status: ["Waiting"],
    });
    expect(parseListParams({ q: [] as string[] }).q).toBe("");
  });

  it("a 5,000-character search is cut to 200", () => {
    const p = parseListParams({ q: "a".repeat(5000) });
    expect(QUERY_MAX).toBe(200);
    expect(p.q).toHaveLength(200);
  });

  it("control characters and NUL bytes never survive", () => {
    const p = parseListParams({ q: "print\u0000er\u0007 \u001b[31m jam\u007f" });
    expect(p.q).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(p.q).toContain("print");
    expect(p.q).toContain("jam");
    expect(parseListParams({ q: "\u0000\u0000\u0000" }).q).toBe("");
    expect(parseListParams({ q: "\u0000\u0000" }).sort).toBe("updated");
  });

  it("assignee: me, none, or someone (an id from a link, an email or a name as typed)", () => {
    expect(parseListParams({ assignee: "me" }).assignee).toBe("me");
    expect(parseListParams({ assignee: "none" }).assignee).toBe("none");
    expect(parseListParams({ assignee: "abc-123_XYZ" }).assignee).toBe("abc-123_XYZ");
    expect(parseListParams({ assignee: "3f9c1f4e-2a0b-4e7f-9d1c-0a1b2c3d4e5f" }).assignee).toBe(
      "3f9c1f4e-2a0b-4e7f-9d1c-0a1b2c3d4e5f",
    );
    // The typed Assignee field shows Me and Unassigned: they read back as "me" and "none".
    for (const v of ["ME", "Me", " me "]) expect(parseListParams({ assignee: v }).assignee, v).toBe("me");
    for (const v of ["Unassigned", "unassigned", "NONE"]) expect(parseListParams({ assignee: v }).assignee, v).toBe("none");
    expect(parseListParams({ assignee: "Anyone" }).assignee).toBe("");
    expect(parseListParams({ assignee: " Alan@Example.test " }).assignee).toBe("Alan@Example.test");
  });

  it("requester: someone, as typed or linked (lib/tickets/list-filters.ts finds who)", () => {
    expect(parseListParams({ requester: "u_1" }).requester).toBe("u_1");
    // "me" is no shortcut for a requester filter: it is looked up like any name.
    expect(parseListParams({ requester: "me" }).requester).toBe("me");
    expect(parseListParams({ requester: "  rita@example.test\n" }).requester).toBe("rita@example.test");
    expect(parseListParams({ requester: "Rita Requester" }).requester).toBe("Rita Requester");
  });

  it("a person filter is one clean line of at most 254 characters; what it holds is a value, never SQL", () => {
    for (const field of ["assignee", "requester"] as const) {
      expect(parseListParams({ [field]: "' OR 1=1 --" })[field]).toBe("' OR 1=1 --");
      expect(parseListParams({ [field]: "a\u0000b\u001b[31m" })[field]).not.toMatch(/[\u0000-\u001f]/);
      expect(parseListParams({ [field]: "x".repeat(5000) })[field]).toHaveLength(254);
      expect(parseListParams({ [field]: "\ud800" })[field]).toBe("");
      expect(parseListParams({ [field]: "   " })[field]).toBe("");
    }
  });

  it("never throws, whatever it is given", () => {
    const nasty: Record<string, string | string[] | undefined>[] = [
      { q: undefined, page: undefined },
      { status: ["", "", ""], priority: [""] },
      { page: "9".repeat(10_000), per: "9".repeat(10_000) },
      { q: "\ud800", sort: "\ud800", dir: "\ud800" },
      { __proto__: "x", constructor: "y", toString: "z" } as Record<string, string>,
    ];
    for (const raw of nasty) expect(() => parseListParams(raw)).not.toThrow();
  });
});

describe("listQuery", () => {
  it("leaves defaults out", () => {
    expect(listQuery(DEFAULTS)).toBe("");
    expect(listQuery({})).toBe("");
    expect(listQuery({ q: "x", sort: "relevance", dir: "desc" })).toBe("?q=x");
  });

  it("keeps what differs from the defaults", () => {
    expect(listQuery({ ...DEFAULTS, sort: "priority", dir: "desc" })).toBe("?sort=priority");
    expect(listQuery({ ...DEFAULTS, sort: "priority", dir: "asc" })).toBe("?sort=priority&dir=asc");
    expect(listQuery({ ...DEFAULTS, page: 3, per: 100 })).toBe("?per=100&page=3");
  });

  const cases: ListParams[] = [
    DEFAULTS,
    { ...DEFAULTS, q: "printer jam", sort: "relevance", dir: "desc" },
    { ...DEFAULTS, q: "café & \"quotes\" =1+1", sort: "title", dir: "desc" },
    { ...DEFAULTS, q: "x", sort: "updated", dir: "desc" },
    { ...DEFAULTS, q: "x", sort: "updated", dir: "asc" },
    { ...DEFAULTS, status: ["Open", "In progress", "Waiting"], priority: ["Urgent", "High"] },
    { ...DEFAULTS, assignee: "me", requester: "user-1", page: 7, per: 25 },
    { ...DEFAULTS, assignee: "none", sort: "assignee", dir: "desc" },
    { ...DEFAULTS, assignee: "alan@example.test", requester: "rita+tickets@example.test" },
    { ...DEFAULTS, requester: "Rita Requester & Co" },
    { ...DEFAULTS, tags: ["billing", "vip-customer"], status: ["Open"] },
    { ...DEFAULTS, tags: ["café"], q: "printer", sort: "relevance", dir: "desc" },
    ...SORTS.flatMap((sort) =>
      (["asc", "desc"] as const).map((dir) => ({ ...DEFAULTS, sort, dir, page: 2, per: 100 })),
    ),
  ];
  it.each(cases.map((c) => [listQuery(c), c] as const))("round trip %s", (query, params) => {
    expect(parseListParams(rawFrom(query.replace(/^\?/, "")))).toEqual(params);
  });
});

describe("tsQuery (PostgreSQL)", () => {
  it.each([
    ["printer jam", "'printer':* & 'jam':*"],
    ["x'); DROP TABLE ticket; --", "'x' & 'drop':* & 'table':* & 'ticket':*"],
    ["a & b | !c <-> d", "'a' & 'b' & 'c' & 'd'"],
    ["café", "'café':*"],
    ["wi fi", "'wi' & 'fi'"],
    ["", null],
    ["!!! :* &", null],
  ])("%j → %j", (input, expected) => {
    expect(tsQuery(input)).toBe(expected);
  });

  it("has the same words as the FTS5 query, for any input", () => {
    for (const q of ["Printer JAM jam", "e-mail", "日本語 x", "t a s i p m o c w e b d z y x w", "ünïcödé"]) {
      const fts = ftsQuery(q)!.split(" ").map((w) => w.replace(/^"|"\*?$/g, "").replace(/"$/, ""));
      const ts = tsQuery(q)!.split(" & ").map((w) => w.replace(/^'|'(:\*)?$/g, ""));
      expect(ts, q).toEqual(fts);
    }
  });
});

describe("ftsQuery", () => {
  /** Only quoted words, prefix stars on the long ones, separated by spaces: nothing FTS5 could read as syntax. */
  const SAFE = /^"[\p{L}\p{N}]+"\*?( "[\p{L}\p{N}]+"\*?)*$/u;

  it.each([
    ["printer", '"printer"*'],
    ["spaceba", '"spaceba"*'],
    ["printer jam", '"printer"* "jam"*'],
    ['"printer', '"printer"*'],
    ['say "hello world"', '"say"* "hello"* "world"*'],
    ["print*", '"print"*'],
    ["*", null],
    ["a AND b", '"a" "and"* "b"'],
    ["a OR b", '"a" "or" "b"'],
    ["NOT spam", '"not"* "spam"*'],
    ["NEAR(a b, 3)", '"near"* "a" "b" "3"'],
    ["(unbalanced", '"unbalanced"*'],
    ["unbalanced)", '"unbalanced"*'],
    ['"unbalanced', '"unbalanced"*'],
    ["title:foo", '"title"* "foo"*'],
    ["{title body}:foo", '"title"* "body"* "foo"*'],
    ["e-mail", '"e" "mail"*'],
    ["-spam", '"spam"*'],
    ["^start", '"start"*'],
    ["café", '"café"*'],
    ["cafe\u0301", '"café"*'],
    ["Ünïcödé", '"ünïcödé"*'],
    ["日本語", '"日本語"*'],
    ["ｆｕｌｌｗｉｄｔｈ", '"fullwidth"*'],
    ["x'); DROP TABLE ticket; --", '"x" "drop"* "table"* "ticket"*'],
    ["", null],
    ["   ", null],
    ["!!! ??? ...", null],
    ['"" \'\' () * - + ^ : ,', null],
  ])("%j → %j", (input, expected) => {
    expect(ftsQuery(input)).toBe(expected);
  });

  it("one- and two-letter words match whole words: a one-letter prefix would read most of the index", () => {
    expect(ftsQuery("t a s i p m o c w e b d")).toBe('"t" "a" "s" "i" "p" "m" "o" "c" "w" "e" "b" "d"');
    expect(ftsQuery("wi fi")).toBe('"wi" "fi"');
    expect(ftsQuery("vpn")).toBe('"vpn"*');
  });

  it("a word typed twice counts once, in any case", () => {
    expect(ftsQuery("Printer printer PRINTER jam")).toBe('"printer"* "jam"*');
  });

  it("limits the number of words and their length", () => {
    const q = ftsQuery(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" "))!;
    expect(q.split(" ")).toHaveLength(12);
    const long = ftsQuery("x".repeat(500))!;
    expect(long).toBe(`"${"x".repeat(64)}"*`);
  });

  it("cuts long words by characters, never through a surrogate pair", () => {
    expect(ftsQuery(`a${"𠀀".repeat(40)}`)).toBe(`"a${"𠀀".repeat(40)}"*`);
    const q = ftsQuery(`a${"𠀀".repeat(100)}`)!;
    expect(q).toBe(`"a${"𠀀".repeat(63)}"*`);
    expect(q.isWellFormed()).toBe(true);
    expect(ftsQuery("𠀀".repeat(100))!.isWellFormed()).toBe(true);
  });

  it("every query it produces is only quoted prefix words", () => {
    const inputs = [
      'a"b',
      'a""b',
      "a*b",
      "a:b:c",
      "NEAR/3",
      "a + b",
      "((((a",
      "a))))",
      '""""',
      "\u0000a\u0000",
      "tab\tseparated\nlines",
      "emoji 🎉 test",
      "zero\u200bwidth",
      "mixed 123abc ΑΒΓ абв",
      "'single' `back`",
      "a".repeat(5000),
      `x${"𝒜𠀀".repeat(50)}`,
      "\ud800 lone \udc00 surrogates",
      Array.from({ length: 100 }, () => 'x" OR "y').join(" "),
    ];
    for (const input of inputs) {
      const q = ftsQuery(input);
      if (q !== null) {
        expect(q, input).toMatch(SAFE);
        expect(q.isWellFormed(), input).toBe(true);
      }
    }
  });
});
