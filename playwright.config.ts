import fs from "node:fs";
import { chromium, defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests against a production build (`npm start`: build if needed, migrate, serve) on a
 * throwaway database. Every spec runs twice: with JavaScript, and without it.
 */
const PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://localhost:${PORT}`;
const DB_DIR = `.tmp/e2e-${PORT}`;

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
    {
      name: "js",
      dependencies: ["setup"],
      testIgnore: /global\.setup\.ts/,
      use: { javaScriptEnabled: true, launchOptions },
    },
    {
      name: "nojs",
      dependencies: ["setup"],
      testIgnore: /global\.setup\.ts/,
      use: { javaScriptEnabled: false, launchOptions },
    },
  ],
  webServer: {
    command: `rm -rf ${DB_DIR} && mkdir -p ${DB_DIR} && npm start`,
    url: `${BASE_URL}/sign-in`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      DATABASE_URL: `file:./${DB_DIR}/triage.db`,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
