/**
 * The baseline: an older commit's build served beside the current code's, on a copy of the same
 * database, in the same run, so that its /tickets is measured on the same data and the same
 * machine state. The commit is prepared once in .tmp/bench-baseline/<rev> and kept; each step is
 * skipped when its output is there, and timed:
 *   1. a clone of this repository (`--no-checkout`, then a detached checkout of <rev>): a clone,
 *      not a worktree, so that neither this working tree nor this .git changes (a clone also has
 *      its own .git, which keeps Next.js from taking this repository as its workspace root);
 *   2. this node_modules, copied as hard links (`cp -al`, a few seconds): `npm ci` would compile
 *      better-sqlite3 for minutes, and 35c6a25's lockfile is a subset of this one, same versions;
 *   3. its Prisma clients (`prisma generate`, into the clone's lib/generated/, one per schema);
 *   4. `next build` into the clone's .next.
 * It is served as that commit served itself, `next start` (its scripts/start.ts without the build
 * and the migrations: the database is the current code's, a superset of the older schema), on a
 * free port from 3321–3330, in its own process group, and stopped on exit like every server here.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { log, ROOT } from "./config";
import { launch, type Server } from "./server";

const PORT_RANGE = [3321, 3330] as const;
export const BASELINES = path.join(ROOT, ".tmp", "bench-baseline");

// ---------------------------------------------------------------------------------------------
// Preparing: each step runs only when its output is missing; output in BASELINES/<rev>.log.

/** The environment of the steps: no distDir or database of the caller's. */
function stepEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  delete env.NEXT_DIST_DIR;
  delete env.DATABASE_URL; // its prisma.config.ts and lib/env.ts default to the clone's data/triage.db
  return env;
}

function run(logFile: string, cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = stepEnv()) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  fs.appendFileSync(logFile, `$ (cd ${cwd} && ${cmd} ${args.join(" ")})\n${out}\n`);
  if (r.status !== 0) {
    const tail = out.trim().split("\n").slice(-30).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}); see ${logFile}:\n${tail}`);
  }
}

/** Prepares `rev` in BASELINES/<rev> (see the header); returns the clone's path. */
export function prepareBaseline(rev: string): string {
  const dir = path.join(BASELINES, rev);
  const logFile = path.join(BASELINES, `${rev}.log`);
  fs.mkdirSync(BASELINES, { recursive: true });
  const bin = (name: string) => path.join(dir, "node_modules", ".bin", name);
  const step = (name: string, output: string, work: () => void) => {
    if (fs.existsSync(path.join(dir, output))) return log(`Baseline ${rev}: ${name}: already done.`);
    const started = performance.now();
    work();
    log(`Baseline ${rev}: ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  };

  step("clone and checkout", "package.json", () => {
    if (!fs.existsSync(path.join(dir, ".git"))) {
      fs.rmSync(dir, { recursive: true, force: true });
      run(logFile, BASELINES, "git", ["clone", "-q", "--no-checkout", ROOT, dir]);
    }
    run(logFile, dir, "git", ["checkout", "-q", "--detach", rev]);
  });
  step("node_modules (hard links)", "node_modules", () => {
    const partial = path.join(dir, "node_modules.partial");
    fs.rmSync(partial, { recursive: true, force: true });
    run(logFile, dir, "cp", ["-al", path.join(ROOT, "node_modules"), partial]);
    fs.renameSync(partial, path.join(dir, "node_modules"));
  });
  step("prisma generate", "lib/generated/prisma/client.ts", () => run(logFile, dir, bin("prisma"), ["generate"]));
  // A commit that runs on PostgreSQL too has a second client, from its own schema.
  if (fs.existsSync(path.join(dir, "prisma/postgres/schema.prisma"))) {
    step("prisma generate (PostgreSQL)", "lib/generated/prisma-pg/client.ts", () =>
      run(logFile, dir, bin("prisma"), ["generate", "--schema", "prisma/postgres/schema.prisma"]),
    );
  }
  step("next build", ".next/BUILD_ID", () =>
    run(logFile, dir, bin("next"), ["build"], { ...stepEnv(), NODE_ENV: "production" }),
  );
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Serving

/**
 * Prepares (once, cached) a production build of `rev` in .tmp/bench-baseline/<rev> and starts it
 * on `dbFile` as that commit served itself (its own server when it has one, else `next start`),
 * with server.ts's launch: a free port
 * from 3321–3330, stopped with everything else.
 */
export async function startBaseline(rev: string, dbFile: string, label: string): Promise<Server> {
  const dir = prepareBaseline(rev);
  const server = await launch({
    label,
    ports: PORT_RANGE,
    cwd: dir,
    command: (port, base) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: `file:${path.resolve(dbFile)}`,
        PORT: String(port),
        TRIAGE_URL: base,
        AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
        TRIAGE_BENCH_FLOOR: "1",
        TRIAGE_MAIL_WORKERS: "off",
      };
      delete env.NEXT_DIST_DIR;
      // A commit with a server of its own (a front door before Next.js) is served by it, as its
      // `npm start` did; an older one by `next start`.
      const own = ["server/server.mjs", "scripts/server.mjs"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
      if (own) return { args: [own], env };
      return { args: [path.join(dir, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)], env };
    },
  });
  log(`Server (${label}): ${server.base}, ${rev} from ${path.relative(ROOT, dir)}.`);
  return server;
}
