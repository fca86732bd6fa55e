#!/usr/bin/env node
/**
 * `npm run migration:new -- <name>`: writes the same change for both databases, as the difference
 * between the schema last committed (git HEAD) and prisma/schema.prisma:
 *   prisma/migrations/<timestamp>_<name>/migration.sql            (SQLite, `prisma migrate deploy`)
 *   prisma/postgres/migrations/<timestamp>_<name>/migration.sql   (PostgreSQL, server/migrate-postgres.ts)
 * and rewrites prisma/postgres/schema.prisma from the SQLite one (scripts/db/postgres-schema.mjs).
 * Works offline: `prisma migrate dev` needs a shadow database that the driver adapter cannot
 * give it, so the diff is taken between two schema files instead.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { POSTGRES_SCHEMA, postgresSchema, SQLITE_SCHEMA } from "./db/postgres-schema.mjs";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]+/gi, "_").replace(/^_|_$/g, "").toLowerCase();
if (!name) {
  console.error("Usage: npm run migration:new -- <name>   (e.g. add_comments)");
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "triage-migration-"));
const headSqlite = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" });
const current = fs.readFileSync(SQLITE_SCHEMA, "utf8");
fs.writeFileSync(POSTGRES_SCHEMA, postgresSchema(current));
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);

function diff(from, to, folder) {
  const prev = path.join(tmp, `${path.basename(folder)}-prev.prisma`);
  fs.writeFileSync(prev, from);
  const dir = path.join(folder, `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, "migration.sql");
  execFileSync(
    "node_modules/.bin/prisma",
    ["migrate", "diff", "--from-schema-datamodel", prev, "--to-schema-datamodel", to, "--script", "-o", out],
    // The CLI reads a schema's datasource: for the SQLite one, a file address.
    { stdio: "inherit", env: { ...process.env, DATABASE_URL: "file:./data/triage.db" } },
  );
  return out;
}

const sqlite = diff(headSqlite, SQLITE_SCHEMA, path.join("prisma", "migrations"));
const postgres = diff(postgresSchema(headSqlite), POSTGRES_SCHEMA, path.join("prisma", "postgres", "migrations"));
console.log(`Wrote ${sqlite} and ${postgres}. Review them, add any raw SQL (triggers, search) to both by hand,
then: npm run db:migrate (SQLite) and npm run db:migrate:postgres (PostgreSQL at DATABASE_URL).`);
