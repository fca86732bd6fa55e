import "server-only";
import { db, expectOne, reader, WriteMismatch } from "../db";
import { mayManageUsers, ROLES, type Actor, type Role } from "../tickets/permissions";

export type UserRow = { id: string; name: string; email: string; role: Role; createdAt: Date };

/** Everyone, for the admins' page. Never the password: it lives in another table. */
export async function listUsers(actor: Actor): Promise<UserRow[]> {
  if (!mayManageUsers(actor)) return [];
  const users = await reader.user.findMany({
    orderBy: [{ name: "asc" }, { email: "asc" }],
    select: { id: true, name: true, email: true, role: true, createdAt: true },
  });
  return users.map((u) => ({ ...u, role: (ROLES as readonly string[]).includes(u.role) ? (u.role as Role) : "requester" }));
}

export type ChangeRoleResult =
  | { kind: "changed"; name: string; role: Role }
  | { kind: "unchanged"; name: string }
  | { kind: "not_found" }
  | { kind: "forbidden" }
  | { kind: "last_admin" };

/** Sets a user's role. The last admin cannot be demoted: someone must be able to come back here. */
export async function changeRole(actor: Actor, userId: string, role: Role): Promise<ChangeRoleResult> {
  if (!mayManageUsers(actor)) return { kind: "forbidden" };
  if (typeof userId !== "string" || !(ROLES as readonly string[]).includes(role)) throw new TypeError("changeRole: unparsed input");
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { name: true, role: true } });
    if (!user) return { kind: "not_found" } as const;
    if (user.role === role) return { kind: "unchanged", name: user.name } as const;
    if (user.role === "admin") {
      const admins = await tx.user.count({ where: { role: "admin" } });
      if (admins <= 1) return { kind: "last_admin" } as const;
    }
    expectOne(await tx.user.updateMany({ where: { id: userId, role: user.role }, data: { role } }));
    return { kind: "changed", name: user.name, role } as const;
  })
    .catch((e: unknown) => {
      if (e instanceof WriteMismatch) return { kind: "not_found" } as const;
      throw e;
    });
}
