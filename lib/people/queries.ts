import "server-only";
import { asDate, read } from "../db";
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

export type UserRow = { id: string; name: string; email: string; role: Role; createdAt: Date };

/** Everyone, for the admins' page. Never the password: it lives in another table. */
export async function listUsers(actor: Actor): Promise<UserRow[]> {
  if (!isAdmin(actor)) return [];
  const users = await read.all<{ id: string; name: string; email: string; role: string; createdAt: string | Date }>(
    `SELECT "id", "name", "email", "role", "createdAt" FROM "user" ORDER BY "name" ASC, "email" ASC`,
  );
  return users.map((u) => ({ ...u, role: parseRole(u.role), createdAt: asDate(u.createdAt) }));
}
