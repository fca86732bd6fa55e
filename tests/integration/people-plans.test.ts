/**
 * Query plans for the people the list's filters, the ticket page's Assignee picker and the
 * suggestions route read (lib/people/queries.ts, PEOPLE_SQL), on a desk of 30,000 people
 * (ANALYZEd): every statement reaches "user" through an index, none reads the whole table or a
 * whole index, on SQLite (EXPLAIN QUERY PLAN) and on PostgreSQL (EXPLAIN, costs from ANALYZE's
 * statistics). Every plan is printed at the end.
 */
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import { bindable, numbered } from "@/lib/db/sql";
import { PEOPLE_SQL } from "@/lib/people/queries";
import { nameSpellings, prefixRange } from "@/lib/people/keys";
import type { Role } from "@/lib/people/identity";
import { onPostgres } from "../dialect";

const PEOPLE = 30_000;
const FIRST = ["Mary", "maria", "Ali", "Anna", "John", "Jo", "Zoë", "Ahmed", "Li", "Sam", "Alex", "Ann-Marie"];
const LAST = ["Smith", "Nguyen", "García", "Okafor", "Berg", "Khan", "Müller", "Rossi", "Tanaka", "Brown"];

beforeAll(async () => {
  const rows = Array.from({ length: PEOPLE }, (_, i) => {
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    // About 2% staff, a few of them deactivated; the rest requesters, as a desk that takes mail has.
    const role: Role = i % 50 === 0 ? (i % 200 === 0 ? "admin" : "agent") : "requester";
    return {
      id: `p-${i}`,
      name: `${first} ${last} ${i}`,
      email: `${first.toLowerCase().replace(/[^a-z]/g, "")}.${i}@example${i % 7}.test`,
      role,
      deactivatedAt: role !== "requester" && i % 350 === 0 ? new Date() : null,
    };
  });
  for (let i = 0; i < rows.length; i += 2000) await db.user.createMany({ data: rows.slice(i, i + 2000) });
  await db.$executeRawUnsafe("ANALYZE");
}, 240_000);

/** Every statement the lookups send, with realistic values (the shortest prefix is the broadest). */
function statements(): { name: string; sql: string; args: unknown[] }[] {
  const suggest = (typed: string, assignable: boolean) => {
    const email = prefixRange(typed.toLowerCase())!;
    const names = typed.includes("@") ? [] : nameSpellings(typed).map((s) => prefixRange(s)!);
    return {
      name: `suggest "${typed}"${assignable ? ", assignable" : ""}`,
      sql: PEOPLE_SQL.suggest(names.length, assignable),
      args: [...email, ...names.flat()],
    };
  };
  return [
    { name: "assignees (the picker)", sql: PEOPLE_SQL.assignees, args: [] },
    { name: "by id", sql: PEOPLE_SQL.byId, args: ["p-4242"] },
    { name: "by email", sql: PEOPLE_SQL.byEmail, args: ["mary.4200@example0.test"] },
    { name: "by name", sql: PEOPLE_SQL.byName(3), args: nameSpellings("mary smith 0") },
    ...["a", "ma", "mar", "Ali K", "zoë", "jo.1@", "x"].flatMap((t) => [suggest(t, false), suggest(t, true)]),
  ];
}

const printed: string[] = [];
afterAll(() => console.log(`People plans (${PEOPLE} people):\n${printed.join("\n")}`));

describe.skipIf(onPostgres)("EXPLAIN QUERY PLAN: people, by index only", () => {
  for (const s of statements()) {
    it(s.name, async () => {
      const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${s.sql}`, ...s.args);
      const plan = rows.map((r) => r.detail);
      printed.push(`${s.name}:\n  ${plan.join("\n  ")}`);
      const reads = plan.filter((d) => /^(SCAN|SEARCH) u\b/.test(d));
      expect(reads.length, plan.join("\n")).toBeGreaterThan(0);
      // SCAN is every row of the table or of an index (covering or not); SEARCH is a range of one.
      expect(reads.filter((d) => !/^SEARCH u USING (COVERING )?(INDEX|PRIMARY KEY)/.test(d)), plan.join("\n")).toEqual([]);
    });
  }
});

type PgNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: PgNode[] };
const pgNodes = (n: PgNode): PgNode[] => [n, ...(n.Plans ?? []).flatMap(pgNodes)];

describe.runIf(onPostgres)("EXPLAIN on PostgreSQL: people, by index only", () => {
  for (const s of statements()) {
    it(s.name, async () => {
      const [row] = await db.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: PgNode }] }[]>(
        `EXPLAIN (FORMAT JSON) ${numbered(s.sql)}`,
        ...s.args.map((a) => bindable(a, "postgres")),
      );
      const nodes = pgNodes(row["QUERY PLAN"][0].Plan);
      const text = nodes.map((n) => `${n["Node Type"]}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}`).join(" / ");
      printed.push(`${s.name}: ${text}`);
      const onUser = nodes.filter((n) => n["Relation Name"] === "user" || (n["Index Name"] ?? "").startsWith("user_"));
      expect(onUser.length, text).toBeGreaterThan(0);
      // Reached through an index (a Bitmap Heap Scan reads the rows its Bitmap Index Scan found), never in full.
      expect(onUser.filter((n) => !/Index|Bitmap Heap/.test(n["Node Type"])).map((n) => n["Node Type"]), text).toEqual([]);
      expect(onUser.some((n) => /Index/.test(n["Node Type"])), text).toBe(true);
    });
  }
});
