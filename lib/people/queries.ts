import "server-only";
import { asDate, placeholders, read, type Rows } from "../db";
import { OPEN_STATUS_RANKS } from "../tickets/schema";
import { hasPasswordSql, isAdmin, isAssignableSql, isStaff, parseRole, STAFF_ROLES, type Actor, type Role } from "./identity";
import { cleanKey, personKey, prefixRange, type PersonKey } from "./keys";

/** Someone as the pickers, filters and suggestions show them. */
export type PersonRef = { id: string; name: string; email: string; role: Role; deactivated: boolean };

/**
 * The most assignable people an Assignee picker lists as a select; with more, it is a typed email
 * with suggestions. An option costs a page about 110 bytes (its HTML, and again the payload React
 * navigates with: 13 agents weighed 1.4 KB in `npm run bench:people`), so 200 are about 21 KB on
 * every list and ticket page, about what the rest of a ticket page weighs (22 KB); and a list that
 * long is still quick to use by keyboard (typing a name's first letters jumps to it) and by screen
 * reader. A desk with more staff than that finds them by email or name as it types.
 */
export const ASSIGNEE_SELECT_MAX = 200;

/** The most people one answer of suggestions holds. */
export const SUGGESTIONS_MAX = 10;

type PersonRow = { id: string; name: string; email: string; role: string; deactivatedAt: string | Date | null };
const PERSON = `u."id", u."name", u."email", u."role", u."deactivatedAt"`;
const toRef = (r: PersonRow): PersonRef => ({ id: r.id, name: r.name, email: r.email, role: parseRole(r.role), deactivated: r.deactivatedAt !== null });

/**
 * People named by the ranges of a prefix: the email index's, or the name index's (at most
 * SUGGESTIONS_MAX each, in index order). The ranges are in code-point order: SQLite compares
 * bytes, and PostgreSQL's "name" is COLLATE "C"; its "email" has the database's collation, in
 * which a range may also hold an address that only looks alike ("m-a…" for "ma" in en_US), so
 * suggestPeople keeps only the addresses that really start with what was typed.
 */
const emailsFrom = (assignable: boolean) =>
  `SELECT ${PERSON}, 'email' AS "by" FROM "user" u WHERE u."email" >= ? AND u."email" < ?${assignable ? ` AND ${isAssignableSql("u")}` : ""}
   ORDER BY u."email" LIMIT ${SUGGESTIONS_MAX}`;
const namesFrom = (assignable: boolean) =>
  `SELECT ${PERSON}, 'name' AS "by" FROM "user" u WHERE u."name" >= ? AND u."name" < ?${assignable ? ` AND ${isAssignableSql("u")}` : ""}
   ORDER BY u."name", u."id" LIMIT ${SUGGESTIONS_MAX}`;

/**
 * The people SQL of the pickers, filters and suggestions. Each reads by an index and a handful of
 * rows, whatever the desk's size (tests/integration/people-plans.test.ts checks the plans on both
 * databases); read on every page as prepared statements, never cached: several Triage processes
 * may serve one database, and a cache in one would miss a sign-up or a role change made through
 * another.
 */
export const PEOPLE_SQL = {
  /**
   * Assignable staff by name, one more than a select lists (to know whether it would): each staff
   * role's first ones in the order of user_role_name_idx, merged by listAssignees. Asked for both
   * roles at once the index gives no order, and every agent was read and sorted (1.4 ms at 1,000
   * agents, against 0.55 ms for these 402 rows at most).
   */
  assignees: STAFF_ROLES.map(
    (role) => `SELECT * FROM (SELECT u."id", u."name", u."email" FROM "user" u WHERE ${isAssignableSql("u", role)}
       ORDER BY u."name" ASC, u."id" ASC LIMIT ${ASSIGNEE_SELECT_MAX + 1}) s_${role}`,
  ).join(" UNION ALL "),
  byId: `SELECT ${PERSON} FROM "user" u WHERE u."id" = ?`,
  byEmail: `SELECT ${PERSON} FROM "user" u WHERE u."email" = ?`,
  /** Two people with one of these spellings of a name (two: "which one?"). */
  byName: (spellings: number) => `SELECT ${PERSON} FROM "user" u WHERE u."name" IN (${placeholders(spellings)}) ORDER BY u."name", u."id" LIMIT 2`,
  /**
   * Suggestions: people whose email starts with the prefix, and (without an @) whose name starts
   * with one of its `names` spellings; each range at most SUGGESTIONS_MAX rows of its index, in
   * one statement. `assignable`: only people who may be given tickets.
   */
  suggest: (names: number, assignable: boolean) =>
    [emailsFrom(assignable), ...Array.from({ length: names }, () => namesFrom(assignable))]
      .map((q, i) => `SELECT * FROM (${q}) s${i}`)
      .join(" UNION ALL "),
};

/** The Assignee picker's choices: a select's people, or too many to list (`typed`: an email with suggestions). */
export type AssigneeChoices = { kind: "select"; people: PersonOption[] } | { kind: "typed" };
/** An option of the select: the person's id, and their name (with their email where two share it). */
export type PersonOption = { id: string; label: string };

/** Who may be given tickets, for a picker: the active agents and admins by name, when few enough to list. */
export async function listAssignees(): Promise<AssigneeChoices> {
  const byRole = await read.all<{ id: string; name: string; email: string }>(PEOPLE_SQL.assignees);
  if (byRole.length > ASSIGNEE_SELECT_MAX) return { kind: "typed" };
  // By name, then id, compared as the index compares (code points), as one statement would have.
  const people = byRole.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const shared = new Set(people.filter((p, i) => i > 0 && people[i - 1].name === p.name).map((p) => p.name));
  return { kind: "select", people: people.map((p) => ({ id: p.id, label: shared.has(p.name) ? `${p.name} (${p.email})` : p.name })) };
}

export type Found = { kind: "found"; person: PersonRef } | { kind: "unknown" } | { kind: "ambiguous" };

/**
 * The person a key names (lib/people/keys.ts): by email; or by id (a link's), then by name, where
 * two people with that name are `ambiguous`. `db`: a transaction's reads, or the shared ones.
 */
export async function findPerson(key: PersonKey, db: Rows = read): Promise<Found> {
  if (key.kind === "email") {
    const row = await db.get<PersonRow>(PEOPLE_SQL.byEmail, key.email);
    return row ? { kind: "found", person: toRef(row) } : { kind: "unknown" };
  }
  if (key.id !== null) {
    const row = await db.get<PersonRow>(PEOPLE_SQL.byId, key.id);
    if (row) return { kind: "found", person: toRef(row) };
  }
  const rows = await db.all<PersonRow>(PEOPLE_SQL.byName(key.spellings.length), ...key.spellings);
  if (rows.length === 0) return { kind: "unknown" };
  return rows.length === 1 ? { kind: "found", person: toRef(rows[0]) } : { kind: "ambiguous" };
}

/** One person by id, or null. */
export async function getPerson(id: string, db: Rows = read): Promise<PersonRef | null> {
  const row = await db.get<PersonRow>(PEOPLE_SQL.byId, id);
  return row ? toRef(row) : null;
}

/**
 * Up to SUGGESTIONS_MAX people whose email or name starts with what was typed, by name, for staff
 * only (an empty list for anyone else): `assignable` limits them to who may be given tickets.
 */
export async function suggestPeople(actor: Actor, typed: string, { assignable }: { assignable: boolean }): Promise<PersonRef[]> {
  if (!isStaff(actor)) return [];
  const clean = cleanKey(typed);
  const key = personKey(clean);
  if (!key) return [];
  const email = prefixRange(clean.toLowerCase());
  const names = key.kind === "name" ? key.spellings.map(prefixRange).filter((r) => r !== null) : [];
  if (!email) return [];
  const rows = await read.all<PersonRow & { by: string }>(PEOPLE_SQL.suggest(names.length, assignable), ...email, ...names.flat());
  const byId = new Map(rows.filter((r) => r.by !== "email" || r.email.startsWith(email[0])).map((r) => [r.id, toRef(r)]));
  return [...byId.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email))
    .slice(0, SUGGESTIONS_MAX);
}

export type UserRow = { id: string; name: string; email: string; role: Role; createdAt: Date; deactivated: boolean; invited: boolean; openAssigned: number };

export const PEOPLE_PAGE = 50;
/** Past this many matches a search says "more than" instead of counting them all. */
export const PEOPLE_COUNT_CAP = 1000;

export type PeopleShow = "all" | "active" | "deactivated";
export type PeopleQuery = { q: string; show: PeopleShow; page: number };
/** `total` is exact unless `capped` (then more than PEOPLE_COUNT_CAP match). */
export type PeoplePage = { rows: UserRow[]; total: number; capped: boolean; page: number; hasNext: boolean };

/** Pages past this are not served (an offset walk grows with the page). Search narrows instead. */
export const PEOPLE_PAGE_MAX = 2000;

/** `%`, `_` and the escape itself, taken literally by LIKE … ESCAPE '\'. */
export const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of people for the admins' page, by name, with a search on name or email (anywhere in
 * either, any case) and active/deactivated. Never the password: it lives in another table. The
 * page walks the (name, id) index and stops at the page; the count stops at PEOPLE_COUNT_CAP.
 */
export async function listUsers(actor: Actor, query: PeopleQuery): Promise<PeoplePage> {
  if (!isAdmin(actor)) return { rows: [], total: 0, capped: false, page: 1, hasNext: false };
  const where: string[] = [];
  const args: unknown[] = [];
  const q = query.q.trim().toLowerCase();
  if (q) {
    const pattern = `%${likeLiteral(q)}%`;
    where.push(`(lower(u."name") LIKE ? ESCAPE '\\' OR u."email" LIKE ? ESCAPE '\\')`);
    args.push(pattern, pattern);
  }
  if (query.show === "active") where.push(`u."deactivatedAt" IS NULL`);
  if (query.show === "deactivated") where.push(`u."deactivatedAt" IS NOT NULL`);
  const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
  // Everyone is counted exactly (one index scan); a filtered count stops past the cap.
  const counted = await read.get<{ n: number }>(
    filter ? `SELECT count(*) AS "n" FROM (SELECT 1 FROM "user" u ${filter} LIMIT ${PEOPLE_COUNT_CAP + 1}) m` : `SELECT count(*) AS "n" FROM "user"`,
    ...args,
  );
  const seen = Number(counted?.n ?? 0);
  const capped = Boolean(filter) && seen > PEOPLE_COUNT_CAP;
  const total = capped ? PEOPLE_COUNT_CAP : seen;
  const pages = capped ? PEOPLE_PAGE_MAX : Math.min(PEOPLE_PAGE_MAX, Math.max(1, Math.ceil(total / PEOPLE_PAGE)));
  const page = Math.min(Math.max(1, Math.trunc(query.page) || 1), pages);
  // One row past the page says whether there is a next one (a capped count cannot).
  const found = seen === 0 ? [] : await read.all<{ id: string; name: string; email: string; role: string; createdAt: string | Date; deactivatedAt: unknown; invited: number | boolean }>(
    `SELECT u."id", u."name", u."email", u."role", u."createdAt", u."deactivatedAt",
       CASE WHEN ${hasPasswordSql("u")} THEN 0 ELSE 1 END AS "invited"
     FROM "user" u ${filter} ORDER BY u."name" ASC, u."id" ASC LIMIT ${PEOPLE_PAGE + 1} OFFSET ${(page - 1) * PEOPLE_PAGE}`,
    ...args,
  );
  const users = found.slice(0, PEOPLE_PAGE);
  const deactivated = users.filter((u) => u.deactivatedAt !== null).map((u) => u.id);
  const open = deactivated.length ? await openAssignedTo(read, deactivated) : new Map<string, number>();
  const rows = users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    role: parseRole(u.role),
    createdAt: asDate(u.createdAt),
    deactivated: u.deactivatedAt !== null,
    invited: Number(u.invited) === 1,
    openAssigned: open.get(u.id) ?? 0,
  }));
  return { rows, total, capped, page, hasNext: page < pages && found.length > PEOPLE_PAGE };
}

/** Tickets still to do assigned to each of these people, from the tally (a handful of rows each). */
export async function openAssignedTo(rows: Rows, ids: string[]): Promise<Map<string, number>> {
  const found = await rows.all<{ assigneeId: string; n: number }>(
    `SELECT "assigneeId", sum("n") AS "n" FROM "ticket_tally" WHERE "assigneeId" IN (${ids.map(() => "?").join(", ")}) AND "status" IN (${OPEN_STATUS_RANKS.join(", ")}) GROUP BY "assigneeId"`,
    ...ids,
  );
  return new Map(found.map((r) => [r.assigneeId, Number(r.n)]));
}
