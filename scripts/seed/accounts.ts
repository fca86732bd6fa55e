/**
 * Accounts that can sign in with email and password, written the way Better Auth writes them:
 * the `--demo` accounts (one per role, with known passwords) and the demo people that seeded
 * tickets are spread over (requesters and agents, all with the password PEOPLE_PASSWORD).
 * Existing emails are left as they are, so seeding twice creates nobody twice.
 */
import crypto from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { sqlDate } from "../../lib/db/sql";
import type { DB } from "./db";

export type Role = "requester" | "agent" | "admin";

export type AccountSpec = { name: string; email: string; role: Role; password: string };
export type AccountResult = AccountSpec & { id: string; created: boolean; actualRole: Role };

/**
 * A user who can sign in with email and password: the "user" row and Better Auth's credential
 * "account" row, the password hashed by Better Auth's own hasher. An existing email is left as
 * it is (its password and role are not touched).
 */
export async function ensureAccount(db: DB, spec: AccountSpec): Promise<AccountResult> {
  const email = spec.email.trim().toLowerCase();
  const existing = db.prepare(`SELECT id, role FROM "user" WHERE lower(email) = ?`).get(email) as
    | { id: string; role: Role }
    | undefined;
  if (existing) return { ...spec, email, id: existing.id, created: false, actualRole: existing.role };
  const hash = await hashPassword(spec.password);
  const id = crypto.randomUUID();
  const now = sqlDate(Date.now());
  db.transaction(() => {
    db.prepare(
      `INSERT INTO "user" (id, name, email, emailVerified, image, role, createdAt, updatedAt)
       VALUES (?, ?, ?, 0, NULL, ?, ?, ?)`,
    ).run(id, spec.name, email, spec.role, now, now);
    db.prepare(
      `INSERT INTO "account" (id, accountId, providerId, userId, password, createdAt, updatedAt)
       VALUES (?, ?, 'credential', ?, ?, ?, ?)`,
    ).run(crypto.randomUUID(), id, id, hash, now, now);
  }).immediate();
  return { ...spec, email, id, created: true, actualRole: spec.role };
}

/** `--demo`: one account per role. */
export const DEMO_ACCOUNTS: AccountSpec[] = [
  { name: "Ada Admin", email: "admin@example.com", role: "admin", password: "triage-admin-demo" },
  { name: "Alex Agent", email: "agent@example.com", role: "agent", password: "triage-agent-demo" },
  { name: "Riley Requester", email: "requester@example.com", role: "requester", password: "triage-requester-demo" },
];

export async function ensureDemoAccounts(db: DB): Promise<AccountResult[]> {
  const out: AccountResult[] = [];
  for (const spec of DEMO_ACCOUNTS) out.push(await ensureAccount(db, spec));
  return out;
}

/** The people demo tickets are spread over (created when missing; they can sign in too). */
export const PEOPLE_PASSWORD = "triage-demo-people";
export const REQUESTERS = [
  "Priya Patel",
  "Tom Becker",
  "Amara Okafor",
  "Lucas Moreau",
  "Mei Lin",
  "Jakob Nowak",
  "Sofia García",
  "Noah Williams",
];
const AGENTS = ["Sam Carter", "Dana Whitfield", "Jonas Berg"];
export const emailOf = (name: string) =>
  `${name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z]+/g, ".")}@example.com`;

export type People = { requesters: string[]; agents: string[]; created: AccountResult[] };

export async function ensureDemoPeople(db: DB): Promise<People> {
  const created: AccountResult[] = [];
  const ensure = async (name: string, role: Role) => {
    const r = await ensureAccount(db, { name, email: emailOf(name), role, password: PEOPLE_PASSWORD });
    if (r.created) created.push(r);
    return r;
  };
  const requesters: string[] = [];
  const agents: string[] = [];
  for (const n of REQUESTERS) requesters.push((await ensure(n, "requester")).id);
  for (const n of AGENTS) agents.push((await ensure(n, "agent")).id);
  // The --demo accounts, when present, get tickets too, so that signing in as them shows some.
  for (const spec of DEMO_ACCOUNTS) {
    const row = db.prepare(`SELECT id, role FROM "user" WHERE email = ?`).get(spec.email) as
      | { id: string; role: Role }
      | undefined;
    if (row?.role === "requester") requesters.push(row.id);
    if (row?.role === "agent") agents.push(row.id);
  }
  return { requesters, agents, created };
}
