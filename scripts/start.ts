/**
 * `npm start`: validate the configuration, build if the build is missing or older than the
 * sources, apply migrations, then serve. Everything it needs is in this repository.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, parseEnv } from "../lib/env";
import { BUILD_SOURCES, newest } from "./lib/newest";

const root = path.resolve(__dirname, "..");
process.chdir(root);

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

let config;
try {
  config = parseEnv(process.env);
} catch (e) {
  if (e instanceof ConfigError) fail(`Triage cannot start. ${e.message}`);
  throw e;
}

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: `file:${config.databasePath}`,
  NEXT_TELEMETRY_DISABLED: "1",
  NODE_ENV: "production" as const,
};

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: childEnv });
  if (r.status !== 0) fail(`"${cmd} ${args.join(" ")}" failed.`);
}

const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const buildId = path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
const sourcesAt = newest(BUILD_SOURCES);
if (builtAt < sourcesAt) {
  console.log(builtAt ? "Sources changed since the last build: rebuilding…" : "No build yet: building…");
  run(bin("next"), ["build"]);
}

fs.mkdirSync(config.dataDir, { recursive: true });
console.log(`Database: ${config.databasePath}`);
run(bin("prisma"), ["migrate", "deploy"]);

const server = spawn(process.execPath, [path.join(root, "scripts/server.mjs")], {
  stdio: "inherit",
  env: { ...childEnv, PORT: String(config.PORT) },
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => server.kill(sig));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
