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
  /** Whether the single-key shortcuts listen on this person's pages; absent: on (the default). */
  keyboardShortcuts?: boolean;
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

/** A person not deactivated, in SQL, on a "user" row's alias: they sign in, get mail, can be assigned. */
export const isActiveSql = (alias: string) => `${alias}."deactivatedAt" IS NULL`;

/** Whether a "user" row's person has set a password (invited and mail-made people have not). */
export const hasPasswordSql = (alias: string) =>
  `EXISTS (SELECT 1 FROM "account" pw WHERE pw."userId" = ${alias}."id" AND pw."providerId" = 'credential' AND pw."password" IS NOT NULL)`;

/** How pages name a deactivated person beside what they wrote and did (it stays theirs). */
export const DEACTIVATED_MARK = " (deactivated)";

/** A person's name as pages show it, in SQL, on a joined "user" row (e.g. `shownNameSql("u")`). */
export const shownNameSql = (alias: string) =>
  `(${alias}."name" || CASE WHEN ${alias}."deactivatedAt" IS NULL THEN '' ELSE '${DEACTIVATED_MARK}' END)`;

/**
 * Who may be given tickets: staff whose account is active. A deactivated agent keeps the tickets
 * they already hold (shown as theirs, marked deactivated) but is offered to no one and cannot be
 * assigned again. The one home of that rule, here for code and below for SQL.
 */
export const isAssignable = (who: Pick<Actor, "role"> & { deactivated: boolean }) => isStaff(who) && !who.deactivated;

/**
 * The same rule in SQL, on a table (or alias) with "role" and "deactivatedAt" (e.g.
 * `isAssignableSql('u')`); with `role`, for the assignable people of that one staff role (an index
 * on role then name is walked in name order for one role, not for several).
 */
export const isAssignableSql = (table: string, role?: (typeof STAFF_ROLES)[number]) =>
  `${role ? `${table}."role" = '${role}'` : isStaffSql(`${table}."role"`)} AND ${isActiveSql(table)}`;
