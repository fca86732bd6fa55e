import { describe, expect, it } from "vitest";
import { isInlineImage, OCTET_STREAM, SNIFF_BYTES, sniffType } from "./sniff";

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

describe("sniffType", () => {
  it.each([
    ["image/png", bytes([0x89], "PNG\r\n\x1a\n", [0, 0, 0, 13])],
    ["image/jpeg", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF")],
    ["image/gif", bytes("GIF89a", [1, 0, 1, 0])],
    ["image/gif", bytes("GIF87a")],
    ["image/webp", bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ")],
    ["application/pdf", bytes("%PDF-1.7\n%")],
  ])("%s from its first bytes", (type, head) => {
    expect(sniffType(head.subarray(0, SNIFF_BYTES))).toBe(type);
  });

  it("is application/octet-stream for anything else, whatever the name or the claim would say", () => {
    for (const head of [
      bytes("<svg xmlns=\"http://www.w3.org/2000/svg\">"),
      bytes("<!DOCTYPE html><script>"),
      bytes("hello, world\n"),
      bytes("PK", [3, 4]),
      bytes("RIFF", [0, 0, 0, 0], "WAVE"),
      bytes("GIF88a"),
      bytes([0x89], "PNG"),
      bytes(" %PDF-1.4"),
      new Uint8Array(0),
    ]) {
      expect(sniffType(head)).toBe(OCTET_STREAM);
    }
  });
});

describe("isInlineImage", () => {
  it("is true for the four sniffed image types only", () => {
    for (const t of ["image/png", "image/jpeg", "image/gif", "image/webp"]) expect(isInlineImage(t)).toBe(true);
    for (const t of ["image/svg+xml", "text/html", "text/plain", "application/pdf", OCTET_STREAM, "image/PNG", ""]) {
      expect(isInlineImage(t)).toBe(false);
    }
  });
});
