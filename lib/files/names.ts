import { oneLine } from "../text";

/**
 * A file's name as people see it and as a download offers it: a label, never a path. Pure.
 */

/** The longest name kept, in characters (code points). */
export const FILE_NAME_MAX = 200;

/** What a name that is nothing (empty, only dots, only invisible characters) becomes. */
const FALLBACK = "file";

/** Extensions longer than this are not kept whole when a name is cut. */
const EXTENSION_MAX = 20;

/** Unicode bidi controls: they can make "gpj.exe" read as "exe.jpg". */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A surrogate without its pair (not valid text: encodeURIComponent throws on it). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The name to keep and show for an uploaded file's `raw` name: its last path segment (after the
 * last / or \), control characters and line breaks as one space (the one-line rule of
 * lib/text.ts), bidi controls removed, trimmed, at most FILE_NAME_MAX characters with its
 * extension kept when cut; "file" when nothing is left.
 */
export function displayName(raw: string): string {
  const base = raw.slice(Math.max(raw.lastIndexOf("/"), raw.lastIndexOf("\\")) + 1);
  const clean = oneLine(base.replace(LONE_SURROGATE, "\ufffd").replace(BIDI, "")).trim();
  if (/^\.*$/.test(clean)) return FALLBACK;
  return cut(clean);
}

function cut(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= FILE_NAME_MAX) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
  const keep = ext.length <= EXTENSION_MAX ? ext : [];
  return chars.slice(0, FILE_NAME_MAX - keep.length).join("").trimEnd() + keep.join("");
}

/** RFC 5987's attr-char: what may stand unescaped in filename*=. */
const rfc5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The Content-Disposition header for a download (`inline` false) or an inline image: the name
 * (made a displayName first, so that no line break or quote can reach the header) as an ASCII
 * `filename="…"` for old clients (anything but printable ASCII, and quotes, backslashes and
 * percent signs, as "_") and exactly as `filename*=UTF-8''…` (RFC 6266, RFC 5987).
 */
export function contentDisposition(name: string, inline: boolean): string {
  const clean = displayName(name);
  const ascii = clean.replace(/[^\x20-\x7e]|["\\%]/gu, "_");
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${rfc5987(clean)}`;
}

const KB = 1024;
const MB = 1024 * 1024;

/** A file's size as people read it: "812 bytes", "34 KB", "2.4 MB", "25 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < KB) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  if (Math.round(bytes / KB) < 1024) return `${Math.round(bytes / KB)} KB`;
  const tenths = Math.round((bytes / MB) * 10) / 10;
  return tenths < 10 && !Number.isInteger(tenths) ? `${tenths.toFixed(1)} MB` : `${Math.round(bytes / MB)} MB`;
}
