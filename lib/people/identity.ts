/**
 * Who someone is to Triage: their role, and the rules that follow from it alone. The one home of
 * "who is staff" and "who is an admin", for code and for SQL. Pure: no database, no React.
 */
export const ROLES = ["requester", "agent", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** The roles that work tickets: agents and admins. */
export const STAFF_ROLES = ["agent", "admin"] as const satisfies readonly Role[];

/** The person making a request, as every command and query takes them. */
export type Actor = {
  id: string;
  role: Role;
  name: string;
  /** IANA zone for the times shown to this person; absent or null: UTC. */
  timeZone?: string | null;
};

/** A role as stored (text): anything unknown is the least privileged role. */
export function parseRole(stored: string | null | undefined): Role {
  return (ROLES as readonly string[]).includes(stored ?? "") ? (stored as Role) : "requester";
}

export const isRole = (v: unknown): v is Role => typeof v === "string" && (ROLES as readonly string[]).includes(v);

/** Agents and admins work every ticket; requesters only see their own. */
export const isStaff = (who: Pick<Actor, "role">) => (STAFF_ROLES as readonly Role[]).includes(who.role);

/** Admins also manage people, roles and the desk's settings. */
export const isAdmin = (who: Pick<Actor, "role">) => who.role === "admin";

/** The same rule in SQL, on a column holding the stored role (e.g. `isStaffSql('u."role"')`). */
export const isStaffSql = (column: string) => `${column} IN (${STAFF_ROLES.map((r) => `'${r}'`).join(", ")})`;

/** How pages name a deactivated person beside what they wrote and did (it stays theirs). */
export const DEACTIVATED_MARK = " (deactivated)";

/** A person's name as pages show it, in SQL, on a joined "user" row (e.g. `shownNameSql("u")`). */
export const shownNameSql = (alias: string) =>
  `(${alias}."name" || CASE WHEN ${alias}."deactivatedAt" IS NULL THEN '' ELSE '${DEACTIVATED_MARK}' END)`;
