import { z } from "zod";
import type { SearchWord } from "../db/search";
import { PRIORITIES, STATUSES, type Priority, type Status } from "./schema";
import { QUERY_MAX } from "../limits";
import { cleanKey } from "../people/keys";
import { normaliseTag, TAGS_PER_FILTER } from "./tag-names";

/**
 * The ticket list's URL, parsed. Search params are untrusted: anything unknown, negative, huge or
 * malformed falls back to a default, so that any URL renders a page.
 */
export const SORTS = ["number", "title", "status", "priority", "requester", "assignee", "updated"] as const;
export type Sort = (typeof SORTS)[number];
export type Direction = "asc" | "desc";
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

/** The direction a column sorts in when first clicked: newest, highest and most urgent first. */
export const DEFAULT_DIRECTION: Record<Sort, Direction> = {
  number: "desc",
  title: "asc",
  status: "asc",
  priority: "desc",
  requester: "asc",
  assignee: "asc",
  updated: "desc",
};

export type ListParams = {
  q: string;
  status: Status[];
  priority: Priority[];
  /**
   * "" anyone, "me", "none" (unassigned), or someone: a user id (links), or an email or name as
   * typed where there are too many staff to list (lib/tickets/list-filters.ts finds who it is).
   */
  assignee: string;
  /** "" anyone, or someone (agents only): an email or name as typed, or a user id (links). */
  requester: string;
  /**
   * Tags every ticket shown must carry (staff only: lib/tickets/list.ts ignores them for anyone
   * else), normalised, each once, at most TAGS_PER_FILTER.
   */
  tags: string[];
  sort: Sort | "relevance";
  dir: Direction;
  page: number;
  per: number;
};

/** The list as it is with no URL parameters: every ticket, most recently updated first. */
export const DEFAULT_LIST_PARAMS: ListParams = {
  q: "",
  status: [],
  priority: [],
  assignee: "",
  requester: "",
  tags: [],
  sort: "updated",
  dir: "desc",
  page: 1,
  per: DEFAULT_PAGE_SIZE,
};

type Raw = Record<string, string | string[] | undefined>;

const all = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
const first = (v: string | string[] | undefined): string => all(v)[0] ?? "";

/** Control characters (NUL included) are never part of what a person meant to type. */
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, " ");

/**
 * Someone named in the URL: one clean line (lib/people/keys.ts), bound as a value, never SQL. The
 * Assignee field shows "Me" and "Unassigned" where it is typed: they read as "me" and "none".
 */
const person = z.string().transform(cleanKey).catch("");
const assignee = person.transform((v) => {
  const word = v.toLowerCase();
  return word === "me" ? "me" : word === "none" || word === "unassigned" ? "none" : word === "anyone" ? "" : v;
});

const intIn = (min: number, max: number, fallback: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^\d{1,9}$/.test(v) ? Number(v) : fallback),
    z.number().int().min(min).max(max).catch(fallback),
  );

const schema = z.object({
  q: z.string().transform((s) => clean(s).trim().slice(0, QUERY_MAX).trim()),
  status: z.array(z.string()).transform((xs) => dedupe(xs.filter(isStatus))),
  priority: z.array(z.string()).transform((xs) => dedupe(xs.filter(isPriority))),
  assignee,
  requester: person,
  tags: z.array(z.string()).transform(tagFilter),
  sort: z.enum([...SORTS, "relevance"]).optional().catch(undefined),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
  page: intIn(1, 1_000_000_000, 1),
  per: z.preprocess((v) => Number(v), z.union(PAGE_SIZES.map((n) => z.literal(n)))).catch(DEFAULT_PAGE_SIZE),
});

/**
 * The Tags filter: `tags=a&tags=b` (links) or one field typed "a, b" (the form), or both. A part
 * that is not a tag is dropped like an unknown status (the field shows what is kept); the first
 * TAGS_PER_FILTER are used.
 */
function tagFilter(values: string[]): string[] {
  const tags = values
    .flatMap((v) => v.split(/[,\n]/))
    .map(normaliseTag)
    .filter((t): t is string => t !== null);
  return dedupe(tags).slice(0, TAGS_PER_FILTER);
}

const isStatus = (s: string): s is Status => (STATUSES as readonly string[]).includes(s);
const isPriority = (s: string): s is Priority => (PRIORITIES as readonly string[]).includes(s);
const dedupe = <T>(xs: T[]) => [...new Set(xs)];

export function parseListParams(raw: Raw): ListParams {
  const parsed = schema.parse({
    q: first(raw.q),
    status: all(raw.status),
    priority: all(raw.priority),
    assignee: first(raw.assignee),
    requester: first(raw.requester),
    // Bounded before parsing: a URL may repeat the parameter thousands of times.
    tags: all(raw.tags).slice(0, TAGS_PER_FILTER * 4).map((v) => v.slice(0, 1_000)),
    sort: first(raw.sort) || undefined,
    dir: first(raw.dir) || undefined,
    page: first(raw.page),
    per: first(raw.per),
  });
  // Searching ranks by relevance unless a column was chosen; relevance needs a search.
  let sort: Sort | "relevance" = parsed.sort ?? (parsed.q ? "relevance" : "updated");
  if (sort === "relevance" && !parsed.q) sort = "updated";
  const dir = sort === "relevance" ? "desc" : (parsed.dir ?? DEFAULT_DIRECTION[sort]);
  return { ...parsed, sort, dir, per: parsed.per as number };
}

/** The URL query for a list view; defaults are left out so that links stay short. */
export function listQuery(p: Partial<ListParams>): string {
  const u = new URLSearchParams();
  if (p.q) u.set("q", p.q);
  for (const s of p.status ?? []) u.append("status", s);
  for (const s of p.priority ?? []) u.append("priority", s);
  if (p.assignee) u.set("assignee", p.assignee);
  if (p.requester) u.set("requester", p.requester);
  for (const t of p.tags ?? []) u.append("tags", t);
  const defaultSort = p.q ? "relevance" : "updated";
  if (p.sort && p.sort !== defaultSort) u.set("sort", p.sort);
  if (p.sort && p.sort !== "relevance" && p.dir && p.dir !== DEFAULT_DIRECTION[p.sort]) u.set("dir", p.dir);
  else if (p.sort === undefined && p.dir) u.set("dir", p.dir);
  if (p.per && p.per !== DEFAULT_PAGE_SIZE) u.set("per", String(p.per));
  if (p.page && p.page > 1) u.set("page", String(p.page));
  const s = u.toString();
  return s ? `?${s}` : "";
}

/** Words shorter than this match whole words only: a one-letter prefix would expand to most of the index. */
export const PREFIX_MIN = 3;
/** At most this many words of a search are used (the first ones typed). */
export const SEARCH_WORDS_MAX = 12;

/**
 * The words of what a person typed: every run of letters or digits, lower-cased, each once, the
 * first SEARCH_WORDS_MAX, each cut to 64 code points (half a surrogate pair cannot be sent to a
 * database). Words of PREFIX_MIN characters or more match as prefixes ("spaceba" finds
 * "spacebar"); shorter ones match whole words, because "t"* reads every word that starts with t
 * (0.4 s at 100,000 tickets, and twelve of them 1.5 s). Quotes, operators and brackets are never
 * syntax. Null when nothing searchable was typed.
 */
export function searchWords(q: string): SearchWord[] | null {
  const words = q.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return [...new Set(words)]
    .slice(0, SEARCH_WORDS_MAX)
    .map((w) => Array.from(w).slice(0, 64))
    .map((cps) => ({ word: cps.join(""), prefix: cps.length >= PREFIX_MIN }));
}
