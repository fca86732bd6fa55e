import { describe, expect, it } from "vitest";
import { parseRange } from "./range";

describe("Range", () => {
  it("reads one range, an open end and a suffix", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=900-", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-5000", 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange("bytes=990-5000", 1000)).toEqual({ start: 990, end: 999 });
  });

  it("answers the whole file for no header, several ranges, another unit or nonsense", () => {
    for (const h of [null, "", "bytes=0-1,5-6", "items=0-1", "bytes=abc", "bytes=-", "bytes=5-2", "bytes=99999999999999999999-"]) {
      expect(parseRange(h, 1000)).toBeNull();
    }
  });

  it("a range past the end, or of an empty file, is unsatisfiable", () => {
    expect(parseRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
  });
});
