/**
 * The benchmark's databases: each a copy of one migrated template under WORK, with the demo
 * accounts and people and a number of tickets seeded by scripts/seed/ (with a fixed seed, so that
 * every run measures the same data); counting their tickets; and timing the list's own SQL in one
 * of them in process (scripts/lib/sql-probe.ts, in a child process because it imports
 * server-only modules).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { ProbeResult } from "../lib/sql-probe";
import type { MailProbe } from "../lib/mail-probe";
import { ensureDemoAccounts, ensureDemoPeople } from "../seed/accounts";
import { seedTickets, type SeedTicketsResult } from "../seed/bulk";
import { openSeedDatabase } from "../seed/db";
import { log, nf, ROOT, WORK } from "./config";

/** A seeded SQLite file; `postgresUrl`: a PostgreSQL database it was copied into, served instead. */
export type BenchDb = { file: string; tickets: number; agentId: string; seed: SeedTicketsResult; postgresUrl?: string };

/**
 * Copies the template to WORK/<name>/triage.db and seeds it: the demo accounts (the agent is who
 * signs in), the demo people and `tickets` tickets.
 */
export async function makeDatabase(template: string, name: string, tickets: number): Promise<BenchDb> {
  const dir = path.join(WORK, name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "triage.db");
  fs.copyFileSync(template, file);
  const db = openSeedDatabase(`file:${file}`);
  try {
    const accounts = await ensureDemoAccounts(db);
    const agent = accounts.find((a) => a.role === "agent")!;
    const people = await ensureDemoPeople(db);
    const seed = seedTickets(db, tickets, { people, seed: 20261125 });
    db.pragma("wal_checkpoint(TRUNCATE)");
    log(
      `Seeded ${name}: ${nf.format(tickets)} tickets in ${(seed.ms / 1000).toFixed(2)} s ` +
        `(${nf.format(Math.round(seed.perSecond))} tickets/s; ${nf.format(Math.round(tickets / (seed.cpuMs / 1000)))} per CPU-second)`,
    );
    return { file, tickets, agentId: agent.id, seed };
  } finally {
    db.close();
  }
}

/** One number from the database the bench serves, on a connection of its own. */
async function scalar(db: BenchDb, sql: string, arg?: string): Promise<number> {
  if (db.postgresUrl) {
    const c = new pg.Client({ connectionString: db.postgresUrl });
    await c.connect();
    try {
      return Number(Object.values((await c.query(sql.replace("?", "$1"), arg === undefined ? [] : [arg])).rows[0])[0]);
    } finally {
      await c.end();
    }
  }
  const file = new Database(db.file, { readonly: true, fileMustExist: true });
  try {
    return file.prepare(sql).pluck().get(...(arg === undefined ? [] : [arg])) as number;
  } finally {
    file.close();
  }
}

/** The tickets in the database. */
export function ticketCount(db: BenchDb): Promise<number> {
  return scalar(db, `SELECT count(*) FROM "ticket"`);
}

/** How many of these ticket numbers are in the database. */
export function storedOf(db: BenchDb, numbers: number[]): Promise<number> {
  return db.postgresUrl
    ? scalar(db, `SELECT count(*) FROM "ticket" WHERE "number" = ANY (?::int[])`, `{${numbers.join(",")}}`)
    : scalar(db, `SELECT count(*) FROM "ticket" WHERE "number" IN (SELECT value FROM json_each(?))`, JSON.stringify(numbers));
}

/** The list's own SQL (scripts/lib/sql-probe.ts runs its builders), timed in process, with plans. */
export function probe(db: BenchDb): ProbeResult {
  const r = spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join("scripts", "lib", "sql-probe.ts"), db.file, db.agentId],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${db.file}`, NODE_ENV: "production" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 10 * 60_000,
    },
  );
  if (r.status !== 0) throw new Error(`sql-probe failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as ProbeResult;
}

/**
 * Mail: outbox delivery to a local SMTP server and the import of 1,000 messages from a real
 * Dovecot (scripts/lib/mail-probe.ts), on a fresh copy of the migrated empty template.
 */
export function mailProbe(template: string): MailProbe {
  const file = path.join(path.dirname(template), "mail.db");
  fs.copyFileSync(template, file);
  const r = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join("scripts", "lib", "mail-probe.ts"), file], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}`, NODE_ENV: "production" },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  if (r.status !== 0) throw new Error(`mail-probe failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as MailProbe;
}

/** Turns the acknowledgement of a new ticket off or on for everyone (the admins' default). */
export function setAcknowledgements(file: string, enabled: boolean) {
  const db = new Database(file);
  try {
    db.prepare(`INSERT INTO "notification_default" ("kind", "enabled") VALUES ('ticket_created', ?) ON CONFLICT("kind") DO UPDATE SET "enabled" = excluded."enabled"`).run(enabled ? 1 : 0);
  } finally {
    db.close();
  }
}
