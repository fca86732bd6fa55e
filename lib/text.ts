/**
 * Text as Triage stores and shows it, one rule each: escaping for HTML, line breaks as typed,
 * and one-line fields. Pure: forms, mail and pages use it alike.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };

/** Text for HTML: covers element content and attribute values quoted with ". */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Line breaks as typed, stored as \n (browsers send CRLF for a textarea's breaks). */
export function normalizeNewlines(s: string): string {
  return s.replace(/\r\n?/g, "\n");
}

/**
 * One line: every control character and line break (tabs, CR, LF, NEL, the Unicode line and
 * paragraph separators) becomes a space, runs of them one space. For every field that can reach
 * a mail header or a line of a plain-text mail: names, titles, subjects.
 */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ");
}

/** "an admin", "an agent", "a requester": a role (or any word) with its article. */
export const withArticle = (word: string) => `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
