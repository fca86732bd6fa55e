import fs from "node:fs";
import path from "node:path";
import { ACCOUNTS, type RoleName } from "../accounts";
import type { Db } from "../db";
import { BASE_URL, DB_DIR } from "../env";

/**
 * The server-action protocol spoken by hand, for the fuzz suite: what a browser sends, and what
 * a hostile client can send instead.
 */

export type ActionRef = { id: string; file: string; name: string };

/** Every server action in the build, from Next.js's server-reference manifest. */
export function buildActions(): ActionRef[] {
  const dist = process.env.NEXT_DIST_DIR || ".next";
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, "server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  return Object.entries(manifest.node).map(([id, v]) => ({ id, file: v.filename, name: v.exportedName }));
}

/** A shared account, nobody, or a session of the test's own (its Cookie header). */
export type Who = RoleName | "anonymous" | { cookie: string };

const cookies = new Map<RoleName, string>();

/** The Cookie header for a poster ("" for anonymous); a role's saved session is read once. */
export function cookieOf(who: Who): string {
  if (who === "anonymous") return "";
  if (typeof who === "object") return who.cookie;
  let cookie = cookies.get(who);
  if (cookie === undefined) {
    const state = JSON.parse(fs.readFileSync(ACCOUNTS[who].file, "utf8")) as { cookies: { name: string; value: string }[] };
    cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    cookies.set(who, cookie);
  }
  return cookie;
}

/** A FormData of these entries, in order (repeated names allowed). */
export function formOf(entries: Field[]): FormData {
  const fd = new FormData();
  for (const [k, v] of entries) fd.append(k, v);
  return fd;
}

export type Field = [string, string | Blob];

export type Post = {
  who: Who;
  /** The page the form is on (server actions post to their page). */
  page: string;
  action: string;
  /**
   * Bound arguments as sent in `$ACTION_1:1`: raw text (so that it can be anything), or null for
   * a post by `$ACTION_ID_` with no arguments at all.
   */
  bound: string | null;
  fields: Field[];
};

export type Answer = { status: number; text: string; location: string | null; setCookie: string };

/** A form post without JavaScript, exactly as React renders it into the page. */
export async function postForm(p: Post): Promise<Answer> {
  const fd = new FormData();
  if (p.bound === null) fd.append(`$ACTION_ID_${p.action}`, "");
  else {
    fd.append("$ACTION_REF_1", "");
    fd.append("$ACTION_1:0", JSON.stringify({ id: p.action, bound: "$@1" }));
    fd.append("$ACTION_1:1", p.bound);
    fd.append("$ACTION_KEY", "k0");
  }
  for (const [k, v] of p.fields) fd.append(k, v);
  return postRaw(p.who, p.page, fd);
}

/**
 * A post as JavaScript sends it (Next-Action header): the arguments as JSON text, or as part "0"
 * of a multipart body whose "$K1" is the form (its fields named "_1_<field>").
 */
export async function postReply(who: Who, page: string, action: string, args: string, fields?: Field[]): Promise<Answer> {
  if (!fields) return postRaw(who, page, args, { "next-action": action, "content-type": "text/plain;charset=UTF-8" });
  return postRaw(who, page, formOf([...fields.map(([k, v]): Field => [`_1_${k}`, v]), ["0", args]]), { "next-action": action });
}

/** Any body, as it is: what the helpers above build, or what no browser would send. */
export async function postRaw(who: Who, page: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(BASE_URL + page, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { cookie: cookieOf(who), origin: BASE_URL, ...headers },
    // A stream is sent in chunks, with no Content-Length.
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const setCookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { status: res.status, text: await res.text(), location: res.headers.get("location"), setCookie };
}

/**
 * Everything a person could observe or that decides what they may do, table by table. Not the
 * tables that the server's own workers write at any time (outbound_mail, inbound_mail, lease).
 */
const TABLES = [
  "user",
  "account",
  "session",
  "verification",
  "sign_in_throttle",
  "ticket",
  "comment",
  "activity",
  "ticket_tally",
  "notification_choice",
  "notification_default",
  "attachment",
  // Files' bytes when PostgreSQL keeps them (chunks are named by these rows' hashes).
  "file_blob",
  "desk_setting",
  "audit_log",
  "saved_reply",
  "tag",
  "ticket_tag",
  "saved_view",
] as const;

/** The embedded store's files (SQLite keeps them under the data folder), by name. */
const FILES_DIR = path.join(DB_DIR, "files");
const FILES_ON_DISK = "files on disk";

/**
 * The outbox's failed messages: the delivery worker only ever adds to them, and only an admin's
 * Retry takes one out (back to the queue), so a failed id missing after a post was sent again.
 */
const FAILED_MAIL = "outbound_mail (failed ids)";

export type Snapshot = Record<string, string>;

/**
 * Each table's rows in a fixed order: SQLite's rowid; on PostgreSQL, which has none, the row's own
 * text (every table has a primary key, so no two rows tie). The search index: SQLite's is an FTS5
 * table with no content, read by rowid (a ticket's number, or minus a public comment's id);
 * PostgreSQL's is a table of its own, read whole (id as SQLite's rowid, and the words themselves).
 */
export async function snapshot(db: Db): Promise<Snapshot> {
  const pg = db.dialect === "postgres";
  const out: Snapshot = {};
  for (const t of TABLES) {
    out[t] = JSON.stringify(await db.all(pg ? `SELECT * FROM "${t}" AS t ORDER BY t::text` : `SELECT * FROM "${t}" ORDER BY rowid`));
  }
  out.search = JSON.stringify(
    await db.all(pg ? `SELECT "id", "ticketNumber", "document"::text AS "document" FROM "search_index" ORDER BY "id"` : `SELECT rowid FROM "search_index" ORDER BY rowid`),
  );
  out[FILES_ON_DISK] = JSON.stringify(fs.existsSync(FILES_DIR) ? (fs.readdirSync(FILES_DIR, { recursive: true }) as string[]).sort() : []);
  const failed = await db.all<{ id: number }>(`SELECT "id" FROM "outbound_mail" WHERE "status" = 'failed' ORDER BY "id"`);
  out[FAILED_MAIL] = JSON.stringify(failed.map((r) => r.id));
  return out;
}

/** The tables that differ between two snapshots (the failed mail: when one is no longer failed). */
export function changed(a: Snapshot, b: Snapshot): string[] {
  return Object.keys(a).filter((k) => {
    if (k !== FAILED_MAIL) return a[k] !== b[k];
    const after = new Set(JSON.parse(b[k]) as number[]);
    return (JSON.parse(a[k]) as number[]).some((id) => !after.has(id));
  });
}
