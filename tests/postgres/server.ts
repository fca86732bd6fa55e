/**
 * PostgreSQL for the tests: TEST_POSTGRES_URL when it is set (an address whose role may create
 * databases); otherwise Debian's cluster on this machine, started if it is down
 * (`pg_ctlcluster`, no systemd) with a role triage_test made for the tests. Each test gets a
 * database of its own, dropped afterwards.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import pg from "pg";
import { postgresMigrations } from "../../server/migrate-postgres";

const ROLE = "triage_test";

function cluster(): { version: string; name: string; port: string; status: string } {
  let out = "";
  try {
    out = execFileSync("pg_lsclusters", ["-h"], { encoding: "utf8" });
  } catch {
    throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (npm test installs it)");
  }
  const [version, name, port, status] = out.trim().split("\n")[0]?.split(/\s+/) ?? [];
  if (!version) throw new Error("PostgreSQL has no cluster: pg_createcluster 15 main");
  return { version, name, port, status };
}

let adminUrl: string | undefined;

/** An address of a role that may create databases, on a running server. */
export function postgresAdminUrl(): string {
  if (adminUrl) return adminUrl;
  if (process.env.TEST_POSTGRES_URL) return (adminUrl = process.env.TEST_POSTGRES_URL);
  const c = cluster();
  if (c.status !== "online") execFileSync("pg_ctlcluster", [c.version, c.name, "start"], { stdio: "ignore" });
  const sql = `DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN
      CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${ROLE}';
    END IF; END $$;`;
  execFileSync("runuser", ["-u", "postgres", "--", "psql", "-q", "-p", c.port, "-v", "ON_ERROR_STOP=1", "-c", sql], { stdio: "pipe" });
  return (adminUrl = `postgresql://${ROLE}:${ROLE}@127.0.0.1:${c.port}/postgres`);
}

/** The database named `name`, created when it is missing; resolves to its address. */
export async function databaseNamed(name: string): Promise<string> {
  const admin = postgresAdminUrl();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (!exists.rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops a database and whoever is connected to it. WITH (FORCE) ends the sessions of our own role
 * but not an autovacuum worker's (the superuser's: "must be a member of the role whose process is
 * being terminated"), which a bulk write invites within a minute; such a worker is done in a
 * moment, so the drop is tried again for up to 30 s.
 */
async function dropDatabase(admin: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        return;
      } catch (e) {
        const busy = (e as { code?: string }).code === "42501" || (e as { code?: string }).code === "55006";
        if (!busy || attempt >= 60) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await c.end();
  }
}

/** A new empty database; resolves to its address and a function that drops it. */
export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = postgresAdminUrl();
  const name = `triage_${label}_${crypto.randomBytes(4).toString("hex")}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return {
    url: await databaseNamed(name),
    drop: () => dropDatabase(admin, name),
  };
}

/** The migrated template the test files' databases are copied from (tests/global-setup.ts). */
export function postgresTemplateName(): string {
  const hash = crypto.createHash("sha256");
  for (const m of postgresMigrations()) hash.update(m.name).update(m.checksum);
  return `triage_template_${hash.digest("hex").slice(0, 12)}`;
}

/** A database copied from the template, synchronously (for tests/setup.ts, before any import). */
export function databaseFromTemplateSync(label: string): string {
  const admin = postgresAdminUrl();
  const name = `triage_${label}_${process.pid}_${crypto.randomBytes(3).toString("hex")}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const a = new URL(admin);
  execFileSync("psql", ["-q", "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE "${name}" TEMPLATE "${postgresTemplateName()}"`, admin], {
    stdio: "pipe",
    env: { ...process.env, PGPASSWORD: decodeURIComponent(a.password) },
  });
  a.pathname = `/${name}`;
  return a.toString();
}
