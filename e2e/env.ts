/** Where the end-to-end server listens and keeps its database (playwright.config.ts starts it). */
export const PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://localhost:${PORT}`;
export const DB_DIR = `.tmp/e2e-${PORT}`;
export const DB_FILE = `${DB_DIR}/triage.db`;
/** nginx in front of the same server, over TLS, set up as the README tells an admin to. */
export const TLS_PORT = PORT + 233;
export const TLS_URL = `https://localhost:${TLS_PORT}`;
