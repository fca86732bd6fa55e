/**
 * `tsx tests/postgres/fresh-url.ts <name>`: starts this machine's PostgreSQL if it is down, makes
 * sure a database triage_<name> exists and prints its address. scripts/test.mjs runs the e2e
 * suite on triage_e2e: one database for every run (the e2e server empties it before it starts,
 * scripts/db/reset-postgres.ts), so runs leave nothing behind.
 */
import { databaseNamed } from "./server";

const name = `triage_${(process.argv[2] ?? "e2e").toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
databaseNamed(name).then(
  (url) => console.log(url),
  (e) => {
    console.error(e.message);
    process.exit(1);
  },
);
