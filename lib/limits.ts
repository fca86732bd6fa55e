/**
 * Every size limit of Triage's data, one home each: the schemas validate with these, the forms
 * read their minLength/maxLength and hints from them, mail import cuts to them, and the commands
 * refuse what exceeds them. Pure: no server imports.
 */

/** A person's name (sign-up, and the name a mailed-in sender gets). */
export const NAME_MAX = 100;
export const EMAIL_MAX = 254;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
/** "10 to 128 characters.": the hint and the error alike. */
export const PASSWORD_RULE = `Use ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`;

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 20_000;
export const COMMENT_MAX = 20_000;
/** What the list's search box takes. */
export const QUERY_MAX = 200;

/** Tickets one bulk change takes: a page of the list at its largest (PAGE_SIZES). */
export const BULK_MAX = 100;
/** Saved views: each person's own, the shared ones on the desk, and a name's length. */
export const SAVED_VIEWS_PER_PERSON = 20;
export const SHARED_VIEWS_MAX = 20;
export const VIEW_NAME_MAX = 60;

/**
 * One page of a ticket's conversation: at most this many comments, and no more text than
 * COMMENTS_PAGE_CHARS (a page always shows at least one comment), so that a ticket page costs
 * the same with 10 comments or 10,000, however long each is. A comment costs the page about half
 * a millisecond of rendering per 750 characters (its text goes out twice: as HTML and in the
 * payload React navigates with), so a page of 30 ordinary comments costs about 1.3x one of 10.
 */
export const COMMENTS_PAGE = 30;
export const COMMENTS_PAGE_CHARS = 40_000;
/**
 * The history events one page of the conversation's timeline carries besides its comments (each
 * is one short line): a ticket whose history is long pages through it too.
 */
export const TIMELINE_EVENTS_PAGE = 50;

/**
 * One mail about new comments carries at most this many, and no more text than MAIL_COMMENT_CHARS
 * (the first always goes whole: it is at most COMMENT_MAX); the rest are "N more on the ticket page".
 */
export const MAIL_COMMENTS_MAX = 10;
export const MAIL_COMMENT_CHARS = COMMENT_MAX;

/**
 * Files one message may bring (a ticket's description, a comment, a mail): more are left out, and
 * the message says so. Each file is at most TRIAGE_ATTACHMENT_MAX_MB (lib/env.ts).
 */
export const ATTACHMENTS_PER_MESSAGE = 20;

/**
 * TRIAGE_ATTACHMENT_MAX_MB's default, in MB of 1,048,576 bytes: the most a message's files may come
 * to together on the web (so also the largest file), and the largest file a mail may bring.
 */
export const ATTACHMENT_MAX_MB_DEFAULT = 25;

/** TRIAGE_FILES_PER_HOUR's default: files one person may attach on the web in an hour. */
export const FILES_PER_HOUR_DEFAULT = 100;

/**
 * The largest number a SERIAL column holds (ticket numbers, outbox ids): PostgreSQL's `integer`,
 * past which a query throws (SQLite's is wider).
 */
export const MAX_SERIAL = 2_147_483_647;

/** A row number that may go into a query: a positive integer that fits a SERIAL column, never an object. */
export function isSerialId(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n > 0 && n <= MAX_SERIAL;
}

/** A ticket number that may go into a query. */
export const isTicketNumber = isSerialId;

/**
 * A ticket number from a URL or a mail subject: digits only, no sign, no decimals, no leading
 * zero, within MAX_SERIAL. Anything else is "no such ticket".
 */
export function parseTicketNumber(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return isTicketNumber(n) ? n : null;
}

/** A row id from a URL (a comment to page from): the same rule as a ticket number. */
export const parseSerialId = (raw: string): number | null => parseTicketNumber(raw);

/** A user id as it may appear in a URL or a bound argument (Better Auth ids are UUIDs). */
export const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The default of TRIAGE_SIGNIN_FAILURES_PER_ADDRESS: wrong passwords per client address in 15 minutes. */
export const ADDRESS_FAILURES_DEFAULT = 30;
/** The default of TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS. */
export const SIGNUPS_PER_HOUR_DEFAULT = 10;
/** The default of TRIAGE_SIGNED_OUT_MAX_BODY_KB: the largest post a signed-out form takes (server/post-guard.mjs). */
export const SIGNED_OUT_MAX_BODY_KB = 64;

/** Numbers as people read them in hints and errors: 20,000. */
export const formatLimit = (n: number) => n.toLocaleString("en-US");

/**
 * Saved replies (lib/replies): at most this many on the desk, so that the page, and the picker on
 * every ticket page of staff, stay bounded. The picker lists them all (so it works without
 * JavaScript): measured at the cap, names of about 40 characters take a staff ticket page from
 * 24 KB to 154 KB (5 KB to 16 KB gzipped). Names are one line of at most SAVED_REPLY_NAME_MAX
 * characters; a body is at most COMMENT_MAX (it goes into a comment). The page lists
 * SAVED_REPLIES_PAGE at a time.
 */
export const SAVED_REPLIES_MAX = 1_000;
export const SAVED_REPLY_NAME_MAX = 100;
export const SAVED_REPLIES_PAGE = 50;
