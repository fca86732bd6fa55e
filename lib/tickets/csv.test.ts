import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";

describe("csvCell: RFC 4180 quoting", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    ["with space", "with space"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ["line\nbreak", '"line\nbreak"'],
    ["line\r\nbreak", '"line\r\nbreak"'],
    ["carriage\rreturn", '"carriage\rreturn"'],
    ['all, "of"\r\nthem', '"all, ""of""\r\nthem"'],
    ["café ünïcode 日本", "café ünïcode 日本"],
  ])("%j → %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("null and undefined are empty cells", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });
});

describe("csvCell: formula neutralisation", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tstart", "'\tstart"],
    ["\rstart", "\"'\rstart\""],
    ['=HYPERLINK("http://evil","x")', '"\'=HYPERLINK(""http://evil"",""x"")"'],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["-2+3,4", "\"'-2+3,4\""],
  ])("%j → %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("only the first character matters", () => {
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell("1+1")).toBe("1+1");
    expect(csvCell(" =1")).toBe(" =1");
  });

  it("numbers are data, never neutralised", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(-0.5)).toBe("-0.5");
  });
});

describe("csvLine", () => {
  it("joins cells with commas and ends with CRLF", () => {
    expect(csvLine([1, "Printer, 3rd floor", "=evil", null, "Open"])).toBe(
      '1,"Printer, 3rd floor",\'=evil,,Open\r\n',
    );
    expect(csvLine([])).toBe("\r\n");
  });

  it("a parser reading it back gets the original cells (quote-aware split)", () => {
    const cells = ['a "quoted", value', "multi\nline", "plain", ""];
    const line = csvLine(cells);
    expect(parseCsvLine(line)).toEqual(cells);
  });
});

/** A minimal RFC 4180 reader for one record, for the round trip above. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cell = "";
  let quoted = false;
  const body = line.replace(/\r\n$/, "");
  while (i < body.length) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cell);
      cell = "";
    } else cell += ch;
    i++;
  }
  out.push(cell);
  return out;
}
