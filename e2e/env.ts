/** Where the end-to-end server listens and keeps its database (playwright.config.ts starts it). */
export const PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://localhost:${PORT}`;
export const DB_DIR = `.tmp/e2e-${PORT}`;
export const DB_FILE = `${DB_DIR}/triage.db`;
/**
 * The e2e server's database: the SQLite file above, or with E2E_DATABASE_URL=postgresql://… a
 * PostgreSQL database (emptied before the server starts: scripts/db/reset-postgres.ts).
 */
export const DATABASE_URL = process.env.E2E_DATABASE_URL || `file:./${DB_FILE}`;
export const ON_POSTGRES = DATABASE_URL.startsWith("postgres");
/** nginx in front of the same server, over TLS, set up as the README tells an admin to. */
export const TLS_PORT = PORT + 233;
export const TLS_URL = `https://localhost:${TLS_PORT}`;
/** The real mail servers the e2e server talks to (tests/mail/servers.ts): SMTP capture and Dovecot. */
export const SMTP_PORT = PORT + 240;
export const IMAP_PORT = PORT + 241;
export const IMAP_URL = `imap://support:support-pass@127.0.0.1:${IMAP_PORT}/INBOX`;
export const MAIL_CAPTURE_DIR = `.tmp/e2e-mail-${PORT}`;
/** The support address Triage sends as, in the e2e run. */
export const MAIL_FROM = "help@triage.test";
