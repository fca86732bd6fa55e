import "server-only";
import { read } from "../db";
import { searchSql, type SearchSql, type SearchWord } from "../db/search";
import { searchWords } from "./list-params";

/**
 * What was typed, as the database's full-text query, with SQLite's prefixes spelled out as the
 * index's words (SearchWord.terms says why): "print" becomes ("print" OR "printer" OR "printers").
 * Looking the words up costs what the prefix would have cost once (fts5vocab reads each word's
 * list to count it: 30–40 ms for "the" at 1,000,000 tickets), so they are kept until the database
 * changes (the read connection's data_version moves with every commit), and a desk being read
 * pays it once per prefix between writes. Null when nothing searchable was typed.
 */

/** A prefix standing for more index words than this is asked for as a prefix. */
export const PREFIX_TERMS_MAX = 64;
/** Prefixes remembered between two writes. */
const CACHE_MAX = 2_000;

type Cache = { generation: unknown; terms: Map<string, readonly string[] | null> };
const holder = globalThis as unknown as { triageSearchTerms?: Cache };

/** The string just after every word that starts with `prefix`: its last character's successor. */
function upperBound(prefix: string): string {
  const cps = Array.from(prefix);
  const last = cps.pop()!.codePointAt(0)!;
  return cps.join("") + String.fromCodePoint(last + 1);
}

/** Words SQLite's tokenizer keeps as typed (lower-case ASCII letters and digits); others keep their prefix. */
const PLAIN = /^[a-z0-9]+$/;

async function termsOf(search: SearchSql, word: string): Promise<readonly string[] | null> {
  if (!PLAIN.test(word)) return null;
  const rows = await read.all<{ term: string }>(search.prefixTerms!, word, upperBound(word), PREFIX_TERMS_MAX + 1);
  return rows.length > PREFIX_TERMS_MAX ? null : rows.map((r) => r.term);
}

export async function searchMatch(q: string, search: SearchSql = searchSql()): Promise<string | null> {
  const words = q ? searchWords(q) : null;
  if (!words) return null;
  if (!search.prefixTerms || !search.generation || !words.some((w) => w.prefix)) return search.query(words);
  const row = await read.get<Record<string, unknown>>(search.generation);
  const generation = row ? Object.values(row)[0] : null;
  let cache = holder.triageSearchTerms;
  if (!cache || cache.generation !== generation || cache.terms.size > CACHE_MAX) {
    cache = holder.triageSearchTerms = { generation, terms: new Map() };
  }
  const spelled: SearchWord[] = [];
  for (const w of words) {
    if (!w.prefix) {
      spelled.push(w);
      continue;
    }
    let terms = cache.terms.get(w.word);
    if (terms === undefined) {
      terms = await termsOf(search, w.word);
      cache.terms.set(w.word, terms);
    }
    spelled.push(terms ? { ...w, terms } : w);
  }
  return search.query(spelled);
}
