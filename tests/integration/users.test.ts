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
  const all = { q: "", show: "all" as const, page: 1 };

  it("admins get everyone, sorted by name, with exactly the public fields", async () => {
    const { rows: users, total, capped, hasNext } = await listUsers(as("admin1"), all);
    expect({ total, capped, hasNext }).toEqual({ total: 4, capped: false, hasNext: false });
    expect(users.map((u) => u.name)).toEqual(["Ada Agent", "Ann Admin", "Carl Customer", "Rita Requester"]);
    for (const u of users) {
      expect(Object.keys(u).sort()).toEqual(["createdAt", "deactivated", "email", "id", "invited", "name", "openAssigned", "role"]);
      expect(JSON.stringify(u)).not.toMatch(/password|hash-of|accounts|sessions/i);
    }
    expect(users.find((u) => u.id === "agent1")).toMatchObject({ email: "agent1@example.com", role: "agent", deactivated: false, invited: false });
  });

  it("nobody else gets anyone", async () => {
    expect((await listUsers(as("agent1"), all)).rows).toEqual([]);
    expect((await listUsers(as("req1"), all)).rows).toEqual([]);
  });

  it("an unknown role in the database is shown as requester", async () => {
    await db.user.update({ where: { id: "req2" }, data: { role: "superuser" } });
    const { rows } = await listUsers(as("admin1"), all);
    expect(rows.find((u) => u.id === "req2")?.role).toBe("requester");
  });

  it("searches names and emails anywhere, in any case, taking % and _ literally", async () => {
    const names = async (q: string, show: "all" | "active" | "deactivated" = "all") =>
      (await listUsers(as("admin1"), { q, show, page: 1 })).rows.map((u) => u.name);
    expect(await names("REQUEST")).toEqual(["Rita Requester"]);
    expect(await names("agent1@")).toEqual(["Ada Agent"]);
    expect(await names("a a")).toEqual(["Ada Agent"]);
    expect(await names("NN A")).toEqual(["Ann Admin"]);
    expect(await names("%")).toEqual([]);
    expect(await names("_")).toEqual([]);
    expect(await names("nobody-like-this")).toEqual([]);
    await db.user.update({ where: { id: "req2" }, data: { deactivatedAt: new Date() } });
    expect(await names("", "deactivated")).toEqual(["Carl Customer"]);
    expect(await names("", "active")).toEqual(["Ada Agent", "Ann Admin", "Rita Requester"]);
  });

  it("pages by 50, and stops counting a search past 1,000", async () => {
    const many = Array.from({ length: 1100 }, (_, i) => ({ id: `bulk${i}`, name: `Bulk ${String(i).padStart(4, "0")}`, email: `bulk${i}@example.org`, role: "requester" }));
    await db.user.createMany({ data: many });
    const first = await listUsers(as("admin1"), all);
    expect({ total: first.total, capped: first.capped, hasNext: first.hasNext, n: first.rows.length }).toEqual({ total: 1104, capped: false, hasNext: true, n: 50 });
    const last = await listUsers(as("admin1"), { ...all, page: 23 });
    expect(last.rows.map((u) => u.name)).toEqual(["Bulk 1097", "Bulk 1098", "Bulk 1099", "Carl Customer", "Rita Requester"].slice(1));
    expect({ page: last.page, n: last.rows.length, hasNext: last.hasNext }).toEqual({ page: 23, n: 4, hasNext: false });
    // A page past the end shows the last one.
    expect((await listUsers(as("admin1"), { ...all, page: 999 })).page).toBe(23);
    const bulk = await listUsers(as("admin1"), { q: "bulk", show: "all", page: 1 });
    expect({ total: bulk.total, capped: bulk.capped, hasNext: bulk.hasNext }).toEqual({ total: 1000, capped: true, hasNext: true });
    expect(bulk.rows[0].name).toBe("Bulk 0000");
    const deep = await listUsers(as("admin1"), { q: "bulk", show: "all", page: 22 });
    // The last 50 of 1,100: no next page, though the count stopped at 1,000.
    expect({ n: deep.rows.length, hasNext: deep.hasNext, first: deep.rows[0]?.name }).toEqual({ n: 50, hasNext: false, first: "Bulk 1050" });
    expect((await listUsers(as("admin1"), { q: "bulk", show: "all", page: 21 })).hasNext).toBe(true);
    const past = await listUsers(as("admin1"), { q: "bulk", show: "all", page: 23 });
    expect({ n: past.rows.length, hasNext: past.hasNext }).toEqual({ n: 0, hasNext: false });
  });
});
