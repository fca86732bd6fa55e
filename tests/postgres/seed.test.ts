import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seed } from "../../scripts/seed/cli";
import { freshDatabase } from "./server";

/**
 * `npm run seed` on PostgreSQL: the seed is made in a throwaway SQLite file and added to the
 * PostgreSQL database (scripts/db/copy-to-postgres.ts appendSeedToPostgres). Run twice, it adds
 * tickets twice and people once; the tally and the search index follow.
 */
let target: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  target = await freshDatabase("seed");
}, 60_000);
afterAll(() => target?.drop());

async function one<T>(sql: string): Promise<T> {
  const c = new pg.Client({ connectionString: target.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows[0] as T;
  } finally {
    await c.end();
  }
}

describe("seeding PostgreSQL", () => {
  it("adds demo accounts, people and tickets, then more tickets and nobody twice", async () => {
    const first = await seed({ databaseUrl: target.url, tickets: 300, demo: true, seed: 1 });
    expect(first.tickets).toMatchObject({ added: 300, first: 1, last: 300 });
    const people = await one<{ n: number }>(`SELECT count(*)::int AS n FROM "user"`);
    const second = await seed({ databaseUrl: target.url, tickets: 200, seed: 2 });
    expect(second.tickets).toMatchObject({ added: 200, first: 301, last: 500 });
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM "user"`)).toEqual(people);
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM "ticket"`)).toEqual({ n: 500 });
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM "activity" WHERE "field" = 'created'`)).toEqual({ n: 500 });
    expect(await one<{ n: number }>(`SELECT sum("n")::int AS n FROM "ticket_tally"`)).toEqual({ n: 500 });
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM "search_index"`)).toEqual({ n: 500 });
    // Group by group as the rows say, every ticket's title searchable, and the triggers on again.
    expect(
      await one<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT "status", "priority", "requesterId", COALESCE("assigneeId", '') AS a, count(*) AS n FROM "ticket" GROUP BY 1, 2, 3, 4
        EXCEPT SELECT "status", "priority", "requesterId", "assigneeId", "n" FROM "ticket_tally" WHERE "n" <> 0) d`),
    ).toEqual({ n: 0 });
    expect(
      await one<{ n: number }>(`SELECT count(*)::int AS n FROM "ticket" t JOIN "search_index" s ON s."id" = t."number"
        WHERE s."document" @@ plainto_tsquery('simple', "search_words"(t."title"))`),
    ).toEqual({ n: 500 });
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = '"ticket"'::regclass AND NOT tgisinternal AND tgenabled <> 'O'`)).toEqual({ n: 0 });
    // Every ticket's requester exists, and the copied names are the people's.
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM "ticket" t JOIN "user" u ON u."id" = t."requesterId" WHERE t."requesterName" = u."name"`)).toEqual({ n: 500 });
    // The demo admin can sign in: a credential row with a password hash.
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM "account" a JOIN "user" u ON u."id" = a."userId" WHERE u."email" = 'admin@example.com' AND a."password" IS NOT NULL`)).toEqual({ n: 1 });
  }, 120_000);
});
