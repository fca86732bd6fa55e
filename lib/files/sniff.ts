/**
 * What a file is, decided from its first bytes, never from the name or the type a client claims.
 * Only the four image types below are ever shown inline; everything else is a download. Pure.
 */

/** How many leading bytes `sniffType` looks at. */
export const SNIFF_BYTES = 12;

export const OCTET_STREAM = "application/octet-stream";

/** The types shown inline (in an <img>), and nothing else: no SVG, no HTML, no text. */
const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

const startsWith = (head: Uint8Array, bytes: number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);

/** The type of a file whose first bytes (at least SNIFF_BYTES of them, when it has that many) are `head`. */
export function sniffType(head: Uint8Array): string {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) return "image/gif";
  if (startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(head, ascii("%PDF-"))) return "application/pdf";
  return OCTET_STREAM;
}

/** Whether a file of this (sniffed) type may be shown inline. */
export function isInlineImage(type: string): boolean {
  return INLINE_IMAGES.has(type);
}
