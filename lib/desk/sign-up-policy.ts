/**
 * Who may open an account, and whose mail may open tickets: the rule admins set on the Sign-up
 * page. Pure: the form's parser, the sign-up command and the mailbox import all ask this file.
 */
export const SIGN_UP_MODES = ["anyone", "domains", "nobody"] as const;
export type SignUpMode = (typeof SIGN_UP_MODES)[number];

export const SIGN_UP_MODE_LABELS: Record<SignUpMode, string> = {
  anyone: "Anyone",
  domains: "Only these domains",
  nobody: "Nobody",
};

export type SignUpPolicy = {
  mode: SignUpMode;
  /** Lowercase domains, without "@"; an address's domain must be one of them exactly. */
  domains: string[];
  /** While sign-up is limited, whether mail from an address without an account opens a ticket. */
  unknownSenders: boolean;
};

/** What a desk does until an admin changes it: open, as before this setting existed. */
export const DEFAULT_POLICY: SignUpPolicy = { mode: "anyone", domains: [], unknownSenders: true };

export const isSignUpMode = (v: unknown): v is SignUpMode => typeof v === "string" && (SIGN_UP_MODES as readonly string[]).includes(v);

/** At most this many allowed domains (the field is a list a person reads, not a blocklist). */
export const DOMAINS_MAX = 100;

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export type DomainsParse = { ok: true; domains: string[] } | { ok: false; error: string };

/**
 * The "Allowed domains" field: domains separated by commas, spaces or lines, each optionally
 * written "@example.com"; case does not matter; repeats count once.
 */
export function parseDomains(text: string): DomainsParse {
  const parts = text.split(/[\s,;]+/).map((p) => p.trim().toLowerCase().replace(/^@/, "")).filter(Boolean);
  const domains = [...new Set(parts)];
  const bad = domains.find((d) => !DOMAIN.test(d));
  if (bad !== undefined) return { ok: false, error: `\u201c${bad.slice(0, 80)}\u201d is not a domain. Write domains like example.com, separated by commas.` };
  if (domains.length > DOMAINS_MAX) return { ok: false, error: `List at most ${DOMAINS_MAX} domains.` };
  return { ok: true, domains };
}

/** The domain of a normalised (lowercase) address. */
const domainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1);

/** Whether a person with this (lowercase) address may open an account on the sign-up page. */
export function mayOpenAccount(policy: SignUpPolicy, email: string): boolean {
  switch (policy.mode) {
    case "anyone":
      return true;
    case "nobody":
      return false;
    case "domains":
      return policy.domains.includes(domainOf(email));
  }
}

/** Whether mail from an address that has no account may open a ticket (and make its requester). */
export function mayWriteIn(policy: SignUpPolicy, email: string): boolean {
  return mayOpenAccount(policy, email) || policy.unknownSenders;
}

/** The allowed domains as the public sign-up page names them: five at most (it is not a directory). */
export function domainsShown(policy: SignUpPolicy): string {
  return `${policy.domains.slice(0, 5).join(", ")}${policy.domains.length > 5 ? " and a few more" : ""}`;
}

/** What the sign-up page says when the address may not open an account. */
export function closedMessage(policy: SignUpPolicy): string {
  if (policy.mode === "domains" && policy.domains.length > 0) {
    return `New accounts here are only for addresses at ${domainsShown(policy)}. Ask an admin for an invitation.`;
  }
  return "New accounts are not open here. Ask an admin for an invitation.";
}
