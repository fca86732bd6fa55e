/**
 * `npm run bench`: figures, not a test (prints a markdown table and writes it to
 * .tmp/bench-results.md). What it measures and how is described in scripts/bench/main.ts, which
 * runs it with the modules beside it: build.ts, databases.ts, server.ts, load.ts, browser.ts
 * and report.ts.
 */
import { run } from "./bench/main";

if (require.main === module) run();
