/**
 * One bulk change of 100 tickets (the list's "Apply to selected"), timed: `npm run bench:bulk`.
 *
 * For each database (SQLite; PostgreSQL unless BENCH_POSTGRES=0 or none answers), in a child
 * process of its own (lib/ reads its configuration once): a database with BENCH_TICKETS tickets
 * behind the hundred (SQLite: `npm run seed`; PostgreSQL: empty, migrated), two agents and a
 * requester, 100 tickets made through createTicket, then ROUNDS bulk changes of all 100 through
 * bulkUpdateTickets, the command the action calls (a status and an assignee each time, so that
 * every ticket writes two history rows and the assignee's one mail is queued). Prints each
 * round's time and the median. Then the saved views' counts: VIEWS views of the list's common
 * filters, counted as the list page counts them (listSavedViews), timed over ROUNDS reads.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, ".tmp", "bench-bulk");
const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const ROUNDS = 7;
const COUNT = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function child() {
  process.env.TRIAGE_MAIL_COALESCE_SECONDS ??= "0";
  const { write, read } = await import("../../lib/db");
  const { startReactions } = await import("../../lib/reactions-start");
  const { createTicket } = await import("../../lib/tickets/commands");
  const { bulkUpdateTickets } = await import("../../lib/tickets/bulk");
  const { listSavedViews, saveView } = await import("../../lib/tickets/saved-views");
  startReactions();
  const stamp = crypto.randomBytes(3).toString("hex");
  const people = {
    rita: { id: `bench-rita-${stamp}`, name: "Rita Bench", role: "requester" as const },
    ada: { id: `bench-ada-${stamp}`, name: "Ada Bench", role: "agent" as const },
    bob: { id: `bench-bob-${stamp}`, name: "Bob Bench", role: "agent" as const },
  };
  await write(async (tx) => {
    for (const p of Object.values(people)) {
      await tx.run(
        `INSERT INTO "user" ("id", "name", "email", "emailVerified", "role", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
        p.id, p.name, `${p.id}@example.com`, true, p.role, new Date(), new Date(),
      );
    }
  });
  const numbers: number[] = [];
  for (let i = 0; i < COUNT; i++) numbers.push((await createTicket(people.rita, { title: `Bulk bench ${i}`, description: "A ticket to change in bulk.", priority: "Medium" })).number);
  const versions = async () =>
    (await read.all<{ number: number; version: number }>(`SELECT "number", "version" FROM "ticket" WHERE "number" >= ? ORDER BY "number" LIMIT ?`, numbers[0], COUNT)).map((r) => ({
      number: Number(r.number),
      version: Number(r.version),
    }));
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const targets = await versions();
    const t0 = performance.now();
    const r = await bulkUpdateTickets(people.ada, targets, { status: round % 2 ? "Waiting" : "In progress", assigneeId: round % 2 ? people.ada.id : people.bob.id });
    times.push(performance.now() - t0);
    if (r.kind !== "done" || r.changed.length !== COUNT) throw new Error(`round ${round}: ${JSON.stringify(r).slice(0, 300)}`);
  }
  // What one statement costs here (the machine is shared): 600 of them, one at a time, in a write.
  const t1 = performance.now();
  await write(async (tx) => {
    for (let i = 0; i < 600; i++) await tx.get(`SELECT "version" FROM "ticket" WHERE "number" = ?`, numbers[i % COUNT]);
  });
  const statement = (performance.now() - t1) / 600;
  const mails = await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM "outbound_mail" WHERE "kind" = 'assigned' AND "toUserId" = ?`, people.bob.id);

  const QUERIES = ["?status=Open&status=In+progress&status=Waiting", "?assignee=me", "?priority=Urgent&priority=High", "?status=Waiting&assignee=none", "?sort=priority", "?q=printer", "?q=printer+queue&status=Open"];
  for (const [i, q] of QUERIES.entries()) await saveView(people.ada, { name: `View ${i}`, query: q, share: false });
  const viewTimes: number[] = [];
  const plainTimes: number[] = [];
  let shown = "";
  for (let round = 0; round < ROUNDS; round++) {
    let t0 = performance.now();
    const views = await listSavedViews(people.ada);
    viewTimes.push(performance.now() - t0);
    shown = views.map((v) => `${v.name} ${v.estimated ? "about " : ""}${v.count}`).join("; ");
    t0 = performance.now();
    await listSavedViews(people.rita);
    plainTimes.push(performance.now() - t0);
  }
  const total = await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM "ticket"`);
  console.log(JSON.stringify({ tickets: Number(total?.n), statement, times, mails: Number(mails?.n), viewTimes, plainTimes, shown, views: QUERIES.length }));
}

function run(label: string, env: Record<string, string>) {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["--conditions=react-server", __filename, "--child"], {
    cwd: ROOT,
    env: { ...process.env, ...env, AUTH_SECRET: process.env.AUTH_SECRET ?? crypto.randomBytes(32).toString("hex") },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`${label}: ${r.stderr || r.stdout}`);
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { tickets: number; statement: number; times: number[]; mails: number; viewTimes: number[]; plainTimes: number[]; shown: string; views: number };
  console.log(`\n${label}, ${out.tickets.toLocaleString("en-US")} tickets in the database`);
  console.log(`  bulk change of ${COUNT} tickets (status + assignee, history, mail): ${out.times.map(ms).join(", ")}`);
  console.log(`  (one statement by key in a write transaction costs ${out.statement.toFixed(2)} ms here: about 6 a ticket)`);
  console.log(`  median ${ms(median(out.times))}, worst ${ms(Math.max(...out.times))}; "assigned" mails to the new assignee: ${out.mails} (one per bulk change that gave them tickets)`);
  console.log(`  ${out.views} saved views with live counts (an agent's): median ${ms(median(out.viewTimes))}, worst ${ms(Math.max(...out.viewTimes))}; a requester's (shared none): median ${ms(median(out.plainTimes))}`);
  console.log(`  counts: ${out.shown}`);
}

async function main() {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, "bench.db");
  const seed = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/seed.ts", "--tickets", String(TICKETS)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}` },
    encoding: "utf8",
  });
  if (seed.status !== 0) throw new Error(`seed failed:\n${seed.stdout}\n${seed.stderr}`);
  run("SQLite", { DATABASE_URL: `file:${file}` });
  if (process.env.BENCH_POSTGRES === "0") return;
  let pg: { url: string; drop: () => Promise<void> } | null = null;
  try {
    const { freshDatabase } = await import("../../tests/postgres/server");
    const { migratePostgres } = await import("../../server/migrate-postgres");
    pg = await freshDatabase("bench_bulk");
    await migratePostgres(pg.url);
  } catch (e) {
    console.log(`\nPostgreSQL skipped: ${(e as Error).message}`);
    return;
  }
  try {
    run("PostgreSQL (an empty desk besides the hundred)", { DATABASE_URL: pg.url });
  } finally {
    await pg.drop();
  }
}

if (process.argv.includes("--child")) {
  child().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
