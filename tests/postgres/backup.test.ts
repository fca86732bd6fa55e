import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import { SESSION_OPTIONS } from "@/lib/db/postgres";
import { bindable, numbered, type Tx } from "@/lib/db/sql";
import { env } from "@/lib/env";
import { fileStore } from "@/lib/files/store";
import { createTicket, createTicketIn } from "@/lib/tickets/commands";
import type { Actor } from "@/lib/people/identity";
import { migratePostgres, postgresMigrations } from "../../server/migrate-postgres";
import { seed } from "../../scripts/seed/cli";
import { onPostgres } from "../dialect";
import { freshDatabase } from "./server";

/**
 * Backups that restore (issue 23), on PostgreSQL, with the README's own commands: pg_dump
 * (custom format, --no-owner) runs while this process keeps creating tickets through the real
 * command on four workers; pg_restore (--no-owner --single-transaction) puts the dump into a new
 * database, where every ticket acknowledged before the dump started is found, with its
 * attachments' bytes (kept in PostgreSQL: TRIAGE_FILES_DIR is not set), and which the desk opens,
 * migrates (nothing to do) and numbers new tickets after. A second restore into that database
 * fails and changes nothing. Runs with TRIAGE_TEST_DATABASE=postgres (tests/setup.ts).
 */
const TICKETS = Number(process.env.TRIAGE_BACKUP_TICKETS ?? 20_000);
// Made in beforeAll: a skipped run (on SQLite) leaves nothing behind.
let work = "";
let dump = "";
const ann: Actor = { id: "ann", name: "Ann Requester", role: "requester" };

/** A program in a child process; resolves to its exit code and output. */
function run(command: string, args: string[], childEnv: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** pg_dump and pg_restore: on PATH (Debian's wrappers pick the cluster's version), else PostgreSQL 15's own. */
function tool(name: string): string {
  const onPath = (process.env.PATH ?? "").split(path.delimiter).some((d) => fs.existsSync(path.join(d, name)));
  return onPath ? name : `/usr/lib/postgresql/15/bin/${name}`;
}

type Ack = { number: number; title: string; startedAt: number; ackedAt: number; ms: number };

function streamOfCreates(workers: number) {
  const acks: Ack[] = [];
  let stopped = false;
  let seq = 0;
  const worker = async () => {
    while (!stopped) {
      const title = `Stream ${++seq} ${crypto.randomUUID()}`;
      const startedAt = Date.now();
      const t0 = performance.now();
      const { number } = await createTicket(ann, { title, description: "Created while pg_dump may be running.", priority: "Low" });
      acks.push({ number, title, startedAt, ackedAt: Date.now(), ms: performance.now() - t0 });
    }
  };
  const running = Array.from({ length: workers }, worker);
  return {
    acks,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `${sorted.length} creates, p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, args: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, args)).rows;
  } finally {
    await c.end();
  }
}

/**
 * `fn` in one transaction on the database at `url`, on a client of this test's own, as the desk's
 * writer runs it (lib/db/postgres.ts: whose pool this test could not close before the database is
 * dropped).
 */
async function inTransaction<T>(url: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, options: SESSION_OPTIONS });
  await c.connect();
  const q = (sql: string, args: unknown[]) => c.query(numbered(sql), args.map((a) => bindable(a, "postgres")));
  const tx = {
    dialect: "postgres",
    all: async (sql: string, ...args: unknown[]) => (await q(sql, args)).rows,
    get: async (sql: string, ...args: unknown[]) => (await q(sql, args)).rows[0],
    run: async (sql: string, ...args: unknown[]) => (await q(sql, args)).rowCount ?? 0,
  } as Tx;
  try {
    await c.query("BEGIN");
    const result = await fn(tx);
    await c.query("COMMIT");
    return result;
  } catch (e) {
    await c.query("ROLLBACK");
    throw e;
  } finally {
    await c.end();
  }
}

const attached: { number: number; hash: string; bytes: Buffer }[] = [];
let acknowledged: Ack[] = [];
let target: Awaited<ReturnType<typeof freshDatabase>> | undefined;

describe.skipIf(!onPostgres)("backup and restore of a PostgreSQL desk with pg_dump and pg_restore", () => {
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "triage-pg-backup-"));
    dump = path.join(work, "triage.pgdump");
    await seed({ databaseUrl: env().DATABASE_URL, tickets: TICKETS });
    await db.user.create({ data: { id: ann.id, name: ann.name, email: "ann@example.com", role: ann.role } });
    for (const size of [300, 600 * 1024]) {
      const bytes = crypto.randomBytes(size);
      const stored = await fileStore().put(bytes, 10 * 1024 * 1024);
      const { number } = await createTicket(ann, { title: `With a file of ${size} bytes`, description: "See attached.", priority: "Medium", files: [{ name: `f${size}.bin`, ...stored }] });
      attached.push({ number, hash: stored.hash, bytes });
    }
    target = await freshDatabase("restore");
  }, 300_000);

  afterAll(async () => {
    await target?.drop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("npm run backup and npm run restore explain pg_dump and pg_restore, and back nothing up", async () => {
    const backup = await run("npm", ["run", "--silent", "backup", "--", path.join(work, "x")]);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain(`pg_dump --format=custom --no-owner`);
    expect(backup.stderr).toMatch(/Attachments' bytes are in the database/);
    const restore = await run("npm", ["run", "--silent", "restore", "--", path.join(work, "x")]);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/restore a pg_dump with pg_restore/);
    expect(fs.readdirSync(work)).toEqual([]);
  }, 60_000);

  it("pg_dump during a stream of creates; pg_restore into a new database has every acknowledged ticket and file", async () => {
    const stream = streamOfCreates(4);
    await new Promise((r) => setTimeout(r, 1500));
    const startedAt = Date.now();
    const dumped = await run(tool("pg_dump"), ["--format=custom", "--no-owner", `--file=${dump}`, env().DATABASE_URL]);
    const endedAt = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    await stream.stop();
    expect(dumped.stderr).toBe("");
    expect(dumped.code).toBe(0);

    acknowledged = stream.acks.filter((a) => a.ackedAt < startedAt);
    const during = stream.acks.filter((a) => a.ackedAt >= startedAt && a.startedAt <= endedAt);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(0);
    console.log(
      [
        `pg_dump of ${TICKETS.toLocaleString("en")} seeded tickets (+${stream.acks.length} streamed): ${endedAt - startedAt} ms, ${(fs.statSync(dump).size / 1024 / 1024).toFixed(1)} MB`,
        `  creates before it:   ${stats(stream.acks.filter((a) => a.ackedAt < startedAt).map((a) => a.ms))}`,
        `  creates while it ran: ${stats(during.map((a) => a.ms))}`,
      ].join("\n"),
    );

    const restored = await run(tool("pg_restore"), ["--no-owner", "--single-transaction", "--exit-on-error", `--dbname=${target!.url}`, dump]);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);

    const titles = new Map((await query<{ number: number; title: string }>(target!.url, `SELECT "number", "title" FROM "ticket"`)).map((r) => [r.number, r.title]));
    expect(acknowledged.filter((a) => titles.get(a.number) !== a.title)).toEqual([]);
    for (const a of attached) {
      const [row] = await query<{ hash: string }>(target!.url, `SELECT "hash" FROM "attachment" WHERE "ticketNumber" = $1 AND "removedAt" IS NULL`, [a.number]);
      expect(row?.hash).toBe(a.hash);
      const chunks = await query<{ data: Buffer }>(target!.url, `SELECT "data" FROM "file_chunk" WHERE "hash" = $1 ORDER BY "seq"`, [a.hash]);
      expect(Buffer.concat(chunks.map((c) => c.data)).equals(a.bytes)).toBe(true);
    }
  }, 300_000);

  it("the desk opens the restored database: every migration is there, and a new ticket is numbered after the last", async () => {
    expect(await migratePostgres(target!.url)).toEqual([]);
    const names = (await query<{ name: string }>(target!.url, `SELECT "name" FROM "_triage_migrations" ORDER BY "name"`)).map((r) => r.name);
    expect(names).toEqual(postgresMigrations().map((m) => m.name));
    const [{ last }] = await query<{ last: number }>(target!.url, `SELECT max("number") AS "last" FROM "ticket"`);
    const { number } = await inTransaction(target!.url, (tx) => createTicketIn(tx, ann, { title: "After the restore", description: "x", priority: "Low" }));
    expect(number).toBeGreaterThan(last);
    expect(await query(target!.url, `SELECT "title" FROM "ticket" WHERE "number" = $1`, [number])).toEqual([{ title: "After the restore" }]);
  }, 60_000);

  it("pg_restore into a database that is not empty fails and changes nothing", async () => {
    const count = async () => (await query<{ n: string }>(target!.url, `SELECT count(*) AS "n" FROM "ticket"`))[0].n;
    const before = await count();
    const again = await run(tool("pg_restore"), ["--no-owner", "--single-transaction", "--exit-on-error", `--dbname=${target!.url}`, dump]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
    expect(await count()).toBe(before);
  }, 60_000);
});
