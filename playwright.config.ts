import fs from "node:fs";
import { chromium, defineConfig, devices } from "@playwright/test";
import { BASE_URL, DATABASE_URL, DB_DIR, IMAP_PORT, ON_POSTGRES, IMAP_URL, MAIL_CAPTURE_DIR, MAIL_FROM, PORT, SMTP_PORT, TLS_PORT } from "./e2e/env";

/**
 * End-to-end tests against a production build (`npm start`: build if needed, migrate, serve) on a
 * throwaway database. Every spec runs twice: with JavaScript, and without it. The same server is
 * also reached through nginx and Caddy over TLS (e2e/tls), and, once everything else has finished,
 * posted to by hand with hostile values (e2e/fuzz). On PostgreSQL (E2E_DATABASE_URL, npm test's
 * second pass) the specs run with JavaScript on (but the accessibility scans and the phone layout),
 * then e2e/pair and the fuzz suite.
 */
const NGINX_URL = `https://localhost:${TLS_PORT}`;
const CADDY_URL = `https://localhost:${TLS_PORT + 1}`;
const SPECIAL = [/global\.setup\.ts/, /\/fuzz\//, /\/tls\//, /\/pair\//];
/**
 * On PostgreSQL a second Triage process serves the same database on PORT + 1, and nginx takes the
 * two in turn on TLS_PORT + 2 (scripts/e2e-proxy.mjs with two upstreams): e2e/pair checks that
 * they behave as one.
 */
const PAIR_URL = `https://localhost:${TLS_PORT + 2}`;

function executablePath(): string | undefined {
  try {
    const own = chromium.executablePath();
    if (own && fs.existsSync(own)) return undefined; // Playwright's own browser is installed
  } catch {
    /* not installed */
  }
  return fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;
}

const launchOptions = {
  executablePath: executablePath(),
  args: ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
};

/** What every e2e Triage process is started with. */
const SERVER_ENV = {
  DATABASE_URL,
  NEXT_TELEMETRY_DISABLED: "1",
  // One secret for every process (each would otherwise read ./data/auth-secret, the same file here).
  AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0123456789",
  // nginx and Caddy below run on this machine: believe their X-Forwarded-For.
  TRIAGE_TRUSTED_PROXIES: "127.0.0.1,::1",
  TRIAGE_SMTP_URL: `smtp://triage:secret@127.0.0.1:${SMTP_PORT}`,
  TRIAGE_IMAP_URL: IMAP_URL,
  TRIAGE_IMAP_POLL_SECONDS: "1",
  TRIAGE_MAIL_FROM: `Triage Help <${MAIL_FROM}>`,
  // Shared accounts post a few comments a minute; e2e/conversation.spec.ts seeds 1,000 for a fresh
  // account, so keep this below 1,000.
  TRIAGE_COMMENTS_PER_MINUTE: "60",
  // Comment mail gathered for 1 s instead of 2 min: tests wait for it.
  TRIAGE_MAIL_COALESCE_SECONDS: "1",
  // Every spec signs up and fails passwords from this machine's one address (e2e/abuse-accounts
  // claims addresses of its own through X-Forwarded-For to meet the limits).
  TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS: "100000",
  TRIAGE_SIGNIN_FAILURES_PER_ADDRESS: "100000",
};

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [["list"], ["json", { outputFile: ".tmp/e2e-results.json" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions,
    ...devices["Desktop Chrome"],
  },
  projects: [
    { name: "setup", testMatch: /global\.setup\.ts/, use: { launchOptions } },
    // On PostgreSQL the accessibility scans and the phone layout are left out too: what they check
    // is the same HTML whatever database filled it.
    {
      name: "js",
      dependencies: ["setup"],
      testIgnore: ON_POSTGRES ? [...SPECIAL, /\/a11y\.spec\.ts/, /\/phone\.spec\.ts/] : SPECIAL,
      use: { javaScriptEnabled: true, launchOptions },
    },
    // JavaScript off, and TLS through nginx and Caddy, change what the browser and the proxy do,
    // not what the database does: they run once, on SQLite. On PostgreSQL every spec runs with
    // JavaScript on, then the pair of processes and the fuzz suite (npm test's second pass).
    ...(ON_POSTGRES ? [] : [{ name: "nojs", dependencies: ["setup"], testIgnore: SPECIAL, use: { javaScriptEnabled: false, launchOptions } }]),
    ...(ON_POSTGRES ? [] : (["nginx", "caddy"] as const)).flatMap((proxy) =>
      [true, false].map((js) => ({
        name: `tls-${proxy}-${js ? "js" : "nojs"}`,
        dependencies: ["setup"],
        testMatch: /\/tls\/.*\.spec\.ts/,
        use: { baseURL: proxy === "nginx" ? NGINX_URL : CADDY_URL, ignoreHTTPSErrors: true, javaScriptEnabled: js, launchOptions },
      })),
    ),
    ...(ON_POSTGRES
      ? [{ name: "pair", dependencies: ["setup"], testMatch: /\/pair\/.*\.spec\.ts/, use: { baseURL: PAIR_URL, ignoreHTTPSErrors: true, launchOptions } }]
      : []),
    {
      // Alone, after everything else: it compares database snapshots around each post.
      name: "fuzz",
      // E2E_FUZZ_ALONE=1 runs it right after setup, for working on it (npx playwright test --project=fuzz).
      dependencies: process.env.E2E_FUZZ_ALONE
        ? ["setup"]
        : ON_POSTGRES
          ? ["js", "pair"]
          : ["js", "nojs", "tls-nginx-js", "tls-nginx-nojs", "tls-caddy-js", "tls-caddy-nojs"],
      testMatch: /\/fuzz\/.*\.spec\.ts/,
      fullyParallel: false,
      timeout: 600_000,
    },
  ],
  webServer: [
    {
      // A real IMAP server (Dovecot) holding the support mailbox, and an SMTP server that keeps
      // what Triage sends as files in MAIL_CAPTURE_DIR (tests/mail/servers.ts). Started first: the
      // IMAP port opens last, when both are up.
      // (tsx itself, not npx, which would not pass SIGTERM on.)
      command: `node_modules/.bin/tsx tests/mail/servers.ts --capture-dir ${MAIL_CAPTURE_DIR} --smtp-port ${SMTP_PORT} --imap-port ${IMAP_PORT}`,
      port: IMAP_PORT,
      gracefulShutdown: { signal: "SIGTERM" as const, timeout: 5000 },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    },
    {
      command: `rm -rf ${DB_DIR} && mkdir -p ${DB_DIR} && ${ON_POSTGRES ? "node_modules/.bin/tsx scripts/db/reset-postgres.ts && " : ""}npm start`,
      url: `${BASE_URL}/sign-in`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        ...SERVER_ENV,
        PORT: String(PORT),
      },
    },
    ...(ON_POSTGRES
      ? [
          {
            // The second process: the same database, secret and mail servers, and a build of its
            // own (NEXT_DIST_DIR), as a second machine would make from the same commit; started
            // once the first has built and migrated.
            command: "NEXT_DIST_DIR=.next-pair npm start",
            url: `http://localhost:${PORT + 1}/sign-in`,
            timeout: 300_000,
            reuseExistingServer: false,
            stdout: "ignore" as const,
            stderr: "pipe" as const,
            env: { ...SERVER_ENV, PORT: String(PORT + 1) },
          },
          {
            command: `node scripts/e2e-proxy.mjs nginx ${TLS_PORT + 2} ${PORT},${PORT + 1}`,
            url: `${PAIR_URL}/sign-in`,
            ignoreHTTPSErrors: true,
            timeout: 60_000,
            reuseExistingServer: false,
            stdout: "ignore" as const,
            stderr: "pipe" as const,
          },
        ]
      : []),
    ...(ON_POSTGRES ? [] : (["nginx", "caddy"] as const)).map((proxy, i) => ({
      command: `node scripts/e2e-proxy.mjs ${proxy} ${TLS_PORT + i} ${PORT}`,
      url: `${proxy === "nginx" ? NGINX_URL : CADDY_URL}/sign-in`,
      ignoreHTTPSErrors: true,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    })),
  ],
});
