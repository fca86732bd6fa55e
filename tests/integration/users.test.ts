import { beforeEach, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import type { Actor, Role } from "@/lib/people/identity";
import { changeRole } from "@/lib/people/commands";
import { listUsers } from "@/lib/people/queries";

const people: { id: string; name: string; role: Role }[] = [
  { id: "admin1", name: "Ann Admin", role: "admin" },
  { id: "agent1", name: "Ada Agent", role: "agent" },
  { id: "req1", name: "Rita Requester", role: "requester" },
  { id: "req2", name: "Carl Customer", role: "requester" },
];
const as = (id: string): Actor => {
  const p = people.find((x) => x.id === id)!;
  return { id: p.id, name: p.name, role: p.role };
};
const roleOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).role;
const roles = async () =>
  Object.fromEntries((await db.user.findMany({ select: { id: true, role: true } })).map((u) => [u.id, u.role]));

beforeEach(async () => {
  await db.account.deleteMany();
  await db.user.deleteMany();
  for (const p of people) {
    await db.user.create({ data: { id: p.id, name: p.name, email: `${p.id}@example.com`, role: p.role } });
    // Every account has a password hash beside it, as Better Auth stores it.
    await db.account.create({
      data: { id: `acc-${p.id}`, accountId: p.id, providerId: "credential", userId: p.id, password: `hash-of-${p.id}` },
    });
  }
});

describe("changeRole", () => {
  it("an admin may change a role", async () => {
    expect(await changeRole(as("admin1"), "req1", "agent")).toEqual({ kind: "changed", name: "Rita Requester", role: "agent" });
    expect(await roleOf("req1")).toBe("agent");
    expect(await changeRole(as("admin1"), "agent1", "requester")).toEqual({ kind: "changed", name: "Ada Agent", role: "requester" });
    expect(await changeRole(as("admin1"), "req2", "admin")).toEqual({ kind: "changed", name: "Carl Customer", role: "admin" });
    expect(await roleOf("req2")).toBe("admin");
  });

  it("only an admin: agents and requesters are refused and nothing changes", async () => {
    const before = await roles();
    for (const actor of ["agent1", "req1"]) {
      for (const [target, role] of [["req1", "admin"], ["req2", "agent"], ["admin1", "requester"], [actor, "admin"]] as const) {
        expect(await changeRole(as(actor), target, role), `${actor} → ${target} ${role}`).toEqual({ kind: "forbidden" });
      }
    }
    expect(await roles()).toEqual(before);
  });

  it("the last admin cannot be demoted, not even by themselves", async () => {
    const before = await roles();
    for (const role of ["agent", "requester"] as const) {
      expect(await changeRole(as("admin1"), "admin1", role)).toEqual({ kind: "last_admin" });
    }
    expect(await roles()).toEqual(before);
  });

  it("demoting an admin when another admin exists works", async () => {
    await changeRole(as("admin1"), "agent1", "admin");
    expect(await changeRole(as("admin1"), "agent1", "agent")).toEqual({ kind: "changed", name: "Ada Agent", role: "agent" });
    await changeRole(as("admin1"), "req1", "admin");
    // An admin may step down while another remains…
    expect(await changeRole(as("admin1"), "admin1", "requester")).toMatchObject({ kind: "changed" });
    expect(await roleOf("admin1")).toBe("requester");
    // …and then the remaining one is the last.
    expect(await changeRole({ id: "req1", name: "Rita", role: "admin" }, "req1", "agent")).toEqual({ kind: "last_admin" });
    expect(await db.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("two admins demoting each other at once leave one admin", async () => {
    await changeRole(as("admin1"), "agent1", "admin");
    const results = await Promise.all([
      changeRole({ id: "admin1", name: "Ann", role: "admin" }, "agent1", "agent"),
      changeRole({ id: "agent1", name: "Ada", role: "admin" }, "admin1", "agent"),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(["changed", "last_admin"]);
    expect(await db.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("the same role is unchanged; an unknown user is not_found", async () => {
    expect(await changeRole(as("admin1"), "req1", "requester")).toEqual({ kind: "unchanged", name: "Rita Requester" });
    expect(await changeRole(as("admin1"), "admin1", "admin")).toEqual({ kind: "unchanged", name: "Ann Admin" });
    expect(await changeRole(as("admin1"), "nobody", "agent")).toEqual({ kind: "not_found" });
  });
});

describe("listUsers", () => {
  it("admins get everyone, sorted by name, with exactly the public fields", async () => {
    const users = await listUsers(as("admin1"));
    expect(users.map((u) => u.name)).toEqual(["Ada Agent", "Ann Admin", "Carl Customer", "Rita Requester"]);
    for (const u of users) {
      expect(Object.keys(u).sort()).toEqual(["createdAt", "email", "id", "name", "role"]);
      expect(JSON.stringify(u)).not.toMatch(/password|hash-of|accounts|sessions/i);
    }
    expect(users.find((u) => u.id === "agent1")).toMatchObject({ email: "agent1@example.com", role: "agent" });
  });

  it("nobody else gets anyone", async () => {
    expect(await listUsers(as("agent1"))).toEqual([]);
    expect(await listUsers(as("req1"))).toEqual([]);
  });

  it("an unknown role in the database is shown as requester", async () => {
    await db.user.update({ where: { id: "req2" }, data: { role: "superuser" } });
    const users = await listUsers(as("admin1"));
    expect(users.find((u) => u.id === "req2")?.role).toBe("requester");
  });
});
