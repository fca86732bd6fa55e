import "server-only";
import { asDate, read } from "../db";
import { OPEN_STATUS_RANKS } from "../tickets/schema";
import { isAdmin, isStaff, isStaffSql, parseRole, type Actor, type Role } from "./identity";

export type Person = { id: string; name: string };

/**
 * People a ticket can be assigned to (agents and admins, by name) and the agents' Requester
 * filter (everyone, the first 500 by name). Read on every list page as prepared statements, never
 * cached: several Triage processes may serve one database, and a cache in one would miss a
 * sign-up or a role change made through another.
 */
export const PEOPLE_SQL = {
  assignees: `SELECT "id", "name" FROM "user" WHERE ${isStaffSql(`"role"`)} ORDER BY "name" ASC, "id" ASC`,
  requesters: `SELECT "id", "name" FROM "user" ORDER BY "name" ASC, "id" ASC LIMIT 500`,
};

export async function listAssignees(): Promise<Person[]> {
  return read.all<Person>(PEOPLE_SQL.assignees);
}

export async function listRequesters(actor: Actor): Promise<Person[]> {
  if (!isStaff(actor)) return [];
  return read.all<Person>(PEOPLE_SQL.requesters);
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
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

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
  const users = await read.all<{ id: string; name: string; email: string; role: string; createdAt: string | Date; deactivatedAt: unknown; invited: number | boolean }>(
    `SELECT u."id", u."name", u."email", u."role", u."createdAt", u."deactivatedAt",
       CASE WHEN EXISTS (SELECT 1 FROM "account" a WHERE a."userId" = u."id" AND a."providerId" = 'credential') THEN 0 ELSE 1 END AS "invited"
     FROM "user" u ${filter} ORDER BY u."name" ASC, u."id" ASC LIMIT ${PEOPLE_PAGE} OFFSET ${(page - 1) * PEOPLE_PAGE}`,
    ...args,
  );
  const deactivated = users.filter((u) => u.deactivatedAt !== null).map((u) => u.id);
  const open = deactivated.length
    ? await read.all<{ assigneeId: string; n: number }>(
        `SELECT "assigneeId", sum("n") AS "n" FROM "ticket_tally" WHERE "assigneeId" IN (${deactivated.map(() => "?").join(", ")}) AND "status" IN (${OPEN_STATUS_RANKS.join(", ")}) GROUP BY "assigneeId"`,
        ...deactivated,
      )
    : [];
  const rows = users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    role: parseRole(u.role),
    createdAt: asDate(u.createdAt),
    deactivated: u.deactivatedAt !== null,
    invited: Number(u.invited) === 1,
    openAssigned: Number(open.find((o) => o.assigneeId === u.id)?.n ?? 0),
  }));
  return { rows, total, capped, page, hasNext: page < pages && (capped ? rows.length === PEOPLE_PAGE : page * PEOPLE_PAGE < total) };
}
