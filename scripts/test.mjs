#!/usr/bin/env node
/**
 * `npm test`: everything, in order of speed — lint, types, unit and integration tests (Vitest),
 * the integration tests again on PostgreSQL, then end-to-end tests (Playwright, JavaScript on and
 * off, behind nginx and Caddy, and the fuzz suite) against a production build on SQLite, and again
 * on PostgreSQL (JavaScript on, two processes behind nginx, the fuzz suite).
 * Installs what a fresh machine lacks (dependencies, Chromium, nginx, Caddy, Dovecot, PostgreSQL), and ends with one line:
 * "N passed, N failed", counting every test that ran.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
fs.mkdirSync(".tmp", { recursive: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
let passed = 0;
let failed = 0;

function sh(cmd, args, opts = {}) {
  console.log(`\n$ ${cmd} ${args.join(" ")}`);
  return spawnSync(cmd, args, { stdio: "inherit", env, ...opts });
}

function ensureDependencies() {
  if (!fs.existsSync("node_modules/.bin/next")) {
    const r = sh("npm", ["ci"]);
    if (r.status !== 0) throw new Error("npm ci failed");
  }
}

function hasChromium() {
  const r = spawnSync(process.execPath, ["-e", "const {chromium}=require('@playwright/test');process.exit(require('fs').existsSync(chromium.executablePath())?0:1)"], { env });
  return r.status === 0 || fs.existsSync("/usr/bin/chromium");
}

/**
 * Debian packages the tests need: a browser, the TLS reverse proxies that e2e/tls runs Triage
 * behind, and the IMAP server tests/mail starts (dovecot-core brings /usr/sbin/dovecot,
 * dovecot-imapd its imap service), and PostgreSQL. Installed with apt-get when missing (as root).
 */
const PACKAGES = [
  { name: "chromium", present: hasChromium },
  { name: "nginx", present: () => onPath("nginx") },
  { name: "caddy", present: () => onPath("caddy") },
  { name: "dovecot-imapd", present: () => onPath("dovecot") && fs.existsSync("/usr/lib/dovecot/imap") },
  // PostgreSQL 15+, for the tests that run Triage on it (tests/postgres/server.ts starts it).
  { name: "postgresql", present: () => onPath("pg_ctlcluster") && onPath("pg_lsclusters") },
];

function onPath(cmd) {
  return ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"].some((d) => fs.existsSync(path.join(d, cmd)));
}

function ensurePackages() {
  const missing = PACKAGES.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) throw new Error(`Missing: ${missing.join(", ")}. Install Debian's: sudo apt-get install -y ${missing.join(" ")}`);
  sh("apt-get", ["update", "-qq"]);
  const r = sh("apt-get", ["install", "-y", "-qq", ...missing], { env: { ...env, DEBIAN_FRONTEND: "noninteractive" } });
  const still = PACKAGES.filter((p) => !p.present()).map((p) => p.name);
  if (r.status !== 0 || still.length) throw new Error(`Could not install ${still.join(", ")} with apt-get`);
}

/** A check that is one test: lint, types. */
function check(name, cmd, args) {
  const r = sh(cmd, args);
  if (r.status === 0) passed++;
  else {
    failed++;
    console.log(`✗ ${name} failed`);
  }
}

function vitest(args = [], extraEnv = {}) {
  const out = ".tmp/vitest-results.json";
  fs.rmSync(out, { force: true });
  sh("node_modules/.bin/vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile=${out}`, ...args], { env: { ...env, ...extraEnv } });
  if (!fs.existsSync(out)) {
    failed++;
    console.log("✗ Vitest did not report (crashed?)");
    return;
  }
  const r = JSON.parse(fs.readFileSync(out, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
}

function playwright(args = [], extraEnv = {}) {
  const out = ".tmp/e2e-results.json";
  fs.rmSync(out, { force: true });
  sh("node_modules/.bin/playwright", ["test", ...args], { env: { ...env, ...extraEnv } });
  if (!fs.existsSync(out)) {
    failed++;
    console.log("✗ Playwright did not report (server failed to start?)");
    return;
  }
  const r = JSON.parse(fs.readFileSync(out, "utf8"));
  const s = r.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += (s.unexpected ?? 0);
  if ((r.errors ?? []).length && !s.unexpected) failed += r.errors.length;
}

try {
  ensureDependencies();
  ensurePackages();
} catch (e) {
  console.error(`\n${e.message}`);
  failed++;
}
if (failed === 0) {
  check("lint", "node_modules/.bin/eslint", [".", "--max-warnings=0"]);
  check("typecheck", "node_modules/.bin/tsc", ["--noEmit"]);
  // tests/postgres (the schema drift, the copy to PostgreSQL) runs once, in the pass below.
  vitest(["--exclude", "tests/postgres/**"]);
  // The same integration tests with Triage on PostgreSQL (tests/setup.ts): a database per file.
  vitest(["tests/integration", "tests/mail", "tests/postgres"], { TRIAGE_TEST_DATABASE: "postgres" });
  playwright();
  // The browser tests again with the server on PostgreSQL: every spec with JavaScript on, a second
  // process on the same database with nginx taking the two in turn (e2e/pair, only here), and the
  // fuzz suite last. JavaScript off, the TLS proxies, the accessibility scans and the phone layout
  // run once, above: they check what the browser, the proxy and the HTML do, not the database. Its own ports (E2E_PORT, and those e2e/env.ts
  // derives from it).
  const pg = spawnSync("node_modules/.bin/tsx", ["tests/postgres/fresh-url.ts", "e2e"], { env, encoding: "utf8" });
  if (pg.status === 0) playwright([], { E2E_PORT: "3510", E2E_DATABASE_URL: pg.stdout.trim() });
  else {
    failed++;
    console.log(`✗ no PostgreSQL database for the e2e run: ${pg.stderr}`);
  }
}
const line = `${passed} passed, ${failed} failed`;
fs.writeFileSync(".tmp/test-summary.txt", `${line}\n`);
console.log(`\n${line}`);
process.exit(failed === 0 ? 0 : 1);
