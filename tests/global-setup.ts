/**
 * Once per Vitest run. With TRIAGE_TEST_DATABASE=postgres, every test file runs on a PostgreSQL
 * database of its own (tests/setup.ts), copied from a template migrated here once: named after
 * the migrations' checksums, so a changed migration makes a new one.
 */
import pg from "pg";
import { migratePostgres } from "../server/migrate-postgres";
import { postgresAdminUrl, postgresTemplateName } from "./postgres/server";

export default async function setup() {
  if (process.env.TRIAGE_TEST_DATABASE !== "postgres") return;
  await makeTemplate();
  // Afterwards, the test files' databases go (the template stays for the next run).
  return async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'triage\\_t%' AND datname NOT LIKE 'triage\\_template%'`);
      for (const r of rows) await client.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
}

async function makeTemplate() {
  const admin = postgresAdminUrl();
  const name = postgresTemplateName();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (exists.rowCount) return;
    const building = `${name}_building`;
    await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${building}"`);
    const url = new URL(admin);
    url.pathname = `/${building}`;
    await migratePostgres(url.toString());
    await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
  } finally {
    await client.end();
  }
}
