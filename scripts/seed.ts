/**
 * `npm run seed -- [--tickets N] [--demo]`: demo data, fast. The seed itself is in scripts/seed/:
 * cli.ts (the options and what is printed), db.ts (opening and migrating the database),
 * accounts.ts (demo accounts and people), text.ts (realistic ticket text) and bulk.ts (tickets in
 * bulk, and the check that the tally and the search index agree with them).
 */
import { runCli } from "./seed/cli";

if (require.main === module) runCli();
