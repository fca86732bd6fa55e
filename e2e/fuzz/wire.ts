import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ACCOUNTS, type RoleName } from "../accounts";
import { BASE_URL, DB_FILE } from "../env";

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

export type Who = RoleName | "anonymous";

/** The Cookie header of a role's saved session ("" for anonymous). */
export function cookieOf(who: Who): string {
  if (who === "anonymous") return "";
  const state = JSON.parse(fs.readFileSync(ACCOUNTS[who].file, "utf8")) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
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

export type Answer = { status: number; text: string; location: string | null };

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
  return send(p.who, p.page, fd, {});
}

/**
 * A post as JavaScript sends it (Next-Action header): the arguments as JSON text, or as part "0"
 * of a multipart body whose "$K1" is the form (its fields named "_1_<field>").
 */
export async function postReply(who: Who, page: string, action: string, args: string, fields?: Field[]): Promise<Answer> {
  if (!fields) return send(who, page, args, { "next-action": action, "content-type": "text/plain;charset=UTF-8" });
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(`_1_${k}`, v);
  fd.append("0", args);
  return send(who, page, fd, { "next-action": action });
}

async function send(who: Who, page: string, body: FormData | string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(BASE_URL + page, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { cookie: cookieOf(who), origin: BASE_URL, ...headers },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get("location") };
}

/** The e2e server's database, read beside it (WAL lets us read while it writes). */
export function openDb() {
  return new Database(DB_FILE, { fileMustExist: true });
}

/** Everything a person could observe or that decides what they may do, table by table. */
const TABLES = ["user", "account", "session", "ticket", "comment", "activity", "ticket_tally"] as const;

export type Snapshot = Record<string, string>;

export function snapshot(db: Database.Database): Snapshot {
  const out: Snapshot = {};
  for (const t of TABLES) {
    out[t] = JSON.stringify(db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).raw().all());
  }
  out.search = JSON.stringify(db.prepare(`SELECT rowid FROM "search_index" ORDER BY rowid`).raw().all());
  return out;
}

/** The tables that differ between two snapshots. */
export function changed(a: Snapshot, b: Snapshot): string[] {
  return Object.keys(a).filter((k) => a[k] !== b[k]);
}
