/**
 * What a person newly wrote in a reply, without the quoted history their mail client appended.
 * A comment made from an email should read like a comment typed on the site: the whole thread
 * under every reply would bury the conversation.
 *
 * Two sources of knowledge, because neither is enough alone:
 * - our own separators for the clients Triage's users actually have (Gmail, Apple Mail, Outlook
 *   desktop and web, in English, German and French), including the cases email-reply-parser
 *   misses: Outlook's header block when "From:" carries no address, the horizontal rule before
 *   it, and a "wrote:" line wrapped over two or three lines;
 * - email-reply-parser's list of attribution lines in other languages (Spanish, Italian, Dutch,
 *   Polish, Scandinavian, Russian, Chinese, Japanese, Korean…), used only to find where the
 *   quote starts.
 *
 * Decisions:
 * - Sign-offs ("Kind regards, Carla", a phone number) are kept: they are what the person wrote,
 *   and an agent may need them. Only an RFC 3676 signature ("-- " and a few lines after it) and
 *   device footers ("Sent from my iPhone") at the end are removed.
 * - Inline answers (quote, answer, quote, answer) keep the quoted questions they answer, since the
 *   answers mean nothing without them; the attribution line and the quote after the last answer
 *   go.
 * - A forwarded message is content, not history: after "---------- Forwarded message" nothing is
 *   cut.
 * - If everything looks quoted, the trimmed original is returned rather than nothing.
 */
import EmailReplyParser from "email-reply-parser";

/** Longer mails are searched for a quote only in their first part (the parser is regex-heavy). */
const MAX_PARSED = 100_000;
/** An attribution or header line longer than this is prose, not a header. */
const MAX_HEADER = 400;
/** Lines after "-- " that we still accept as a signature; more is probably content. */
const MAX_SIGNATURE_LINES = 12;

/** "On Mon, 30 Nov 2026 at 10:02, Help Desk <help@example.com> wrote:" and its translations. */
const ATTRIBUTION = [
  /^On\s.*\bwrote\s?:$/i,
  /^Le\s.*\ba\s+écrit\s?:$/i,
  /^Am\s.*\bschrieb\b.*:$/i,
  // Gmail in German: "Help Desk <help@example.com> schrieb am Mo., 30. Nov. 2026, 10:02:"
  /^.*<[^<>\s]+@[^<>\s]+>\s+(?:wrote|schrieb|a\s+écrit)\b.*:$/i,
];
const ORIGINAL_MESSAGE =
  /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht)\s*-{2,}$/i;
const FORWARD_MARKER =
  /^(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado)\s*-{2,}|Begin forwarded message\s?:|Anfang der weitergeleiteten Nachricht\s?:|Début du message (?:réexpédié|transféré)\s?:)$/i;
/** Outlook's block, in English, German, French, Dutch, Italian, Spanish, Scandinavian. */
const HEADER_FROM = /^\*?(?:From|Von|De|Van|Da|Fra|Från)\s?:\*?\s+\S/i;
const HEADER_OTHER =
  /^\*?(?:Sent|Date|To|Cc|Subject|Gesendet|Datum|An|Betreff|Envoyé|À|A|Objet|Verzonden|Aan|Onderwerp|Inviato|Oggetto|Enviado|Fecha|Para|Asunto|Sendt|Skickat|Till|Emne|Ämne)\s?:\*?(?:\s|$)/i;
const RULE = /^(?:_{10,}|-{10,})$/;
const DEVICE_FOOTER =
  /^(?:Sent from (?:my )?.{1,40}|Sent (?:with|via) .{1,60}|Get Outlook for .{1,60}|Von meinem .{1,40} gesendet|Gesendet (?:von|mit) .{1,60}|Envoyé (?:de mon|depuis) .{1,60}|Télécharger Outlook pour .{1,60}|Enviado desde .{1,60}|Verstuurd vanaf .{1,60}|Sendt fra .{1,60}|Skickat från .{1,60})$/i;
const SIGNATURE_DELIMITER = /^--\s?$/;

const isBlank = (line: string) => line.trim() === "";
const isQuoteLine = (line: string) => line.trimStart().startsWith(">");

/** Returns only what the person newly wrote; see the module comment for what that means. */
export function stripQuoted(text: string): string {
  const all = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trimEnd());
  const original = trimBlankLines(all).join("\n");

  let lines = all;
  const header = findHeader(all);
  if (header) {
    const answers = interleavedFrom(all, header.end);
    lines = answers === null ? all.slice(0, header.start) : [...all.slice(0, header.start), ...all.slice(answers)];
  }
  const kept = trimBlankLines(dropTrailing(lines)).join("\n");
  return kept === "" ? original : kept;
}

type Span = { start: number; end: number };

/** The first line where quoted history begins, and the line after its header. */
function findHeader(lines: string[]): Span | null {
  const forward = lines.findIndex((line) => FORWARD_MARKER.test(line.trim()));
  const limit = forward === -1 ? lines.length : forward;
  const ours = ownHeader(lines, limit);
  const theirs = parserHeader(lines, limit);
  if (ours && theirs) return theirs.start < ours.start ? theirs : ours;
  return ours ?? theirs;
}

function ownHeader(lines: string[], limit: number): Span | null {
  for (let i = 0; i < limit; i++) {
    const line = clean(lines[i]);
    if (line === "" || line.length > MAX_HEADER || isQuoteLine(line)) continue;
    if (ORIGINAL_MESSAGE.test(line)) return { start: i, end: i + 1 };
    if (HEADER_FROM.test(line) && outlookBlock(lines, i)) {
      return { start: ruleBefore(lines, i) ?? i, end: i + 1 };
    }
    const attribution = attributionAt(lines, i);
    if (attribution) return attribution;
  }
  return null;
}

/** An attribution line, possibly wrapped by the client over up to three lines. */
function attributionAt(lines: string[], i: number): Span | null {
  if (!/^(?:On|Le|Am)\s/i.test(clean(lines[i])) && !/@/.test(lines[i])) return null;
  let joined = "";
  for (let j = i; j < Math.min(i + 3, lines.length); j++) {
    if (isBlank(lines[j]) || isQuoteLine(lines[j])) break;
    joined = joined ? `${joined} ${clean(lines[j])}` : clean(lines[j]);
    if (joined.length > MAX_HEADER) break;
    if (ATTRIBUTION.some((re) => re.test(joined)) && looksDated(joined)) return { start: i, end: j + 1 };
  }
  return null;
}

/** Real attribution lines carry a date and a time or an address; a sentence rarely has both. */
function looksDated(line: string): boolean {
  return /\d/.test(line) && (/@/.test(line) || /\d[:.]\d\d/.test(line));
}

/** "From: …" followed by at least two of "Sent:", "To:", "Subject:", … in the same block. */
function outlookBlock(lines: string[], from: number): boolean {
  let keys = 0;
  for (let j = from + 1; j < Math.min(from + 12, lines.length) && !isBlank(lines[j]); j++) {
    if (HEADER_OTHER.test(clean(lines[j]))) keys++;
  }
  return keys >= 2;
}

/** Outlook on the web puts a horizontal rule (and sometimes a blank line) before the block. */
function ruleBefore(lines: string[], at: number): number | null {
  for (let j = at - 1; j >= 0 && j >= at - 3; j--) {
    if (RULE.test(lines[j].trim())) return j;
    if (!isBlank(lines[j])) return null;
  }
  return null;
}

/** The attribution lines email-reply-parser knows and we do not (other languages). */
function parserHeader(lines: string[], limit: number): Span | null {
  const text = lines.slice(0, limit).join("\n").slice(0, MAX_PARSED);
  for (const fragment of new EmailReplyParser().read(text).getFragments()) {
    if (!fragment.isQuoted()) continue;
    const first = fragment
      .getContent()
      .split("\n")
      .find((line) => !isBlank(line))
      ?.trim();
    if (!first || first.startsWith(">")) continue;
    // The parser joins a wrapped header into one line; find where it starts in ours.
    const at = lines.findIndex((line, i) => {
      const t = line.trim();
      return i < limit && t !== "" && (t === first || first.startsWith(`${t} `));
    });
    if (at !== -1) return { start: at, end: at + 1 };
  }
  return null;
}

/**
 * When the header is followed by a quote and then by new text, the person answered inline:
 * returns where the kept part resumes (the first quoted line), or null for a plain top-post.
 */
function interleavedFrom(lines: string[], end: number): number | null {
  let j = end;
  while (j < lines.length && isBlank(lines[j])) j++;
  if (j >= lines.length || !isQuoteLine(lines[j])) return null;
  for (let k = j; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === "" || isQuoteLine(line)) continue;
    if (SIGNATURE_DELIMITER.test(line) || DEVICE_FOOTER.test(line)) return null;
    return j;
  }
  return null;
}

/** Removes, from the end, quoted lines, device footers, rules and a "-- " signature. */
function dropTrailing(input: string[]): string[] {
  const lines = [...input];
  for (;;) {
    while (lines.length > 0 && isBlank(lines[lines.length - 1])) lines.pop();
    if (lines.length === 0) return lines;
    const last = lines[lines.length - 1].trim();
    if (isQuoteLine(last) || DEVICE_FOOTER.test(last) || RULE.test(last)) {
      lines.pop();
      continue;
    }
    const delimiter = lines.findLastIndex((line) => SIGNATURE_DELIMITER.test(line));
    if (delimiter !== -1 && lines.length - delimiter <= MAX_SIGNATURE_LINES) {
      lines.length = delimiter;
      continue;
    }
    return lines;
  }
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start])) start++;
  while (end > start && isBlank(lines[end - 1])) end--;
  return lines.slice(start, end);
}

/** Non-breaking spaces (French typography, Outlook) read as spaces when matching. */
function clean(line: string): string {
  return line.replace(/[\u00a0\u202f]/g, " ").trim();
}
