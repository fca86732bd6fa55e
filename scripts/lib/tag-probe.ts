/**
 * Times the ticket list with Tags filters in process, as /tickets reads it (listTickets: the
 * count, the page and its chips), beside the same views without tags, on a seeded database whose
 * tags were added by scripts/lib/seed-tags.sql; prints p50/p99 and each page's list query plan.
 *
 *   DATABASE_URL=file:<db> NODE_ENV=production node --conditions=react-server --import tsx scripts/lib/tag-probe.ts <agent id>
 */
import Database from "better-sqlite3";
import { models as prisma } from "../../lib/db";
import { listTickets } from "../../lib/tickets/list";
import { parseListParams } from "../../lib/tickets/list-params";

const CASES = [
  "",
  "tags=common",
  "tags=vip",
  "tags=rare",
  "tags=scarce",
  "tags=common&tags=vip",
  "tags=common&tags=rare",
  "status=Open&status=In+progress&status=Waiting",
  "status=Open&status=In+progress&status=Waiting&tags=common",
  "status=Open&status=In+progress&status=Waiting&tags=rare",
  "sort=title&tags=common",
  "sort=priority&tags=vip",
  "q=printer",
  "q=printer&tags=common",
  "q=printer&tags=rare",
  "page=100",
  "page=100&tags=common",
  "page=100&tags=vip",
  "page=3000&tags=common",
  "status=Closed&tags=rare&tags=vip",
];

function params(query: string) {
  const raw: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = raw[k];
    raw[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return parseListParams(raw);
}

async function main() {
  const [agentId] = process.argv.slice(2);
  const actor = { id: agentId, role: "agent" as const, name: "Bench agent" };
  const db = new Database(process.env.DATABASE_URL!.replace(/^file:/, ""), { readonly: true });
  console.log(JSON.stringify(db.prepare(`SELECT "name", "tickets" FROM "tag" ORDER BY "tickets" DESC`).all()));
  db.close();
  console.log("| view | total | rows | p50 ms | p99 ms | calls |\n| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const query of CASES) {
    const p = params(query);
    const first = await listTickets(actor, p);
    const samples: number[] = [];
    const until = performance.now() + 1500;
    while (samples.length < 20 || (performance.now() < until && samples.length < 2000)) {
      const t = performance.now();
      await listTickets(actor, p);
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    const q = (f: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * f))].toFixed(1);
    console.log(`| \`${query || "(none)"}\` | ${first.estimated ? "about " : ""}${first.total} | ${first.rows.length} | ${q(0.5)} | ${q(0.99)} | ${samples.length} |`);
  }
  await prisma.$disconnect();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
