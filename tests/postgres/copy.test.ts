import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyToPostgres, TABLES } from "../../scripts/db/copy-to-postgres";
import { seed } from "../../scripts/seed/cli";
import { diskStore } from "../../lib/files/disk";
import { freshDatabase } from "./server";

/**
 * Moving an installation from SQLite to PostgreSQL (scripts/db/copy-to-postgres.ts), on a seeded
 * database of COPY_TICKETS tickets (100,000 by default; TRIAGE_COPY_TICKETS for another size) with
 * comments, history, mail, sessions and settings: every row arrives, counts are checked, numbers
 * continue where SQLite's stopped, and a second copy into the same database changes nothing.
 */
const COPY_TICKETS = Number(process.env.TRIAGE_COPY_TICKETS ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triage-copy-"));
const file = path.join(dir, "source.db");
let target: Awaited<ReturnType<typeof freshDatabase>>;
let seconds = 0;
let fileBytes: Buffer;
let fileHash: string;

beforeAll(async () => {
  await seed({ databaseUrl: `file:${file}`, tickets: COPY_TICKETS, demo: true });
  // What seeding does not make: a public comment and an internal note, mail both ways, a session,
  // a setting, a deleted ticket (its number must not come back).
  const db = new Database(file);
  const user = db.prepare(`SELECT "id" FROM "user" ORDER BY "id" LIMIT 1`).pluck().get() as string;
  const at = new Date().toISOString().replace("Z", "+00:00");
  db.prepare(`INSERT INTO "comment" ("ticketNumber", "authorId", "body", "internal", "createdAt") VALUES (1, ?, 'copyword in public', 0, ?)`).run(user, at);
  db.prepare(`INSERT INTO "comment" ("ticketNumber", "authorId", "body", "internal", "createdAt") VALUES (1, ?, 'secretword in a note', 1, ?)`).run(user, at);
  db.prepare(`INSERT INTO "session" ("id", "expiresAt", "token", "createdAt", "updatedAt", "userId") VALUES ('s1', ?, 'tok', ?, ?, ?)`).run(at, at, at, user);
  db.prepare(`INSERT INTO "notification_default" ("kind", "enabled") VALUES ('ticket_created', 0)`).run();
  db.prepare(`INSERT INTO "outbound_mail" ("kind", "ticketNumber", "toAddress", "subject", "text", "html", "messageId", "nextAttemptAt", "createdAt") VALUES ('ticket_created', 1, 'a@example.com', 's', 't', 'h', 'm1@x', ?, ?)`).run(at, at);
  db.prepare(`INSERT INTO "inbound_mail" ("messageKey", "fromAddress", "subject", "raw", "size", "status", "createdAt", "updatedAt") VALUES ('k1', 'b@example.com', 's', ?, 3, 'imported', ?, ?)`).run(Buffer.from([0, 1, 255]), at, at);
  // An attachment whose bytes (600 KB: three chunks in PostgreSQL) are in the file store beside the database.
  fileBytes = crypto.randomBytes(600 * 1024);
  const stored = await diskStore(path.join(dir, "files")).put(fileBytes, 1024 * 1024);
  db.prepare(`INSERT INTO "attachment" ("ticketNumber", "name", "size", "type", "hash", "uploaderId", "createdAt") VALUES (1, 'log.bin', ?, ?, ?, ?, ?)`)
    .run(stored.size, stored.type, stored.hash, user, at);
  fileHash = stored.hash;
  const last = db.prepare(`SELECT max("number") FROM "ticket"`).pluck().get() as number;
  db.prepare(`DELETE FROM "ticket" WHERE "number" = ?`).run(last);
  db.close();
  target = await freshDatabase("copy");
  const started = performance.now();
  await copyToPostgres(file, target.url);
  seconds = (performance.now() - started) / 1000;
}, 600_000);

afterAll(async () => {
  await target?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(sql: string, args: unknown[] = []) {
  const c = new pg.Client({ connectionString: target.url });
  await c.connect();
  try {
    return (await c.query<T>(sql, args)).rows;
  } finally {
    await c.end();
  }
}

describe(`copying ${COPY_TICKETS.toLocaleString("en")} tickets from SQLite to PostgreSQL`, () => {
  it("copies every row of every table", async () => {
    console.log(`copy: ${COPY_TICKETS} tickets in ${seconds.toFixed(1)} s`);
    const source = new Database(file, { readonly: true });
    try {
      for (const t of TABLES) {
        const want = source.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number;
        const [{ n }] = await query<{ n: string }>(`SELECT count(*) AS n FROM "${t}"`);
        expect(Number(n), t).toBe(want);
      }
      expect(Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "ticket"`))[0].n)).toBe(COPY_TICKETS - 1);
    } finally {
      source.close();
    }
  });

  it("keeps values as they were: text, times, booleans, bytes", async () => {
    const source = new Database(file, { readonly: true });
    try {
      const t = source.prepare(`SELECT "number", "title", "createdAt", "requesterName" FROM "ticket" ORDER BY "number" LIMIT 1 OFFSET 500`).get() as { number: number; title: string; createdAt: string; requesterName: string };
      const [p] = await query<{ title: string; createdAt: Date; requesterName: string }>(`SELECT "title", "createdAt", "requesterName" FROM "ticket" WHERE "number" = $1`, [t.number]);
      expect(p.title).toBe(t.title);
      expect(p.requesterName).toBe(t.requesterName);
      expect(p.createdAt.toISOString().slice(0, 23)).toBe(new Date(t.createdAt).toISOString().slice(0, 23));
    } finally {
      source.close();
    }
    const [note] = await query<{ internal: boolean }>(`SELECT "internal" FROM "comment" WHERE "body" = 'secretword in a note'`);
    expect(note.internal).toBe(true);
    const [raw] = await query<{ raw: Buffer }>(`SELECT "raw" FROM "inbound_mail" WHERE "messageKey" = 'k1'`);
    expect([...raw.raw]).toEqual([0, 1, 255]);
  });

  it("rebuilds search from the rows: public comments found, internal notes not", async () => {
    const found = async (w: string) =>
      Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "search_index" WHERE "document" @@ to_tsquery('simple', $1)`, [w]))[0].n);
    expect(await found("copyword")).toBe(1);
    expect(await found("secretword")).toBe(0);
  });

  it("continues numbering after SQLite's highest number, a deleted ticket's included", async () => {
    const [{ next }] = await query<{ next: string }>(`SELECT nextval(pg_get_serial_sequence('"ticket"', 'number')) AS next`);
    expect(Number(next)).toBe(COPY_TICKETS + 1);
  });

  it("refuses to copy into a database that has rows, and changes nothing there", async () => {
    await expect(copyToPostgres(file, target.url)).rejects.toThrow(/already has rows/);
    expect(Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "ticket"`))[0].n)).toBe(COPY_TICKETS - 1);
  });

  it("leaves the triggers on: a ticket written afterwards is counted and found", async () => {
    const [before] = await query<{ n: string }>(`SELECT coalesce(sum("n"), 0) AS n FROM "ticket_tally"`);
    const [someone] = await query<{ id: string }>(`SELECT "id" FROM "user" ORDER BY "id" LIMIT 1`);
    await query(`INSERT INTO "ticket" ("title", "description", "priority", "status", "requesterId", "createdAt", "updatedAt") VALUES ('afterword', 'x', 1, 0, $1, now(), now())`, [someone.id]);
    const [after] = await query<{ n: string }>(`SELECT coalesce(sum("n"), 0) AS n FROM "ticket_tally"`);
    expect(Number(after.n)).toBe(Number(before.n) + 1);
    const [found] = await query<{ n: string }>(`SELECT count(*) AS n FROM "search_index" WHERE "document" @@ to_tsquery('simple', 'afterword')`);
    expect(Number(found.n)).toBe(1);
    const [named] = await query<{ requesterName: string | null }>(`SELECT "requesterName" FROM "ticket" WHERE "title" = 'afterword'`);
    expect(named.requesterName).not.toBeNull();
  });
  it("carries attachments' bytes into PostgreSQL's file store, chunk by chunk", async () => {
    const chunks = await query<{ seq: number; data: Buffer }>(`SELECT "seq", "data" FROM "file_chunk" WHERE "hash" = $1 ORDER BY "seq"`, [fileHash]);
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2]);
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(fileBytes)).toBe(true);
    expect(await query(`SELECT "size" FROM "file_blob" WHERE "hash" = $1`, [fileHash])).toEqual([{ size: fileBytes.length }]);
  });
});
