/**
 * Empties the PostgreSQL database at DATABASE_URL (every table, function and record of migrations
 * in its public schema), for a test server that must start from nothing: the e2e run on
 * PostgreSQL (playwright.config.ts). Refuses anything but a database whose name starts "triage_".
 */
import pg from "pg";

const url = process.env.DATABASE_URL ?? "";
const name = /^postgres(ql)?:\/\//.test(url) ? decodeURIComponent(new URL(url).pathname.slice(1)) : "";
if (!name.startsWith("triage_")) {
  console.error(`reset-postgres: refusing to empty ${name || url || "(no DATABASE_URL)"}: only a database named triage_…`);
  process.exit(2);
}
const client = new pg.Client({ connectionString: url });
client
  .connect()
  .then(() => client.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`))
  .then(() => client.end())
  .catch((e) => {
    console.error(`reset-postgres: ${e.message}`);
    process.exit(1);
  });
