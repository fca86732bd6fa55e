/**
 * The placeholders of a saved reply: `{{ticket.number}}` and the like, filled for one ticket as
 * one person inserts the reply. Pure: the form's help text, the save's validation and the fill
 * all read the list below, so a placeholder added here is offered, accepted and filled at once.
 */

export const PLACEHOLDERS = [
  { key: "requester.name", help: "the requester's name" },
  { key: "ticket.number", help: "the ticket's number, without #" },
  { key: "ticket.title", help: "the ticket's title" },
  { key: "agent.name", help: "the name of whoever inserts the reply" },
] as const;

export type PlaceholderKey = (typeof PLACEHOLDERS)[number]["key"];
export type PlaceholderValues = Record<PlaceholderKey, string>;

const KEYS: ReadonlySet<string> = new Set(PLACEHOLDERS.map((p) => p.key));

/**
 * Anything in double braces on one line, up to 50 characters: what a person means as a
 * placeholder (so `{{ticket.id}}` is a typo to point out, not text to send the requester). Spaces
 * inside and the case of the name do not matter: `{{ Ticket.Number }}` is `{{ticket.number}}`.
 */
const PATTERN = /\{\{([^{}\r\n]{0,50})\}\}/g;

const keyOf = (inner: string) => inner.trim().toLowerCase();

/** How a placeholder is written, for help texts and messages. */
export const written = (key: string) => `{{${key}}}`;

/** The placeholders a body uses that Triage does not know, as written, each once. */
export function unknownPlaceholders(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(PATTERN)) if (!KEYS.has(keyOf(m[1]))) out.add(m[0]);
  return [...out];
}

/** The error for a body with unknown placeholders (null when there are none). */
export function placeholderProblem(body: string): string | null {
  const unknown = unknownPlaceholders(body);
  if (unknown.length === 0) return null;
  const shown = unknown.slice(0, 3).join(", ") + (unknown.length > 3 ? ` and ${unknown.length - 3} more` : "");
  const known = PLACEHOLDERS.map((p) => written(p.key));
  return `Unknown placeholder${unknown.length > 1 ? "s" : ""}: ${shown}. Use ${known.slice(0, -1).join(", ")} or ${known.at(-1)}.`;
}

/**
 * The body with every placeholder replaced by its value, in one pass: a value is inserted as it
 * is and never read again, so a ticket titled "{{agent.name}}" stays that title. An unknown
 * placeholder (none can be saved; a stored one from an older list) is left as written.
 */
export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  return body.replace(PATTERN, (whole, inner: string) => {
    const key = keyOf(inner);
    return KEYS.has(key) ? values[key as PlaceholderKey] : whole;
  });
}
