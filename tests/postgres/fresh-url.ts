/**
 * `tsx tests/postgres/fresh-url.ts <label>`: starts this machine's PostgreSQL if it is down,
 * creates an empty database and prints its address (scripts/test.mjs runs the e2e suite on it).
 */
import { freshDatabase } from "./server";

freshDatabase(process.argv[2] ?? "e2e").then(
  (d) => console.log(d.url),
  (e) => {
    console.error(e.message);
    process.exit(1);
  },
);
