/**
 * Each test file gets its own SQLite file, migrated, before any module reads the configuration.
 * lib/ modules read DATABASE_URL lazily, so setting it here is enough.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { databaseFromTemplateSync } from "./postgres/server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triage-test-"));
const url = `file:${path.join(dir, "test.db")}`;
process.env.DATABASE_URL = url;
process.env.AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
process.env.TRIAGE_TEST_DB_DIR = dir;
// The SQLite file is made either way (the drift test reads it); with TRIAGE_TEST_DATABASE=postgres
// the application runs on a PostgreSQL database of this file's own (tests/global-setup.ts).
if (process.env.TRIAGE_TEST_DATABASE === "postgres") {
  process.env.TRIAGE_TEST_SQLITE_URL = url;
  process.env.DATABASE_URL = databaseFromTemplateSync(path.basename(dir).replace("triage-test-", "t"));
}

const template = path.join(os.tmpdir(), "triage-test-template.db");
// Migrating takes about a second; do it once per run and copy the result for every file.
if (!fs.existsSync(template) || fs.statSync(template).mtimeMs < newestMigration()) {
  const tmp = `${template}.${process.pid}`;
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${tmp}` },
    stdio: "ignore",
  });
  fs.renameSync(tmp, template);
}
fs.copyFileSync(template, path.join(dir, "test.db"));

function newestMigration(): number {
  const root = path.resolve("prisma/migrations");
  // A migration.sql edited in place does not change its folder's mtime: look at the files too.
  const entries = fs.readdirSync(root, { recursive: true }).map((d) => path.join(root, String(d)));
  return Math.max(
    ...entries.map((p) => fs.statSync(p).mtimeMs),
    fs.statSync(path.resolve("prisma/schema.prisma")).mtimeMs,
  );
}

// Tests post comments much faster than a person: no per-minute limit, one mail per comment at once
// (tests/integration/conversation.test.ts sets its own).
process.env.TRIAGE_COMMENTS_PER_MINUTE ??= "100000";
process.env.TRIAGE_MAIL_COALESCE_SECONDS ??= "0";

// What ticket changes set off (mail) is registered as the server does at start (instrumentation.ts).
const { startReactions } = await import("../lib/reactions-start");
startReactions();
