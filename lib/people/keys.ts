import { EMAIL_MAX, USER_ID } from "../limits";

/**
 * What a person typed (or a link carried) to name someone: an email, a user id from a link, or a
 * name. Pure: the forms, the list's URL and the suggestions route read it the same way, and
 * lib/people/queries.ts looks each kind up by its own index (email: unique; name: (name, id); id:
 * the primary key), so that no lookup reads more than a few rows whatever the desk's size.
 */

/** Control characters and lone surrogates are never part of a name or an address (and cannot be sent to a database). */
const UNWANTED = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What was typed, as one clean line of at most EMAIL_MAX characters (code points), trimmed; "" for nothing. */
export function cleanKey(raw: unknown): string {
  if (typeof raw !== "string") return "";
  const line = raw.replace(UNWANTED, " ").trim();
  return Array.from(line).slice(0, EMAIL_MAX).join("").trim();
}

export type PersonKey =
  /** Stored lower-case (sign-up, invitations and mail all lower-case it). */
  | { kind: "email"; email: string }
  /** A user id or a name: a link's id is looked up first, then the name's spellings. */
  | { kind: "name"; id: string | null; spellings: string[] };

/** How a cleaned key is read: with an @, an email; otherwise a name, which may also be a link's user id. */
export function personKey(key: string): PersonKey | null {
  if (key === "") return null;
  if (key.includes("@")) return { kind: "email", email: key.toLowerCase() };
  return { kind: "name", id: USER_ID.test(key) ? key : null, spellings: nameSpellings(key) };
}

const capital = (word: string) => {
  const [first = "", ...rest] = Array.from(word);
  return first.toUpperCase() + rest.join("");
};

/**
 * The spellings of a typed name that the name index is asked for: as typed, lower-case, and
 * capitalised ("mary ann": "Mary ann", "Mary Ann"). Names are stored as people typed them and the
 * index compares bytes, so "ali" would otherwise never find "Ali Khan"; these few ranges cover how
 * names are written without reading every name (a case-insensitive index would need a migration
 * of its own on both databases).
 */
export function nameSpellings(typed: string): string[] {
  const lower = typed.toLowerCase();
  const words = lower.split(/(\s+|-)/).map((w, i) => (i % 2 === 0 ? capital(w) : w)).join("");
  return [...new Set([typed, lower, capital(lower), words])];
}

/**
 * The range [low, high) of strings that start with `prefix` in code-point order (SQLite's BINARY
 * collation, PostgreSQL's "C": UTF-8 bytes sort as code points): the prefix, and the prefix with
 * its last character's successor. Null when there is no successor (U+10FFFF) or no prefix.
 */
export function prefixRange(prefix: string): readonly [low: string, high: string] | null {
  const cps = Array.from(prefix);
  const last = cps.pop()?.codePointAt(0);
  if (last === undefined || last >= 0x10ffff) return null;
  // A successor in the surrogate block is no character: step over the block.
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return [prefix, cps.join("") + String.fromCodePoint(next)] as const;
}
