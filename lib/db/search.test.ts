import { describe, expect, it } from "vitest";
import { postgresSearch, sqliteSearch, type SearchWord } from "./search";

const word = (w: string): SearchWord => ({ word: w, prefix: false });
const prefix = (w: string, terms?: string[]): SearchWord => ({ word: w, prefix: true, terms });

describe("a search's words as each database's query", () => {
  it("a prefix whose words were looked up names them; one not looked up stays a prefix", () => {
    const words = [word("vpn"), prefix("print", ["print", "printer", "printers"]), prefix("lapt")];
    expect(sqliteSearch.query(words)).toBe(`"vpn" AND ("print" OR "printer" OR "printers") AND "lapt"*`);
    expect(postgresSearch.query(words)).toBe(`'vpn' & ('print' | 'printer' | 'printers') & 'lapt':*`);
  });

  it("a prefix of one word is that word; a prefix of none is the prefix as a word, which no document holds", () => {
    expect(postgresSearch.query([prefix("laptop", ["laptop"]), prefix("zzyzx", [])])).toBe(`'laptop' & 'zzyzx'`);
    expect(sqliteSearch.query([prefix("laptop", ["laptop"]), prefix("zzyzx", [])])).toBe(`"laptop" "zzyzx"`);
  });
});

describe("looking up a prefix's words", () => {
  it("asks every range in one statement, with its own limit, and says which range a row is for", () => {
    for (const search of [sqliteSearch, postgresSearch]) {
      const { sql, args } = search.prefixTerms([["print", "prinu"], ["lap", "laq"]], 65);
      expect(args).toEqual(["print", "prinu", 65, "lap", "laq", 65]);
      expect(sql.match(/\?/g)).toHaveLength(6);
      expect(sql).toMatch(/SELECT 0 AS "i".* UNION ALL SELECT 1 AS "i"/);
    }
  });
});
