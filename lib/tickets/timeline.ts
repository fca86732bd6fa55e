import "server-only";
import { asDate, asDateOrNull, read } from "../db";
import { COMMENTS_PAGE, COMMENTS_PAGE_CHARS, isTicketNumber, TIMELINE_EVENTS_PAGE } from "../limits";
import { shownNameSql, type Actor } from "../people/identity";
import { LATEST, type ConversationPosition, type Place } from "./conversation-params";
import { can, ticketWhereSql } from "./permissions";

/**
 * A ticket's conversation as one timeline, read top to bottom once: comments, internal notes (for
 * those who may read them) and history events, in time order. It merges two keyset streams, the
 * comments and the history (activity), each walked on its (ticketNumber, id) index: a page reads
 * at most COMMENTS_PAGE + 1 comments and TIMELINE_EVENTS_PAGE + 1 events whatever the ticket
 * holds, so it costs the same on a ticket with 10 entries or 10,000. Within each stream ids follow
 * time (rows are written with the time of their transaction, and copies made by a merge at the
 * merge's); the streams are merged by (time, events before comments, id).
 *
 * A page ends when it has COMMENTS_PAGE comments (or COMMENTS_PAGE_CHARS of text, at least one
 * comment) or TIMELINE_EVENTS_PAGE events. Its links name a place in both streams (Place), so no
 * entry is skipped or shown twice however the two interleave.
 */

export type CommentEntry = {
  type: "comment";
  id: number;
  author: string;
  body: string;
  internal: boolean;
  createdAt: Date;
  /**
   * For a comment that came from another ticket (lib/tickets/merge.ts): that ticket; `copied`
   * when it is a copy made by the merge (with when it was written there, and whether it is that
   * ticket's description), otherwise a reply sent to that ticket after it was merged.
   */
  from: { number: number; copied: { writtenAt: Date; description: boolean } | null } | null;
};

export type EventEntry = {
  type: "event";
  id: number;
  field: string;
  from: string | null;
  to: string | null;
  actor: string;
  createdAt: Date;
};

export type TimelineEntry = CommentEntry | EventEntry;

/**
 * One page, oldest first. `earlier`: the place to read the page before it from, when there is
 * more that way; `later`: the place to read the page after it from, when it is not the latest.
 */
export type TimelinePage = { entries: TimelineEntry[]; earlier: Place | null; later: Place | null };

const EMPTY: TimelinePage = { entries: [], earlier: null, later: null };

export type Dir = "back" | "forward";

/**
 * A page of the timeline of a ticket the actor may see. Internal notes only for those who may
 * read them: for anyone else they are not in any query here. `history: false` leaves the history
 * events out (folded). A place that finds nothing is the latest page.
 */
export async function listTimeline(
  actor: Actor,
  number: number,
  position: ConversationPosition = LATEST,
  opts: { history: boolean } = { history: true },
): Promise<TimelinePage> {
  if (!isTicketNumber(number)) return EMPTY;
  const w = ticketWhereSql(actor, number);
  const ticket = await read.get<{ requesterId: string }>(`SELECT t."requesterId" FROM "ticket" t WHERE ${w.sql}`, ...w.args);
  if (!ticket) return EMPTY;
  const streams = { number, internal: can(actor, "readInternalNotes", ticket), tags: can(actor, "readTags", ticket), history: opts.history };
  const page = await pageAt(streams, position);
  return page.entries.length === 0 && position.kind !== "latest" ? pageAt(streams, LATEST) : page;
}

/** Whose timeline: the ticket, whether internal notes (and staff-only events) are in it, whether history is. */
/** Which entries this reader gets: internal notes, tag events (both staff's own), history at all. */
export type Streams = { number: number; internal: boolean; tags: boolean; history: boolean };

type CommentRow = {
  id: number | bigint;
  body: string;
  internal: number | boolean;
  createdAt: string | Date;
  author: string;
  mergedFromNumber: number | bigint | null;
  mergedFromId: number | bigint | null;
  writtenAt: string | Date | null;
};

type EventRow = { id: number | bigint; field: string; fromValue: string | null; toValue: string | null; createdAt: string | Date; actor: string };

function commentScope(s: Streams): { sql: string; args: unknown[] } {
  return s.internal ? { sql: `c."ticketNumber" = ?`, args: [s.number] } : { sql: `c."ticketNumber" = ? AND c."internal" = ?`, args: [s.number, false] };
}

/** The statement that reads one stream's next rows that way (exported for the query-plan tests). */
export function commentStreamSql(s: Streams, dir: Dir, bound: number | null, limit: number): { sql: string; args: unknown[] } {
  const scope = commentScope(s);
  const beyond = bound === null ? "" : ` AND c."id" ${dir === "back" ? "<" : ">"} ?`;
  return {
    sql: `SELECT c."id", c."body", c."internal", c."createdAt", c."mergedFromNumber", c."mergedFromId", c."writtenAt", ${shownNameSql("u")} AS "author"
     FROM "comment" c JOIN "user" u ON u."id" = c."authorId"
     WHERE ${scope.sql}${beyond} ORDER BY c."id" ${dir === "back" ? "DESC" : "ASC"} LIMIT ?`,
    args: [...scope.args, ...(bound === null ? [] : [bound]), limit],
  };
}

/** History events of tags: for those who may read tags (permissions.ts readTags) only. */
function eventScope(s: Streams): { sql: string; args: unknown[] } {
  return s.tags
    ? { sql: `a."ticketNumber" = ?`, args: [s.number] }
    : { sql: `a."ticketNumber" = ? AND a."field" <> ?`, args: [s.number, "tags"] };
}

export function eventStreamSql(s: Streams, dir: Dir, bound: number | null, limit: number): { sql: string; args: unknown[] } {
  const scope = eventScope(s);
  const beyond = bound === null ? "" : ` AND a."id" ${dir === "back" ? "<" : ">"} ?`;
  return {
    sql: `SELECT a."id", a."field", a."fromValue", a."toValue", a."createdAt", ${shownNameSql("u")} AS "actor"
     FROM "activity" a JOIN "user" u ON u."id" = a."actorId"
     WHERE ${scope.sql}${beyond} ORDER BY a."id" ${dir === "back" ? "DESC" : "ASC"} LIMIT ?`,
    args: [...scope.args, ...(bound === null ? [] : [bound]), limit],
  };
}

async function readComments(s: Streams, dir: Dir, bound: number | null, limit: number): Promise<CommentEntry[]> {
  const q = commentStreamSql(s, dir, bound, limit);
  const rows = await read.all<CommentRow>(q.sql, ...q.args);
  return rows.map((r) => {
    const writtenAt = asDateOrNull(r.writtenAt);
    return {
      type: "comment",
      id: Number(r.id),
      author: r.author,
      body: r.body,
      internal: Boolean(r.internal),
      createdAt: asDate(r.createdAt),
      from:
        r.mergedFromNumber === null
          ? null
          : { number: Number(r.mergedFromNumber), copied: writtenAt ? { writtenAt, description: r.mergedFromId === null } : null },
    };
  });
}

async function readEvents(s: Streams, dir: Dir, bound: number | null, limit: number): Promise<EventEntry[]> {
  if (!s.history) return [];
  const q = eventStreamSql(s, dir, bound, limit);
  const rows = await read.all<EventRow>(q.sql, ...q.args);
  return rows.map((r) => ({
    type: "event",
    id: Number(r.id),
    field: r.field,
    from: r.fromValue,
    to: r.toValue,
    actor: r.actor,
    createdAt: asDate(r.createdAt),
  }));
}

/** Time order: by time, an event before a comment written at the same moment (a merge's line, then what it copied), then by id. */
function before(a: TimelineEntry, b: TimelineEntry): boolean {
  const ta = a.createdAt.getTime();
  const tb = b.createdAt.getTime();
  if (ta !== tb) return ta < tb;
  if (a.type !== b.type) return a.type === "event";
  return a.id < b.id;
}

async function pageAt(s: Streams, position: ConversationPosition): Promise<TimelinePage> {
  const dir: Dir = position.kind === "after" ? "forward" : "back";
  // "after" with no bound in a stream means from its start (ids are positive).
  const bound: Place = position.kind === "latest" ? { comment: null, event: null } : position;
  const [comments, events] = await Promise.all([
    readComments(s, dir, bound.comment, COMMENTS_PAGE + 1),
    readEvents(s, dir, bound.event, TIMELINE_EVENTS_PAGE + 1),
  ]);
  // Merge the two in the reading direction until the page is full.
  const takenC: CommentEntry[] = [];
  const takenE: EventEntry[] = [];
  const taken: TimelineEntry[] = [];
  let chars = 0;
  let i = 0;
  let j = 0;
  for (;;) {
    const c = comments[i];
    const e = events[j];
    if (!c && !e) break;
    const next: TimelineEntry = !e ? c : !c ? e : dir === "back" ? (before(c, e) ? e : c) : before(c, e) ? c : e;
    if (next.type === "comment") {
      if (takenC.length === COMMENTS_PAGE || (takenC.length > 0 && chars + next.body.length > COMMENTS_PAGE_CHARS)) break;
      chars += next.body.length;
      takenC.push(next);
      i++;
    } else {
      if (takenE.length === TIMELINE_EVENTS_PAGE) break;
      takenE.push(next);
      j++;
    }
    taken.push(next);
  }
  if (taken.length === 0) return EMPTY;
  const headC = comments[i];
  const headE = events[j];
  // Going on the same way: past the last entry taken from each stream (or where it was bounded).
  const onward: Place = {
    comment: takenC.length ? takenC[takenC.length - 1].id : bound.comment,
    event: takenE.length ? takenE[takenE.length - 1].id : bound.event,
  };
  const moreOnward = headC !== undefined || headE !== undefined;
  // Going back the other way: before the first entry taken from each stream; for a stream with
  // none on this page, at the first entry it holds beyond the page (all of those come after the
  // page's last entry in the reading direction, by the merge) or where it was bounded.
  // (An "after" place of 0 is its start: null, as the URL writes it.)
  const backAt = (firstTaken: number | undefined, head: number | undefined, b: number | null): number | null => {
    const at = firstTaken ?? head ?? (b === null ? null : dir === "back" ? b - 1 : b + 1);
    return at !== null && at > 0 ? at : null;
  };
  const back: Place = {
    comment: backAt(takenC[0]?.id, headC?.id, bound.comment),
    event: backAt(takenE[0]?.id, headE?.id, bound.event),
  };
  const otherDir: Dir = dir === "back" ? "forward" : "back";
  const moreBack = position.kind !== "latest" && (await anyBeyond(s, otherDir, back));
  const entries = dir === "back" ? taken.reverse() : taken;
  return dir === "back"
    ? { entries, earlier: moreOnward ? onward : null, later: moreBack ? back : null }
    : { entries, earlier: moreBack ? back : null, later: moreOnward ? onward : null };
}

/** Whether either stream holds an entry beyond `place` that way (an unbounded stream: from its start). */
async function anyBeyond(s: Streams, dir: Dir, place: Place): Promise<boolean> {
  const op = dir === "back" ? "<" : ">";
  const scope = commentScope(s);
  const c = place.comment === null ? "" : ` AND c."id" ${op} ?`;
  if (await read.get(`SELECT 1 AS "x" FROM "comment" c WHERE ${scope.sql}${c} LIMIT 1`, ...scope.args, ...(place.comment === null ? [] : [place.comment]))) return true;
  if (!s.history) return false;
  const events = eventScope(s);
  const e = place.event === null ? "" : ` AND a."id" ${op} ?`;
  return (await read.get(`SELECT 1 AS "x" FROM "activity" a WHERE ${events.sql}${e} LIMIT 1`, ...events.args, ...(place.event === null ? [] : [place.event]))) !== undefined;
}
