import { z } from "zod";
import type { PeopleQuery, PeopleShow } from "./queries";

/**
 * The admins' users page's URL: ?q=&show=&page=. Pure. Anything unreadable is the default, never
 * an error: a URL is typed, pasted and cut short.
 */
export const PEOPLE_SHOW: Record<PeopleShow, string> = { all: "Everyone", active: "Active", deactivated: "Deactivated" };
export const PEOPLE_QUERY_MAX = 200;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

const schema = z.object({
  q: z.preprocess(first, z.string().max(PEOPLE_QUERY_MAX * 4).catch("")).transform((s) => s.trim().slice(0, PEOPLE_QUERY_MAX)).catch(""),
  show: z.preprocess(first, z.enum(["all", "active", "deactivated"])).catch("all"),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
});

export function parsePeopleQuery(raw: Record<string, string | string[] | undefined>): PeopleQuery {
  const p = schema.parse({ q: raw.q ?? "", show: raw.show ?? "all", page: raw.page ?? 1 });
  return { q: p.q, show: p.show, page: p.page };
}

/** The page's URL for these values (defaults left out). */
export function peopleHref(p: Partial<PeopleQuery>): string {
  const u = new URLSearchParams();
  if (p.q) u.set("q", p.q);
  if (p.show && p.show !== "all") u.set("show", p.show);
  if (p.page && p.page > 1) u.set("page", String(p.page));
  const s = u.toString();
  return `/admin/users${s ? `?${s}` : ""}`;
}
