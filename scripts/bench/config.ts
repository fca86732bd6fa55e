/**
 * The benchmark's settings, fixed except for BENCH_SECONDS and BENCH_ROUNDS from the
 * environment, and the small helpers every part of it shares (number formats, percentiles, the
 * log). Reading it has no effects: scripts/bench/main.ts changes to ROOT when the run starts.
 */
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");

/** The production build's distDir (NEXT_DIST_DIR), apart from `npm start`'s .next. */
export const DIST = ".next-bench";
/** Throwaway databases, logs of the build and the servers; emptied at the start of each run. */
export const WORK = path.join(ROOT, ".tmp", "bench");
export const RESULTS = path.join(ROOT, ".tmp", "bench-results.md");
export const SECONDS = Math.min(60, Math.max(1, Number(process.env.BENCH_SECONDS) || 10));
export const ROUNDS = Math.min(10, Math.max(1, Math.round(Number(process.env.BENCH_ROUNDS) || 2)));
/** Warm-up per scenario: at least this many requests (JIT, caches), in 2 s steps, at most 10 s. */
export const WARMUP_REQUESTS = 40;
export const WARMUP_SECONDS = 2;
export const WARMUP_MAX_SECONDS = 10;
export const CONNECTIONS = 4;
/** The database sizes, in tickets (BENCH_HUGE: another size for the largest, when working on the bench). */
export const SMALL = 1_000;
export const LARGE = 100_000;
export const HUGE = Math.max(LARGE + 1, Number(process.env.BENCH_HUGE) || 1_000_000);

/** The databases a scenario runs on, side by side. */
export type Column = "SQLite" | "PostgreSQL";

export const nf = new Intl.NumberFormat("en-US");
export const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] : 0;
export const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
export const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
export const log = (s: string) => console.log(s);
