import "server-only";
import { read, write, type Rows } from "../db";
import { audit } from "../audit/log";
import { isAdmin, type Actor } from "../people/identity";
import { closedMessage, DEFAULT_POLICY, isSignUpMode, mayOpenAccount, SIGN_UP_MODE_LABELS, type SignUpPolicy } from "./sign-up-policy";

/**
 * The desk's settings that admins change on a page, kept in `desk_setting` (one row per key; a
 * missing row is the default). Read on each use, never cached: several processes serve one desk.
 */
const KEYS = { mode: "sign_up.mode", domains: "sign_up.domains", unknownSenders: "sign_up.unknown_senders" } as const;

/** Who may sign up, and whose mail may open tickets. `rows` lets a transaction read its own view. */
export async function signUpPolicy(rows: Rows = read): Promise<SignUpPolicy> {
  const found = await rows.all<{ key: string; value: string }>(
    `SELECT "key", "value" FROM "desk_setting" WHERE "key" IN (?, ?, ?)`,
    KEYS.mode, KEYS.domains, KEYS.unknownSenders,
  );
  const get = (k: string) => found.find((r) => r.key === k)?.value;
  const mode = get(KEYS.mode);
  const domains = get(KEYS.domains);
  const unknown = get(KEYS.unknownSenders);
  return {
    mode: isSignUpMode(mode) ? mode : DEFAULT_POLICY.mode,
    domains: domains ? domains.split(",").filter(Boolean) : DEFAULT_POLICY.domains,
    unknownSenders: unknown === undefined ? DEFAULT_POLICY.unknownSenders : unknown === "true",
  };
}

/**
 * Why this address may not open an account now, or null when it may. A desk with no admin yet
 * is always open: its first account becomes the admin who sets the rule.
 */
export async function signUpClosed(email: string): Promise<string | null> {
  const policy = await signUpPolicy();
  if (mayOpenAccount(policy, email.toLowerCase())) return null;
  const admin = await read.get(`SELECT 1 AS "x" FROM "user" WHERE "role" = 'admin' LIMIT 1`);
  return admin ? closedMessage(policy) : null;
}

export type SavePolicyResult = { kind: "saved" } | { kind: "unchanged" } | { kind: "forbidden" };

/** An admin sets the policy (already parsed); the audit log records what changed. */
export async function saveSignUpPolicy(actor: Actor, policy: SignUpPolicy, from: string | null): Promise<SavePolicyResult> {
  if (!isAdmin(actor)) return { kind: "forbidden" };
  return write(async (tx): Promise<SavePolicyResult> => {
    const before = await signUpPolicy(tx);
    const changes = describeChanges(before, policy);
    if (changes.length === 0) return { kind: "unchanged" };
    const values: [string, string][] = [
      [KEYS.mode, policy.mode],
      [KEYS.domains, policy.domains.join(",")],
      [KEYS.unknownSenders, String(policy.unknownSenders)],
    ];
    for (const [key, value] of values) {
      await tx.run(`INSERT INTO "desk_setting" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"`, key, value);
    }
    await audit(tx, actor, { action: "sign_up_settings", target: "Sign-up", detail: changes.join("; "), from });
    return { kind: "saved" };
  }, { exclusive: true });
}

/** "Who may sign up: Anyone → Nobody; mail from unknown senders: opens tickets → set aside". */
function describeChanges(a: SignUpPolicy, b: SignUpPolicy): string[] {
  const out: string[] = [];
  if (a.mode !== b.mode) out.push(`who may sign up: ${SIGN_UP_MODE_LABELS[a.mode]} \u2192 ${SIGN_UP_MODE_LABELS[b.mode]}`);
  const list = (d: string[]) => (d.length ? d.join(", ") : "none");
  if (a.domains.join(",") !== b.domains.join(",")) out.push(`allowed domains: ${list(a.domains)} \u2192 ${list(b.domains)}`);
  const mail = (v: boolean) => (v ? "opens tickets" : "set aside");
  if (a.unknownSenders !== b.unknownSenders) out.push(`mail from unknown senders: ${mail(a.unknownSenders)} \u2192 ${mail(b.unknownSenders)}`);
  return out;
}
