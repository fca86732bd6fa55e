import "server-only";
import { read } from "../db";
import { searchSql, type SearchSql } from "../db/search";
import { searchWords } from "./list-params";

/**
 * What was typed, as the database's full-text query, with prefixes spelled out as the index's
 * words (SearchWord.terms says why): "print" becomes ("print" OR "printer" OR "printers"). Every
 * prefix is looked up in one statement. On SQLite that costs what the prefix would have cost once
 * (fts5vocab reads each word's list to count it: 30–40 ms for "the" at 1,000,000 tickets), so the
 * words are kept until the database changes (the read connection's data_version moves with every
 * commit), and a desk being read pays it once per prefix between writes. PostgreSQL keeps its words
 * in a table of their own, read by key each time. Null when nothing searchable was typed.
 */

/** A prefix standing for more index words than this is asked for as a prefix. */
export const PREFIX_TERMS_MAX = 64;
/** Prefixes remembered between two writes. */
const CACHE_MAX = 2_000;

type Terms = readonly string[] | null;
type Cache = { generation: unknown; terms: Map<string, Terms> };
const holder = globalThis as unknown as { triageSearchTerms?: Cache };

/** The string just after every word that starts with `prefix`: its last character's successor. */
function upperBound(prefix: string): string {
  const cps = Array.from(prefix);
  const last = cps.pop()!.codePointAt(0)!;
  return cps.join("") + String.fromCodePoint(last + 1);
}

/**
 * Words both databases' tokenizers keep as typed (lower-case ASCII letters and digits); others
 * (which SQLite folds and PostgreSQL unaccents) stay prefixes.
 */
const PLAIN = /^[a-z0-9]+$/;

/** Each prefix's words, null for one that stands for more than PREFIX_TERMS_MAX. */
async function termsOf(search: SearchSql, prefixes: string[]): Promise<Map<string, Terms>> {
  const { sql, args } = search.prefixTerms(
    prefixes.map((p) => [p, upperBound(p)] as const),
    PREFIX_TERMS_MAX + 1,
  );
  const found = prefixes.map((): string[] => []);
  for (const r of await read.all<{ i: number | bigint; term: string }>(sql, ...args)) found[Number(r.i)].push(r.term);
  return new Map(prefixes.map((p, i) => [p, found[i].length > PREFIX_TERMS_MAX ? null : found[i]]));
}

/** The terms remembered for this generation of the index (none where the database gives no generation). */
async function cacheOf(search: SearchSql): Promise<Map<string, Terms>> {
  if (!search.generation) return new Map();
  const row = await read.get<Record<string, unknown>>(search.generation);
  const generation = row ? Object.values(row)[0] : null;
  let cache = holder.triageSearchTerms;
  if (!cache || cache.generation !== generation || cache.terms.size > CACHE_MAX) {
    cache = holder.triageSearchTerms = { generation, terms: new Map() };
  }
  return cache.terms;
}

export async function searchMatch(q: string, search: SearchSql = searchSql()): Promise<string | null> {
  const words = q ? searchWords(q) : null;
  if (!words) return null;
  const prefixes = words.filter((w) => w.prefix && PLAIN.test(w.word)).map((w) => w.word);
  if (prefixes.length === 0) return search.query(words);
  const known = await cacheOf(search);
  const missing = prefixes.filter((p) => !known.has(p));
  if (missing.length > 0) for (const [p, terms] of await termsOf(search, missing)) known.set(p, terms);
  return search.query(words.map((w) => (w.prefix && known.get(w.word) ? { ...w, terms: known.get(w.word)! } : w)));
}
