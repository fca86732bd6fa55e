import { describe, expect, it } from "vitest";
import { contentDisposition, displayName, FILE_NAME_MAX, formatBytes } from "./names";

/** The name a browser takes from the header: filename* (RFC 5987) when present. */
function parseDisposition(header: string): { type: string; filename: string; fallback: string } {
  const type = header.split(";")[0];
  const star = /;\s*filename\*=UTF-8''([^;\s]*)/.exec(header);
  const plain = /;\s*filename="((?:[^"\\]|\\.)*)"/.exec(header);
  if (!star || !plain) throw new Error(`not parsed: ${header}`);
  // Only attr-chars and %XX may appear unescaped.
  expect(star[1]).toMatch(/^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})*$/);
  return { type, filename: decodeURIComponent(star[1]), fallback: plain[1] };
}

describe("displayName", () => {
  it("keeps the last path segment only, whichever the slashes", () => {
    expect(displayName("../../etc/passwd")).toBe("passwd");
    expect(displayName("C:\\Users\\ann\\Desktop\\report.pdf")).toBe("report.pdf");
    expect(displayName("a/b\\c/../shot.png")).toBe("shot.png");
    expect(displayName("../")).toBe("file");
    expect(displayName("..")).toBe("file");
    expect(displayName(".")).toBe("file");
  });

  it("turns control characters and line breaks into one space, and trims", () => {
    expect(displayName("  in\u0000voice\r\n2024\t.pdf \u0007")).toBe("in voice 2024 .pdf");
    expect(displayName("a\u0085b\u2028c\u007fd")).toBe("a b c d");
    expect(displayName("\u0000\u0001\n")).toBe("file");
  });

  it("removes bidi controls, so that a name reads as it is", () => {
    // "invoice‮fdp.exe" shows as "invoiceexe.pdf" in a right-to-left override.
    expect(displayName("invoice\u202efdp.exe")).toBe("invoicefdp.exe");
    expect(displayName("\u2066a\u2067b\u2068c\u2069d\u200e\u200f\u061c\u202a\u202b\u202c\u202d.txt")).toBe("abcd.txt");
    expect(displayName("\u202e")).toBe("file");
  });

  it("keeps other text as it is, quotes and all", () => {
    expect(displayName('Quarterly "final" \'v2\' (1).xlsx')).toBe('Quarterly "final" \'v2\' (1).xlsx');
    expect(displayName("Übersicht – 日本語 😀.png")).toBe("Übersicht – 日本語 😀.png");
  });

  it(`cuts a long name to ${FILE_NAME_MAX} characters, keeping its extension`, () => {
    const long = `${"a".repeat(300)}.pdf`;
    const cut = displayName(long);
    expect(cut).toHaveLength(FILE_NAME_MAX);
    expect(cut.endsWith("a.pdf")).toBe(true);
    // Characters, not UTF-16 units: no emoji is split in half.
    const emoji = displayName(`${"😀".repeat(300)}.png`);
    expect(Array.from(emoji)).toHaveLength(FILE_NAME_MAX);
    expect(emoji.endsWith("😀.png")).toBe(true);
    expect(emoji.isWellFormed?.() ?? true).toBe(true);
    // An "extension" longer than any is not one: the name is simply cut.
    expect(displayName(`a.${"b".repeat(300)}`)).toBe(`a.${"b".repeat(FILE_NAME_MAX - 2)}`);
    expect(displayName("x".repeat(FILE_NAME_MAX))).toBe("x".repeat(FILE_NAME_MAX));
  });

  it("replaces a lone surrogate, which no header could carry", () => {
    expect(displayName("a\ud800b.txt")).toBe("a\ufffdb.txt");
  });

  it("is idempotent", () => {
    for (const raw of ["../a\u202e.txt", `${"z".repeat(250)}.tar.gz`, " x ", "\\\\server\\share\\q.doc"]) {
      expect(displayName(displayName(raw))).toBe(displayName(raw));
    }
  });
});

describe("contentDisposition", () => {
  const hostile = [
    "report.pdf",
    "../../etc/passwd",
    'say "hi"\\there.txt',
    "line\r\nX-Injected: 1.txt",
    "invoice\u202efdp.exe",
    "Übersicht 日本語 😀.png",
    "100% (final)*'quoted'.txt",
    `${"n".repeat(300)}.docx`,
    "semi;colon, comma=equals.txt",
  ];

  it.each(hostile)("parses back to the display name: %j", (raw) => {
    const header = contentDisposition(raw, false);
    // One line of printable ASCII: safe in any HTTP header.
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    const parsed = parseDisposition(header);
    expect(parsed.type).toBe("attachment");
    expect(parsed.filename).toBe(displayName(raw));
    // The fallback: printable ASCII without quotes, backslashes or percent signs.
    expect(parsed.fallback).toMatch(/^[\x20-\x7e]+$/);
    expect(parsed.fallback).not.toMatch(/["\\%]/);
    expect(Array.from(parsed.fallback)).toHaveLength(Array.from(displayName(raw)).length);
  });

  it("says inline only when asked", () => {
    expect(contentDisposition("a.png", true)).toBe(`inline; filename="a.png"; filename*=UTF-8''a.png`);
    expect(contentDisposition("a.png", false)).toBe(`attachment; filename="a.png"; filename*=UTF-8''a.png`);
  });

  it("gives an ASCII fallback with one _ per character it cannot carry", () => {
    expect(contentDisposition('ä"😀%.txt', false)).toBe(`attachment; filename="____.txt"; filename*=UTF-8''%C3%A4%22%F0%9F%98%80%25.txt`);
    // A backslash is a path separator (Windows): what precedes it is dropped before any of this.
    expect(contentDisposition("a\\b.txt", false)).toBe(`attachment; filename="b.txt"; filename*=UTF-8''b.txt`);
  });
});

describe("formatBytes", () => {
  it("says a size as people read it, never 1024 KB or 10.0 MB", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(180_009)).toBe("176 KB");
    expect(formatBytes(1_047_040)).toBe("1023 KB");
    expect(formatBytes(1_048_064)).toBe("1 MB");
    expect(formatBytes(1024 * 1024 + 1)).toBe("1 MB");
    expect(formatBytes(1.5 * 1024 * 1024)).toBe("1.5 MB");
    expect(formatBytes(10 * 1024 * 1024 - 1)).toBe("10 MB");
    expect(formatBytes(25 * 1024 * 1024)).toBe("25 MB");
  });
});
