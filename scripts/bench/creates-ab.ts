/**
 * Creates, the current build (.next-bench: run `npm run bench` once first) against a baseline commit
 * (default 4083a59), alternated three times on copies of one database of 10,000 tickets, each
 * server posted for BENCH_SECONDS in turn: `npx tsx scripts/bench/creates-ab.ts [rev]`.
 */
import fs from "node:fs";
import path from "node:path";
import { ROOT, WORK } from "./config";
import { migrate } from "../seed/db";
import { DEMO_ACCOUNTS } from "../seed/accounts";
import { makeDatabase, setAcknowledgements } from "./databases";
import { creates } from "./load";
import { signIn, startServer, stopServersOnExit, killAll } from "./server";
import { startBaseline } from "./baseline";

async function main() {
  process.chdir(ROOT);
  stopServersOnExit();
  const dir = path.join(WORK, "ab");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const template = path.join(dir, "template.db");
  migrate(template, () => {});
  const cur = await makeDatabase(template, "ab/cur", 10_000);
  const baseFile = path.join(dir, "base.db");
  fs.copyFileSync(cur.file, baseFile);
  setAcknowledgements(cur.file, true);
  setAcknowledgements(baseFile, true);
  const agent = DEMO_ACCOUNTS.find((a) => a.role === "agent")!;
  const a = await startServer(cur, "ab-cur");
  const b = await startBaseline(process.argv[2] ?? "4083a59", baseFile, "ab-base");
  const ta = { server: a, cookie: await signIn(a.base, agent.email, agent.password) };
  const tb = { server: b, cookie: await signIn(b.base, agent.email, agent.password) };
  for (let round = 0; round < 3; round++) {
    const x = await creates(ta, cur);
    const y = await creates(tb, { ...cur, file: baseFile });
    console.log(`round ${round + 1}: current ${x.perSecond.toFixed(1)}/s p50 ${x.p50.toFixed(0)} cpu ${x.cpuPerRequest?.toFixed(1)} | baseline ${y.perSecond.toFixed(1)}/s p50 ${y.p50.toFixed(0)} cpu ${y.cpuPerRequest?.toFixed(1)}`);
  }
  killAll();
  process.exit(0);
}
main().catch((e) => {
  console.error(e);
  killAll();
  process.exit(1);
});
