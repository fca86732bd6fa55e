/**
 * The benchmark's production build: `next build` into DIST (.next-bench) when there is none or
 * it is older than the sources (the same test as `npm start`'s, server/newest.ts), with the
 * benchmark's floor in it (TRIAGE_BENCH_FLOOR=1: next.config.mjs then builds
 * app/(bench)/bench-floor/page.bench.tsx, which the product build leaves out), and with the edits
 * that build makes to tsconfig.json and next-env.d.ts taken back afterwards.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BUILD_SOURCES, newest } from "../../server/newest";
import { bin, DIST, log, ROOT, WORK } from "./config";

/**
 * `next build` with another distDir adds that folder's types to tsconfig.json's "include" and
 * points next-env.d.ts at them. Take those edits back, so that the benchmark leaves the
 * repository as it found it (other entries, written by other builds meanwhile, are kept).
 */
function undoBuildEdits(nextEnvBefore: string | null) {
  try {
    const text = fs.readFileSync("tsconfig.json", "utf8");
    if (text.includes(`"${DIST}/`)) {
      const json = JSON.parse(text) as { include?: string[] };
      if (Array.isArray(json.include)) {
        json.include = json.include.filter((p) => !p.startsWith(`${DIST}/`));
        fs.writeFileSync("tsconfig.json", `${JSON.stringify(json, null, 2)}\n`);
      }
    }
  } catch (e) {
    console.warn(`Could not tidy tsconfig.json after the build: ${(e as Error).message}`);
  }
  try {
    if (nextEnvBefore !== null && fs.readFileSync("next-env.d.ts", "utf8").includes(`./${DIST}/`)) {
      fs.writeFileSync("next-env.d.ts", nextEnvBefore);
    }
  } catch {
    /* next-env.d.ts is generated; nothing to keep */
  }
}

/** Builds DIST unless its BUILD_ID is at least as new as every source; output in WORK/build.log. */
export function ensureBuild() {
  const buildId = path.join(ROOT, DIST, "BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const sourcesAt = newest(BUILD_SOURCES);
  if (builtAt >= sourcesAt) {
    log(`Build: ${DIST} is up to date.`);
    return;
  }
  const logFile = path.join(WORK, "build.log");
  log(`Build: ${builtAt ? "sources changed" : "no build yet"}; building ${DIST} (log: ${path.relative(ROOT, logFile)})…`);
  const nextEnvBefore = fs.existsSync("next-env.d.ts") ? fs.readFileSync("next-env.d.ts", "utf8") : null;
  const started = performance.now();
  const r = spawnSync(bin("next"), ["build"], {
    cwd: ROOT,
    env: { ...process.env, NEXT_DIST_DIR: DIST, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", TRIAGE_BENCH_FLOOR: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20 * 60_000,
  });
  undoBuildEdits(nextEnvBefore);
  fs.writeFileSync(logFile, `${r.stdout ?? ""}\n${r.stderr ?? ""}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(`next build failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail}`);
  }
  log(`Build: done in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}
