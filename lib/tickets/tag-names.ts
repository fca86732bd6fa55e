/**
 * Tags as people type them and as Triage keeps them: one spelling per tag, so that "Billing",
 * " billing " and "BILLING" are the same tag, and a tag typed on a ticket, in a filter, in bulk
 * or on the admin page means the same thing everywhere. Pure: forms, the list's URL and the
 * commands use it alike.
 */

export const TAG_MAX = 40;
/** Tags on one ticket. */
export const TAGS_PER_TICKET = 20;
/** Tags in one list filter (all of them must be on a ticket). */
export const TAGS_PER_FILTER = 5;
/** Distinct tags on the desk: typing new ones is how they are made, so they are bounded. */
export const TAGS_ON_DESK = 5_000;

export const TAG_RULE = `Tags are 1 to ${TAG_MAX} letters, digits, "-", "_" or ".", separated by commas.`;

/**
 * A tag's one spelling, or null when there is nothing a tag could be: lower case (as Unicode
 * folds it), NFC, spaces inside become "-", and anything but letters, digits, "-", "_" and "." is
 * refused rather than dropped (so that what is kept is what was meant).
 */
export function normaliseTag(raw: string): string | null {
  const s = raw.normalize("NFC").trim().toLowerCase().replace(/\s+/g, "-");
  if (s.length === 0 || s.length > TAG_MAX) return null;
  return /^[\p{L}\p{N}][\p{L}\p{N}\p{M}._-]*$/u.test(s) ? s : null;
}

export type TagList = { ok: true; tags: string[] } | { ok: false; message: string };

/**
 * What was typed into a "Tags" field: tags separated by commas (or line breaks), each
 * normalised, duplicates kept once in the order first typed. `max`: how many may be given.
 */
export function parseTagList(raw: string, max = TAGS_PER_TICKET): TagList {
  const tags: string[] = [];
  for (const part of raw.split(/[,\n]/)) {
    if (part.trim() === "") continue;
    const tag = normaliseTag(part);
    if (tag === null) return { ok: false, message: `"${part.trim().slice(0, TAG_MAX + 10)}" is not a tag. ${TAG_RULE}` };
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > max) return { ok: false, message: `At most ${max} tags.` };
  return { ok: true, tags };
}

/** Tags as one line (the field's value, history entries, the CSV): sorted, comma-separated. */
export function formatTags(tags: readonly string[]): string {
  return [...tags].sort().join(", ");
}
