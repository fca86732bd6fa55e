/**
 * Whether a production build is older than the sources, decided the same way by `npm start`
 * (server/start.ts) and `npm run bench` (scripts/bench/build.ts): the newest modification time
 * of any file under BUILD_SOURCES, compared with the build's BUILD_ID.
 */
import fs from "node:fs";
import path from "node:path";

/** What a build is made from, relative to the repository's root (the working directory of both callers). */
export const BUILD_SOURCES = ["app", "lib", "proxy.ts", "instrumentation.ts", "next.config.mjs", "package-lock.json", "prisma/schema.prisma"];

/**
 * Folders never looked into: installed packages, the generated Prisma client (lib/generated,
 * which `prisma generate` writes from prisma/schema.prisma, itself a source), and build output
 * (.next and any other distDir such as .next-bench).
 */
const SKIPPED = /^(node_modules|generated|\.next.*)$/;

/** Newest modification time (ms) of any file under the given paths; paths that do not exist count as 0. */
export function newest(paths: string[]): number {
  let max = 0;
  const walk = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      if (SKIPPED.test(path.basename(p))) return;
      for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    } else max = Math.max(max, st.mtimeMs);
  };
  paths.forEach(walk);
  return max;
}
