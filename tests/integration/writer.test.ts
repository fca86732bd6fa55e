import { beforeAll, describe, expect, it } from "vitest";
import { models as db, read, write, type Tx } from "@/lib/db";
import { onPostgres } from "../dialect";

/**
 * write() (lib/db: the writer of lib/db/sqlite.ts and lib/db/postgres.ts): on SQLite, transactions asked for
 * together share one commit, each in its own savepoint. Either way, what one of them writes is
 * undone alone when it throws, and every answer comes after the commit; on SQLite the Prisma
 * client's transactions never interleave with it.
 */
/** Leases whose name starts with `prefix`, counted on the read connection (what is committed). */
const count = async (prefix: string) =>
  Number((await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM "lease" WHERE "name" LIKE ?`, `${prefix}%`))?.n);

const insert = (name: string) =>
  write(async (tx) => {
    await tx.run(`INSERT INTO "lease" ("name", "owner", "until") VALUES (?, 'test', ?)`, name, new Date());
    return name;
  });

beforeAll(async () => {
  await db.lease.deleteMany();
});

describe("the writer", () => {
  it("commits transactions asked for at once, and each is on disk when it is answered", async () => {
    const answered = await Promise.all(
      Array.from({ length: 50 }, (_, i) => insert(`group-${i}.`).then(async (name) => ({ name, seen: await count(name) }))),
    );
    expect(answered.every((a) => a.seen === 1)).toBe(true);
    expect(await count("group-")).toBe(50);
  });

  it("undoes only the transaction that throws, whatever else shares its commit", async () => {
    // Written before, so that the duplicate below fails whichever transaction runs first (on
    // PostgreSQL they run side by side).
    await insert("mixed-dup");
    const results = await Promise.allSettled([
      insert("mixed-a"),
      write(async (tx) => {
        await tx.run(`INSERT INTO "lease" ("name", "owner", "until") VALUES ('mixed-bad', 'test', ?)`, new Date());
        throw new Error("refused after writing");
      }),
      write(async (tx) => {
        // A constraint failure inside the database: a duplicate key.
        await tx.run(`INSERT INTO "lease" ("name", "owner", "until") VALUES ('mixed-dup', 'test', ?)`, new Date());
      }),
      insert("mixed-b"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect(await count("mixed-bad")).toBe(0);
    expect(await count("mixed-")).toBe(3);
  });

  // SQLite's two writing connections share one lock; PostgreSQL's transactions run side by side.
  it.skipIf(onPostgres)("never runs inside a Prisma transaction, nor lets one run inside it", async () => {
    const order: string[] = [];
    await Promise.all([
      db.$transaction(async (tx) => {
        order.push("prisma begins");
        await tx.lease.create({ data: { name: "lock-prisma", owner: "test", until: new Date() } });
        await new Promise((r) => setTimeout(r, 30));
        order.push("prisma ends");
      }),
      new Promise((r) => setTimeout(r, 5)).then(() =>
        write(async (tx) => {
          order.push("writer runs");
          await tx.run(`INSERT INTO "lease" ("name", "owner", "until") VALUES ('lock-writer', 'test', ?)`, new Date());
        }),
      ),
    ]);
    expect(order).toEqual(["prisma begins", "prisma ends", "writer runs"]);
    expect(await count("lock-")).toBe(2);
  });

  it("binds a Date as the text Prisma stores, so rows written either way read back alike", async () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    await write((tx) => tx.run(`INSERT INTO "lease" ("name", "owner", "until") VALUES ('date-writer', 'test', ?)`, at));
    const row = await db.lease.findUnique({ where: { name: "date-writer" } });
    expect(row?.until.toISOString()).toBe(at.toISOString());
  });

  it("refuses a statement on a transaction whose function has returned", async () => {
    let kept: Tx | undefined;
    await write(async (tx) => {
      kept = tx;
    });
    await expect(kept!.run(`INSERT INTO "lease" ("name", "owner", "until") VALUES ('late', 'test', ?)`, new Date())).rejects.toThrow(/ended/);
    expect(await count("late")).toBe(0);
  });

  // On SQLite Prisma's client waits for the lock a write() holds: used inside one it would hang.
  it.skipIf(onPostgres)("refuses Prisma's client inside a write(), and undoes the transaction", async () => {
    await expect(
      write(async (tx) => {
        await tx.run(`INSERT INTO "lease" ("name", "owner", "until") VALUES ('inside-1', 'test', ?)`, new Date());
        await db.lease.create({ data: { name: "inside-2", owner: "test", until: new Date() } });
      }),
    ).rejects.toThrow(/inside write/);
    expect(await count("inside-")).toBe(0);
  });
});
