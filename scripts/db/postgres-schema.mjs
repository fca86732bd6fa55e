#!/usr/bin/env node
/**
 * prisma/postgres/schema.prisma is made from prisma/schema.prisma, never edited by hand: the same
 * models for PostgreSQL, with the client generated into lib/generated/prisma-pg. Only the
 * datasource, the output path and SQLite's FTS5 tables (listed there for introspection) differ.
 * `node scripts/db/postgres-schema.mjs` writes it; `--check` exits 1 when the committed file is
 * not what it would write (tests/postgres-schema.test.ts runs that check).
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
export const SQLITE_SCHEMA = path.join(root, "prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join(root, "prisma", "postgres", "schema.prisma");

/** The PostgreSQL schema for the SQLite one's text. */
export function postgresSchema(sqlite) {
  const fts = sqlite.indexOf("// FTS5's own tables");
  if (fts === -1) throw new Error("prisma/schema.prisma: the FTS5 models' comment was not found");
  const models = sqlite.slice(sqlite.indexOf("generator client"), fts).trimEnd();
  const out = models
    .replace('output     = "../lib/generated/prisma"', 'output     = "../../lib/generated/prisma-pg"')
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    // Never connected to (the pg adapter is given the real address); a literal, so that the CLI
    // reads this schema whatever DATABASE_URL holds.
    .replace('url      = env("DATABASE_URL")', 'url      = "postgresql://localhost/unused"');
  if (!out.includes("prisma-pg") || !out.includes('"postgresql"') || !out.includes("localhost/unused")) {
    throw new Error("prisma/schema.prisma: the generator output or the datasource was not found");
  }
  return `// GENERATED from prisma/schema.prisma by scripts/db/postgres-schema.mjs: do not edit. The same
// models on PostgreSQL; its migrations are in prisma/postgres/migrations (server/migrate-postgres.ts).

${out}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const want = postgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
  if (process.argv.includes("--check")) {
    const have = fs.existsSync(POSTGRES_SCHEMA) ? fs.readFileSync(POSTGRES_SCHEMA, "utf8") : "";
    if (have !== want) {
      console.error("prisma/postgres/schema.prisma is out of date: run node scripts/db/postgres-schema.mjs");
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
    fs.writeFileSync(POSTGRES_SCHEMA, want);
    console.log(`Wrote ${path.relative(root, POSTGRES_SCHEMA)}`);
  }
}
