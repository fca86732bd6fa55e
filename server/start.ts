/**
 * `npm start`: validate the configuration, build if the build is missing or older than the
 * sources, apply migrations, then serve with server/server.mjs. Everything it needs is in this
 * repository.
 *
 * `npm run dev` (`--dev`): the same, without the build (Next.js compiles on demand), and the same
 * server in development mode, so that development goes through the same front door as production.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { readOrCreateSecret } from "../lib/auth/secret-file";
import { ConfigError, parseEnv, type Env } from "../lib/env";
import { ATTACHMENTS_PER_MESSAGE } from "../lib/limits";
import { logFormat, logLine, patchConsole } from "../lib/log.mjs";
import { migratePostgres } from "./migrate-postgres";
import { buildIdentity } from "./build-identity";
import { BUILD_SOURCES, newest } from "./newest";

const root = path.resolve(__dirname, "..");
process.chdir(root);
const dev = process.argv.includes("--dev");
// TRIAGE_LOG_FORMAT=json: this step's lines are JSON too, as server.mjs's are (lib/log.mjs).
patchConsole();

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

let config: Env;
try {
  config = parseEnv(process.env);
} catch (e) {
  if (e instanceof ConfigError) fail(`Triage cannot start. ${e.message}`);
  throw e;
}

// Every process of a desk builds with the same server-action key and build id (server/build-identity.ts).
const identity = buildIdentity(readOrCreateSecret(config), root);

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: identity.actionsKey,
  ...(identity.buildId ? { TRIAGE_BUILD_ID: identity.buildId } : {}),
  DATABASE_URL: config.dialect === "sqlite" ? `file:${config.databasePath}` : config.DATABASE_URL,
  NEXT_TELEMETRY_DISABLED: "1",
  NODE_ENV: dev ? "development" : "production",
  // Where the front door writes files in posts, and how much it takes (server/uploads.mjs).
  TRIAGE_UPLOADS: JSON.stringify({ dir: config.uploadDir, maxBytes: config.attachmentMaxBytes, maxFiles: ATTACHMENTS_PER_MESSAGE }),
};

function run(cmd: string, args: string[]) {
  if (logFormat() === "json") {
    // The build's and the migrations' own output, a line of the log per line.
    const r = spawnSync(cmd, args, { stdio: ["inherit", "pipe", "pipe"], env: childEnv, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    for (const [text, level] of [[r.stdout, "info"], [r.stderr, "warn"]] as const) {
      for (const line of (text ?? "").split(/[\r\n]+/)) if (line.trim()) logLine(level, stripVTControlCharacters(line), { step: path.basename(cmd) });
    }
    if (r.status !== 0) fail(`"${cmd} ${args.join(" ")}" failed.`);
    return;
  }
  const r = spawnSync(cmd, args, { stdio: "inherit", env: childEnv });
  if (r.status !== 0) fail(`"${cmd} ${args.join(" ")}" failed.`);
}

const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
if (!dev) {
  const dist = path.join(root, process.env.NEXT_DIST_DIR || ".next");
  const buildId = path.join(dist, "BUILD_ID");
  const stampFile = path.join(dist, "triage-build-stamp");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8").trim() : null;
  const sourcesAt = newest(BUILD_SOURCES);
  if (builtAt < sourcesAt || stamp !== identity.stamp) {
    console.log(
      !builtAt ? "No build yet: building…" : builtAt < sourcesAt ? "Sources changed since the last build: rebuilding…" : "The secret or the commit changed since the last build: rebuilding…",
    );
    run(bin("next"), ["build"]);
    fs.writeFileSync(stampFile, `${identity.stamp}\n`);
  }
}

async function main() {
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (config.dialect === "sqlite") {
    console.log(`Database: ${config.databasePath}`);
    run(bin("prisma"), ["migrate", "deploy"]);
  } else {
    const where = new URL(config.DATABASE_URL);
    console.log(`Database: PostgreSQL at ${where.host}${where.pathname}`);
    try {
      const applied = await migratePostgres(config.DATABASE_URL);
      console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "No pending migrations.");
    } catch (e) {
      fail(`Triage cannot start: the PostgreSQL migrations failed. ${(e as Error).message}`);
    }
  }

  const server = spawn(process.execPath, [path.join(root, "server", "server.mjs"), ...(dev ? ["--dev"] : [])], {
    stdio: "inherit",
    env: { ...childEnv, PORT: String(config.PORT) },
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => server.kill(sig));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

void main();
