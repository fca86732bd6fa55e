#!/usr/bin/env node
/**
 * `npm run migration:new -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql as
 * the difference between the schema last committed (git HEAD) and prisma/schema.prisma.
 * Works offline: `prisma migrate dev` needs a shadow database that the driver adapter cannot
 * give it, so the diff is taken between two schema files instead.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]+/gi, "_").replace(/^_|_$/g, "").toLowerCase();
if (!name) {
  console.error("Usage: npm run migration:new -- <name>   (e.g. add_comments)");
  process.exit(2);
}
const prev = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "triage-migration-")), "prev.prisma");
fs.writeFileSync(prev, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
const out = path.join(dir, "migration.sql");
execFileSync(
  "node_modules/.bin/prisma",
  ["migrate", "diff", "--from-schema-datamodel", prev, "--to-schema-datamodel", "prisma/schema.prisma", "--script", "-o", out],
  { stdio: "inherit" },
);
console.log(`Wrote ${out}. Review it, add any raw SQL (triggers, FTS) by hand, then: npm run db:migrate`);
